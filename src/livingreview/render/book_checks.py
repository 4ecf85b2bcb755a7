"""The book model's checks and image list: citations against the bibliography,
pictures that exist and can go into the PDF (split from :mod:`.book`).

Each function takes the model (and a chapter) as :func:`.book.build_book` builds it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..bibliography import completeness_problems, parse_bibliography
from ..errors import Problem
from ..figures.parts import PARTS_CLASS
from ..wording import join_words
from .block_index import select
from .chapter_source import SCHEME
from .pandoc import bibliography_keys

if TYPE_CHECKING:
    from .book import BookModel, Chapter

FORMATS = ("html", "docx", "typst")


def check_citations(model: BookModel) -> None:
    if not model.citations:
        return
    if not model.book.bibliography:
        file, line = next(iter(model.citations.values()))
        model.problems.append(
            Problem(
                file,
                "citations are used but no bibliography is configured",
                row=line,
                fix="add bibliography: refs/references.bib to _quarto.yml",
            )
        )
        return
    keys = bibliography_keys(list(model.book.bibliography))
    bibs = ", ".join(p.relative_to(model.root).as_posix() for p in model.book.bibliography)
    for key, (file, line) in model.citations.items():
        if key not in keys:
            model.problems.append(
                Problem(
                    file,
                    f"unknown citation key '@{key}'",
                    row=line,
                    expected=f"a key in {bibs}",
                    fix="add the reference to the bibliography or correct the key",
                )
            )
    for path in model.book.bibliography:
        if path.suffix.lower() == ".bib" and path.is_file():
            library, _ = parse_bibliography(path)
            rel = path.relative_to(model.root).as_posix()
            model.problems.extend(completeness_problems(library, rel, model.citations))


def collect_images(model: BookModel, chapter: Chapter) -> None:
    if chapter.entry.path is None:
        return
    from .book import Image  # local: book imports this module

    base = chapter.entry.path.parent
    for el in select(chapter.blocks, ("Image",)):
        src = el["c"][2][0]
        if SCHEME.match(src):  # http:, data: ...
            _web_image(model, chapter, src)
            continue
        written = src
        src = re.split(r"[?#]", src, maxsplit=1)[0]  # a query string names the same file
        if src.startswith("/"):
            rel = Path(src.lstrip("/"))
        else:
            rel = Path(*normalise_parts((base / src).parts))
        el["c"][2][0] = rel.as_posix()
        model.images.append(Image(rel.as_posix(), chapter, written))


def _web_image(model: BookModel, chapter: Chapter, src: str) -> None:
    """A picture on the web or in a ``data:`` URI cannot go into the PDF here: say so now.

    Quarto downloads remote pictures for the PDF; the embedded backend never uses
    the network, and Typst cannot read ``data:`` URIs. The website shows them.
    """
    if model.book.formats and "typst" not in model.book.formats:
        return  # no PDF
    from .book import locate

    data = src.lower().startswith("data:")
    file, line = locate(chapter, re.escape(src[:60]))
    model.problems.append(
        Problem(
            file,
            "a picture given as a data: URI cannot go into the PDF"
            if data
            else "a picture on the web cannot go into the PDF (the embedded backend does not "
            "download)",
            row=line,
            found=src if len(src) <= 80 else src[:77] + "...",
            expected="a picture file inside the project",
            fix="save the picture into the project (e.g. images/) and point to that file",
        )
    )


def normalise_parts(parts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for p in parts:
        if p == "..":
            if out and out[-1] != "..":
                out.pop()
            else:
                out.append(p)
        elif p not in (".", ""):
            out.append(p)
    return out


def check_images(model: BookModel) -> None:
    formats = [f for f in FORMATS if f in model.book.formats] or list(FORMATS)
    for image in model.images:
        missing = []
        for fmt in formats:
            path = image.resolved(fmt, model.book)
            target = (model.root / path).resolve()
            if not target.is_relative_to(model.root):
                _image_problem(
                    model,
                    image,
                    "image outside the project folder",
                    fix="copy the image into the project (e.g. results/figures/)",
                )
                break
            if not target.is_file() and path not in missing:
                missing.append(path)
        if missing:
            _image_problem(
                model,
                image,
                "image not found",
                expected=join_words(missing),
                fix="correct the path (relative to the chapter) or run the workflow to draw "
                "the figure",
            )


def _image_problem(model: BookModel, image, message: str, **details) -> None:
    """Report a problem with one image, at the chapter line that writes it."""
    from .book import locate

    file, line = locate(image.chapter, re.escape(image.written))
    model.problems.append(Problem(file, message, row=line, found=image.written, **details))


def split_figure_problems(chapter: Chapter, root: Path) -> list[Problem]:
    """A figure in parts (a split study figure's include, ``figures.studies_per_part``)
    that is not alone in its figure div with its caption: its parts would then be
    numbered as figures of their own, and DOCX and PDF could not print it as a note
    (``figures.print_parts``). One problem per such include, at the chapter's line
    that includes it (``root``: the project)."""
    problems = []
    for div in select(chapter.blocks, ("Div",)):
        if PARTS_CLASS not in div["c"][0][1]:
            continue  # a float's own panel carries the class on its figure, not a div
        images = [el["c"][2][0] for el in select(div["c"][1], ("Image",))]
        name = Path(images[0]).parent.name if images else ""
        line = _include_line(root / chapter.rel, f"{name}.md") if name else None
        problems.append(
            Problem(
                chapter.rel,
                "a figure in parts must be alone in its figure block",
                row=line,
                found=f"other content beside the include of {name}.md, or no figure block",
                fix="keep only the include and the caption inside ::: {#fig-...} ... :::, "
                "and move other text out of the block",
            )
        )
    return problems


def _include_line(path: Path, name: str) -> int | None:
    """The line of ``path`` that includes a file called ``name``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    pattern = re.compile(r"\{\{<\s*include\s+\S*" + re.escape(name) + r"\s*>\}\}")
    return next((n for n, text in enumerate(lines, 1) if pattern.search(text)), None)

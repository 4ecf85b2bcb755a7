"""The book's PDF: its Typst source compiled by the ``typst`` package, fonts embedded.

A book with landscape tables is laid out twice (:mod:`.pagination`): a first layout
records where each landscape table could turn the pages, and the second is made with
the chosen places. Both are made by one :class:`typst.Compiler`, and the choice reaches
the second through a file the source reads, not through the source itself: the source
stays the same, so Typst reuses the first layout's work for everything the choice does
not change (issue 19: the shipped review's second layout took 0.14 s instead of 0.38,
the same PDF byte for byte). The file sits in the folder the PDF is written to (the
render's staging folder) and is removed before the PDF is used.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import RenderError, tool_problem
from .glyphs import warn_letters_without_glyphs
from .pagination import (
    CHOICE_LINE,
    LANDSCAPE_OFFER,
    OFFER_LABEL,
    choose_landscape_offers,
    with_landscape_choice,
)
from .project import Book, source_date_epoch
from .webfonts import dejavu_folder, text_font_folder

__all__ = ["LANDSCAPE_CHOICE", "TYPST_PACKAGES", "compile_pdf", "written_beside"]

TYPST_PACKAGES = resources.files("livingreview.render") / "typst_packages"
LANDSCAPE_CHOICE = ".lr-landscape-choice.json"  # beside the PDF while Typst lays it out


def written_beside(book: Book) -> tuple[str, ...]:
    """The files :func:`compile_pdf` writes into the PDF's folder (named from that
    folder): the PDF, the kept source (``keep-typ``) and, for a while, the choice."""
    return (f"{book.output_file}.pdf", f"{book.output_file}.typ", LANDSCAPE_CHOICE)


def compile_pdf(book: Book, source: str, output: Path) -> None:
    """The Typst ``source`` (:func:`~.embedded.typst_source`) compiled into ``output``
    with embedded fonts only."""
    options: dict[str, Any] = {
        # the source is compiled as a file at the project root, so image paths are
        # written project-relative, as in the .typ of Quarto's single-file book
        "root": str(book.root),
        "package_path": str(TYPST_PACKAGES),  # theorion and its dependencies, as Quarto ships them
        # the text face (shipped with the package) and the UI face, DejaVu Sans
        # (from matplotlib), also the face of the flow diagram's real SVG text
        "font_paths": [str(text_font_folder()), str(dejavu_folder())],
        "ignore_system_fonts": True,
    }
    warn_letters_without_glyphs(source, options["font_paths"])
    keep_source = bool(book.format_option("typst", "keep-typ", False))  # Quarto's option
    try:
        if LANDSCAPE_OFFER in source:  # a first layout finds where landscape pages fit
            source = _compile_twice(book, source, output, options)
        else:
            _compile(source, output, options)
    except Exception as exc:  # typst.TypstError carries the diagnostic
        raise RenderError(
            [
                tool_problem(
                    "review.typ",
                    "Typst could not compile the PDF",
                    str(exc),
                    "Typst's message above usually names the element",
                )
            ]
        ) from None
    if keep_source:  # with the chosen places written in: it compiles on its own
        output.with_suffix(".typ").write_text(source, encoding="utf-8", newline="\n")


def _compile(source: str, output: Path, options: dict[str, Any]) -> None:
    import typst

    # written by Typst itself: no copy of the PDF's bytes in Python on top of its memory
    typst.compile(
        source.encode("utf-8"), output=str(output), timestamp=source_date_epoch(), **options
    )


def _compile_twice(book: Book, source: str, output: Path, options: dict[str, Any]) -> str:
    """Lay ``source`` out once to choose where its landscape tables turn the pages, then
    compile it with that choice; returns the source with the choice written in."""
    import typst

    choice = output.with_name(LANDSCAPE_CHOICE)
    inside = _typst_path(choice, Path(book.root))
    if inside is None:  # a file Typst cannot read: two compiles
        found = typst.query(source.encode("utf-8"), OFFER_LABEL, field="value", **options)
        source = with_landscape_choice(source, choose_landscape_offers(json.loads(found)))
        _compile(source, output, options)
        return source
    path = json.dumps(inside, ensure_ascii=False)  # a Typst string, its quotes escaped
    reading = source.replace(CHOICE_LINE, f"#let lr-landscape-choice = json({path})", 1)
    data = reading.encode("utf-8")
    try:
        choice.write_text("{}", encoding="utf-8")
        compiler = typst.Compiler(data, **options)
        chosen = choose_landscape_offers(json.loads(compiler.query(OFFER_LABEL, field="value")))
        choice.write_text(json.dumps(chosen, sort_keys=True), encoding="utf-8")
        compiler.compile(input=data, output=str(output), timestamp=source_date_epoch())
    finally:
        choice.unlink(missing_ok=True)
    return with_landscape_choice(source, chosen)


def _typst_path(path: Path, root: Path) -> str | None:
    """``path`` as the Typst source reads it (from the project ``root``), or None where
    Typst cannot read it: outside the root, or with a backslash in a name."""
    try:
        inside = "/" + path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return None if "\\" in inside else inside

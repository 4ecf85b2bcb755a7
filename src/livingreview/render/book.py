"""The book model: chapters parsed, numbered and cross-referenced, Quarto's way.

``build_book`` turns a project into a :class:`BookModel`, the one
format-independent representation that the HTML, DOCX and Typst writers and
the ``check`` command share:

1. each chapter's text with shortcodes and includes expanded (line map kept);
2. parsed by Pandoc into its JSON AST;
3. chapters numbered (``index.qmd`` and ``{.unnumbered}`` chapters are not,
   appendices are lettered) and sections numbered below them;
4. figures and tables in both Quarto forms normalised to Pandoc ``Figure`` and
   ``Table`` elements with ids, numbered per chapter ("Figure 3.1") and given
   Quarto's caption prefix ("Figure 3.1: ...");
5. ``@fig-``/``@tbl-``/``@sec-``/``@eq-`` references replaced by links with
   Quarto's text, so citeproc only ever sees real citation keys.

Every problem found on the way is collected with the file and line where it
was written, so a user sees all of them in one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bibliography import completeness_problems, parse_bibliography
from ..errors import Problem
from . import ast as A
from .pandoc import bibliography_keys, markdown_to_ast
from .project import QUARTO_FILE, Book, BookEntry, load_book
from .reader_text import reader_text_problems
from .shortcodes import Context, Expanded, expand_file, expand_metadata
from .syntax import scan

CROSSREF_KINDS = ("fig", "tbl", "sec", "eq")
NBSP = "\u00a0"
FORMATS = ("html", "docx", "typst")
DEFAULT_IMAGE_EXTENSION = {"html": "png", "docx": "png", "typst": "png"}


@dataclass
class Target:
    """Something a cross-reference can point at."""

    kind: str  # fig, tbl, sec, eq
    number: str | None  # "3.1"; None for an unnumbered section
    page: str  # HTML page (relative to _book/) that holds it
    level: int = 0  # heading level, for sections
    appendix: bool = False
    title: list[A.Element] = field(default_factory=list)


@dataclass
class Chapter:
    """One file of the book (or a title-only part)."""

    entry: BookEntry
    page: str  # HTML path relative to _book/
    source: Expanded
    blocks: list[A.Element]
    meta: dict[str, Any]
    number: str | None = None
    title: list[A.Element] = field(default_factory=list)
    anchor: str = ""  # id of the chapter's title heading

    @property
    def rel(self) -> str:
        return self.entry.path.as_posix() if self.entry.path else QUARTO_FILE


@dataclass
class Image:
    """An image reference, project-relative, for copying and existence checks."""

    path: str  # project-relative posix path, as written (maybe without extension)
    chapter: Chapter
    written: str

    def resolved(self, fmt: str, book: Book) -> str:
        """The path with the format's ``default-image-extension`` applied."""
        if Path(self.path).suffix:
            return self.path
        ext = str(
            book.format_option(fmt, "default-image-extension", DEFAULT_IMAGE_EXTENSION[fmt])
        ).lstrip(".")
        return f"{self.path}.{ext}"


@dataclass
class BookModel:
    """The whole book, ready for the format writers."""

    book: Book
    chapters: list[Chapter]
    metadata: dict[str, Any]  # _quarto.yml metadata, shortcodes expanded
    targets: dict[str, Target]
    citations: dict[str, tuple[str, int | None]]  # key -> first (file, line)
    images: list[Image]
    problems: list[Problem]

    @property
    def root(self) -> Path:
        return self.book.root

    def page_of_id(self) -> dict[str, str]:
        """Every element id in the book mapped to the HTML page that holds it."""
        pages: dict[str, str] = {}
        for chapter in self.chapters:
            for el in A.iter_elements(chapter.blocks):
                a = A.get_attr(el)
                if a and a[0]:
                    pages.setdefault(a[0], chapter.page)
        return pages


# ---------------------------------------------------------------- locating


def locate(chapter: Chapter, pattern: str, last: bool = False) -> tuple[str, int | None]:
    """(file, line) of the first (or last) source line matching ``pattern``, outside code."""
    regex = re.compile(pattern)
    fence: str | None = None
    found: tuple[str, int] | None = None
    for text, origin in zip(chapter.source.lines, chapter.source.origins, strict=True):
        stripped = text.lstrip()
        if stripped.startswith(("```", "~~~")):
            mark = stripped[:3]
            fence = None if fence == mark else (fence or mark)
            continue
        if fence is None and regex.search(text):
            if not last:
                return origin
            found = origin
    return found or (chapter.rel, None)


def _ref_pattern(key: str) -> str:
    return r"(?<![\w])-?@" + re.escape(key) + r"(?![\w-])"


# ---------------------------------------------------------------- building


def build_book(root: Path, check_bibliography: bool = True) -> BookModel:
    """Read, expand, parse, number and cross-reference every chapter of the book."""
    book = load_book(root)
    problems: list[Problem] = []
    ctx = Context(book.root, book.variables, book.metadata)
    quarto_text = (book.root / QUARTO_FILE).read_text(encoding="utf-8")
    metadata = expand_metadata(book.metadata, QUARTO_FILE, quarto_text, ctx, problems)
    chapters = [_read_chapter(book, entry, ctx, problems) for entry in book.entries]
    for chapter in chapters:
        problems.extend(scan(chapter.source))
    model = BookModel(book, chapters, metadata, {}, {}, [], problems)
    _number_book(model)
    for chapter in chapters:
        _resolve_crossrefs(model, chapter)
        _resolve_chapter_links(model, chapter)
        _collect_images(model, chapter)
    if check_bibliography:
        _check_citations(model)
    _check_images(model)
    problems.extend(reader_text_problems(model))
    return model


def _read_chapter(book: Book, entry: BookEntry, ctx: Context, problems: list[Problem]) -> Chapter:
    if entry.path is None:  # a part given only by its title
        title = A.text_inlines(entry.title or "")
        slug = re.sub(r"[^a-z0-9]+", "-", (entry.title or "part").lower()).strip("-")
        blocks = [A.Header(1, title, A.attr(f"part-{slug}", ["unnumbered", "part"]))]
        return Chapter(entry, "", Expanded(), blocks, {})
    path = book.root / entry.path
    if not path.exists():
        problems.append(
            Problem(
                QUARTO_FILE,
                "chapter file not found",
                column="book.chapters",
                found=entry.path.as_posix(),
                fix="create the file or remove it from the chapters list",
            )
        )
        return Chapter(entry, entry.html_path or "", Expanded(), [], {})
    source = expand_file(path, ctx, problems)
    doc = markdown_to_ast(source.text, what=entry.path.as_posix())
    blocks = doc["blocks"]
    meta = doc.get("meta", {})
    if not any(b["t"] == "Header" and b["c"][0] == 1 for b in blocks) and "title" in meta:
        title = meta["title"]
        inlines = (
            title["c"]
            if title["t"] in ("MetaInlines",)
            else A.text_inlines(A.stringify(title["c"]))
        )
        classes = []
        if entry.path.as_posix() == "index.qmd":
            classes.append("unnumbered")
        blocks.insert(0, A.Header(1, inlines, A.attr("", classes)))
    return Chapter(entry, entry.html_path or "", source, blocks, meta)


# ---------------------------------------------------------------- numbering


def _is_index(entry: BookEntry) -> bool:
    return entry.path is not None and entry.path.as_posix() == "index.qmd"


def _number_book(model: BookModel) -> None:
    chapter_count = 0
    appendix_count = 0
    seen_ids: set[str] = set()
    depth = model.book.metadata.get("number-depth")
    for chapter in model.chapters:
        h1 = next((b for b in chapter.blocks if b["t"] == "Header" and b["c"][0] == 1), None)
        numbered = (
            h1 is not None
            and chapter.entry.kind != "part"
            and not _is_index(chapter.entry)
            and "unnumbered" not in h1["c"][1][1]
        )
        if numbered and chapter.entry.kind == "appendix":
            chapter.number = chr(ord("A") + appendix_count)
            appendix_count += 1
        elif numbered:
            chapter_count += 1
            chapter.number = str(chapter_count)
        _number_chapter(model, chapter, h1, seen_ids, depth)


def _number_chapter(
    model: BookModel, chapter: Chapter, h1: A.Element | None, seen_ids: set[str], depth: Any
) -> None:
    crossref = model.book.crossref
    counters = [0] * 7
    counts = {"fig": 0, "tbl": 0, "eq": 0}
    appendix = chapter.entry.kind == "appendix"

    def number_for(kind: str) -> str:
        counts[kind] += 1
        return f"{chapter.number}.{counts[kind]}" if chapter.number else str(counts[kind])

    def visit(el: A.Element) -> Any:
        t = el["t"]
        if t == "Div":
            return _normalise_div(el)
        return None

    chapter.blocks = A.walk(chapter.blocks, visit)
    for el in A.iter_elements(chapter.blocks):
        t = el["t"]
        if t == "Header":
            level, a, inlines = el["c"]
            if a[0] in seen_ids:
                n = 1
                while f"{a[0]}-{n}" in seen_ids:
                    n += 1
                a[0] = f"{a[0]}-{n}"
            if a[0]:
                seen_ids.add(a[0])
            title = list(inlines)
            number = None
            if el is h1:
                chapter.title = title
                chapter.anchor = a[0]
                if chapter.number:
                    number = chapter.number
                    prefix = []
                    if appendix:
                        prefix = [*A.text_inlines(crossref["appendix-title"]), A.Space()]
                    el["c"][2] = [
                        *prefix,
                        A.Span([A.Str(number)], A.attr("", ["chapter-number"])),
                        *(
                            [A.Space(), A.Str(crossref["appendix-delim"].strip())]
                            if appendix
                            else []
                        ),
                        A.Space(),
                        A.Span(inlines, A.attr("", ["chapter-title"])),
                    ]
            elif (
                level > 1
                and chapter.number
                and "unnumbered" not in a[1]
                and (depth is None or level <= int(depth))
            ):
                counters[level] += 1
                for deeper in range(level + 1, len(counters)):
                    counters[deeper] = 0
                parts = [chapter.number] + [str(counters[i] or 1) for i in range(2, level + 1)]
                number = ".".join(parts)
                el["c"][2] = [
                    A.Span([A.Str(number)], A.attr("", ["header-section-number"])),
                    A.Space(),
                    *inlines,
                ]
            if a[0].startswith("sec-"):
                _add_target(
                    model,
                    chapter,
                    a[0],
                    Target("sec", number, chapter.page, level, appendix and level == 1, title),
                )
        elif t in ("Figure", "Table"):
            a = el["c"][0]
            kind = "fig" if t == "Figure" else "tbl"
            if a[0].startswith(kind + "-"):
                number = number_for(kind)
                _add_target(model, chapter, a[0], Target(kind, number, chapter.page))
            if t == "Figure":
                _set_alt_text(el)
            if a[0].startswith(kind + "-"):
                _prefix_caption(el, crossref[f"{kind}-title"], number, crossref["title-delim"])
        elif t == "Para":
            _number_equations(model, chapter, el, number_for)


def _add_target(model: BookModel, chapter: Chapter, ident: str, target: Target) -> None:
    if ident in model.targets:
        file, line = locate(chapter, r"#" + re.escape(ident) + r"(?![\w-])", last=True)
        model.problems.append(
            Problem(
                file,
                f"duplicate cross-reference id '{ident}'",
                row=line,
                fix="give each figure, table and section its own id",
            )
        )
        return
    model.targets[ident] = target


def _normalise_div(div: A.Element) -> A.Element | None:
    """Quarto's ``::: {#fig-x}`` / ``::: {#tbl-x}`` divs become Figure/Table elements."""
    a, blocks = div["c"]
    ident = a[0]
    callout = next((c for c in a[1] if c.startswith("callout-")), None)
    if callout and blocks and blocks[0]["t"] == "Header" and A.attr_get(a, "title") is None:
        # Quarto takes a callout's title from its first heading
        a[2].append(["title", A.stringify(blocks[0]["c"][2])])
        div["c"][1] = blocks[1:]
        return None
    if not (ident.startswith("fig-") or ident.startswith("tbl-")) or not blocks:
        return None
    caption: list[A.Element] = []
    body = list(blocks)
    if body[-1]["t"] == "Para" and len(body) > 1:
        caption = body.pop()["c"]
    if ident.startswith("tbl-"):
        tables = [b for b in body if b["t"] == "Table"]
        if len(tables) == 1:
            table = tables[0]
            table["c"][0] = [ident, list(a[1]), list(a[2])]
            if caption:
                table["c"][1] = [None, [A.Plain(caption)]]
            return table if len(body) == 1 else A.Div(body)
        return None
    figures = [b for b in body if b["t"] == "Figure"]
    if len(body) == 1 and figures:  # ::: {#fig-x} wrapping ![cap](img)
        inner = figures[0]
        inner["c"][0] = [ident, list(a[1]), list(a[2])]
        if caption:
            inner["c"][1] = [None, [A.Plain(caption)]]
        return inner
    content = []
    for b in body:
        if b["t"] == "Figure":  # an implicit figure inside: keep only its image
            content.extend(b["c"][2])
        elif b["t"] == "Para":
            content.append(A.Plain(b["c"]))
        else:
            content.append(b)
    return {
        "t": "Figure",
        "c": [
            [ident, list(a[1]), list(a[2])],
            [None, [A.Plain(caption)] if caption else []],
            content,
        ],
    }


def _prefix_caption(el: A.Element, title: str, number: str, delim: str) -> None:
    caption = el["c"][1]
    blocks = caption[1]
    prefix = [*A.text_inlines(f"{title}{NBSP}{number}{delim}")]
    if blocks and blocks[0]["t"] in ("Plain", "Para"):
        blocks[0]["c"] = [A.Span(prefix, A.attr("", ["caption-label"])), A.Space(), *blocks[0]["c"]]
    else:
        blocks.insert(0, A.Plain([A.Span(prefix, A.attr("", ["caption-label"]))]))


def _set_alt_text(figure: A.Element) -> None:
    """Alt text from ``fig-alt`` (on the figure or image), else the caption text."""
    fig_attr = figure["c"][0]
    fig_alt = A.attr_pop(fig_attr, "fig-alt")
    caption_blocks = figure["c"][1][1]
    caption_text = A.stringify([b["c"] for b in caption_blocks]) if caption_blocks else ""

    def fix(el: A.Element) -> None:
        if el["t"] == "Image":
            alt = A.attr_pop(el["c"][0], "fig-alt") or fig_alt
            if alt:
                el["c"][1] = A.text_inlines(alt)
            elif not el["c"][1]:
                el["c"][1] = A.text_inlines(caption_text)

    for el in A.iter_elements(figure["c"][2]):
        fix(el)


def _number_equations(model: BookModel, chapter: Chapter, para: A.Element, number_for: Any) -> None:
    """``$$ ... $$ {#eq-x}``: tag the equation with its number and give it an anchor."""
    inlines = para["c"]
    i = 0
    while i < len(inlines):
        el = inlines[i]
        if el["t"] == "Math" and el["c"][0]["t"] == "DisplayMath":
            j = i + 1
            if j < len(inlines) and inlines[j]["t"] in ("Space", "SoftBreak"):
                j += 1
            if j < len(inlines) and inlines[j]["t"] == "Str":
                m = re.fullmatch(r"\{#(eq-[\w-]+)\}", inlines[j]["c"])
                if m:
                    ident = m.group(1)
                    number = number_for("eq")
                    _add_target(model, chapter, ident, Target("eq", number, chapter.page))
                    el["c"][1] = el["c"][1].rstrip() + rf" \qquad ({number})"
                    inlines[i] = A.Span([el], A.attr(ident, ["quarto-equation"]))
                    del inlines[i + 1 : j + 1]
        i += 1


# ---------------------------------------------------------------- cross-references


def crossref_kind(key: str) -> str | None:
    """``fig``/``tbl``/``sec``/``eq`` if ``key`` is a cross-reference id (any case)."""
    prefix = key.split("-", 1)[0]
    if (
        "-" in key
        and prefix.lower() in CROSSREF_KINDS
        and prefix in (prefix.lower(), prefix.capitalize())
    ):
        return prefix.lower()
    return None


def _resolve_crossrefs(model: BookModel, chapter: Chapter) -> None:
    crossref = model.book.crossref

    def visit(el: A.Element) -> Any:
        if el["t"] != "Cite":
            return None
        citations = el["c"][0]
        kinds = [crossref_kind(c["citationId"]) for c in citations]
        if not any(kinds):
            for c in citations:
                model.citations.setdefault(c["citationId"], ("", None))
                if model.citations[c["citationId"]] == ("", None):
                    model.citations[c["citationId"]] = locate(
                        chapter, _ref_pattern(c["citationId"])
                    )
            return None
        if not all(kinds):
            file, line = locate(chapter, _ref_pattern(citations[0]["citationId"]))
            model.problems.append(
                Problem(
                    file,
                    "a cross-reference and a citation share one pair of brackets",
                    row=line,
                    found=A.stringify(el["c"][1]),
                    fix="write them separately, e.g. [@smith2020] and @fig-x",
                )
            )
            return None
        out: list[A.Element] = []
        for n, c in enumerate(citations):
            key = c["citationId"]
            ident = key[0].lower() + key[1:]
            target = model.targets.get(ident)
            if target is None:
                file, line = locate(chapter, _ref_pattern(key))
                model.problems.append(
                    Problem(
                        file,
                        f"unresolved cross-reference '@{key}'",
                        row=line,
                        expected="the id of a figure, table, section or equation in the book",
                        fix=f"add {{#{ident}}} to the element, or correct the id",
                    )
                )
                return None
            if n:
                out.extend([A.Str(","), A.Space()])
            out.append(
                A.Link(
                    _ref_text(target, c, key[0].isupper(), crossref),
                    "#" + ident,
                    A.attr("", ["quarto-xref"]),
                )
            )
        return out

    chapter.blocks = A.walk(chapter.blocks, visit)


def _ref_text(
    target: Target, citation: dict[str, Any], capital: bool, crossref: dict[str, str]
) -> list[A.Element]:
    if target.number is None:  # unnumbered section: its title
        return list(target.title)
    number = [A.Str(target.number)]
    suffix = citation.get("citationSuffix") or []
    if citation["citationMode"]["t"] == "SuppressAuthor":
        return [*number, *suffix]
    if citation.get("citationPrefix"):
        return [*citation["citationPrefix"], A.Str(NBSP), *number, *suffix]
    if target.kind == "sec" and target.level == 1:
        prefix = crossref["appendix-title"] if target.appendix else crossref["ch-prefix"]
    else:
        prefix = crossref[f"{target.kind}-prefix"]
    if capital:
        prefix = prefix[:1].upper() + prefix[1:]
    return [A.Str(prefix + NBSP + target.number), *suffix]


def _resolve_chapter_links(model: BookModel, chapter: Chapter) -> None:
    """``[text](other.qmd#id)`` links become ``#id`` (``#`` + chapter id without one).

    The HTML writer then turns ids on other pages into ``page.html#id``, and in
    DOCX/PDF they are internal links, as Quarto does for books.
    """
    if chapter.entry.path is None:
        return
    by_path = {c.entry.path.as_posix(): c for c in model.chapters if c.entry.path}
    for el in A.iter_elements(chapter.blocks):
        if el["t"] != "Link":
            continue
        target = el["c"][2][0]
        path, _, anchor = target.partition("#")
        if not path.endswith((".qmd", ".md")) or re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I):
            continue
        rel = "/".join(_normalise_parts((chapter.entry.path.parent / path).parts))
        other = by_path.get(rel)
        if other is None:
            file, line = locate(chapter, re.escape(target))
            model.problems.append(
                Problem(
                    file,
                    "link to a file that is not a chapter of the book",
                    row=line,
                    found=target,
                    expected="a file listed in book: chapters: of _quarto.yml",
                    fix="correct the link or add the file to the chapters",
                )
            )
            continue
        el["c"][2][0] = "#" + (anchor or other.anchor)


# ---------------------------------------------------------------- checks


def _check_citations(model: BookModel) -> None:
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


def _collect_images(model: BookModel, chapter: Chapter) -> None:
    if chapter.entry.path is None:
        return
    base = chapter.entry.path.parent
    for el in A.iter_elements(chapter.blocks):
        if el["t"] != "Image":
            continue
        src = el["c"][2][0]
        if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):  # http:, data: ...
            continue
        written = src
        if src.startswith("/"):
            rel = Path(src.lstrip("/"))
        else:
            rel = Path(*_normalise_parts((base / src).parts))
        el["c"][2][0] = rel.as_posix()
        model.images.append(Image(rel.as_posix(), chapter, written))


def _normalise_parts(parts: tuple[str, ...]) -> list[str]:
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


def _check_images(model: BookModel) -> None:
    formats = [f for f in FORMATS if f in model.book.formats] or list(FORMATS)
    for image in model.images:
        missing = []
        for fmt in formats:
            path = image.resolved(fmt, model.book)
            target = (model.root / path).resolve()
            if not target.is_relative_to(model.root):
                file, line = locate(image.chapter, re.escape(image.written))
                model.problems.append(
                    Problem(
                        file,
                        "image outside the project folder",
                        row=line,
                        found=image.written,
                        fix="copy the image into the project (e.g. results/figures/)",
                    )
                )
                break
            if not target.is_file() and path not in missing:
                missing.append(path)
        if missing:
            file, line = locate(image.chapter, re.escape(image.written))
            model.problems.append(
                Problem(
                    file,
                    "image not found",
                    row=line,
                    found=image.written,
                    expected=" and ".join(missing),
                    fix="correct the path (relative to the chapter) or run the workflow to draw "
                    "the figure",
                )
            )

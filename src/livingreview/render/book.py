"""The book model: chapters parsed, numbered and cross-referenced, Quarto's way.

``build_book`` turns a project into a :class:`BookModel`, the one
format-independent representation that the HTML, DOCX and Typst writers and
the ``check`` command share:

1. each chapter's text with shortcodes and includes expanded (line map kept;
   the chapter's own front matter is read first, for ``meta`` and ``crossref:``);
2. parsed by Pandoc into its JSON AST;
3. chapters numbered as Quarto numbers them (``index.qmd`` too, unless it is
   ``{.unnumbered}``; appendices are lettered) and sections numbered below them;
4. every Quarto float form (see :mod:`.floats`) normalised to a Pandoc
   ``Figure`` or ``Table`` with its id, numbered per chapter ("Figure 3.1", or
   through the book with ``crossref: chapters: false``), subfloats labelled
   "(a)", "(b)", and given Quarto's caption prefix ("Figure 3.1: ...");
5. ``@fig-``/``@tbl-``/``@sec-``/``@eq-`` references replaced by links with
   Quarto's text, so citeproc only ever sees real citation keys. A reference
   to nothing stops the build, or with ``lenient`` becomes Quarto's ``?@id``.

Every problem found on the way is collected with the file and line where it
was written, so a user sees all of them in one run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..paths import DEFAULT_IMAGE_EXTENSION
from . import ast as A
from .block_index import rewrite, select
from .book_checks import (
    check_citations,
    check_images,
    collect_images,
    normalise_parts,
    split_figure_problems,
)
from .callouts import take_title
from .chapter_memo import ChapterMemo, Reads, digest, load
from .chapter_source import flag, front_matter, parsed
from .claim_marks import claim_findings, marks_false_claims, render_claims
from .floats import float_kind, is_subfloat, label, mark_parts, normalise_floats, subfloats
from .numbered_blocks import NAMES, block_kind, title_block
from .project import QUARTO_FILE, Book, BookEntry, load_book
from .raw_typst import raw_typst_problems
from .reader_text import chapter_reader_problems, reader_terms
from .shortcodes import Context, Expanded, expand_file, expand_metadata
from .source_anchors import mark_paragraphs
from .syntax import scan
from .xrefs import EQUATION, EQUATION_NUMBER, XREF, XREF_SUPPLEMENT

CROSSREF_KINDS = ("fig", "tbl", "sec", "eq", "lst", *NAMES)
# Quarto's other reference prefixes: not numbered by the embedded backend, so a
# reference to one is reported as an unsupported reference type.
OTHER_KINDS = ("alg",)
ELEMENTS = {"fig": "figure", "tbl": "table", "sec": "section", "eq": "equation", "lst": "listing"}
NBSP = "\u00a0"


@dataclass
class Target:
    """Something a cross-reference can point at."""

    kind: str  # fig, tbl, lst, sec, eq, thm ..., nte ...
    number: str | None  # "3.1"; None for an unnumbered section (Quarto: unresolved)
    page: str  # HTML page (relative to _book/) that holds it
    level: int = 0  # heading level, for sections
    appendix: bool = False


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
    crossref: dict[str, str] = field(default_factory=dict)  # book's options + the chapter's own
    mentions: dict[str, tuple[str, int | None]] | None = field(default=None, repr=False)
    """``@key`` -> first source line, built on first use (see :func:`locate_key`)."""
    text: str = field(default="", repr=False)  # the expanded text Pandoc parses
    key: str = field(default="", repr=False)  # of its state (see :mod:`.chapter_memo`)
    packed: bytes | None = field(default=None, repr=False)  # blocks not yet decoded

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
    warnings: list[Problem] = field(default_factory=list)
    """What Quarto would warn about (--lenient) and false claims a draft build marks."""
    lenient: bool = False

    @property
    def root(self) -> Path:
        return self.book.root

    def page_of_id(self) -> dict[str, str]:
        """Every element id in the book mapped to the HTML page that holds it."""
        pages: dict[str, str] = {}
        for chapter in self.chapters:
            for el in select(chapter.blocks, A.HAS_ATTR):
                a = A.get_attr(el)
                if a and a[0]:
                    pages.setdefault(a[0], chapter.page)
        return pages


# ---------------------------------------------------------------- locating


def locate(chapter: Chapter, pattern: str, last: bool = False) -> tuple[str, int | None]:
    """(file, line) of the first (or last) source line matching ``pattern``, outside code."""
    regex = re.compile(pattern)
    found: tuple[str, int] | None = None
    for text, origin in _lines_outside_code(chapter):
        if regex.search(text):
            if not last:
                return origin
            found = origin
    return found or (chapter.rel, None)


def _lines_outside_code(chapter: Chapter) -> Iterator[tuple[str, tuple[str, int]]]:
    """Each source line of ``chapter`` with its origin, leaving out fenced code."""
    fence: str | None = None
    for text, origin in zip(chapter.source.lines, chapter.source.origins, strict=True):
        stripped = text.lstrip()
        if stripped.startswith(("```", "~~~")):
            mark = stripped[:3]
            fence = None if fence == mark else (fence or mark)
            continue
        if fence is None:
            yield text, origin


def _ref_pattern(key: str) -> str:
    return r"(?<![\w])-?@" + re.escape(key) + r"(?![\w-])"


_WORD = re.compile(r"\w")
_KEY_END = re.compile(r"[^\w-]")
_NON_SPACE = re.compile(r"\S*")


def locate_key(chapter: Chapter, key: str) -> tuple[str, int | None]:
    """``locate(chapter, _ref_pattern(key))``, from an index of the chapter's ``@key``
    mentions built in one pass over its source (a book cites a thousand keys: one
    scan of the source per key was most of the check at 1,000 studies)."""
    if not key or any(c.isspace() for c in key):
        return locate(chapter, _ref_pattern(key))
    if chapter.mentions is None:
        chapter.mentions = _mention_index(chapter)
    return chapter.mentions.get(key) or (chapter.rel, None)


def _mention_index(chapter: Chapter) -> dict[str, tuple[str, int | None]]:
    """Every string ``k`` (without whitespace: no key has any) for which
    ``_ref_pattern(k)`` matches a source line outside code, mapped to the first such
    line's origin: an ``@`` not after a word character, then ``k``, then neither a
    word character nor ``-``."""
    index: dict[str, tuple[str, int | None]] = {}
    for text, origin in _lines_outside_code(chapter):
        if "@" not in text:
            continue
        at = text.find("@")
        while at >= 0:
            if at == 0 or not _WORD.match(text, at - 1):
                run = _NON_SPACE.match(text, at + 1).group(0)  # type: ignore[union-attr]
                for end in [m.start() for m in _KEY_END.finditer(run)] + [len(run)]:
                    if end:
                        index.setdefault(run[:end], origin)
            at = text.find("@", at + 1)
    return index


# ---------------------------------------------------------------- building


def build_book(
    root: Path,
    check_bibliography: bool = True,
    lenient: bool = False,
    on_false_claim: str = "stop",
    memo: ChapterMemo | None = None,
) -> BookModel:
    """Read, expand, parse, number and cross-reference every chapter of the book.

    ``lenient`` renders an unresolved cross-reference as Quarto does (``?@fig-x``,
    recorded in ``warnings``) instead of refusing the book. Checked claims are
    judged against ``_variables.yml``: a false claim is a problem, or with
    ``on_false_claim="mark"`` in a draft build a warning and a visible marker
    (see :mod:`.claim_marks`). ``memo`` (the preview's) keeps each chapter's
    state from the last build: only chapters whose inputs changed are parsed,
    numbered and resolved again (:mod:`.chapter_memo`).
    """
    book = load_book(root)
    memo = memo or ChapterMemo(keep=False)
    problems: list[Problem] = []
    ctx = Context(book.root, book.variables, book.metadata, lenient=lenient)
    quarto_text = (book.root / QUARTO_FILE).read_text(encoding="utf-8")
    metadata = expand_metadata(book.metadata, QUARTO_FILE, quarto_text, ctx, problems)
    chapters = [_read_chapter(book, entry, ctx, problems) for entry in book.entries]
    for chapter in chapters:
        problems.extend(scan(chapter.source))
    claim_problems, warnings = claim_findings(chapters, book.variables, on_false_claim)
    warnings = [*ctx.warnings, *warnings]
    problems.extend(claim_problems)
    mark = marks_false_claims(book.variables, on_false_claim)
    model = BookModel(book, chapters, metadata, {}, {}, [], problems, warnings, lenient=lenient)
    h1s = []
    for chapter in chapters:
        memo.start(chapter, chapter.text, chapter.source.origins, chapter.blocks)
        meta, h1, _ = memo.stage(
            "local",
            chapter,
            memo.local_parts(chapter, book.variables, mark),
            lambda ch: _local_passes(ch, book, mark, memo),
            after=lambda found: memo.claim_parts(found[2], book.variables, mark),
        )
        chapter.meta = meta
        h1s.append(h1)
    _number_book(model, memo, h1s)
    for chapter in chapters:
        _resolve_chapter(model, chapter, memo)
    for chapter in chapters:
        load(chapter)
    if not book.formats or "typst" in book.formats:
        for chapter in chapters:
            problems += memo.stage(
                "typst", chapter, (), lambda ch: raw_typst_problems([ch]), changes_blocks=False
            )
    if check_bibliography:
        check_citations(model)
    check_images(model)
    for chapter in chapters:  # a split figure alone in its block (figures.print_parts)
        problems += memo.stage(
            "parts", chapter, (), lambda ch: split_figure_problems(ch, model.root),
            changes_blocks=False,
        )  # fmt: skip
    terms = reader_terms(model)
    for chapter in chapters:
        problems += memo.stage(
            "reader", chapter, (terms[3],), lambda ch: chapter_reader_problems(ch, *terms[:3]),
            changes_blocks=False,
        )  # fmt: skip
    return model


def _local_passes(
    chapter: Chapter, book: Book, mark: bool, memo: ChapterMemo
) -> tuple[dict[str, Any], bool | None, bool]:
    """Parse the chapter, render its claims, take callout titles, normalise its floats;
    returns its metadata, its first level-1 header's state (numbered or not) and
    whether it has a checked claim (whose rendering reads the variables)."""
    if chapter.entry.path is not None and chapter.text:
        used = len(memo.regions.used)
        blocks, meta = parsed(chapter.text, what=chapter.rel, regions=memo.regions)
        memo.note_regions(chapter, memo.regions.used[used:])
        if not any(b["t"] == "Header" and b["c"][0] == 1 for b in blocks) and "title" in meta:
            title = meta["title"]
            inlines = (
                title["c"]
                if title["t"] in ("MetaInlines",)
                else A.text_inlines(A.stringify(title["c"]))
            )
            blocks.insert(0, A.Header(1, inlines, A.attr("", [])))
        chapter.blocks, chapter.meta = blocks, meta
    claims: list[A.Element] = []
    blocks = render_claims(chapter.blocks, book.variables, mark, found=claims)

    def visit(el: A.Element) -> Any:
        if el["t"] == "Div":
            take_title(el)
        return None

    blocks = list(blocks)
    rewrite(blocks, ("Div",), visit)
    chapter.blocks = normalise_floats(blocks)
    h1 = _h1(chapter)
    return chapter.meta, None if h1 is None else "unnumbered" not in h1["c"][1][1], bool(claims)


def _target_key(target: Target | None) -> Any:
    return target and (target.kind, target.number, target.page, target.level, target.appendix)


def _h1(chapter: Chapter) -> A.Element | None:
    return next((b for b in chapter.blocks if b["t"] == "Header" and b["c"][0] == 1), None)


def _resolve_chapter(model: BookModel, chapter: Chapter, memo: ChapterMemo) -> None:
    """Cross-references, links to chapters and images of one chapter, or their kept
    result when nothing it reads changed."""

    def run(ch: Chapter) -> tuple[Any, ...]:
        cited, problems, warnings = dict(model.citations), len(model.problems), len(model.warnings)
        images = len(model.images)
        targets, citations = model.targets, model.citations
        model.targets, model.citations = Reads(targets), Reads(citations)
        try:
            _resolve_crossrefs(model, ch)
            refs, keys = model.targets.read, model.citations.read  # type: ignore[attr-defined]
        finally:
            model.targets, model.citations = targets, dict(model.citations)
        _resolve_chapter_links(model, ch)
        collect_images(model, ch)
        new = [(k, v) for k, v in model.citations.items() if cited.get(k) != v]
        added = [(i.path, i.written) for i in model.images[images:]]
        read = (sorted(set(refs)), sorted(set(keys)))
        found = parts(read, cited)  # as the run found them, before its own citations
        return new, model.problems[problems:], model.warnings[warnings:], added, read, found

    def parts(read: tuple[list[str], list[str]], cited: dict[str, Any]) -> tuple[Any, ...]:
        targets = [(k, _target_key(model.targets.get(k))) for k in read[0]]
        keys = [(k, cited.get(k)) for k in read[1]]
        anchors = [(c.rel, c.anchor) for c in model.chapters]
        return targets, keys, anchors, model.lenient, model.book.formats

    last = memo.previous("resolve", chapter)
    now = parts(last[4] if last else ([], []), model.citations)
    before = len(memo.ran)
    new, problems, warnings, images, _, _ = memo.stage(
        "resolve", chapter, now, run, after=lambda result: result[5]
    )
    if len(memo.ran) == before:  # kept: replay what it added
        model.citations.update(new)
        model.problems.extend(problems)
        model.warnings.extend(warnings)
        model.images.extend(Image(path, chapter, written) for path, written in images)


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
    before = len(problems)
    front = front_matter(path, problems, entry.path.as_posix())
    if len(problems) > before:  # broken front matter: Pandoc could not parse the chapter
        return Chapter(entry, entry.html_path or "", Expanded(), [], {})
    chapter_ctx = replace(ctx, metadata={**ctx.metadata, **front})  # warnings shared
    source = expand_file(path, chapter_ctx, problems)
    # anchors to the source lines, kept as bookmarks by the DOCX writer only
    marked = mark_paragraphs(source.lines, source.origins)
    crossref = dict(book.crossref)
    own = front.get("crossref")
    if isinstance(own, dict):
        crossref.update({k: str(v) for k, v in own.items() if isinstance(v, str | int | float)})
    return Chapter(entry, entry.html_path or "", source, [], {}, crossref=crossref, text=marked)


# ---------------------------------------------------------------- numbering


def _number_book(model: BookModel, memo: ChapterMemo, h1s: list[bool | None]) -> None:
    """Number chapters, sections and floats in book order; a chapter whose text,
    place and the ids before it are unchanged replays what it added last time."""
    chapter_count = 0
    appendix_count = 0
    book_counts = {"fig": 0, "tbl": 0, "eq": 0}
    seen_ids: set[str] = set()
    before = ""  # a hash of the ids and targets of the chapters before
    depth = model.book.metadata.get("number-depth")
    for chapter, h1 in zip(model.chapters, h1s, strict=True):
        numbered = h1 is True and chapter.entry.kind != "part"
        if numbered and chapter.entry.kind == "appendix":
            chapter.number = chr(ord("A") + appendix_count)
            appendix_count += 1
        elif numbered:
            chapter_count += 1
            chapter.number = str(chapter_count)

        def run(ch: Chapter) -> tuple[Any, ...]:
            ids, targets, problems = set(seen_ids), len(model.targets), len(model.problems)
            _number_chapter(model, ch, _h1(ch), seen_ids, depth, book_counts)
            added = list(model.targets.items())[targets:]
            new_ids = sorted(seen_ids - ids)
            return ch.title, ch.anchor, new_ids, added, model.problems[problems:], dict(book_counts)

        parts = (chapter.number, book_counts, before, chapter.crossref, model.book.crossref, depth)
        ran = len(memo.ran)
        title, anchor, ids, targets, problems, counts = memo.stage("number", chapter, parts, run)
        if len(memo.ran) == ran:  # kept: replay it
            chapter.title, chapter.anchor = A.clone(title), anchor
            seen_ids.update(ids)
            model.targets.update(targets)
            model.problems.extend(problems)
            book_counts.update(counts)
        before = digest(before, ids, [k for k, _ in targets])


def _number_chapter(
    model: BookModel,
    chapter: Chapter,
    h1: A.Element | None,
    seen_ids: set[str],
    depth: Any,
    book_counts: dict[str, int],
) -> None:
    crossref = chapter.crossref or model.book.crossref
    counters = [0] * 7
    by_chapter = flag(crossref.get("chapters", "true"))
    counts = {"fig": 0, "tbl": 0, "eq": 0} if by_chapter else book_counts
    appendix = chapter.entry.kind == "appendix"

    def number_for(kind: str) -> str:
        counts[kind] = counts.get(kind, 0) + 1
        n = label(crossref.get(f"{kind}-labels", "arabic"), counts[kind])
        return f"{chapter.number}.{n}" if chapter.number and by_chapter else n

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
                            [A.Space(), _delimiter(crossref["appendix-delim"])]
                            if appendix and crossref["appendix-delim"].strip()
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
                    Target("sec", number, chapter.page, level, appendix and level == 1),
                )
        elif t in ("Figure", "Table") and not is_subfloat(el):
            a = el["c"][0]
            kind = float_kind(a[0])
            if t == "Figure":
                _set_alt_text(el)
            if kind:
                number = number_for(kind)
                _add_target(model, chapter, a[0], Target(kind, number, chapter.page))
                _prefix_caption(el, crossref[f"{kind}-title"], number, crossref["title-delim"])
            if kind and t == "Figure":
                _number_subfloats(model, chapter, el, kind, number, crossref)
        elif t == "Div" and block_kind(el):
            kind = block_kind(el)
            number = number_for(kind)
            _add_target(model, chapter, el["c"][0][0], Target(kind, number, chapter.page))
            title_block(el, kind, number, crossref)
        elif t == "Para":
            _number_equations(model, chapter, el, number_for)


def _number_subfloats(
    model: BookModel,
    chapter: Chapter,
    panel: A.Element,
    kind: str,
    number: str,
    crossref: dict[str, str],
) -> None:
    """Label a float's subfloats (a), (b) ... and register them as "Figure 1 (a)"."""
    mark_parts(panel, f"{crossref[f'{kind}-title']}{NBSP}{number}")
    for n, sub in enumerate(subfloats(panel), start=1):
        text = f"({label(crossref.get('subref-labels', 'alpha a'), n)})"
        ident = sub["c"][0][0]
        if ident:
            sub_kind = float_kind(ident) or kind
            _add_target(model, chapter, ident, Target(sub_kind, f"{number} {text}", chapter.page))
        blocks = sub["c"][1][1]
        if blocks and blocks[0]["t"] in ("Plain", "Para"):
            blocks[0]["c"] = [A.Str(text), A.Space(), *blocks[0]["c"]]
        else:
            sub["c"][1] = [None, [A.Plain([A.Str(text)])]]
        _set_alt_text(sub)


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


def _delimiter(delim: str) -> A.Element:
    """An appendix title's delimiter ("C — Title"), as a span of its own so the website
    spaces it like a word, not like the gap between a number and its title."""
    return A.Span([A.Str(delim.strip())], A.attr("", ["chapter-delim"]))


def _prefix_caption(el: A.Element, title: str, number: str, delim: str) -> None:
    caption = el["c"][1]
    blocks = caption[1]
    prefix = [*A.text_inlines(f"{title}{NBSP}{number}{delim}")]  # plain text, as Quarto writes it
    if blocks and blocks[0]["t"] in ("Plain", "Para"):
        blocks[0]["c"] = [*prefix, A.Space(), *blocks[0]["c"]]
    else:
        blocks.insert(0, A.Plain(prefix))


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
    """``$$ ... $$ {#eq-x}`` (attributes such as ``alt="..."`` allowed): number and anchor it."""
    inlines = para["c"]
    i = 0
    while i < len(inlines):
        el = inlines[i]
        if el["t"] == "Math" and el["c"][0]["t"] == "DisplayMath":
            j = i + 1
            if j < len(inlines) and inlines[j]["t"] in ("Space", "SoftBreak"):
                j += 1
            end = _attribute_end(inlines, j)
            if end is not None:
                text = A.stringify(inlines[j : end + 1])
                ident = text[2:].split("}")[0].split()[0]
                alt = re.search(r"\balt\s*=\s*[\"“'‘](.*)[\"”'’]", text, re.S)
                number = number_for("eq")
                _add_target(model, chapter, ident, Target("eq", number, chapter.page))
                extra = {"aria-label": alt.group(1)} if alt else {}
                extra[EQUATION_NUMBER] = number  # written by each format (see .xrefs)
                inlines[i] = A.Span([el], A.attr(ident, [EQUATION], extra))
                del inlines[i + 1 : end + 1]
        i += 1


def _attribute_end(inlines: list[A.Element], start: int) -> int | None:
    """Index of the inline closing an ``{#eq-x ...}`` attribute block that opens at ``start``."""
    if start >= len(inlines) or inlines[start]["t"] != "Str":
        return None
    if not re.match(r"\{#eq-[\w-]+", inlines[start]["c"]):
        return None
    for k in range(start, len(inlines)):
        if inlines[k]["t"] in ("Str", "Quoted") and A.stringify(inlines[k]).endswith("}"):
            return k
        if inlines[k]["t"] not in ("Str", "Space", "Quoted", "SoftBreak"):
            return None
    return None


# ---------------------------------------------------------------- cross-references


def crossref_kind(key: str, kinds: tuple[str, ...] = CROSSREF_KINDS) -> str | None:
    """``fig``/``tbl``/``sec``/``eq`` if ``key`` is a cross-reference id (any case)."""
    prefix = key.split("-", 1)[0]
    if "-" in key and prefix.lower() in kinds and prefix in (prefix.lower(), prefix.capitalize()):
        return prefix.lower()
    return None


def _resolve_crossrefs(model: BookModel, chapter: Chapter) -> None:
    crossref = chapter.crossref or model.book.crossref
    hyperlink = flag(crossref.get("ref-hyperlink", "true"))

    def visit(el: A.Element) -> Any:
        if el["t"] != "Cite":
            return None
        citations = el["c"][0]
        kinds = [
            crossref_kind(c["citationId"]) or crossref_kind(c["citationId"], OTHER_KINDS)
            for c in citations
        ]
        if not any(kinds):
            for c in citations:
                model.citations.setdefault(c["citationId"], ("", None))
                if model.citations[c["citationId"]] == ("", None):
                    model.citations[c["citationId"]] = locate_key(chapter, c["citationId"])
            return None
        if not all(kinds):
            file, line = locate_key(chapter, citations[0]["citationId"])
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
            if n:
                out.extend([A.Str(","), A.Space()])
            if target is None or target.number is None:  # Quarto: unnumbered is unresolved
                missing = _unresolved(model, chapter, key, ident, target is not None)
                if missing is None:
                    return None
                out.append(missing)
                continue
            text = _ref_text(target, c, key[0].isupper(), crossref)
            if hyperlink:
                out.append(A.Link(text, "#" + ident, A.attr("", [XREF])))
            else:  # ref-hyperlink: false: the text alone, as Quarto writes it
                out.extend(text)
        return out

    blocks = list(chapter.blocks)
    rewrite(blocks, ("Cite",), visit)
    chapter.blocks = blocks


def _unresolved(
    model: BookModel, chapter: Chapter, key: str, ident: str, unnumbered: bool = False
) -> A.Element | None:
    """Report a reference with no target; with ``lenient``, Quarto's bold ``?@id`` instead."""
    file, line = locate_key(chapter, key)
    kind = ident.split("-", 1)[0]
    if unnumbered:
        problem = Problem(
            file,
            f"cross-reference '@{key}' to an unnumbered section",
            row=line,
            expected="a numbered section (Quarto leaves a reference to an unnumbered one "
            "unresolved)",
            fix=f"number the section (remove .unnumbered) or link to it: [its title](#{ident})",
        )
    elif kind in OTHER_KINDS:
        problem = Problem(
            file,
            f"unsupported reference type '@{key}'",
            row=line,
            expected="a reference to a figure, table, listing, section, equation, theorem-like "
            "block or callout (@fig-, @tbl-, @lst-, @sec-, @eq-, @thm- ..., @nte- ...)",
            fix="refer to the element in words, or make it a figure, table or section",
        )
    else:
        element = ELEMENTS.get(kind) or NAMES[kind].lower()
        problem = Problem(
            file,
            f"unresolved cross-reference '@{key}'",
            row=line,
            expected=f"the id of a {element} in the book",
            fix=f"no {element} has the id '{ident}': correct the reference, or give the "
            f"{element} that id ({{#{ident}}})",
        )
    if model.lenient:
        model.warnings.append(problem)
        return A.Strong([A.Str(f"?@{key}")])
    model.problems.append(problem)
    return None


def _ref_text(
    target: Target, citation: dict[str, Any], capital: bool, crossref: dict[str, str]
) -> list[A.Element]:
    """The reference's text: its prefix ("Figure"), a no-break space, the number, any suffix.

    The prefix is wrapped in a ``quarto-xref-supplement`` span so the Typst
    writer can pass it to ``#ref(<id>, supplement: [...])`` as Quarto does; the
    other formats unwrap it (see :mod:`.finish`).
    """
    number = [A.Str(target.number or "")]
    suffix = citation.get("citationSuffix") or []
    if citation["citationMode"]["t"] == "SuppressAuthor":
        return [*number, *suffix]
    if citation.get("citationPrefix"):
        prefix_inlines = list(citation["citationPrefix"])
    else:
        if target.kind == "sec" and target.level == 1:
            prefix = crossref["appendix-title"] if target.appendix else crossref["ch-prefix"]
        else:
            prefix = crossref.get(f"{target.kind}-prefix") or NAMES[target.kind]
        if capital:
            prefix = prefix[:1].upper() + prefix[1:]
        prefix_inlines = [A.Str(prefix)]
    supplement = A.Span(prefix_inlines, A.attr("", [XREF_SUPPLEMENT]))
    return [supplement, A.Str(NBSP + (target.number or "")), *suffix]


def _resolve_chapter_links(model: BookModel, chapter: Chapter) -> None:
    """``[text](other.qmd#id)`` links become ``#id`` (``#`` + chapter id without one).

    The HTML writer then turns ids on other pages into ``page.html#id``, and in
    DOCX/PDF they are internal links, as Quarto does for books.
    """
    if chapter.entry.path is None:
        return
    by_path = {c.entry.path.as_posix(): c for c in model.chapters if c.entry.path}
    for el in select(chapter.blocks, ("Link",)):
        target = el["c"][2][0]
        path, _, anchor = target.partition("#")
        if not path.endswith((".qmd", ".md")) or re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I):
            continue
        base = Path() if path.startswith("/") else chapter.entry.path.parent  # / = project
        rel = "/".join(normalise_parts((base / path.lstrip("/")).parts))
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

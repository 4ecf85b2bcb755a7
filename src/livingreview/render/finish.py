"""Format-specific finishing of the book AST: callouts, page breaks, landscape, images.

The book model is format-independent; these passes turn the few Quarto
constructs that need a different shape per format into what each Pandoc
writer understands (HTML divs, DOCX custom styles and raw OpenXML, Typst
function calls), and apply each format's ``default-image-extension``.
"""

from __future__ import annotations

import marshal
import re
import struct
from pathlib import Path
from typing import Any

from . import ast as A
from .block_index import select
from .callouts import callout_type, render_callout
from .floats import PANEL, render_float
from .long_tables import data_rows, file_names, is_group_row, shorten_for_print
from .numbered_blocks import typst_theorem
from .print_parts import shorten_split_figures
from .project import Book
from .reference_docx import MARGIN as DOCX_MARGIN
from .reference_docx import PAPER as DOCX_PAPER
from .reference_docx import page_setup
from .source_anchors import PREFIX as ANCHOR_PREFIX
from .source_anchors import is_anchor
from .xrefs import EQUATION, XREF, typst_str, write_refs

DOCX_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
HTML_PAGE_BREAK = '<div style="page-break-after: always;"></div>'  # Quarto's, for printing
DOCX_INLINE_PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'
# Figures without an explicit size are scaled down to fit these fractions of the
# text width and height (the PDF template uses the same limits).
FIGURE_MAX_WIDTH = 0.8
FIGURE_MAX_HEIGHT = 0.6
# Quarto's format names that ``when-format``/``unless-format`` match for each writer.
FORMAT_ALIASES = {
    "html": {"html", "html5", "html:js"},
    "docx": {"docx"},
    "typst": {"typst", "pdf"},
}
# Provenance of a figure or table (the data file it is made from and the
# workflow step that makes it): a small "source" note on the website only,
# naming the data files; the step is for maintainers and is not shown.
PROVENANCE_KEYS = ("data-source", "data-rule")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTHS = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
}  # fmt: skip
NBSP = "\u00a0"
COUNT_SYMBOLS = {"n", "(n", "N", "(N"}  # "(n = 34)": a count kept on one line
NB_HYPHEN = "\u2011"


def _single_spaces(inlines: list[A.Element]) -> list[A.Element]:
    """``inlines`` without repeated, leading or trailing spaces (left where a number went)."""
    out: list[A.Element] = []
    for el in inlines:
        if el["t"] == "Space" and (not out or out[-1]["t"] == "Space"):
            continue
        out.append(el)
    while out and out[-1]["t"] == "Space":
        out.pop()
    return out


def finish(blocks: list[A.Element], fmt: str, book: Book) -> list[A.Element]:
    """Return ``blocks`` rewritten for ``fmt`` (``html``, ``docx`` or ``typst``)."""
    number_sections = bool(book.format_option(fmt, "number-sections", True))
    default_ext = str(book.format_option(fmt, "default-image-extension", "png")).lstrip(".")
    paper = str(book.format_option(fmt, "papersize", "a4")).lower()

    def visit(el: A.Element) -> Any:
        t = el["t"]
        if t == "Span" and is_anchor(el):
            return None if fmt == "docx" else []  # Word bookmarks only
        if t == "Math" and fmt == "html":  # Quarto's span.math around each formula
            kind = "display" if el["c"][0]["t"] == "DisplayMath" else "inline"
            return A.Span([el], A.attr("", ["math", kind]))
        if t == "Span" and "ins" in el["c"][0][1]:  # words inserted (a version's word diff)
            if fmt == "html":  # <ins>, not <u>: what the words are, not how they look
                return [A.RawInline("html", "<ins>"), *el["c"][1], A.RawInline("html", "</ins>")]
            return {"t": "Underline", "c": el["c"][1]}
        if t == "Span" and "lr-pagebreak" in el["c"][0][1]:
            return _inline_pagebreak(fmt)
        if t in ("Span", "Div") and {"content-visible", "content-hidden"} & set(el["c"][0][1]):
            return _conditional(el, fmt)
        if t in ("Para", "Plain") and el["c"] and _loose_edge(el["c"]):
            return _trimmed(el)
        if (
            t == "Span"
            and not number_sections
            and ({"header-section-number", "chapter-number", "chapter-delim"} & set(el["c"][0][1]))
        ):
            return []
        if t == "Header" and not number_sections:  # no "Appendix  Title" where a number was
            el["c"][2] = _single_spaces(el["c"][2])
        if t == "Image":
            src = el["c"][2][0]
            if ":" not in src.split("/")[0] and not Path(src).suffix:
                el["c"][2][0] = f"{src}.{default_ext}"
            _quarto_size(el["c"][0], el["c"][0])
            if fmt == "docx":
                _fit_docx_image(el, book.root, paper)
            return None
        if t == "Figure":
            _figure_size(el, book.root, paper, fmt)
            _provenance(el, fmt, book.resources)
            return render_float(_without_anchors(el), fmt)
        if t == "Table":
            if fmt != "html":  # before _provenance takes the data source off
                shorten_for_print(el, book.table_print_rows, book.resources, book.website)
            _provenance(el, fmt, book.resources)
            if fmt == "html":
                _mark_paged(el, book.table_rows_per_page)
            if fmt == "typst":
                _left_align_default_columns(el)
                _mark_group_rows(el)
                _mark_closing_rule(el)
            return render_float(_without_anchors(el), fmt)
        if t == "Header" and fmt == "typst" and el["c"][0] == 1 and "part" in el["c"][1][1]:
            # a part title has a page of its own (chapters run on without breaks)
            return [
                A.RawBlock("typst", "#pagebreak(weak: true)"),
                el,
                A.RawBlock("typst", "#pagebreak(weak: true)"),
            ]
        if t == "Div":
            classes = el["c"][0][1]
            theorem = typst_theorem(el) if fmt == "typst" else None
            if theorem is not None:
                return theorem
            if PANEL in classes:
                return render_float(_without_anchors(el), fmt)
            callout = callout_type(classes)
            if callout:
                return render_callout(el, callout, fmt)
            if "landscape" in classes:
                return _landscape(el, fmt, paper)
            if fmt == "typst":
                return _unbox_chapter_heading(el)
        return None

    def block_breaks(el: A.Element) -> Any:  # before the inline ones empty the paragraph
        return _block_pagebreak(fmt) if el["t"] == "Para" and _is_pagebreak_para(el) else None

    shorten_split_figures(blocks, fmt)  # figures.print_parts (found by the block index)
    # a pass runs only where its elements can be: a 1,000-row table of text has no
    # reference, page break or picture, and each pass is a walk over every cell
    if _holds(blocks, XREF, EQUATION):
        blocks = write_refs(blocks, fmt)
    if _holds(blocks, "lr-pagebreak"):
        blocks = A.walk(blocks, block_breaks)
    blocks = A.walk(blocks, visit)
    if fmt == "typst" and _holds(blocks, "Image"):
        blocks = _typst_alt_images(blocks)
    return A.walk(blocks, lambda el: _glue_dates(el, fmt))


def _holds(node: Any, *words: str) -> bool:
    """Whether any of ``words`` (an element type, a class, an id prefix) is in ``node``'s
    text: false only if no element the words name can be in it (one marshal dump, in C,
    against a walk in Python)."""
    data = marshal.dumps(node, 2)
    return any(word.encode() in data for word in words)


def _typst_alt_images(blocks: list[A.Element]) -> list[A.Element]:
    """An image with alt text, other than a figure's own picture, written as Quarto
    writes it for Typst: ``#box(image("src", alt: "...", height: ..., width: ...))``
    (Pandoc's Typst writer drops the alt text). A figure's picture has the caption."""
    sole = "lr-figure-picture"
    for fig in A.iter_elements(blocks):
        content = fig["c"][2] if fig["t"] == "Figure" else None
        if content and len(content) == 1 and content[0]["t"] in ("Plain", "Para"):
            inlines = content[0]["c"]
            if len(inlines) == 1 and inlines[0]["t"] == "Image":
                inlines[0]["c"][0][2].append([sole, "1"])

    def visit(el: A.Element) -> Any:
        if el["t"] != "Image":
            return None
        a, alt_inlines, (src, _) = el["c"]
        if A.attr_pop(a, sole) or ":" in src.split("/")[0]:
            return None
        alt = A.attr_pop(a, "fig-alt") or A.attr_get(a, "alt") or A.stringify(alt_inlines)
        if not alt.strip():
            return None
        params = [typst_str(src), f"alt: {typst_str(alt)}"]
        for key in ("height", "width"):  # pixels (or a bare number) at 96 an inch, as Pandoc
            value = (A.attr_get(a, key) or "").strip()
            number = value[:-2] if value.endswith("px") else value
            if value:
                params.append(
                    f"{key}: {float(number) / 96}in" if _is_number(number) else f"{key}: {value}"
                )
        return A.RawInline("typst", f"#box(image({', '.join(params)}))")

    return A.walk(blocks, visit)


def _unbox_chapter_heading(div: A.Element) -> list[A.Element] | None:
    """A div holding a level-1 heading is written without its Typst block.

    Level-1 headings start a page, and Typst allows no page break inside a
    block; the div's id stays as a label to link to.
    """
    if not any(el["t"] == "Header" and el["c"][0] == 1 for el in A.iter_elements(div["c"][1])):
        return None
    ident = div["c"][0][0]
    label = [A.RawBlock("typst", f'#metadata("") <{ident}>')] if ident else []
    return [*label, *div["c"][1]]


def _without_anchors(el: A.Element) -> A.Element:
    """A float without source-line anchors: its caption is built from its text, and a
    bookmark inside would split the caption's runs in Word."""
    if not _holds(el, ANCHOR_PREFIX):
        return el
    return A.walk(el, lambda node: [] if node["t"] == "Span" and is_anchor(node) else None)


EDGE_SPACE = ("Space", "SoftBreak")


def _loose_edge(inlines: list[A.Element]) -> bool:
    kept = [i for i in inlines if not (i["t"] == "Span" and is_anchor(i))]
    return not kept or kept[0]["t"] in EDGE_SPACE or kept[-1]["t"] in EDGE_SPACE


def _trimmed(el: A.Element) -> A.Element | list[A.Element]:
    """A paragraph without the space or line break that a dropped span (another
    format's text) left at its start or end: Word keeps a leading space, and in
    justified text it shows as an indent. Source-line anchors (Word bookmarks) stay
    where they are; a paragraph left with nothing else is dropped."""
    inlines = el["c"]
    anchors = [i["t"] == "Span" and is_anchor(i) for i in inlines]
    if all(a or i["t"] in EDGE_SPACE for i, a in zip(inlines, anchors, strict=True)):
        return [] if el["t"] == "Para" else A.Plain([])
    first = anchors.index(False)
    last = len(inlines) - 1 - anchors[::-1].index(False)
    while inlines[first]["t"] in EDGE_SPACE:
        first += 1
    while inlines[last]["t"] in EDGE_SPACE:
        last -= 1
    lead = [i for i, a in zip(inlines[:first], anchors[:first], strict=True) if a]
    tail = [i for i, a in zip(inlines[last + 1 :], anchors[last + 1 :], strict=True) if a]
    el["c"] = lead + inlines[first : last + 1] + tail
    return el


def _conditional(el: A.Element, fmt: str) -> list[A.Element]:
    """Quarto's ``.content-visible``/``.content-hidden`` with ``when-format``/``unless-format``.

    The content is kept (unwrapped) or dropped for this format; a div without
    either attribute is shown (``content-visible``) or hidden (``content-hidden``)
    everywhere, as in Quarto.
    """
    a, content = el["c"]
    names = FORMAT_ALIASES.get(fmt, {fmt})
    when, unless = A.attr_get(a, "when-format"), A.attr_get(a, "unless-format")
    matches = True
    if when is not None:
        matches = when.strip() in names
    if unless is not None:
        matches = matches and unless.strip() not in names
    visible = matches if "content-visible" in a[1] else not matches
    if when is None and unless is None:
        visible = "content-visible" in a[1]
    return content if visible else []


def _provenance(el: A.Element, fmt: str, resources: list[str] | tuple[str, ...]) -> None:
    """Move ``data-source``/``data-rule`` off a figure or table into a web-only source note.

    On the website the caption ends with a small "source" link (to the data
    file when it is published with the site) whose tooltip names the data
    files; print formats carry neither. A figure made from no data file (only
    ``data-rule``: a schematic, whose caption cites what it shows) gets no note,
    rather than a "source" that links nowhere. The workflow step stays in the
    chapter source for maintainers and reaches no reader.
    """
    attrs = [el["c"][0]]
    if el["t"] == "Figure":
        attrs += [i["c"][0] for i in A.iter_elements(el["c"][2]) if i["t"] == "Image"]
    found: dict[str, str] = {}
    for a in attrs:
        for key in PROVENANCE_KEYS:
            value = A.attr_pop(a, key)
            if value and key not in found:
                found[key] = value
    sources = found.get("data-source", "").split()
    if fmt != "html" or not sources:
        return  # a drawing made from no data file (a schematic) has no source to name
    published = [s for s in sources if s in resources]
    tip = source_note_tip(sources, published)
    label = [A.Str("source")]
    note_attr = A.attr("", ["source-note"], {"title": tip})
    inner = A.Link(label, published[0], A.attr("", ["root-link"])) if published else A.Span(label)
    blocks = el["c"][1][1]
    if not blocks or blocks[-1]["t"] not in ("Plain", "Para"):
        blocks.append(A.Plain([]))
    blocks[-1]["c"].extend([A.Space(), A.Span([inner], note_attr)])


def source_note_tip(sources: list[str], published: list[str]) -> str:
    """The tooltip of a source note: the data files by name, and whether they are
    published with the review. The workflow step (``data-rule``) is for the
    maintainers reading the chapter source and is never shown: a rule name is the
    build's, not the reader's."""
    listed = file_names(sources)
    if len(published) == len(sources):
        return f"Made from {listed}, published with this review"
    return f"Made from {listed}"


def _is_pagebreak_para(para: A.Element) -> bool:
    content = [
        i
        for i in para["c"]
        if i["t"] not in ("Space", "SoftBreak") and not (i["t"] == "Span" and is_anchor(i))
    ]
    return (
        len(content) == 1 and content[0]["t"] == "Span" and "lr-pagebreak" in content[0]["c"][0][1]
    )


def _block_pagebreak(fmt: str) -> list[A.Element]:
    if fmt == "docx":
        return [A.RawBlock("openxml", DOCX_PAGE_BREAK)]
    if fmt == "typst":
        return [A.RawBlock("typst", "#pagebreak()")]
    return [A.RawBlock("html", HTML_PAGE_BREAK)]


def _inline_pagebreak(fmt: str) -> list[A.Element]:
    if fmt == "docx":
        return [A.RawInline("openxml", DOCX_INLINE_PAGE_BREAK)]
    if fmt == "typst":
        return [A.RawInline("typst", "#pagebreak(weak: true)")]
    return []


def _quarto_size(source: A.Attr, image: A.Attr) -> None:
    """Quarto's ``fig-width``/``fig-height`` (inches) become ``width``/``height``.

    Read from ``source`` (the image or its figure) and applied to ``image``
    unless it already has an explicit ``width`` or ``height``.
    """
    values = {key: A.attr_pop(source, f"fig-{key}") for key in ("width", "height")}
    if A.attr_get(image, "width") or A.attr_get(image, "height"):
        return
    for key, value in values.items():
        if value:
            image[2].append([key, f"{value}in" if _is_number(value) else value])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _figure_size(figure: A.Element, root: Path, paper: str, fmt: str) -> None:
    """``fig-width``/``fig-height`` on a figure apply to the images inside it."""
    fig_attr = figure["c"][0]
    if not (A.attr_get(fig_attr, "fig-width") or A.attr_get(fig_attr, "fig-height")):
        return
    images = [el for el in A.iter_elements(figure["c"][2]) if el["t"] == "Image"]
    for image in images:
        for key in ("fig-width", "fig-height"):
            value = A.attr_get(fig_attr, key)
            if value and A.attr_get(image["c"][0], key) is None:
                image["c"][0][2].append([key, value])
        if fmt == "docx":
            # the image was fitted before its figure's size was known: fit again
            for key in ("width", "height"):
                A.attr_pop(image["c"][0], key)
        _quarto_size(image["c"][0], image["c"][0])
        if fmt == "docx":
            _fit_docx_image(image, root, paper)
    for key in ("fig-width", "fig-height"):
        A.attr_pop(fig_attr, key)


def docx_text_area(paper: str) -> tuple[float, float]:
    """Width and height in inches inside the margins of the generated reference document."""
    width, height = DOCX_PAPER.get(paper, DOCX_PAPER["a4"])
    return (width - 2 * DOCX_MARGIN) / 1440, (height - 2 * DOCX_MARGIN) / 1440


def _fit_docx_image(image: A.Element, root: Path, paper: str) -> None:
    """Give a PNG without an explicit size its print size, capped to the text area.

    Print size is pixels / DPI (Pandoc's own rule); the cap is
    :data:`FIGURE_MAX_WIDTH` of the text width and :data:`FIGURE_MAX_HEIGHT`
    of the text height, the same limits the PDF template applies. An image given
    a share of the text width (``width="100%"``) keeps it unless it would then be
    taller than :data:`FIGURE_MAX_HEIGHT` of the text height: its caption must fit
    on its page.
    """
    a = image["c"][0]
    share = _percent(A.attr_get(a, "width"))  # width="100%": a share of the text width
    if A.attr_get(a, "height") or (A.attr_get(a, "width") and share is None):
        return
    size = png_print_size(root / image["c"][2][0].lstrip("/"))
    if size is None:
        return
    width, height = size
    text_width, text_height = docx_text_area(paper)
    if share is not None:
        # the height is still capped, so the caption fits on the figure's page (Figure
        # B.1 at the full text width left its caption alone on the next page)
        fitted = min(share * text_width, FIGURE_MAX_HEIGHT * text_height * width / height)
        if fitted < share * text_width:
            A.attr_pop(a, "width")
            a[2].append(["width", f"{fitted:.2f}in"])
        return
    scale = min(
        1.0, FIGURE_MAX_WIDTH * text_width / width, FIGURE_MAX_HEIGHT * text_height / height
    )
    a[2].append(["width", f"{width * scale:.2f}in"])


def _percent(value: str | None) -> float | None:
    """``"80%"`` as 0.8; None for any other value."""
    if not value or not value.endswith("%") or not _is_number(value[:-1]):
        return None
    return float(value[:-1]) / 100


def png_print_size(path: Path) -> tuple[float, float] | None:
    """(width, height) in inches of a PNG from its IHDR and pHYs chunks (72 dpi if none)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(1 << 16)
    except OSError:
        return None
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    px_width, px_height = struct.unpack(">II", data[16:24])
    dpi_x = dpi_y = 72.0
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"pHYs" and data[pos + 16] == 1:  # unit: metre
            per_m_x, per_m_y = struct.unpack(">II", data[pos + 8 : pos + 16])
            if per_m_x and per_m_y:
                dpi_x, dpi_y = per_m_x * 0.0254, per_m_y * 0.0254
            break
        if kind == b"IDAT":
            break
        pos += 12 + length
    return px_width / dpi_x, px_height / dpi_y


GROUP_MARK = "/*lr-group*/"


PAGED = "data-rows-per-page"  # read by the website's pages.js


def _mark_group_rows(table: A.Element) -> None:
    """Mark full-width one-cell body rows (group headings) for :func:`group_subheaders`."""
    ncols = len(table["c"][2])
    for body in table["c"][4]:
        for row in body[3]:
            if is_group_row(row, ncols):
                first = row[1][0][4][0]
                if first["t"] in ("Plain", "Para"):
                    first["c"].insert(0, A.RawInline("typst", GROUP_MARK))


# A printed table's closing rule is a table.hline after its last cell (of its footer, if
# it has one), so that it lies over the last row's light rule. The template could only
# have drawn it under that rule, or by making every table again (0.07 s of Typst at
# 1,000 rows); its stroke is the template's lr-closing-rule.
CLOSE_MARK = "/*lr-close*/"


def _mark_closing_rule(table: A.Element) -> None:
    """Mark the last cell of ``table`` (Typst) for :func:`closing_rules`."""
    rows = table["c"][5][1] or [row for body in table["c"][4] for row in body[3]]
    if not rows or not rows[-1][1]:
        return
    blocks = rows[-1][1][-1][4]
    if blocks and blocks[-1]["t"] in ("Plain", "Para"):
        blocks[-1]["c"].append(A.RawInline("typst", CLOSE_MARK))
    else:
        blocks.append(A.Plain([A.RawInline("typst", CLOSE_MARK)]))


_CLOSED_CELL = re.compile(re.escape(CLOSE_MARK) + r"\s*\]")


def closing_rules(source: str) -> str:
    """Typst source with a closing rule after each marked last cell (Pandoc writes the
    mark at the end of the cell: only white space, after a paragraph, before the
    bracket that closes it)."""
    closed = _CLOSED_CELL.sub("], table.hline(stroke: lr-closing-rule)", source)
    return closed.replace(CLOSE_MARK, "")


def _mark_paged(table: A.Element, per_page: int) -> None:
    """A website table with more rows than ``per_page`` (group headings not counted) is
    shown in pages by pages.js; every row stays in the page (without JavaScript,
    in print and in the search index the table is whole). 0 never pages."""
    if per_page and data_rows(table) > per_page:
        table["c"][0][2].append([PAGED, str(per_page)])


def has_paged_table(blocks: list[A.Element]) -> bool:
    """Whether a finished website page holds a table :func:`_mark_paged` marked."""
    return any(any(k == PAGED for k, _ in el["c"][0][2]) for el in select(blocks, ("Table",)))


def group_subheaders(source: str) -> str:
    """Typst source with each marked group row made a level-2 table header.

    Typst repeats a subheader after a page break and never leaves it alone at
    the foot of a page, so a group heading always sits over its first study.
    """
    out, pos = [], 0
    pattern = re.compile(r"table\.cell\(colspan: \d+[^)]*\)\[" + re.escape(GROUP_MARK))
    for match in pattern.finditer(source):
        if match.start() < pos:
            continue
        depth, i = 0, match.end() - len(GROUP_MARK) - 1
        while i < len(source):
            ch = source[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        cell = source[match.start() : i + 1].replace(GROUP_MARK, "", 1)
        out += [source[pos : match.start()], f"table.header(level: 2, {cell})"]
        pos = i + 1
    out.append(source[pos:])
    return "".join(out).replace(GROUP_MARK, "")


def _left_align_default_columns(table: A.Element) -> None:
    """Columns without an alignment become left-aligned (Typst would centre them in a figure)."""
    for spec in table["c"][2]:
        if spec[0]["t"] == "AlignDefault":
            spec[0] = {"t": "AlignLeft"}


def _landscape(div: A.Element, fmt: str, paper: str) -> list[A.Element]:
    content = div["c"][1]
    if fmt == "typst":
        return [A.RawBlock("typst", "#page(flipped: true)["), *content, A.RawBlock("typst", "]")]
    if fmt == "docx":
        # A paragraph's w:sectPr ends a section and describes it: one ends the
        # portrait pages before the div, one ends the landscape section of the div.
        # Sections without footer references inherit the page-number footer.
        portrait = f"<w:p><w:pPr><w:sectPr>{page_setup(paper)}</w:sectPr></w:pPr></w:p>"
        landscape = (
            f"<w:p><w:pPr><w:sectPr>{page_setup(paper, landscape=True)}</w:sectPr></w:pPr></w:p>"
        )
        return [A.RawBlock("openxml", portrait), *content, A.RawBlock("openxml", landscape)]
    return [div]


def _glue_dates(el: A.Element, fmt: str) -> None:
    """Dates never break across lines: "27 November 2026" and "2026-11-27" stay whole.

    Spaces inside a day-month-year date become no-break spaces; an ISO date is
    kept on one line by a no-wrap span on the website and by no-break hyphens
    in print. A count "(n = 34)" stays whole the same way, in text and headings.
    Runs of spaces left where format-specific text was dropped collapse to one.
    """
    if el["t"] not in ("Para", "Plain", "Span", "Emph", "Strong", "Header"):
        return None
    inlines = el["c"][1] if el["t"] == "Span" else el["c"][2] if el["t"] == "Header" else el["c"]
    out: list[A.Element] = []
    for i, node in enumerate(inlines):
        blank = ("Space", "SoftBreak")
        if node["t"] in blank and out and out[-1]["t"] in blank:
            continue  # where format-specific text was left out, one space remains
        if node["t"] == "Space" and 0 < i < len(inlines) - 1:
            before, after = inlines[i - 1], inlines[i + 1]
            if (
                before["t"] == "Str"
                and after["t"] == "Str"
                and (
                    (before["c"].isdigit() and after["c"] in MONTHS)
                    or (before["c"] in MONTHS and after["c"][:4].isdigit())
                    or (before["c"] in COUNT_SYMBOLS and after["c"] == "=")
                    or (
                        before["c"] == "="
                        and after["c"][:1].isdigit()
                        and i > 2
                        and inlines[i - 2]["t"] == "Space"
                        and inlines[i - 3].get("c") in COUNT_SYMBOLS
                    )
                )
            ):
                out.append(A.Str(NBSP))
                continue
        if node["t"] == "Str" and ISO_DATE.search(node["c"]):
            if fmt == "html":
                parts = re.split(f"({ISO_DATE.pattern})", node["c"])
                for part in parts:
                    if ISO_DATE.fullmatch(part):
                        out.append(A.Span([A.Str(part)], A.attr("", ["nowrap"])))
                    elif part:
                        out.append(A.Str(part))
                continue
            node = A.Str(ISO_DATE.sub(lambda m: m.group(0).replace("-", NB_HYPHEN), node["c"]))
        out.append(node)
    if el["t"] == "Span":
        el["c"][1] = out
    elif el["t"] == "Header":
        el["c"][2] = out
    else:
        el["c"] = out
    return None

"""Format-specific finishing of the book AST: callouts, page breaks, landscape, images.

The book model is format-independent; these passes turn the few Quarto
constructs that need a different shape per format into what each Pandoc
writer understands (HTML divs, DOCX custom styles and raw OpenXML, Typst
function calls), and apply each format's ``default-image-extension``.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from . import ast as A
from .project import Book
from .reference_docx import MARGIN as DOCX_MARGIN
from .reference_docx import PAPER as DOCX_PAPER
from .reference_docx import page_setup
from .syntax import CALLOUT_TYPES

CALLOUT_TITLES = {t: t.capitalize() for t in CALLOUT_TYPES}
DOCX_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
DOCX_INLINE_PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'
# Figures without an explicit size are scaled down to fit these fractions of the
# text width and height (the PDF template uses the same limits).
FIGURE_MAX_WIDTH = 0.8
FIGURE_MAX_HEIGHT = 0.6


def finish(blocks: list[A.Element], fmt: str, book: Book) -> list[A.Element]:
    """Return ``blocks`` rewritten for ``fmt`` (``html``, ``docx`` or ``typst``)."""
    number_sections = bool(book.format_option(fmt, "number-sections", True))
    default_ext = str(book.format_option(fmt, "default-image-extension", "png")).lstrip(".")
    paper = str(book.format_option(fmt, "papersize", "a4")).lower()

    def visit(el: A.Element) -> Any:
        t = el["t"]
        if t == "Para" and _is_pagebreak_para(el):
            return _block_pagebreak(fmt)
        if t == "Span" and "lr-pagebreak" in el["c"][0][1]:
            return _inline_pagebreak(fmt)
        if (
            t == "Span"
            and not number_sections
            and ({"header-section-number", "chapter-number"} & set(el["c"][0][1]))
        ):
            return []
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
            return None
        if t == "Table" and fmt == "typst":
            _left_align_default_columns(el)
            return None
        if t in ("Div", "Span") and set(el["c"][0][1]) & CONDITIONAL:
            return _conditional(el, fmt)
        if t == "Div":
            classes = el["c"][0][1]
            callout = next((c[8:] for c in classes if c.startswith("callout-")), None)
            if callout in CALLOUT_TYPES:
                return _callout(el, callout, fmt)
            if "landscape" in classes:
                return _landscape(el, fmt, paper)
        return None

    return A.walk(blocks, visit)


CONDITIONAL = {"content-visible", "content-hidden"}
# Quarto's format aliases for when-format: "pdf" is the PDF (typst here).
FORMAT_ALIASES = {"html": {"html"}, "docx": {"docx"}, "typst": {"typst", "pdf"}}


def _conditional(el: A.Element, fmt: str) -> Any:
    """Quarto's ``.content-visible``/``.content-hidden`` with ``when-format``/``unless-format``:
    the contents for the formats it names, nothing for the others."""
    classes = el["c"][0][1]
    attrs = dict(el["c"][0][2])
    names = FORMAT_ALIASES.get(fmt, {fmt})
    if "when-format" in attrs:
        match = attrs["when-format"] in names
    else:
        match = attrs.get("unless-format") not in names
    visible = match if "content-visible" in classes else not match
    if not visible:
        return []
    return el["c"][1]


def _is_pagebreak_para(para: A.Element) -> bool:
    content = [i for i in para["c"] if i["t"] not in ("Space", "SoftBreak")]
    return (
        len(content) == 1 and content[0]["t"] == "Span" and "lr-pagebreak" in content[0]["c"][0][1]
    )


def _block_pagebreak(fmt: str) -> list[A.Element]:
    if fmt == "docx":
        return [A.RawBlock("openxml", DOCX_PAGE_BREAK)]
    if fmt == "typst":
        return [A.RawBlock("typst", "#pagebreak()")]
    return []


def _inline_pagebreak(fmt: str) -> list[A.Element]:
    if fmt == "docx":
        return [A.RawInline("openxml", DOCX_INLINE_PAGE_BREAK)]
    if fmt == "typst":
        return [A.RawInline("typst", "#pagebreak(weak: true)")]
    return []


def _callout(div: A.Element, kind: str, fmt: str) -> list[A.Element]:
    a, content = div["c"]
    title_text = A.attr_get(a, "title") or CALLOUT_TITLES[kind]
    title = A.text_inlines(title_text)
    if fmt == "html":
        return [
            A.Div(
                [
                    A.Div([A.Plain([A.Strong(title)])], A.attr("", ["callout-header"])),
                    A.Div(content, A.attr("", ["callout-body"])),
                ],
                A.attr(a[0], ["callout", f"callout-{kind}"], {"role": "note"}),
            )
        ]
    if fmt == "docx":
        return [
            A.Div(
                [A.Para([A.Strong(title)]), *content], A.attr(a[0], [], {"custom-style": "Callout"})
            )
        ]
    # typst: a function defined in the template wraps the content
    return [
        A.RawBlock("typst", f'#callout(kind: "{kind}")['),
        A.Para([A.Strong(title)]),
        *content,
        A.RawBlock("typst", "]"),
    ]


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
    of the text height, the same limits the PDF template applies.
    """
    a = image["c"][0]
    if A.attr_get(a, "width") or A.attr_get(a, "height"):
        return
    size = png_print_size(root / image["c"][2][0].lstrip("/"))
    if size is None:
        return
    width, height = size
    text_width, text_height = docx_text_area(paper)
    scale = min(
        1.0, FIGURE_MAX_WIDTH * text_width / width, FIGURE_MAX_HEIGHT * text_height / height
    )
    a[2].append(["width", f"{width * scale:.2f}in"])


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

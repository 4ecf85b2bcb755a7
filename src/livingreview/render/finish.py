"""Format-specific finishing of the book AST: callouts, page breaks, landscape, images.

The book model is format-independent; these passes turn the few Quarto
constructs that need a different shape per format into what each Pandoc
writer understands (HTML divs, DOCX custom styles and raw OpenXML, Typst
function calls), and apply each format's ``default-image-extension``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import ast as A
from .project import Book
from .syntax import CALLOUT_TYPES

CALLOUT_TITLES = {t: t.capitalize() for t in CALLOUT_TYPES}
DOCX_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
DOCX_INLINE_PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'
# Page sizes in twentieths of a point (w:pgSz), portrait width x height.
DOCX_PAPER = {"a4": (11906, 16838), "letter": (12240, 15840), "us-letter": (12240, 15840)}


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
            return None
        if t == "Div":
            classes = el["c"][0][1]
            callout = next((c[8:] for c in classes if c.startswith("callout-")), None)
            if callout in CALLOUT_TYPES:
                return _callout(el, callout, fmt)
            if "landscape" in classes:
                return _landscape(el, fmt, paper)
        return None

    return A.walk(blocks, visit)


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


def _landscape(div: A.Element, fmt: str, paper: str) -> list[A.Element]:
    content = div["c"][1]
    if fmt == "typst":
        return [A.RawBlock("typst", "#page(flipped: true)["), *content, A.RawBlock("typst", "]")]
    if fmt == "docx":
        width, height = DOCX_PAPER.get(paper, DOCX_PAPER["a4"])
        margins = (
            '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" '
            'w:header="720" w:footer="720" w:gutter="0"/>'
        )
        portrait = (
            f'<w:p><w:pPr><w:sectPr><w:pgSz w:w="{width}" w:h="{height}"/>'
            f"{margins}</w:sectPr></w:pPr></w:p>"
        )
        landscape = (
            f'<w:p><w:pPr><w:sectPr><w:pgSz w:w="{height}" w:h="{width}" '
            f'w:orient="landscape"/>{margins}</w:sectPr></w:pPr></w:p>'
        )
        return [A.RawBlock("openxml", portrait), *content, A.RawBlock("openxml", landscape)]
    return [div]

"""Page layout fixes Pandoc's DOCX writer leaves to us: sections and table widths.

Pandoc writes every table with column widths (``w:gridCol``) for a fixed
5.5-inch text block and copies the reference document's final section. After
``::: {.landscape}`` divs have added sections of their own, this pass

- gives every section the header and footer references of the final one
  (so landscape pages keep their page numbers), and
- scales each table's columns, keeping their proportions, to the text width of
  the section the table sits in (portrait or landscape), so Word and
  LibreOffice lay it out across the whole text block.

It works on ``word/document.xml`` with lxml and changes nothing else.
"""

from __future__ import annotations

import copy

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def fit_sections(document_xml: bytes) -> bytes:
    """``word/document.xml`` with section references copied and tables fitted."""
    root = etree.fromstring(document_xml)
    body = root.find(_q("body"))
    if body is None:
        return document_xml
    final = body.find(_q("sectPr"))
    pending: list[etree._Element] = []
    for child in body:
        if child.tag == _q("tbl"):
            pending.append(child)
            continue
        section = child.find(f"{_q('pPr')}/{_q('sectPr')}") if child.tag == _q("p") else None
        if child.tag == _q("sectPr"):
            section = child
        if section is None:
            continue
        if final is not None and section is not final:
            _copy_references(final, section)
        width = text_width(section)
        for table in pending:
            if width:
                scale_table(table, width)
        pending = []
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _copy_references(source: etree._Element, target: etree._Element) -> None:
    """Header/footer references of ``source`` added at the start of ``target`` (schema order)."""
    if (
        target.find(_q("footerReference")) is not None
        or target.find(_q("headerReference")) is not None
    ):
        return
    refs = [el for el in source if el.tag in (_q("headerReference"), _q("footerReference"))]
    for n, ref in enumerate(refs):
        target.insert(n, copy.deepcopy(ref))


def text_width(section: etree._Element) -> int | None:
    """Width between the margins of a section, in twentieths of a point."""
    size = section.find(_q("pgSz"))
    margins = section.find(_q("pgMar"))
    if size is None or margins is None:
        return None
    try:
        return (
            int(size.get(_q("w")))
            - int(margins.get(_q("left"), "0"))
            - int(margins.get(_q("right"), "0"))
        )
    except (TypeError, ValueError):
        return None


def scale_table(table: etree._Element, width: int) -> None:
    """Scale a full-width table's ``w:gridCol`` widths to add up to ``width``, in proportion."""
    table_width = table.find(f"{_q('tblPr')}/{_q('tblW')}")
    if table_width is None or table_width.get(_q("type")) != "pct":
        return  # an auto-width table keeps Pandoc's layout
    columns = table.findall(f"{_q('tblGrid')}/{_q('gridCol')}")
    widths = [int(c.get(_q("w"), "0")) for c in columns]
    total = sum(widths)
    if not columns or total <= 0:
        return
    scaled = [w * width // total for w in widths]
    scaled[-1] += width - sum(scaled)  # rounding goes to the last column
    for column, value in zip(columns, scaled, strict=True):
        column.set(_q("w"), str(value))

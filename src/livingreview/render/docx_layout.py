"""Page layout fixes Pandoc's DOCX writer leaves to us: sections and table widths.

Pandoc writes every table with column widths (``w:gridCol``) for a fixed
5.5-inch text block and copies the reference document's final section. After
``::: {.landscape}`` divs have added sections of their own, this pass

- gives every section the header and footer references of the final one
  (so landscape pages keep their page numbers) and moves its "different first
  page" (the title page) to the first section, and
- scales each table's columns, keeping their proportions, to the text width of
  the section the table sits in (portrait or landscape), so Word and
  LibreOffice lay it out across the whole text block, and
- widens a column narrower than its longest word (measured in the table face,
  DejaVu Sans, at the table size; bold in the header row) to hold it, taking the
  width from columns with room to spare, so no word breaks inside ("Comparat|or").
  Lines still break at spaces and after hyphens and dashes.

It also gives each picture's inner description (``pic:cNvPr``, where Pandoc puts
the image's file path, which some screen readers and Word's selection pane show)
the figure's alternative text from ``wp:docPr``, so no build path reaches a reader.

It works on ``word/document.xml`` with lxml and changes nothing else.
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata

from lxml import etree

from .reference_docx import TABLE_SIZE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def fit_sections(document_xml: bytes) -> bytes:
    """``word/document.xml`` with section references copied and tables fitted."""
    root = etree.fromstring(document_xml)
    body = root.find(_q("body"))
    if body is None:
        return document_xml
    final = body.find(_q("sectPr"))
    _title_page_first(body, final)
    _pictures_described_by_alt_text(body)
    pending: list[etree._Element] = []
    previous: etree._Element | None = None
    for child in body:
        if child.tag == _q("tbl"):
            keep_rows_whole(child)
            if previous is not None and previous.tag == _q("p"):
                _keep_with_next(previous)  # a caption or "Counts that changed:" stays with it
            pending.append(child)
            previous = child
            continue
        previous = child
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


def _pictures_described_by_alt_text(body: etree._Element) -> None:
    """Each drawing's ``pic:cNvPr`` description set to its ``wp:docPr`` one (the alt
    text; empty when the figure has none) instead of the image's path."""
    for drawing in body.iter(_q("drawing")):
        frame = next(drawing.iter(f"{{{WP}}}docPr"), None)
        alt = frame.get("descr", "") if frame is not None else ""
        for picture in drawing.iter(f"{{{PIC}}}cNvPr"):
            picture.set("descr", alt)


# CT_SectPr children after w:titlePg, in schema order
_AFTER_TITLE_PG = (
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)


def _title_page_first(body: etree._Element, final: etree._Element | None) -> None:
    """Move the final section's "different first page" (``w:titlePg``: no header or
    footer over the title block) to the document's first section. A landscape section
    ends the first one, so the final section starts at the page after the landscape
    pages: that page showed neither running header nor page number."""
    if final is None or final.find(_q("titlePg")) is None:
        return
    first = body.find(f"{_q('p')}/{_q('pPr')}/{_q('sectPr')}")
    if first is None:
        return
    final.remove(final.find(_q("titlePg")))
    if first.find(_q("titlePg")) is not None:
        return
    mark = etree.Element(_q("titlePg"))
    later = [i for i, el in enumerate(first) if el.tag in {_q(t) for t in _AFTER_TITLE_PG}]
    if later:
        first.insert(later[0], mark)
    else:
        first.append(mark)


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


KEEP_TOGETHER_ROWS = 12  # a table this short moves to the next page whole


def keep_rows_whole(table: etree._Element) -> None:
    """No row of ``table`` splits across a page (``w:cantSplit``), and a table of at
    most :data:`KEEP_TOGETHER_ROWS` rows keeps its rows with the next (``w:keepNext``
    on every paragraph but the last row's), so it does not leave one row behind on a
    page: Word's own way to keep a table together."""
    rows = table.findall(_q("tr"))
    for row in rows:
        properties = row.find(_q("trPr"))
        if properties is None:
            properties = etree.Element(_q("trPr"))
            exceptions = row.find(_q("tblPrEx"))
            row.insert(0 if exceptions is None else 1, properties)
        if properties.find(_q("cantSplit")) is None:
            properties.insert(0, etree.Element(_q("cantSplit")))
    if len(rows) > KEEP_TOGETHER_ROWS:
        return
    for row in rows[:-1]:
        for paragraph in row.iter(_q("p")):
            _keep_with_next(paragraph)


def _keep_with_next(paragraph: etree._Element) -> None:
    """``w:keepNext`` in the paragraph's properties, after ``w:pStyle`` (schema order);
    a paragraph that ends a section is left alone (its page setup comes first)."""
    properties = paragraph.find(_q("pPr"))
    if properties is None:
        properties = etree.Element(_q("pPr"))
        paragraph.insert(0, properties)
    if properties.find(_q("keepNext")) is not None or properties.find(_q("sectPr")) is not None:
        return
    position = 1 if len(properties) and properties[0].tag == _q("pStyle") else 0
    properties.insert(position, etree.Element(_q("keepNext")))


def scale_table(table: etree._Element, width: int) -> None:
    """Scale a full-width table's ``w:gridCol`` widths to add up to ``width``, in proportion,
    each at least as wide as its longest word."""
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
    fitted = fit_words(scaled, longest_words(table, len(columns)))
    for column, value in zip(columns, fitted, strict=True):
        column.set(_q("w"), str(value))
    # the columns now fill the text width: a table Pandoc wrote narrower (its relative
    # widths adding up to less than 1) would otherwise be squeezed back by the reader
    table_width.set(_q("w"), "5000")


CELL_MARGINS = 2 * 57 + 10  # the Table style's left and right cell margins, and slack (twips)
# a line may end after a space, a hyphen or a dash, as Word and LibreOffice break lines
WORD = re.compile(r"[^\s\-\u2010\u2013\u2014]+[\-\u2010\u2013\u2014]?")


# Advance widths of DejaVu Sans (regular, bold) for " " to "~", in 1/2048 em, from
# matplotlib's DejaVuSans.ttf and DejaVuSans-Bold.ttf (DejaVu 2.37; a unit test reads
# the fonts to check them). Reading the fonts with fontTools on every render cost a
# third of a second.
ASCII_ADVANCES = {
    bold: tuple(int(w) for w in widths.split())
    for bold, widths in (
        (
            False,
            "651 821 942 1716 1303 1946 1597 563 799 799 1024 1716 651 739 651 690 1303 1303 1303 "
            "1303 1303 1303 1303 1303 1303 1303 690 690 1716 1716 1716 1087 2048 1401 1405 1430 "
            "1577 1294 1178 1587 1540 604 604 1343 1141 1767 1532 1612 1235 1612 1423 1300 1251 "
            "1499 1401 2025 1403 1251 1403 799 690 799 1716 1024 1024 1255 1300 1126 1300 1260 "
            "721 1300 1298 569 569 1186 569 1995 1298 1253 1300 1300 842 1067 803 1298 1212 1675 "
            "1212 1212 1075 1303 690 1303 1716 ",
        ),
        (
            True,
            "713 934 1067 1716 1425 2052 1786 627 936 936 1071 1716 778 850 778 748 1425 1425 "
            "1425 1425 1425 1425 1425 1425 1425 1425 819 819 1716 1716 1716 1188 2048 1585 1561 "
            "1503 1700 1399 1399 1681 1714 762 762 1587 1305 2038 1714 1741 1501 1741 1577 1475 "
            "1397 1663 1585 2259 1579 1483 1485 936 748 936 1716 1024 1024 1382 1466 1214 1466 "
            "1389 891 1466 1458 702 702 1362 702 2134 1458 1407 1466 1466 1010 1219 979 1458 1335 "
            "1892 1321 1335 1192 1458 748 1458 1716 ",
        ),
    )
}
UNITS_PER_EM = 2048
OTHER_ADVANCE = 1716  # a character beyond ASCII without an ASCII base letter (≥, ±, ×)


def _advance(char: str, bold: bool) -> int:
    """Advance width of ``char`` in 1/2048 em; an accented letter as its base letter."""
    table = ASCII_ADVANCES[bold]
    base = unicodedata.normalize("NFD", char)[0]
    code = ord(base) - 32
    return table[code] if 0 <= code < len(table) else OTHER_ADVANCE


@functools.lru_cache(maxsize=1 << 16)  # a table's words repeat: its column's terms, its years
def word_width(word: str, bold: bool = False) -> int:
    """Width of ``word`` in the table face at the table size, in twentieths of a point."""
    units = sum(_advance(c, bold) for c in word)
    return round(units * TABLE_SIZE * 10 / UNITS_PER_EM)


def longest_words(table: etree._Element, count: int) -> list[int]:
    """For each of ``count`` grid columns, the width its longest word needs (with margins).

    Cells spanning several columns (a group heading across the table) set no minimum."""
    need = [0] * count
    for row in table.findall(_q("tr")):
        header = row.find(f"{_q('trPr')}/{_q('tblHeader')}") is not None
        x = 0
        for cell in row.findall(_q("tc")):
            span_el = cell.find(f"{_q('tcPr')}/{_q('gridSpan')}")
            span = int(span_el.get(_q("val"), "1")) if span_el is not None else 1
            if span == 1 and x < count:
                for paragraph in cell.iter(_q("p")):
                    text = "".join(t.text or "" for t in paragraph.iter(_q("t")))
                    for word in WORD.findall(text):
                        need[x] = max(need[x], word_width(word, header) + CELL_MARGINS)
            x += span
    return need


def fit_words(widths: list[int], need: list[int]) -> list[int]:
    """``widths`` with each column at least its ``need``, the same total where it can.

    The width a narrow column gains is taken from the others in proportion to what
    they have beyond their own need; if the needs add up to more than the total,
    the columns whose need is at most an even share of what is left keep it (a
    number, "GAD": at 1,000 studies "14" broke into "1" and "4"), and the others
    share the rest in proportion to their need (their long words may then break)."""
    total = sum(widths)
    need = [min(n, total) for n in need]
    if sum(need) >= total:
        fitted, left = list(need), total
        wide = sorted(range(len(need)), key=need.__getitem__)
        while wide and need[wide[0]] * len(wide) <= left:
            left -= need[wide.pop(0)]
        rest = sum(need[i] for i in wide)
        for i in wide:
            fitted[i] = need[i] * left // rest
    else:
        short = sum(max(n - w, 0) for w, n in zip(widths, need, strict=True))
        spare = [max(w - n, 0) for w, n in zip(widths, need, strict=True)]
        room = sum(spare)
        fitted = [
            max(w, n) - (s * short // room if room else 0)
            for w, n, s in zip(widths, need, spare, strict=True)
        ]
    fitted[-1] += total - sum(fitted)  # rounding goes to the last column
    return fitted

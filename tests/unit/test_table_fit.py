"""Tables fit their words: the website's style sheet, the DOCX column widths, the PDF's order.

A reader found study-table words split mid-word ("Midazola|m", "Studie|s") on the
website and in the DOCX, and the PDF's Table 3.2 before Table 3.1. These tests read
what the renderer writes (the style sheet, ``word/document.xml``, the Typst source);
the browser and workflow tests measure the same on rendered pages.
"""

from __future__ import annotations

import re

from lxml import etree

from livingreview.render import docx_layout
from livingreview.render.embedded import TEMPLATES


def _css_rules() -> list[tuple[str, str]]:
    """(selector, declarations) of each rule of the website's style sheet."""
    css = re.sub(
        r"/\*.*?\*/", "", (TEMPLATES / "style.css").read_text(encoding="utf-8"), flags=re.S
    )
    return [(m[1].strip(), m[2]) for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css)]


def _cell_selector(selector: str) -> bool:
    return bool(re.search(r"\b(td|th)\b(?!\[data-label\]::before)", selector))


def test_table_cells_never_break_inside_a_word() -> None:
    """``main`` lets long words in prose break anywhere; table cells undo that and
    hyphenate instead (in the page's language), so a column is as wide as its longest
    word. A fixed table layout would size columns by Pandoc's percentages instead."""
    rules = _css_rules()
    cells = [(s, d) for s, d in rules if _cell_selector(s)]
    for selector, declarations in cells:
        assert not re.search(r"overflow-wrap:\s*(break-word|anywhere)", declarations), selector
        assert not re.search(r"word-break:\s*break-(all|word)", declarations), selector
    undo = [d for s, d in cells if ".table-scroll td" in s]
    assert undo and re.search(r"overflow-wrap:\s*normal", undo[0]), "cells inherit main's wrap"
    assert re.search(r"(?<!-)hyphens:\s*auto", undo[0])
    for selector, declarations in rules:
        if "table" in selector:
            assert "table-layout: fixed" not in declarations, selector


def test_a_table_that_scrolls_says_so() -> None:
    """A table wider than its region scrolls in it; a line above it says so."""
    script = (TEMPLATES / "site.js").read_text(encoding="utf-8")
    assert "scroll-hint" in script and "scrollWidth" in script
    assert any(s.startswith(".scroll-hint") for s, _ in _css_rules())


# ---------------------------------------------------------------- DOCX column widths

W = docx_layout.W


def _cell(text: str, span: int = 1) -> str:
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else "<w:tcPr/>"
    return f'<w:tc>{props}<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'


def _study_table(widths: list[int], header: list[str], rows: list[list[str]], pct: int) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    head = '<w:tr><w:trPr><w:tblHeader w:val="on"/></w:trPr>'
    head += "".join(_cell(h) for h in header) + "</w:tr>"
    group = f"<w:tr>{_cell('Generalised and social anxiety disorders', len(widths))}</w:tr>"
    body = "".join("<w:tr>" + "".join(_cell(c) for c in row) + "</w:tr>" for row in rows)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:type="pct" w:w="{pct}"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{head}{group}{body}</w:tbl>"
    )


def _fitted(table: str, text_width: int = 9070) -> etree._Element:
    root = etree.fromstring(
        (
            f'<w:document xmlns:w="{W}"><w:body>{table}<w:sectPr>'
            f'<w:pgSz w:w="{text_width + 2836}" w:h="16838"/>'
            '<w:pgMar w:left="1418" w:right="1418"/></w:sectPr></w:body></w:document>'
        ).encode()
    )
    tbl = root.find(f".//{{{W}}}tbl")
    docx_layout.scale_table(tbl, text_width)
    return tbl


def _widths(table: etree._Element) -> list[int]:
    return [int(c.get(f"{{{W}}}w")) for c in table.iter(f"{{{W}}}gridCol")]


def test_docx_columns_hold_their_longest_word() -> None:
    """Pandoc's widths from a pipe table's dashes gave "Studies" 6% of the page
    ("Studi|es" in LibreOffice); each column now holds its longest word (bold in the
    header), the width coming from columns with room, and the table still fills the
    text width. A group heading across the table sets no column's minimum."""
    header = ["Diagnosis group", "Studies", "Participants", "Designs", "Comparator"]
    rows = [["Obsessive-compulsive disorder", "1", "10", "Uncontrolled trial", "Midazolam"]]
    table = _fitted(_study_table([18, 6, 10, 56, 10], header, rows, pct=5000))
    widths = _widths(table)
    assert sum(widths) == 9070
    need = [docx_layout.word_width(w, bold=True) + 2 * 57 for w in header[1:3]]
    assert widths[1] >= need[0] and widths[2] >= need[1], (widths, need)
    assert widths[4] >= docx_layout.word_width("Comparator", bold=True) + 2 * 57
    assert widths[3] > widths[1]  # the wide column gave the width, and keeps the most


def test_docx_table_narrower_than_the_page_is_widened_with_its_columns() -> None:
    """Pandoc writes a table whose relative widths add up to 0.97 as 97% wide; with its
    columns fitted to the whole text width, Word and LibreOffice would squeeze them
    back by 3% and break the words the widths were chosen to hold."""
    table = _fitted(_study_table([50, 50], ["Study", "Comparator"], [["a", "b"]], pct=4872))
    assert table.find(f"{{{W}}}tblPr/{{{W}}}tblW").get(f"{{{W}}}w") == "5000"


def test_fit_words_keeps_the_total_and_gives_what_it_can() -> None:
    assert docx_layout.fit_words([100, 900], [300, 100]) == [300, 700]
    assert docx_layout.fit_words([500, 500], [100, 100]) == [500, 500]
    # needs beyond the total: a short need is kept whole, the long ones share the rest
    assert docx_layout.fit_words([500, 500], [900, 300]) == [700, 300]
    assert docx_layout.fit_words([300, 300, 400], [800, 100, 600]) == [514, 100, 386]


def test_a_number_column_keeps_its_width_when_the_words_cannot_all_fit() -> None:
    """At 1,000 studies the characteristics table's eleven columns need more than the
    page; scaling every need down broke n = "14" into "1" and "4" in the DOCX. The
    columns whose need is at most an even share keep it."""
    need = [900, 1100, 250, 500, 1000, 900, 1000, 1000, 900, 800, 800]
    fitted = docx_layout.fit_words([800] * 11, need)
    assert sum(fitted) == 8800
    assert fitted[2] == 250 and fitted[3] == 500  # "14" and "GAD" stay whole
    assert all(f < n for f, n in zip(fitted, need, strict=True) if n >= 1000)


def test_table_face_widths_are_the_fonts() -> None:
    """The DOCX table face's advance widths written in the module are those of the
    DejaVu Sans files matplotlib ships (read once here, not on every render)."""
    from fontTools.ttLib import TTFont

    from livingreview.render.webfonts import dejavu_folder

    for bold, name in ((False, "DejaVuSans.ttf"), (True, "DejaVuSans-Bold.ttf")):
        font = TTFont(dejavu_folder() / name)
        cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
        assert font["head"].unitsPerEm == docx_layout.UNITS_PER_EM
        expected = tuple(metrics[cmap[code]][0] for code in range(32, 127))
        assert docx_layout.ASCII_ADVANCES[bold] == expected, name
    assert docx_layout.word_width("é") == docx_layout.word_width("e")

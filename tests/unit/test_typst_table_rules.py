"""The rules a printed table is drawn with (the PDF's Typst template, ``book.typ``).

A table Pandoc writes (in a figure of kind table) has black rules above and under it,
on every page it runs over, a thinner black rule under its header (and over a footer),
and light grey rules between its rows. A table written in raw Typst outside such a
figure is drawn as Typst draws it. The rules are read back from the compiled PDF's
drawing operators: the width and grey level of each horizontal line.
"""

from __future__ import annotations

import re

import pytest

PAGE = "#set page(width: 10cm, height: 9cm, margin: 1cm)\n#let table-inset = (x: 4pt, y: 3pt)\n"
# How Typst writes a horizontal rule into the PDF, after "1 0 0 -1 <x> <y> cm": a line
# stroked with a width (a cell's or a table.hline's stroke) or a thin filled rectangle
# (a block's stroke). A line of 1pt, PDF's default width, is written without one.
LINE = re.compile(
    rb"-1 [\d.]+ ([\d.]+) cm/c0 CS ([\d.]+) SCN (?:([\d.]+) w )?4 M 0 0 m [\d.]+ 0 l\s+S"
)
BAR = re.compile(
    rb"-1 [\d.]+ ([\d.]+) cm/c0 cs ([\d.]+) scn 0 (-?[\d.]+) m 0 (-?[\d.]+) l [^h]*h\s+f"
)


def _table_rules() -> str:
    from livingreview.render.embedded import TEMPLATES

    template = (TEMPLATES / "book.typ").read_text(encoding="utf-8")
    start = template.index("#let lr-row-rule")
    return template[start : template.index("#show table: set text(", start)]


def _rules_per_page(source: str) -> list[list[tuple[float, float]]]:
    """(grey level, thickness) of each horizontal rule on each page, top to bottom."""
    import io

    typst = pytest.importorskip("typst")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(typst.compile(source.encode(), ignore_system_fonts=True)))
    pages = []
    for page in reader.pages:
        drawn = page.get_contents().get_data()
        rules = [
            (float(y), float(grey), float(width or 1)) for y, grey, width in LINE.findall(drawn)
        ]
        rules += [
            (float(y), float(grey), round(abs(float(a) - float(b)), 3))
            for y, grey, a, b in BAR.findall(drawn)
        ]
        pages.append([(grey, width) for _, grey, width in sorted(rules, reverse=True)])
    return pages


def _pandoc_table(source: str, fmt: str = "markdown") -> str:
    """A page with the template's rules and the table of ``source`` as the renderer
    writes it for Typst: its last cell marked, through Pandoc, its closing rule added."""
    import json

    import pypandoc

    from livingreview.render.finish import _mark_closing_rule, closing_rules

    document = json.loads(pypandoc.convert_text(source, "json", format=fmt))
    for block in document["blocks"]:
        if block["t"] == "Table":
            _mark_closing_rule(block)
    typst = pypandoc.convert_text(json.dumps(document), "typst", format="json")
    return (
        PAGE
        + "#show figure.where(kind: table): set block(breakable: true)\n"  # as book.typ
        + _table_rules()
        + closing_rules(typst)
        + "\nAfter.\n"
    )


def test_a_table_has_black_rules_around_it_and_its_header_and_light_ones_between_rows() -> None:
    """Before issue 19's change the rules were a function of each cell, and the "0pt" top
    of every body row hid the rule under the header and those between the rows. The
    closing rule lies over the last row's light rule, not beside it, on every page."""
    rows = "".join(f"| r{i} | v{i} |\n" for i in range(30))
    pages = _rules_per_page(_pandoc_table(f"| Study | Value |\n|---|---|\n{rows}"))
    assert len(pages) >= 2, "the table should run over a page turn"
    for number, rules in enumerate(pages, 1):
        black = [width for grey, width in rules if grey == 0]
        light = [width for grey, width in rules if 0.5 < grey < 1]
        assert black == [0.8, 0.6, 0.8], f"page {number}: top, header, closing {black}"
        assert rules[-1] == (0, 0.8), f"page {number}: the closing rule is the last"
        assert light and set(light) == {0.4}, f"page {number}: light rules {light}"
    # a light rule under each of the 30 body rows but the last on each page
    light = sum(1 for rules in pages for grey, _ in rules if 0.5 < grey < 1)
    assert light == 30 - len(pages)


@pytest.mark.parametrize(
    "last_cell",
    ["two words", "", "<ul><li>a</li><li>b</li></ul>", "<p>one</p><p>two</p>"],
    ids=["text", "empty", "list", "paragraphs"],
)
def test_the_closing_rule_follows_any_last_cell_and_a_footer(last_cell: str) -> None:
    html = (
        "<table><thead><tr><th>A</th><th>B</th></tr></thead>"
        f"<tbody><tr><td>1</td><td>{last_cell}</td></tr></tbody>"
        "<tfoot><tr><td>Total</td><td>3</td></tr></tfoot></table>"
    )
    no_footer = html.replace("<tfoot><tr><td>Total</td><td>3</td></tr></tfoot>", "")
    assert _rules_per_page(_pandoc_table(html, "html")) == [
        [(0, 0.8), (0, 0.6), (0, 0.6), (0, 0.8)]  # the rule over the footer, then closing
    ]
    assert _rules_per_page(_pandoc_table(no_footer, "html")) == [[(0, 0.8), (0, 0.6), (0, 0.8)]]


@pytest.mark.parametrize(
    "table",
    [
        '#table(columns: 2, [Study], [Value], "a", "1")',
        '#table(columns: 2, stroke: none, [Study], [Value], "a", "1")',
        '#table(columns: 2, stroke: (x: 0.5pt), [A], [B], "a", "1")',
        '#table(columns: 2, stroke: (top: 1pt), [A], [B], "a", "1", "b", "2")',
        "#table(columns: 2, stroke: none, table.hline(), table.header([A], [B]), table.hline(),"
        ' "a", "1", table.hline())',
    ],
    ids=["default", "none", "partial-x", "partial-top", "own-hlines"],
)
def test_a_raw_typst_table_is_drawn_as_typst_draws_it(table: str) -> None:
    """The template's rules are for the tables Pandoc writes: an author's raw Typst
    table outside a table figure, with or without its own stroke, gets none of them."""
    plain = _rules_per_page(PAGE + "#set table(inset: table-inset)\n" + table + "\n")
    assert _rules_per_page(PAGE + _table_rules() + table + "\n") == plain
    if "stroke: none" not in table:
        assert plain != [[]], "the PDF's rules were not read"

"""A word wider than its table cell breaks inside the cell in the PDF (issue 19).

At 1,000 studies the characteristics table's narrow columns held words wider than
themselves ("Observational:" ran into the n column, "Observational84"); Typst lets
such a word run on over the next column. The template breaks only that word, into
pieces that fit with a hyphen; a word that fits is left whole.
"""

from __future__ import annotations

import io

import pytest

from livingreview.render.embedded import TEMPLATES

TEMPLATE = (TEMPLATES / "book.typ").read_text(encoding="utf-8")
LONG = "Observationalandlongerstill:"


def _part(start: str, end: str) -> str:
    at = TEMPLATE.index(start)
    return TEMPLATE[at : TEMPLATE.index(end, at)]


def _drawn(table: str) -> list[tuple[str, float]]:
    """Each piece of text the compiled ``table`` draws, with its left edge in points."""
    typst = pytest.importorskip("typst")
    pypdf = pytest.importorskip("pypdf")
    source = (
        _part("#let content-to-string", "#let horizontalrule")
        + "#let page-margin = (x: 2.5cm, top: 2.8cm, bottom: 2.5cm)\n"
        + '#set page(paper: "a4", margin: page-margin)\n'
        + "#let table-inset = (x: 4pt, y: 3pt)\n"
        + '#set text(size: 10pt, lang: "en")\n'
        + _part("#set table(", "// ----")
        + table
    )
    page = pypdf.PdfReader(io.BytesIO(typst.compile(source.encode()))).pages[0]
    drawn: list[tuple[str, float]] = []

    def keep(text, cm, tm, font, size) -> None:
        if text.strip():
            drawn.append((text.strip(), tm[4] * cm[0] + tm[5] * cm[2] + cm[4]))

    page.extract_text(visitor_text=keep)
    return drawn


def test_a_word_wider_than_its_cell_breaks_inside_it() -> None:
    table = (
        "#table(columns: (10%, 10%, 80%), table.header([Design], [n], [Finding]),"
        f' [{LONG}], [44], [fits], "Short", [46], [{LONG}])'
    )
    drawn = _drawn(table)
    text = "".join(t for t, _ in drawn)
    # every letter is printed, and the long word in the narrow column is split over lines
    assert text.replace("-", "").count(LONG) == 2, drawn
    assert text.count(LONG) == 1, drawn  # whole only in the wide column
    n_column = min(x for t, x in drawn if t.startswith("44"))
    pieces = [(t, x) for t, x in drawn if x < n_column and t.rstrip("-") in LONG]
    assert len(pieces) >= 2, drawn
    # each piece fits its column: none reaches the n column (a letter of 7 pt type is
    # more than 2.9 pt wide on average, so the whole word would need twice the room)
    width = n_column - min(x for _, x in pieces)
    assert all(len(t) * 2.9 < width for t, _ in pieces), (pieces, width)
    assert len(LONG) * 2.9 > width
    # words that fit are not touched
    assert any(t.startswith("Short") for t, _ in drawn) and "fits" in text


def test_a_long_header_word_breaks_and_short_words_stay_whole() -> None:
    table = "#table(columns: (6%, 94%), table.header([Diagnosisgroupname], [Other]), [GAD], [x])"
    text = " ".join(t for t, _ in _drawn(table))
    assert "Diagnosisgroupname" not in text.replace(" ", "")
    assert "Diagnosisgroupname" in text.replace("-", "").replace(" ", "")
    assert "GAD" in text


def test_a_hyphenated_word_breaks_at_its_hyphen_not_inside_a_part() -> None:
    """The word "Treatment-refractory" is wider than the shipped review's Diagnosis column but
    each part fits: Typst breaks it after the hyphen, and the rule leaves it alone."""
    table = (
        "#table(columns: (12%, 88%), table.header([Diagnosis], [Other]),"
        " [Treatment-refractory and/or social], [x])"
    )
    lines = [t for t, _ in _drawn(table)]
    assert "Treatment-" in lines and any(t.startswith("refractory") for t in lines), lines
    assert not any(t.startswith(("refract-", "Treatm")) and t != "Treatment-" for t in lines)


def test_a_broken_word_leaves_no_line_of_one_or_two_letters() -> None:
    table = "#table(columns: (7.5%, 92.5%), table.header([Design], [n]), [randomised,], [x])"
    lines = [t for t, _ in _drawn(table)]
    pieces = lines[2:-1]  # between the header (Design, n) and the next cell (x)
    assert "".join(p.rstrip("-") for p in pieces) == "randomised,", lines
    assert len(pieces) >= 2 and all(len(p.rstrip("-")) >= 3 for p in pieces), pieces

"""Tables fit their words: the website's style sheet, the DOCX column widths, the PDF's order.

A reader found study-table words split mid-word ("Midazola|m", "Studie|s") on the
website and in the DOCX, and the PDF's Table 3.2 before Table 3.1. These tests read
what the renderer writes (the style sheet, ``word/document.xml``, the Typst source);
the browser and workflow tests measure the same on rendered pages.
"""

from __future__ import annotations

import re

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

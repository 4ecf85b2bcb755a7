"""A table of up to three columns fits a phone without scrolling sideways (issue 14: the
"Counts that changed" table of Changes in this version hid its last column at 390 px),
while wider tables keep their readable minimum width and scroll inside their region."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
CHROMIUM = Path("/usr/bin/chromium")
TABLES = """

| | Version 1.0 | Version 2.0 |
|:---|---:|---:|
| Participants in included studies | 224 | 2,030 |

| a | b | c | d | e |
|:---|:---|:---|:---|:---|
| one | two | three | four | five |
"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_three_columns_fit_a_phone_and_wider_tables_scroll(tmp_path: Path, browser) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    with (root / "index.qmd").open("a", encoding="utf-8") as handle:
        handle.write(TABLES)
    render_book(root, backend="embedded", formats=("html",))
    measure = """() => [...document.querySelectorAll('.table-scroll')]
        .filter(r => ['3', '5'].includes(r.style.getPropertyValue('--cols').trim()))
        .map(r => [r.style.getPropertyValue('--cols').trim(), r.scrollWidth - r.clientWidth])"""
    tab = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        tab.goto((root / "_book" / "index.html").as_uri())
        overflow = dict(tab.evaluate(measure))
    finally:
        tab.close()
    assert overflow["3"] <= 0  # fits
    assert overflow["5"] > 0  # five columns of at least 8rem scroll in their region

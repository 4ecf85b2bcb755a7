"""A table of up to three columns fits a phone without scrolling sideways (issue 14: the
"Counts that changed" table of Changes in this version hid its last column at 390 px),
while wider tables keep their readable minimum width and scroll inside their region.
The records appendix's tables (its static tables and the website's records browser)
become one card per record on a phone, as the study table does, each field labelled by
its column (issue 14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.prisma.records_appendix import counts_table, decision, records_table
from livingreview.prisma.records_browser import browser_block, browser_files, write_browser
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
# SYNTHETIC ledger rows, shown as the records appendix shows them
RECORDS = [
    {
        "record_id": f"R00{i}",
        "title": f"Synthetic record {i} with a title long enough to wrap on a phone",
        "year": "2020",
        "source": "Synthetic database",
        "screening": "exclude",
        "screening_reason": "Synthetic reason",
    }
    for i in range(1, 4)
]
MEASURE = """() => [...document.querySelectorAll('.table-scroll')].map(r => {
    const table = r.querySelector('table');
    const heads = [...table.querySelectorAll('thead th')].map(h => h.textContent.trim());
    const row = table.querySelector('tbody tr');
    const cells = row ? [...row.cells] : [];
    return {
        cols: r.style.getPropertyValue('--cols').trim() || String(heads.length),
        browser: !!r.closest('.records-browser'),
        heads: heads,
        overflow: r.scrollWidth - r.clientWidth,
        rowDisplay: row ? getComputedStyle(row).display : '',
        labels: cells.map(c => c.getAttribute('data-label')),
        shown: cells.map(c => getComputedStyle(c, '::before').content),
        labelAlign: cells.map(c => getComputedStyle(c, '::before').textAlign),
        cellAlign: cells.map(c => getComputedStyle(c).textAlign),
    };
})"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_three_columns_fit_a_phone_and_wider_tables_scroll(tmp_path: Path, browser) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    reasons: dict[str, str] = {}
    with (root / "index.qmd").open("a", encoding="utf-8") as handle:
        handle.write(TABLES)
        handle.write("\n" + records_table(RECORDS, reasons) + "\n\n")
        handle.write(counts_table(RECORDS, reasons) + "\n\n")
        handle.write(browser_block() + "\n")
    render_book(root, backend="embedded", formats=("html",))
    boxes = [("records_excluded", "Synthetic box", RECORDS)]
    write_browser(
        root / "_book" / "records-data",
        browser_files(boxes, lambda row: decision(row, reasons)),
    )
    tab = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        tab.goto((root / "_book" / "index.html").as_uri())
        tab.wait_for_selector(".records-browser tbody tr")
        regions = tab.evaluate(MEASURE)
    finally:
        tab.close()
    by_cols = {r["cols"]: r for r in regions if not r["browser"] and r["heads"][:1] != ["Record"]}
    assert by_cols["3"]["overflow"] <= 0  # fits
    assert by_cols["5"]["overflow"] > 0  # five columns of at least 8rem scroll in their region
    assert by_cols["5"]["rowDisplay"] == "table-row"  # a plain table stays a table
    records = [r for r in regions if r["heads"][:1] in (["Record"], ["Source"])]
    assert len(records) == 3  # the records table, the counts table, the browser's table
    for region in records:
        assert region["rowDisplay"] == "block", region  # one card per record
        assert region["overflow"] <= 0, region  # nothing off-screen
        assert region["labels"] == region["heads"], region  # every field labelled
        assert all(shown.strip('"') for shown in region["shown"]), region
        # a number column's label is on the left as every other (they were right-aligned)
        assert set(region["labelAlign"]) == {"left"}, region
    assert any(a == "right" for r in records for a in r["cellAlign"]), "no number column"

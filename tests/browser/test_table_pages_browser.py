"""pages.js in Chromium: a table over tables.rows_per_page shows one page of rows,
Previous / Next and the group list move through them, and printing shows every row
(issue 19). The book is the made-up one of tests/unit/test_table_pages.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.render import render_book

from .conftest import CHROMIUM, load_test_module

VISIBLE = """() => [...document.querySelectorAll('#tbl-long tbody tr')]
    .filter(r => r.offsetParent !== null)
    .map(r => r.cells[0].textContent.trim().replace(/\\s+/g, ' ') +
              (r.hasAttribute('data-continued') ? ' (continued)' : ''))"""


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book with 3 rows a page, rendered once for both viewports (only read)."""
    root = load_test_module("test_table_pages", "unit")._project(tmp_path_factory.mktemp("b"), 3)
    render_book(root, backend="embedded", formats=("html",))
    return root


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_pages_of_rows_with_their_group_headings(paged: Path, browser, viewport) -> None:
    root = paged
    tab = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        tab.goto((root / "_book" / "index.html").as_uri())
        first = tab.evaluate(VISIBLE)
        nav = tab.locator("nav.table-pages").first
        assert nav.locator("select").first.input_value() == "0"
        assert nav.get_by_role("button", name="Previous").is_disabled()
        nav.get_by_role("button", name="Next").click()
        second = tab.evaluate(VISIBLE)
        nav.get_by_label("Go to group").select_option(label="Group B")
        group_b = tab.evaluate(VISIBLE)
        nav.get_by_label("Page").select_option(index=2)
        third = tab.evaluate(VISIBLE)
        assert nav.get_by_role("button", name="Next").is_disabled()
        tab.emulate_media(media="print")
        printed = tab.evaluate(VISIBLE)
        assert tab.locator("nav.table-pages").first.is_hidden()
    finally:
        tab.close()
    assert first == ["Group A", "Study 1", "Study 2", "Study 3"]
    assert second == ["Group A (continued)", "Study 4", "Group B", "Study 5", "Study 6"]
    assert group_b == second  # Group B starts on page 2
    assert third == ["Group B (continued)", "Study 7"]
    assert len(printed) == 9  # both headings and all seven studies

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


def _variant(root: Path, name: str, change) -> str:
    """The book's index page changed by ``change`` (its text in, text out), written as
    ``name`` beside it so its links and scripts still resolve; its file URI."""
    page = root / "_book" / "index.html"
    variant = page.with_name(name)
    variant.write_text(change(page.read_text(encoding="utf-8")), encoding="utf-8")
    return variant.as_uri()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_rows_to_be_paged_are_not_laid_out_while_the_page_loads(paged: Path, browser) -> None:
    """At 10,000 rows the phone's cards took 80 s to lay out before pages.js cut them
    into pages (issue 19): a script at the end of the body, which runs before the pages
    are made, sees none of the table's rows laid out; once made, page 1 shows."""
    probe = (
        "<script>window.earlyRows = [...document.querySelectorAll('#tbl-long tbody tr')]"
        ".filter(r => r.offsetParent !== null).length;</script></body>"
    )
    uri = _variant(paged, "early.html", lambda html: html.replace("</body>", probe, 1))
    tab = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        tab.goto(uri)
        early, later = tab.evaluate("() => window.earlyRows"), tab.evaluate(VISIBLE)
    finally:
        tab.close()
    assert early == 0
    assert later == ["Group A", "Study 1", "Study 2", "Study 3"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_table_that_fits_one_page_shows_every_row(paged: Path, browser) -> None:
    """A table marked for pages with no more rows than a page is not paged, and its
    rows, hidden while the page loads, show."""
    uri = _variant(
        paged,
        "one-page.html",
        lambda html: html.replace('data-rows-per-page="3"', 'data-rows-per-page="50"'),
    )
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        tab.goto(uri)
        shown, navs = tab.evaluate(VISIBLE), tab.locator("nav.table-pages").count()
    finally:
        tab.close()
    assert len(shown) == 9 and navs == 0


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_table_whose_paging_fails_shows_its_rows_and_others_are_paged(
    paged: Path, browser
) -> None:
    """The rows hidden while the page loads show again when a table cannot be paged,
    the next table still gets its pages, and the failure is still reported."""

    def two_tables(html: str) -> str:
        start = html.index("<table", html.index('id="tbl-long"'))
        end = html.index("</table>", start) + len("</table>")
        table = html[start:end]
        failing = table.replace("<table", "<table data-fail", 1)
        return html[:start] + failing + table + html[end:]

    uri = _variant(paged, "two-tables.html", two_tables)
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.add_init_script(
        "const closest = Element.prototype.closest;"
        "Element.prototype.closest = function (s) {"
        " if (this.hasAttribute('data-fail')) { throw new Error('paging failed'); }"
        " return closest.call(this, s); };"
    )
    shown = """() => [...document.querySelectorAll('#tbl-long table')].map(t =>
        [...t.tBodies[0].rows].filter(r => r.offsetParent !== null).length)"""
    try:
        tab.goto(uri)
        counts = tab.evaluate(shown)
    finally:
        tab.close()
    assert counts == [9, 4]  # every row of the failed table; page 1 of the other
    assert any("paging failed" in error for error in errors)

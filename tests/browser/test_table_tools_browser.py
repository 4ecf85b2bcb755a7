"""table-tools.js in Chromium: the study table (#tbl-characteristics, whose id the
renderer puts on the float around the table) gets a filter box, a group list and sort
buttons; with pages.js (more rows than tables.rows_per_page) the pages hold only
the rows the filter leaves, in the sorted order. On a phone the controls fit the screen
and the cards' field labels, wrapped onto two or three lines, never run into the next
field's label. The book and its studies are made up here."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from livingreview.render import render_book

from .conftest import CHROMIUM, load_test_module

# seven columns: a wide table, one card per study on a phone
HEADS = [
    "Study",
    "Participants",
    "Design and blinding",
    "Risk of bias judgement overall",
    "Country",
    "Age",
    "Follow-up",
]
DESIGNS = ["Open cohort", "Randomised double blind"]
# (group, study, participants, design): n out of table order, so sorting moves rows
STUDIES = [
    ("Group A", 1, 40, 0),
    ("Group A", 2, 10, 1),
    ("Group A", 3, 70, 0),
    ("Group A", 4, 20, 1),
    ("Group B", 5, 60, 0),
    ("Group B", 6, 30, 1),
    ("Group B", 7, 50, 0),
]
VISIBLE = """() => [...document.querySelectorAll('#tbl-characteristics tbody tr')]
    .filter(r => r.offsetParent !== null)
    .map(r => r.cells[0].textContent.trim().replace(/\\s+/g, ' '))"""
# The label of a card's field is the cell's ::before; its box is measured with a copy of
# it (same font, width and text) laid out in the cell where the label starts.
LABELS = """() => [...document.querySelectorAll('#tbl-characteristics tbody tr')]
  .filter(r => r.offsetParent !== null && r.cells.length > 1).map(r => [...r.cells].map(c => {
    const s = getComputedStyle(c, '::before'), cell = c.getBoundingClientRect();
    const probe = document.createElement('div');
    for (const p of ['font', 'lineHeight', 'width', 'overflowWrap', 'wordBreak', 'letterSpacing'])
        probe.style[p] = s[p];
    probe.style.position = 'absolute';
    probe.style.visibility = 'hidden';
    probe.textContent = c.getAttribute('data-label');
    document.body.appendChild(probe);
    const height = probe.getBoundingClientRect().height;
    probe.remove();
    const top = cell.top + parseFloat(getComputedStyle(c).paddingTop);
    return {label: c.getAttribute('data-label'), top: top, bottom: top + height,
            lines: Math.round(height / parseFloat(s.lineHeight))};
  }))"""


def _table() -> str:
    widths = [12, 15, 26, 33, 10, 6, 12]
    rule = "+" + "+".join("-" * w for w in widths) + "+"
    inner = len(rule) - 4

    def row(cells: list[str]) -> str:
        return "| " + "| ".join(c.ljust(w - 1) for c, w in zip(cells, widths, strict=True)) + "|"

    lines = [rule, row(HEADS), rule.replace("-", "=")]
    group = None
    for name, number, n, design in STUDIES:
        if name != group:
            group = name
            lines += ["| " + f"**{name}**".ljust(inner) + " |", rule]
        lines += [row([f"Study {number}", str(n), DESIGNS[design], "Low", "x", "x", "x"]), rule]
    return "\n".join(lines)


def _book(root: Path, rows_per_page: int | None) -> Path:
    load_test_module("test_table_pages", "unit")._project(root, rows_per_page)
    (root / "index.qmd").write_text(
        "# Results\n\n@tbl-characteristics lists the studies.\n\n"
        f"::: {{#tbl-characteristics}}\n{_table()}\n\nThe studies, grouped.\n:::\n",
        encoding="utf-8",
    )
    (root / "other.qmd").write_text("# Other\n\nSee @tbl-characteristics.\n", encoding="utf-8")
    render_book(root, backend="embedded", formats=("html",))
    return root / "_book" / "index.html"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):
    """The book's index page for a tables.rows_per_page value, rendered once per value
    for this module: the tests only open it in a tab, none edits it."""
    rendered: dict[int | None, Path] = {}

    def index(rows_per_page: int | None) -> Path:
        if rows_per_page not in rendered:
            rendered[rows_per_page] = _book(tmp_path_factory.mktemp("book"), rows_per_page)
        return rendered[rows_per_page]

    return index


def _sort_by_participants(tab) -> None:
    tab.locator("#tbl-characteristics thead button.sort-button", has_text="Participants").click()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_filter_group_and_sort_the_study_table(book, browser, viewport) -> None:
    index = book(None)  # 7 rows, below the default rows_per_page: not paged
    tab = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        tab.goto(index.as_uri())
        box = tab.locator("#tbl-characteristics .table-tools")
        box.wait_for(timeout=5000)
        assert box.get_by_label("Filter studies").is_visible()
        fits = tab.evaluate(
            """() => {
                const tools = document.querySelector('#tbl-characteristics .table-tools');
                const page = document.documentElement;
                return [...tools.querySelectorAll('*')].every(
                    e => e.getBoundingClientRect().right <= page.clientWidth + 0.5) &&
                    tools.scrollWidth <= tools.clientWidth && page.scrollWidth <= page.clientWidth;
            }"""
        )
        everything = tab.evaluate(VISIBLE)
        box.get_by_label("Filter studies").fill("cohort")
        cohort = tab.evaluate(VISIBLE)
        status = box.locator(".table-tools-status").text_content()
        box.get_by_label("Filter studies").fill("")
        box.get_by_label("Diagnosis group").select_option(label="Group B")
        group_b = tab.evaluate(VISIBLE)
        box.get_by_label("Diagnosis group").select_option(label="All groups")
        if viewport[0] > 768:  # the headings' buttons: ascending, descending, as it was
            _sort_by_participants(tab)
            ascending = tab.evaluate(VISIBLE)
            _sort_by_participants(tab)
            descending = tab.evaluate(VISIBLE)
            _sort_by_participants(tab)
            unsorted = tab.evaluate(VISIBLE)
        else:  # cards show no headings: the "Sort by" list
            sorter = box.get_by_label("Sort studies by")
            sorter.select_option(label="Sort by Participants")
            ascending = tab.evaluate(VISIBLE)
            descending = ascending[::-1]
            sorter.select_option(label="Table order")
            unsorted = tab.evaluate(VISIBLE)
    finally:
        tab.close()
    assert fits  # the controls stay on the screen, also at 390 px
    assert everything == [
        "Group A",
        *[f"Study {i}" for i in range(1, 5)],
        "Group B",
        *[f"Study {i}" for i in range(5, 8)],
    ]
    assert cohort == ["Group A", "Study 1", "Study 3", "Group B", "Study 5", "Study 7"]
    assert status == "4 of 7 studies shown"
    assert group_b == ["Group B", "Study 5", "Study 6", "Study 7"]
    by_n = [f"Study {s[1]}" for s in sorted(STUDIES, key=lambda s: s[2])]
    assert ascending == by_n  # group headings hidden while sorted
    assert descending == by_n[::-1]
    assert unsorted == everything


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_paging_pages_the_filtered_and_sorted_rows(book, browser) -> None:
    index = book(3)  # 7 rows, 3 a page
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        tab.goto(index.as_uri())
        tools = tab.locator("#tbl-characteristics .table-tools")
        nav = tab.locator("nav.table-pages").first
        first = tab.evaluate(VISIBLE)
        tools.get_by_label("Filter studies").fill("cohort")
        cohort_1 = tab.evaluate(VISIBLE)
        pages = nav.get_by_label("Page").locator("option").all_text_contents()
        nav.get_by_role("button", name="Next").click()
        cohort_2 = tab.evaluate(VISIBLE)
        tools.get_by_label("Filter studies").fill("randomised")
        randomised = tab.evaluate(VISIBLE)
        nav_hidden = nav.is_hidden()  # three rows: one page, no page controls
        tools.get_by_label("Filter studies").fill("")
        _sort_by_participants(tab)
        sorted_1 = tab.evaluate(VISIBLE)
        nav.get_by_role("button", name="Next").click()
        sorted_2 = tab.evaluate(VISIBLE)
        _sort_by_participants(tab)
        _sort_by_participants(tab)  # back to the grouped order
        back = tab.evaluate(VISIBLE)
    finally:
        tab.close()
    assert first == ["Group A", "Study 1", "Study 2", "Study 3"]
    assert cohort_1 == ["Group A", "Study 1", "Study 3", "Group B", "Study 5"]
    assert pages == ["Studies 1–3 of 4", "Studies 4–4 of 4"]
    assert cohort_2 == ["Group B", "Study 7"]
    assert randomised == ["Group A", "Study 2", "Study 4", "Group B", "Study 6"]
    assert nav_hidden
    by_n = [f"Study {s[1]}" for s in sorted(STUDIES, key=lambda s: s[2])]
    assert sorted_1 == by_n[:3]
    assert sorted_2 == by_n[3:6]
    assert back == first


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_wrapped_card_labels_do_not_overlap_on_a_phone(book, browser) -> None:
    index = book(None)
    tab = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        tab.goto(index.as_uri())
        cards = tab.evaluate(LABELS)
    finally:
        tab.close()
    assert len(cards) == len(STUDIES)
    assert max(f["lines"] for card in cards for f in card) >= 2  # some labels do wrap
    for card in cards:
        for field, following in itertools.pairwise(card):
            assert field["bottom"] <= following["top"] + 0.5, (field, following)

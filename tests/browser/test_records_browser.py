"""The website's records browser (prisma/records-browser.js) in Chromium, served over HTTP
so that one page file can be held back (Playwright cannot delay a file:// load).

The book is the render fixture with the browser placed on its first page; its data are
SYNTHETIC records made here: 1,200 removed before screening (one source) and 2,500
excluded at screening (two sources, 1,250 each), so a box spans more than one page file
(records_browser.PAGE_SIZE is 1,000) and a page of 100 can straddle two groups."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from livingreview.prisma import records_browser
from livingreview.prisma.records_appendix import decision
from livingreview.prisma.records_browser import browser_block, browser_files, write_browser
from livingreview.render import render_book

from .conftest import CHROMIUM, _QuietHandler

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
REMOVED = "Records removed before screening (n = 1,200)"
EXCLUDED = "Records excluded at screening (n = 2,500)"


def synthetic_boxes() -> list[tuple[str, str, list[dict[str, str]]]]:
    """SYNTHETIC ledger rows of two boxes, in diagram order."""
    removed = [
        {
            "record_id": f"SYN-DUP-{i:04d}",
            "title": f"Synthetic duplicate {i}",
            "year": "2021",
            "source": "Synthetic database A",
            "duplicate_of": "SYN-ORIGINAL",
        }
        for i in range(1, 1201)
    ]
    excluded = [
        {
            "record_id": f"SYN-EXC-{i:04d}",
            "title": f"Synthetic screened-out record {i}",
            "year": "2022",
            "source": ("Synthetic database A", "Synthetic database B")[i % 2],
            "screening": "exclude",
            "screening_reason": "Synthetic reason",
        }
        for i in range(1, 2501)
    ]
    return [("duplicates", REMOVED, removed), ("records_excluded", EXCLUDED, excluded)]


def listed_ids(box: str) -> list[str]:
    """Record ids of ``box`` in the order the browser lists them (groups sorted by source
    and reason, ledger order within a group)."""
    rows = dict((b, r) for b, _, r in synthetic_boxes())[box]
    return [r["record_id"] for r in sorted(rows, key=lambda r: r["source"])]  # stable


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The book with the browser and its synthetic data, served on 127.0.0.1; yields the
    page's URL and the browser's files (name -> text)."""
    root = tmp_path_factory.mktemp("records") / "book"
    shutil.copytree(FIXTURE, root)
    with (root / "index.qmd").open("a", encoding="utf-8") as handle:
        handle.write("\n\n" + browser_block() + "\n")
    render_book(root, backend="embedded", formats=("html",))
    files = browser_files(synthetic_boxes(), lambda row: decision(row, {}))
    write_browser(root / "_book" / records_browser.DATA_DIR, files)
    handler = functools.partial(_QuietHandler, directory=str(root / "_book"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/index.html", files
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def tab(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served[0])
    page.wait_for_selector(".records-browser tbody tr")
    yield page
    assert errors == []
    context.close()


SHOWN = """() => {
    const rows = [...document.querySelectorAll('.records-browser tbody tr')];
    return {
        box: document.getElementById('records-box').value,
        status: document.querySelector('.records-status').textContent,
        ids: rows.map(r => r.cells[0].textContent),
        decisions: [...new Set(rows.map(r => r.cells[4].textContent))],
    };
}"""


def shown(tab) -> dict:
    return tab.evaluate(SHOWN)


def first_page_file(files: dict[str, str], box: str) -> str:
    """The page file that holds the first records the browser lists for ``box``."""
    import json

    text = files["index.js"]
    index = json.loads(text[len("LR_RECORDS_INDEX(") : -len(");\n")])
    return next(b for b in index["boxes"] if b["box"] == box)["groups"][0]["pages"][0]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_page_file_that_arrives_late_never_replaces_a_later_view(tab, served) -> None:
    """Reviewer's reproduction: page file of "excluded at screening" slow, the reader
    chose that box, then "removed before screening"; when the slow file arrived it drew
    screened-out records under the box "removed before screening" ("of 88,648")."""
    slow = first_page_file(served[1], "records_excluded")
    held = []
    tab.route(f"**/{slow}", lambda route: held.append(route))  # answered later
    tab.select_option("#records-box", "records_excluded")
    for _ in range(50):
        if held:
            break
        tab.wait_for_timeout(20)
    assert held, "the slow page file was never asked for"
    tab.select_option("#records-box", "duplicates")
    tab.wait_for_function(
        "() => document.querySelector('.records-status').textContent.includes('of 1,200')"
    )
    tab.evaluate(
        """name => { window.slowArrived = false;
        document.querySelector('script[src$="' + name + '"]')
            .addEventListener('load', () => { window.slowArrived = true; }); }""",
        slow,
    )
    held[0].continue_()  # the slow file arrives now
    tab.wait_for_function("() => window.slowArrived")  # run: it would have drawn by now
    after = shown(tab)
    assert after["box"] == "duplicates"
    assert after["decisions"] == ["Duplicate of SYN-ORIGINAL"], after
    assert after["ids"] == listed_ids("duplicates")[:100]
    assert after["status"] == "Records 1–100 of 1,200 matching."
    # the file it held is kept: choosing that box again shows its records
    tab.select_option("#records-box", "records_excluded")
    tab.wait_for_function(
        "() => document.querySelector('.records-status').textContent.includes('of 2,500')"
    )
    assert shown(tab)["ids"] == listed_ids("records_excluded")[:100]


def wait_for_status(tab, text: str) -> None:
    tab.wait_for_function(
        "text => document.querySelector('.records-status').textContent === text", arg=text
    )


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_first_last_and_the_page_list_go_to_their_records(tab) -> None:
    """88,648 records took 886 clicks of Next: First, Last and a page list, above and
    below the table, whose labels agree with the status and the rows shown."""
    ids = listed_ids("records_excluded")
    tab.select_option("#records-box", "records_excluded")
    wait_for_status(tab, "Records 1–100 of 2,500 matching.")
    navs = tab.locator(".records-browser nav.records-pages")
    assert navs.count() == 2
    above, below = navs.nth(0), navs.nth(1)
    table = tab.locator(".records-browser .table-scroll")
    assert above.evaluate(
        "(nav, t) => !!(nav.compareDocumentPosition(t) & 4)", table.element_handle()
    )
    assert below.evaluate(
        "(nav, t) => !!(nav.compareDocumentPosition(t) & 2)", table.element_handle()
    )
    pick = above.get_by_label("Page")
    labels = pick.locator("option").all_text_contents()
    assert len(labels) == 25
    assert labels[0] == "Records 1–100 of 2,500" and labels[-1] == "Records 2,401–2,500 of 2,500"
    assert above.get_by_role("button", name="First").is_disabled()

    above.get_by_role("button", name="Last").click()
    wait_for_status(tab, "Records 2,401–2,500 of 2,500 matching.")
    assert shown(tab)["ids"] == ids[2400:2500]
    for nav in (above, below):  # both navs follow
        assert nav.get_by_label("Page").input_value() == "24"
        assert nav.get_by_role("button", name="Next").is_disabled()
        assert nav.get_by_role("button", name="Last").is_disabled()

    # page 13 straddles the two sources' groups (1,250 records each)
    below.get_by_label("Page").select_option(label="Records 1,201–1,300 of 2,500")
    wait_for_status(tab, "Records 1,201–1,300 of 2,500 matching.")
    assert shown(tab)["ids"] == ids[1200:1300]
    assert pick.input_value() == "12"

    above.get_by_role("button", name="First").click()
    wait_for_status(tab, "Records 1–100 of 2,500 matching.")
    assert shown(tab)["ids"] == ids[:100]

    # another filter: the page lists are made again, and page 1 is shown
    tab.select_option("#records-source", "Synthetic database A")
    wait_for_status(tab, "Records 1–100 of 1,250 matching.")
    assert pick.locator("option").all_text_contents()[-1] == "Records 1,201–1,250 of 1,250"
    tab.select_option("#records-box", "")
    wait_for_status(tab, "Records 1–100 of 2,450 matching.")  # 1,200 removed + 1,250
    assert below.get_by_label("Page").locator("option").count() == 25
    # no records: no pages
    tab.select_option("#records-source", "Synthetic database B")
    tab.select_option("#records-box", "duplicates")
    wait_for_status(tab, "No records match these filters.")
    assert above.is_hidden() and below.is_hidden()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_control_below_the_table_goes_back_to_the_top_of_the_browser(tab) -> None:
    tab.select_option("#records-box", "records_excluded")
    wait_for_status(tab, "Records 1–100 of 2,500 matching.")
    below = tab.locator(".records-browser nav.records-pages").nth(1)
    top = "() => document.querySelector('.records-browser').getBoundingClientRect().top"
    for use in (
        lambda: below.get_by_role("button", name="Next").click(),
        lambda: below.get_by_label("Page").select_option(index=20),
        lambda: below.get_by_role("button", name="Last").click(),  # a short last page
    ):
        below.scroll_into_view_if_needed()
        assert tab.evaluate(top) < 0  # the browser's top is above the window
        use()
        tab.wait_for_function(
            "() => !document.querySelector('.records-status').textContent.startsWith('Loading')"
        )
        assert 0 <= tab.evaluate(top) < 900, "left at the bottom of the new page"
    assert shown(tab)["status"] == "Records 2,401–2,500 of 2,500 matching."


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_focus_stays_in_the_nav_when_its_button_is_disabled(tab) -> None:
    """Enter on Next until the last page disabled Next, and the focus fell back to the
    top of the document; it goes to the page list of the same nav."""
    for which in (0, 1):  # above the table, below it
        tab.select_option("#records-box", "duplicates")
        wait_for_status(tab, "Records 1–100 of 1,200 matching.")
        nav = tab.locator(".records-browser nav.records-pages").nth(which)
        nav.get_by_role("button", name="Next").focus()
        for _ in range(11):
            tab.keyboard.press("Enter")
        wait_for_status(tab, "Records 1,101–1,200 of 1,200 matching.")
        assert nav.get_by_role("button", name="Next").is_disabled()
        focused = tab.evaluate(
            """n => { const a = document.activeElement;
            return [a.tagName, a.getAttribute('aria-label'),
                    a.closest('nav') === document.querySelectorAll('nav.records-pages')[n]]; }""",
            which,
        )
        assert focused == ["SELECT", "Page", True]
        # and back: Enter on First disables First, and the focus stays in the nav
        nav.get_by_role("button", name="First").focus()
        tab.keyboard.press("Enter")
        wait_for_status(tab, "Records 1–100 of 1,200 matching.")
        assert tab.evaluate("() => document.activeElement.tagName") == "SELECT"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_controls_are_at_least_24_px_tall(tab) -> None:
    """WCAG 2.2 target size (minimum): every button and list of the browser."""
    tab.select_option("#records-box", "records_excluded")
    wait_for_status(tab, "Records 1–100 of 2,500 matching.")
    heights = tab.evaluate(
        """() => [...document.querySelectorAll('.records-browser button, .records-browser select')]
        .map(c => [c.textContent.slice(0, 20) || c.id, c.getBoundingClientRect().height])"""
    )
    assert len(heights) >= 3 + 2 * 5  # three filters, two navs of four buttons and a list
    assert all(height >= 24 for _, height in heights), heights

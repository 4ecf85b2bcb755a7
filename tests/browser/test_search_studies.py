"""The site search takes the reader to a study (issue: "the search index covers the prose
and the studies"). At 1,000 studies a search for a study's label found only the whole
Results section (one 120 KB entry) and the records appendix, marked only the first
word, and its link opened the page at the top of a table whose row for the study was
on page 20, hidden. Here the fixture review's characteristics table is paged one
study a page, so its second study, Beta 2021, is on page 2: the search offers the
study's own entry, and following it shows that page with the row marked, at desktop
and phone widths. The search index is made by render/search.py, the row ids by
render/study_rows.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from livingreview.render import render_book

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]

RESULTS = "manuscript/01-results.html"
ROW = "#study-beta-2021"
TITLE = "Beta 2021 \u2014 Characteristics of the synthetic studies"
ROW_STATE = """id => {
  const row = document.getElementById(id);
  const box = row.getBoundingClientRect();
  return {shown: row.offsetParent !== null && box.height > 0,
          inView: box.bottom > 0 && box.top < innerHeight,
          target: row.matches(':target'),
          page: document.querySelector('nav.table-pages select').value,
          marked: getComputedStyle(row.cells[1]).backgroundColor};
}"""


@pytest.fixture(scope="module")
def one_a_page(review: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture review's website with tables paged one study a page (a copy)."""
    root = tmp_path_factory.mktemp("search") / "review"
    shutil.copytree(review, root, symlinks=True)
    config = root / "config" / "config.yaml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings.setdefault("tables", {})["rows_per_page"] = 1
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    render_book(root, backend="embedded", formats=("html",))
    return root / "_book"


def _results(tab) -> list[dict[str, object]]:
    tab.locator("#search-results a").first.wait_for(state="visible")
    return tab.locator("#search-results a").evaluate_all(
        """links => links.map(a => {
          const marked = s => [...a.querySelectorAll(s)].map(m => m.textContent.toLowerCase());
          return {href: a.getAttribute('href'),
                  title: a.querySelector('.result-title').textContent,
                  snippet: a.querySelector('.result-snippet').textContent,
                  marks: marked('.result-snippet mark'),
                  titleMarks: marked('.result-title mark')};
        })"""
    )


def test_a_study_s_label_finds_the_study_s_row(one_a_page: Path, page) -> None:
    page.goto((one_a_page / "index.html").as_uri())
    page.get_by_role("searchbox", name="Search the review").fill("Beta 2021")
    results = _results(page)
    assert results[0]["href"] == RESULTS + ROW, results  # the study's own entry, first
    assert results[0]["title"] == TITLE
    assert sorted(results[0]["titleMarks"]) == ["2021", "beta"]
    assert "Single-arm" in results[0]["snippet"]  # the row's cells
    assert page.problems.items == [], "\n".join(page.problems.items)


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_following_a_study_s_result_shows_its_row_on_its_page(
    one_a_page: Path, browser, viewport
) -> None:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto((one_a_page / "index.html").as_uri())
        box = tab.get_by_role("searchbox", name="Search the review")
        box.fill("Beta 2021")
        _results(tab)
        box.press("Enter")  # the first result
        tab.wait_for_url(f"**/{RESULTS}{ROW}")
        tab.wait_for_load_state("load")
        beta = tab.evaluate(ROW_STATE, ROW[1:])
        alpha_hidden = tab.locator("#study-alpha-2019").is_hidden()
        # on the page itself (a hashchange): back to the first study, on page 1
        box = tab.get_by_role("searchbox", name="Search the review")
        box.fill("Alpha 2019")
        _results(tab)
        box.press("Enter")
        tab.wait_for_function("location.hash === '#study-alpha-2019'")
        alpha = tab.evaluate(ROW_STATE, "study-alpha-2019")
        beta_hidden = tab.locator(ROW).is_hidden()
    finally:
        context.close()
    assert beta["shown"] and beta["inView"] and beta["target"], beta
    assert beta["page"] == "1"  # the second page of one study each
    assert beta["marked"] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), beta
    assert alpha_hidden
    assert alpha["shown"] and alpha["inView"] and alpha["target"] and alpha["page"] == "0"
    assert beta_hidden
    assert errors == []


def test_a_link_to_a_row_the_filter_hides_clears_the_filter(one_a_page: Path, page) -> None:
    page.goto((one_a_page / RESULTS).as_uri())
    page.get_by_label("Filter studies").fill("Alpha")
    assert page.locator(ROW).is_hidden()
    page.evaluate(f"location.hash = '{ROW}'")
    page.wait_for_function(f"document.querySelector('{ROW}').offsetParent !== null")
    assert page.get_by_label("Filter studies").input_value() == ""
    assert page.evaluate(ROW_STATE, ROW[1:])["inView"]


def test_a_snippet_marks_every_word_where_the_words_are(one_a_page: Path, page) -> None:
    """The reference list's entry: "... 3. Beta B. Synthetic cohort b. Synthetic
    Psychiatry. 2021;3:e21." The snippet shows both words, marked, not the entry's
    start (where only "synthetic" is)."""
    page.goto((one_a_page / "index.html").as_uri())
    page.get_by_role("searchbox", name="Search the review").fill("synthetic psychiatry")
    results = _results(page)
    hit = next(r for r in results if str(r["href"]).startswith("manuscript/02-references"))
    assert {"synthetic", "psychiatry"} <= set(hit["marks"]), hit
    assert str(hit["snippet"]).startswith("\u2026"), hit  # not from the entry's start


def test_following_the_same_result_again_shows_the_row_again(one_a_page: Path, page) -> None:
    """Paged away from the row, the reader searches again and follows the same result:
    the address does not change, so no hashchange fired and the row stayed hidden."""
    page.goto((one_a_page / RESULTS).as_uri())
    box = page.get_by_role("searchbox", name="Search the review")
    for attempt in range(2):
        box.fill("Beta 2021")
        _results(page)
        box.press("Enter")
        page.wait_for_function(f"document.querySelector('{ROW}').offsetParent !== null")
        assert page.evaluate(ROW_STATE, ROW[1:])["inView"], attempt
        assert page.locator("#search-results").is_hidden(), attempt  # the list closes
        page.locator("nav.table-pages").first.get_by_role("button", name="Previous").click()
        assert page.locator(ROW).is_hidden()


def _site_with_index(site: Path, folder: Path, entries: list[dict[str, str]]) -> Path:
    """A copy of ``site`` whose search index is ``entries`` (SYNTHETIC)."""
    import json

    copy = folder / "site"
    shutil.copytree(site, copy)
    index = copy / "site_libs" / "livingreview" / "search-index.js"
    index.write_text(f"window.LR_SEARCH_INDEX = {json.dumps(entries)};\n", encoding="utf-8")
    return copy


def _search(browser, site: Path, queries: list[str]) -> list[tuple[list, str]]:
    """The results and the status line of each query, typed on the site's first page."""
    tab = browser.new_page()
    try:
        tab.goto((site / "index.html").as_uri())
        box = tab.get_by_role("searchbox", name="Search the review")
        out = []
        for query in queries:
            box.fill(query)
            results = _results(tab)
            out.append((results, tab.locator("#search-status").text_content()))
        return out
    finally:
        tab.close()


def test_accents_and_quotes_do_not_matter(one_a_page: Path, tmp_path: Path, browser) -> None:
    """A reader types "Muller" for "Müller" and a straight apostrophe for the page's
    curly one (and the other way round): search compares text with accents dropped and
    quotes made plain, and marks the words as the page writes them."""
    entries = [
        {"text": "Synthetic cohort.", "title": "M\u00fcller 2019", "url": "index.html#a"},
        {"text": "Synthetic trial.", "title": "O\u2019Brien-Smith 2018", "url": "index.html#b"},
        {"text": "Synthetic series.", "title": "Muller 2020", "url": "index.html#c"},
    ]
    site = _site_with_index(one_a_page, tmp_path, entries)
    found = _search(browser, site, ["muller", "M\u00fcller", "o'brien"])
    titles = [[str(r["title"]) for r in results] for results, _ in found]
    assert titles[0] == titles[1] == ["M\u00fcller 2019", "Muller 2020"]
    assert found[0][0][0]["titleMarks"] == ["m\u00fcller"]  # marked as the page writes it
    assert titles[2] == ["O\u2019Brien-Smith 2018"]
    assert found[2][0][0]["titleMarks"] == ["o\u2019brien"]
    ((beta, _),) = _search(browser, one_a_page, ["B\u00e9t\u00e4 2021"])  # the review's own
    assert beta[0]["href"] == RESULTS + ROW and sorted(beta[0]["titleMarks"]) == ["2021", "beta"]


def test_study_rows_leave_room_for_the_prose(one_a_page: Path, tmp_path: Path, browser) -> None:
    """With a thousand study rows holding a word, the list showed 20 rows and no prose.
    At most 10 rows are listed; prose of the same score comes first; the status says how
    many matched. The index here is SYNTHETIC: 30 rows and 5 sections."""
    rows = [
        {"in": "Synthetic table", "text": f"cell {i} zanzibar", "title": f"Study {i}",
         "url": f"{RESULTS}#study-{i}"}
        for i in range(30)
    ]  # fmt: skip
    prose = [
        {"text": f"Section {i} on zanzibar.", "title": f"Section {i}", "url": "index.html"}
        for i in range(5)
    ]
    site = _site_with_index(one_a_page, tmp_path, rows + prose)
    ((results, status),) = _search(browser, site, ["zanzibar"])
    titles = [str(r["title"]) for r in results]
    assert titles[:5] == [f"Section {i}" for i in range(5)]  # the same score: prose first
    assert titles[5:] == [f"Study {i} \u2014 Synthetic table" for i in range(10)]  # <= 10 rows
    assert status == "15 of 35 results shown"

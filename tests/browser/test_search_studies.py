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

"""What a reader sees, measured: page widths, the study table, type sizes, PDF page fill.

The fixture review's website is opened in Debian's chromium at a desktop
(1366 x 900) and a phone (390 x 844) size, and its PDF is rasterised with
poppler's ``pdftoppm`` and measured with ``pdftotext -bbox``. Every picture
taken is kept under ``logs/screenshots/`` of the repository (printed at the
end of the run) so a person, or CI's artifacts, can look at them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import CHROMIUM, SCREENSHOTS, load_test_module

PAGE_FILL = load_test_module("page_fill")  # tests/workflow/page_fill.py
TABLE_WORDS = load_test_module("table_words")  # tests/workflow/table_words.py

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium "
        "(.ci/run installs it: apt-get install chromium)",
    ),
]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
RESULTS_PAGE = "manuscript/01-results.html"
MIN_PDF_POINTS = 7.0  # flow-diagram type in print
MIN_PHONE_PIXELS = 11.0  # flow-diagram type on a phone, enlarged

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="poppler-utils is not installed (.ci/run installs it: apt-get install poppler-utils)",
)


def _tab(browser, viewport: dict[str, int]):
    context = browser.new_context(viewport=viewport)
    return context, context.new_page()


def _open(tab, url: str) -> None:
    response = tab.goto(url, wait_until="load")
    assert response is not None and response.ok, url


def _shot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop-1366", "phone-390"])
def test_no_page_or_paragraph_overflows_sideways(browser, base_url, pages, viewport) -> None:
    context, tab = _tab(browser, viewport)
    try:
        for rel in pages:
            _open(tab, base_url + rel)
            _shot(tab, f"{viewport['width']}-{rel.replace('/', '_')}.png")
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{rel}: page is {width}px wide"
            overflow = tab.evaluate(
                """() => {
                  const main = document.querySelector('main').getBoundingClientRect();
                  return Array.from(document.querySelectorAll('main p, main li'))
                    .filter(p => !p.closest('table, figure, .table-scroll'))
                    .map(p => p.getBoundingClientRect())
                    .filter(r => r.width > 0
                      && (r.left < main.left - 1 || r.right > main.right + 1))
                    .length;
                }"""
            )
            assert overflow == 0, f"{rel}: {overflow} paragraphs run outside the text column"
    finally:
        context.close()


def test_every_study_table_column_is_readable_at_1366(browser, base_url) -> None:
    context, tab = _tab(browser, DESKTOP)
    try:
        _open(tab, base_url + RESULTS_PAGE)
        region = tab.locator("#tbl-characteristics .table-scroll")  # Quarto: div#tbl- > figure
        region.scroll_into_view_if_needed()
        region.screenshot(path=str(SCREENSHOTS / "1366-study-table.png"))
        scroll, client = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client + 1, f"the study table scrolls sideways ({scroll} > {client})"
        widths = tab.evaluate(
            """() => Array.from(document.querySelectorAll('#tbl-characteristics thead th'),
                 th => [th.textContent.trim(), th.getBoundingClientRect().width,
                        th.getBoundingClientRect().right])"""
        )
        assert len(widths) >= 10
        for name, width, right in widths:
            assert width >= 40, f"column {name!r} is only {width:.0f}px wide"
            assert right <= DESKTOP["width"], f"column {name!r} ends off screen"
    finally:
        context.close()


@pytest.mark.parametrize("width", TABLE_WORDS.WIDTHS.values(), ids=TABLE_WORDS.WIDTHS.keys())
def test_no_table_word_is_broken_mid_word(browser, base_url, width) -> None:
    """A column at least 40 px wide can still split "Midazolam" in two: every word of
    every table must stay on one line (a column holds its longest word, or the table
    scrolls in its region), at desktop, laptop and phone widths."""
    context, tab = _tab(browser, {"width": width, "height": 900})
    try:
        _open(tab, base_url + RESULTS_PAGE)
        assert TABLE_WORDS.broken_words(tab) == []
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_flow_diagram_fits_a_phone_and_enlarges_to_11px_type(browser, base_url) -> None:
    """On a phone the flow diagram fits the column (no sideways scroll of its own), and
    its Enlarge button shows it full screen with type of at least 11 px; on a desktop
    it is already at that size and the button is hidden."""
    type_size = """svg => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return Math.min(...Array.from(svg.querySelectorAll('text'),
        t => parseFloat(getComputedStyle(t).fontSize) * scale));
    }"""
    context, tab = _tab(browser, PHONE)
    try:
        _open(tab, base_url + RESULTS_PAGE)
        svg = tab.locator("svg.linked-figure").first
        svg.scroll_into_view_if_needed()
        _shot(tab, "390-flow-diagram-page.png")
        figure = tab.locator("figure:has(svg.linked-figure)").first
        scroll, client = figure.evaluate("f => [f.scrollWidth, f.clientWidth]")
        assert scroll <= client + 1, f"the flow diagram scrolls sideways ({scroll} > {client})"
        right = tab.evaluate("document.querySelector('main').getBoundingClientRect().right")
        assert svg.bounding_box()["x"] + svg.bounding_box()["width"] <= right + 1
        assert svg.evaluate("svg => svg.querySelectorAll('text').length"), "no real text"
        button = figure.locator(".figure-enlarge")
        button.click()
        _shot(tab, "390-flow-diagram-enlarged.png")
        assert button.get_attribute("aria-expanded") == "true"
        assert svg.evaluate(type_size) >= MIN_PHONE_PIXELS, "enlarged type is too small"
        tab.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false"
        assert "zoomed" not in (figure.get_attribute("class") or "")
    finally:
        context.close()
    context, tab = _tab(browser, DESKTOP)
    try:
        _open(tab, base_url + RESULTS_PAGE)
        svg = tab.locator("svg.linked-figure").first
        assert svg.evaluate(type_size) >= MIN_PHONE_PIXELS
        assert not tab.locator(".figure-enlarge").first.is_visible()
    finally:
        context.close()


@needs_poppler
def test_flow_diagram_type_is_at_least_7pt_in_the_pdf(site: Path) -> None:
    pages = PAGE_FILL.pdf_words(site / "review.pdf")
    diagram = [
        p
        for p in pages
        if any(w[0] == "Identification" for w in p) and any(w[0] == "sought" for w in p)
    ]
    assert diagram, "no PDF page has the flow diagram's words as text"
    heights = [w[4] - w[2] for w in diagram[0] if w[0] in ("sought", "retrieval", "Reports")]
    assert heights and min(heights) >= MIN_PDF_POINTS, heights


@needs_poppler
def test_no_pdf_page_is_more_than_a_quarter_empty(site: Path, tmp_path: Path) -> None:
    """Only the last page of the main text and of the back matter may end early;
    landscape pages and the appendices after the first get no allowance."""
    assert PAGE_FILL.too_empty_pages(site / "review.pdf", tmp_path, keep=SCREENSHOTS) == []

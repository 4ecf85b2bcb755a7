"""The review website in a real browser: pages, links, search, layout and accessibility.

Every test opens the built fixture review in Debian's chromium, as a reader
would, from a local static server (see conftest.py). axe-core comes bundled in
the axe-playwright-python package, so nothing is fetched at test time.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

from .conftest import CHROMIUM, DESKTOP, MOBILE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium "
        "(.ci/run installs it: apt-get install chromium)",
    ),
]

RESULTS_PAGE = "manuscript/01-results.html"
PUBLISHED_DATA = [
    "data/records.csv",
    "data/studies.csv",
    "data/protocol.yaml",
    "refs/references.bib",
    "results/prisma/prisma2020.csv",
]

COLLECT_LINKS = """() => ({
  ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
})"""


def visit(page, url: str) -> None:
    """Open ``url`` and wait until the page and its scripts and images have loaded."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def page_path(url: str, base_url: str) -> str:
    """Site-relative path of a same-site URL (``''`` for the site root)."""
    return unquote(urlparse(url).path)[len(urlparse(base_url).path) :]


def test_every_page_loads_without_errors(page, mobile_page, base_url, pages) -> None:
    for tab in (page, mobile_page):
        for rel in pages:
            visit(tab, base_url + rel)
            title = tab.locator("main h1").first.inner_text()
            assert title.strip(), f"{rel}: no h1 in <main>"
            current = tab.locator('#sidebar a[aria-current="page"]')
            assert current.count() == 1, f"{rel}: {current.count()} sidebar links marked current"
            assert urljoin(base_url + rel, current.get_attribute("href")) == base_url + rel
        assert tab.problems.items == [], "\n".join(tab.problems.items)


def test_every_internal_link_resolves(page, base_url, pages, site: Path, review: Path) -> None:
    ids: dict[str, set[str]] = {}
    links: dict[str, list[str]] = {}
    for rel in pages:
        visit(page, base_url + rel)
        found = page.evaluate(COLLECT_LINKS)
        ids[rel] = set(found["ids"])
        links[rel] = found["links"]
    broken = []
    checked = 0
    for rel, hrefs in links.items():
        for href in hrefs:
            if not href.startswith(base_url):
                continue  # external (doi.org, orcid.org): not ours to check offline
            target, anchor = urldefrag(href)
            path = page_path(target, base_url) or "index.html"
            checked += 1
            if path.endswith(".html"):
                if path not in ids:
                    broken.append(f"{rel}: {href} -> no page {path}")
                elif anchor and unquote(anchor) not in ids[path]:
                    broken.append(f"{rel}: {href} -> no id '{anchor}' on {path}")
            elif not (site / path).is_file():
                broken.append(f"{rel}: {href} -> no file {path}")
            else:
                with urllib.request.urlopen(target, timeout=10) as response:  # local server
                    if response.status != 200:
                        broken.append(f"{rel}: {href} -> HTTP {response.status}")
    assert broken == [], "\n".join(broken)
    # The pages link to each other, to ids on other pages and to the downloads.
    assert checked > 30
    index_links = {page_path(h, base_url) for h in links["index.html"]}
    assert {RESULTS_PAGE, "review.docx", "review.pdf", *PUBLISHED_DATA} <= index_links
    assert any("#ref-" in h for h in links[RESULTS_PAGE]), "citations do not link to references"
    for rel in PUBLISHED_DATA:  # the published data are the project's own files
        assert (site / rel).read_bytes() == (review / rel).read_bytes(), rel
    assert page.problems.items == [], "\n".join(page.problems.items)


def test_previous_and_next_links_walk_the_book_in_order(page, base_url, pages) -> None:
    visit(page, base_url + "index.html")
    chapters = page.locator("#sidebar .chapters a")
    order = [page_path(urljoin(page.url, h), base_url) for h in _hrefs(chapters)]
    assert order[:3] == ["index.html", RESULTS_PAGE, "manuscript/02-references.html"]
    assert sorted(order) == pages  # the sidebar lists every page once
    seen = ["index.html"]
    while page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        page.wait_for_load_state("load")
        seen.append(page_path(page.url, base_url))
    assert seen == order
    page.locator("a[rel=prev]").click()
    page.wait_for_load_state("load")
    assert page_path(page.url, base_url) == order[-2]


def test_search_finds_a_study_by_author_name(page, base_url) -> None:
    visit(page, base_url + "index.html")
    box = page.get_by_role("searchbox", name="Search the review")
    box.fill("Alpha")
    results = page.locator("#search-results a")
    results.first.wait_for(state="visible")
    hrefs = [page_path(urljoin(page.url, h), base_url) for h in _hrefs(results)]
    assert any(h == RESULTS_PAGE for h in hrefs) or any(
        h.startswith(RESULTS_PAGE + "#") for h in hrefs
    ), hrefs
    assert "result" in page.locator("#search-status").inner_text()
    assert page.locator("#search-results mark").first.inner_text().lower() == "alpha"
    # Keyboard: down arrow into the list, Enter follows the link.
    box.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == _hrefs(results)[0]
    results.nth(next(i for i, h in enumerate(hrefs) if h.startswith(RESULTS_PAGE))).click()
    page.wait_for_load_state("load")
    assert page_path(page.url, base_url).startswith(RESULTS_PAGE)
    assert "Alpha 2019" in page.locator("main").inner_text()
    assert page.problems.items == [], "\n".join(page.problems.items)


def test_search_reports_no_results_and_escape_clears(page, base_url) -> None:
    visit(page, base_url + RESULTS_PAGE)
    box = page.get_by_role("searchbox", name="Search the review")
    box.fill("qqqzzzx")
    # the index is loaded on first use of the box, so the results come a moment later
    page.locator("#search-results li").first.wait_for(state="visible")
    assert page.locator("#search-results").inner_text().strip() == "No results"
    assert page.locator("#search-status").inner_text() == "0 result(s)"
    box.press("Escape")
    assert box.input_value() == ""
    assert page.locator("#search-results").is_hidden()


def _hrefs(locator) -> list[str]:
    return locator.evaluate_all("els => els.map(e => e.getAttribute('href'))")


def test_wide_table_becomes_cards_on_a_phone(mobile_page, base_url, pages) -> None:
    tab = mobile_page
    for rel in pages:  # no page scrolls sideways on a phone
        visit(tab, base_url + rel)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{rel} is {width}px wide on a 375px screen"
    visit(tab, base_url + RESULTS_PAGE)
    region = tab.locator("#tbl-characteristics .table-scroll")  # Quarto's div#tbl- > figure
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label").replace("\xa0", " ").startswith("Table 1.1:")
    sizes = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] <= sizes[1], "the study table scrolls sideways instead of showing cards"
    # every study row keeps every field, each labelled by its column heading
    headings = tab.locator("#tbl-characteristics thead th").all_text_contents()
    rows = tab.locator("#tbl-characteristics tbody tr:not([data-group-heading])")
    assert rows.count() > 0
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.count() == len(headings)
        labels = [cells.nth(j).get_attribute("data-label") for j in range(cells.count())]
        assert labels == [" ".join(h.split()) for h in headings]
        for j in range(cells.count()):
            box = cells.nth(j).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"] + 1
    assert tab.problems.items == [], "\n".join(tab.problems.items)


def test_chapter_menu_on_a_phone(mobile_page, base_url) -> None:
    tab = mobile_page
    visit(tab, base_url + RESULTS_PAGE)
    toggle = tab.get_by_role("button", name="Chapters")
    sidebar = tab.locator("#sidebar")
    assert toggle.is_visible() and sidebar.is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert sidebar.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert tab.get_by_role("link", name="records.csv").is_visible()


def test_desktop_shows_chapters_toc_and_downloads(page, base_url) -> None:
    visit(page, base_url + RESULTS_PAGE)
    assert page.get_by_role("button", name="Chapters").is_hidden()
    chapters = page.get_by_role("navigation", name="Chapters")
    assert chapters.get_by_role("link", name="Results").is_visible()
    assert chapters.get_by_role("link", name="Word (DOCX)").is_visible()
    toc = page.get_by_role("navigation", name="On this page")
    assert toc.is_visible()
    assert toc.get_by_role("link", name="Study selection").get_attribute("href") == (
        "#sec-selection"
    )
    # A page with no sections has nothing to list: no table of contents is shown.
    visit(page, base_url + "manuscript/02-references.html")
    assert page.locator("nav.toc").is_hidden()


def test_skip_link_moves_focus_to_the_content(page, base_url) -> None:
    visit(page, base_url + RESULTS_PAGE)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_axe_finds_no_serious_or_critical_violation(browser, base_url, pages, viewport) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    found = []
    try:
        for rel in pages:
            visit(tab, base_url + rel)
            if rel == RESULTS_PAGE:  # audit the open search results too
                tab.get_by_role("searchbox", name="Search the review").fill("synthetic")
                tab.locator("#search-results a").first.wait_for(state="visible")
            response = axe.run(tab).response
            assert response["testEngine"]["name"] == "axe-core"
            assert response["passes"], f"{rel}: axe ran no rule"
            found += [
                f"{rel}: {v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['help']}"
                for v in response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
    finally:
        context.close()
    assert found == [], "\n".join(found)


SVG_LINKS = """() => Array.from(document.querySelectorAll('figure svg a'), a => new URL(
  a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'),
  document.baseURI).href)"""


def test_flow_diagram_boxes_link_to_the_records_behind_them(page, base_url) -> None:
    """Every box of the inline PRISMA diagram links to an existing section, and a click opens it."""
    visit(page, base_url + RESULTS_PAGE)
    links = page.evaluate(SVG_LINKS)
    assert len(links) >= 5, links
    for url in sorted(set(links)):
        target, anchor = urldefrag(url)
        visit(page, target)
        assert anchor and page.locator(f"[id='{anchor}']").count() == 1, f"{url}: no such section"
    visit(page, base_url + RESULTS_PAGE)
    first = page.locator("figure svg a").first
    expected = page.evaluate(SVG_LINKS)[0]
    first.click()
    page.wait_for_url(expected)
    assert page.url == expected

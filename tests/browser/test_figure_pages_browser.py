"""pages.js in Chromium: a figure in parts (over figures.studies_per_part studies) shows
one part at a time with the table's pager (Previous / Next, a list of the parts by
their captions, a list of the groups), loads a part's image when the part is shown,
shows the part a link goes to; printed, and without JavaScript, every part shows
(issue 19). The book is
the made-up one of tests/unit/test_figure_parts.py: a figure of 12 studies in 3 parts
(two groups) and a figure of one part."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.render import render_book

from .conftest import CHROMIUM, SCREENSHOTS, load_test_module

SHOWN = """() => [...document.querySelectorAll('#fig-split .quarto-subfloat-fig.quarto-float')]
    .filter(p => p.offsetParent !== null).map(p => p.id)"""
LOADED = """() => [...document.querySelectorAll('#fig-split img')]
    .map(i => i.complete && i.naturalWidth > 0)"""
PARTS = ["fig-split-1", "fig-split-2", "fig-split-3"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book's website, rendered once for both viewports (only read)."""
    parts_book = load_test_module("test_figure_parts", "unit")._parts_book
    root = parts_book(tmp_path_factory.mktemp("figpages"))
    render_book(root, backend="embedded", formats=("html",))
    return root / "_book" / "index.html"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_figure_in_parts_shows_one_part_at_a_time(book: Path, browser, viewport) -> None:
    tab = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto(book.as_uri())
        tab.wait_for_load_state("load")
        first, loaded = tab.evaluate(SHOWN), tab.evaluate(LOADED)
        top = tab.get_by_role("navigation", name="Pages of Figure 1.2", exact=True)
        below = tab.get_by_role("navigation", name="Pages of Figure 1.2 (below the figure)")
        page_list = top.get_by_label("Page")
        options = page_list.locator("option").all_text_contents()
        assert top.get_by_role("button", name="Previous").is_disabled()
        groups = top.get_by_label("Go to group").locator("option").all_text_contents()
        top.get_by_role("button", name="Next").click()
        second = tab.evaluate(SHOWN)
        tab.wait_for_function("() => document.querySelectorAll('#fig-split img')[1].complete")
        loaded_second = tab.evaluate(LOADED)
        page_list.select_option(label="Studies 9–12 of 12")
        third = tab.evaluate(SHOWN)
        assert top.get_by_role("button", name="Next").is_disabled()
        assert below.get_by_label("Page").input_value() == "2"  # both pagers follow
        below.get_by_role("button", name="Previous").focus()  # the keyboard
        tab.keyboard.press("Enter")
        by_keyboard = tab.evaluate(SHOWN)
        below.get_by_label("Go to group").select_option(label="Group A")
        group_a = tab.evaluate(SHOWN)
        below.get_by_label("Go to group").select_option(label="Group B & C")
        group_b = tab.evaluate(SHOWN)
        caption = tab.locator("#fig-split-caption").inner_text()
        one_part = tab.locator("#fig-whole nav").count()
        tab.goto(book.as_uri() + "#fig-split-3")  # a link to a part shows that part
        linked = tab.evaluate(SHOWN)
        tab.evaluate("() => { location.hash = '#fig-split-1'; }")
        tab.wait_for_function(f"() => ({SHOWN})()[0] === 'fig-split-1'")
        if viewport[0] == 1366:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            tab.locator("#fig-split").screenshot(path=str(SCREENSHOTS / "figure-pages.png"))
        tab.emulate_media(media="print")
        printed = tab.evaluate(SHOWN)
        assert top.is_hidden() and below.is_hidden()
    finally:
        tab.close()
    assert errors == []
    assert first == ["fig-split-1"]
    assert loaded == [True, False, False]  # the hidden parts' images are not fetched
    assert options == ["Studies 1–4 of 12", "Studies 5–8 of 12", "Studies 9–12 of 12"]
    assert second == ["fig-split-2"] and loaded_second[1] is True
    assert third == ["fig-split-3"]
    assert by_keyboard == ["fig-split-2"]
    assert groups == ["Go to group…", "Group A", "Group B & C"]
    assert group_a == ["fig-split-1"]
    assert group_b == ["fig-split-2"]  # studies s6-s11: s6 is in part 2 (s4-s7)
    assert " ".join(caption.split()) == "Figure 1.2: Caption of the split figure."
    assert one_part == 0  # a figure of one part has no pager
    assert linked == ["fig-split-3"]
    assert printed == PARTS


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_without_javascript_every_part_shows(book: Path, browser) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 900}
    )
    try:
        tab = context.new_page()
        tab.goto(book.as_uri())
        shown = [
            p.get_attribute("id")
            for p in tab.locator("#fig-split .quarto-subfloat-fig.quarto-float").all()
            if p.is_visible()
        ]
        navs = tab.locator("nav.figure-pages").count()
    finally:
        context.close()
    assert shown == PARTS and navs == 0


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_tall_part_fits_the_window(book: Path, browser, viewport) -> None:
    """A part is a tall, narrow picture (40 by 90 pixels): at the column's width it was
    taller than the window (1,700 px for a 25-study traffic light), its pagers out of
    reach and its type enlarged. It is shown no taller than the window, its shape kept;
    enlarged, it takes its own size again."""
    tab = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        tab.goto(book.as_uri())
        tab.wait_for_load_state("load")
        shown = """() => { const i = [...document.querySelectorAll('#fig-split img')]
            .find(i => i.offsetParent !== null); const r = i.getBoundingClientRect();
            return {height: r.height, fit: getComputedStyle(i).objectFit,
                    zoomed: !!i.closest('figure.zoomed')}; }"""
        part = tab.evaluate(shown)
        assert part["height"] <= 0.85 * viewport[1] + 1, part
        assert part["fit"] == "contain", part  # the picture keeps its shape in its box
        enlarge = tab.locator("#fig-split .figure-enlarge:visible")
        if enlarge.count():  # phones: the enlarged figure is not held to the window
            enlarge.first.click()
            zoomed = tab.evaluate(shown)
            assert zoomed["zoomed"] and zoomed["height"] > 0.85 * viewport[1], zoomed
    finally:
        tab.close()

"""On a phone an image figure shown narrower than 1.2 times its own width has an Enlarge
button, as the flow diagram has, and shows it that wide. Figure type is at least 7 pt at a
figure's own size (tests/unit/test_sensitivity.py), so enlarged it is at least 11 px (the
sensitivity grid was 3-4 px on a phone, other legends 8-9 px, with no button)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
CHROMIUM = Path("/usr/bin/chromium")
RATIO = "img => img.getBoundingClientRect().width / img.naturalWidth"


def _figures(tab) -> list[dict]:
    return tab.evaluate(
        """() => [...document.querySelectorAll('figure:has(img)')].map(f => {
            const b = f.querySelector('.figure-enlarge');
            return {shown: !!b && !b.hidden && b.offsetParent !== null};
        })"""
    )


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_narrowed_figure_enlarges_to_readable_type_on_a_phone_only(
    tmp_path: Path, browser
) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    render_book(root, backend="embedded", formats=("html",))
    pages = sorted((root / "_book").rglob("*.html"))
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    desktop = browser.new_page(viewport={"width": 1366, "height": 900})
    enlarged = 0
    try:
        for page in pages:
            phone.goto(page.as_uri(), wait_until="load")
            figures = phone.locator("figure:has(img)")
            for i in range(figures.count()):
                figure = figures.nth(i)
                img, button = figure.locator("img").first, figure.locator(".figure-enlarge")
                if img.evaluate(RATIO) >= 1.2 - 0.01:
                    assert not button.is_visible(), (page.name, i)
                    continue
                assert button.is_visible(), (page.name, i, "no Enlarge button")
                button.click()
                enlarged += 1
                assert button.get_attribute("aria-expanded") == "true"
                assert img.evaluate(RATIO) >= 1.2 - 0.01, (page.name, i, "enlarged too small")
                phone.keyboard.press("Escape")
                assert "zoomed" not in (figure.get_attribute("class") or "")
                assert img.evaluate(RATIO) < 1.2, (page.name, i, "still enlarged after Escape")
                img.click()  # a tap on the image enlarges it the same way
                assert img.evaluate(RATIO) >= 1.2 - 0.01, (page.name, i, "tap: too small")
                img.click()
                assert img.evaluate(RATIO) < 1.2, (page.name, i, "tap: still enlarged")
            desktop.goto(page.as_uri(), wait_until="load")
            assert not any(f["shown"] for f in _figures(desktop)), page.name
    finally:
        phone.close()
        desktop.close()
    assert enlarged >= 2, "no figure on the phone needed enlarging"

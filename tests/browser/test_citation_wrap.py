"""The website's "Cite this version" BibTeX block wraps its long lines (the note naming the
review this version is based on was cut off at 1366 and 390 px, hiding "Based on"), and
copying it still gives the entry's lines as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from livingreview.living.pages import citation_markdown
from livingreview.living.releases import read_release
from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
RELEASE = Path(__file__).parents[2] / "releases" / "2.0" / "release.yaml"
CHROMIUM = Path("/usr/bin/chromium")
BASED_ON = (
    "Synthetic A, Synthetic B, Synthetic C. A synthetic systematic review whose citation is "
    "much longer than a phone's or a laptop's line. Synthetic Journal. 2022;1:1-10."
)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
@pytest.mark.parametrize("width", [1366, 390])
def test_the_bibtex_entry_wraps_and_copies_as_written(tmp_path: Path, browser, width) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    block = citation_markdown(
        "Synthetic title", ["Ann Alpha"], [read_release(RELEASE)], {"status": "released"},
        BASED_ON,
    )  # fmt: skip
    with (root / "index.qmd").open("a", encoding="utf-8") as handle:
        handle.write("\n\n" + block)
    render_book(root, backend="embedded", formats=("html",))
    entry = re.search(r"```bibtex\n(.*?)\n```", block, re.S).group(1)
    tab = browser.new_page(viewport={"width": width, "height": 900})
    try:
        tab.goto((root / "_book" / "index.html").as_uri())
        shown = tab.evaluate(
            """() => {
                const pre = document.querySelector('pre.bibtex');
                const main = document.querySelector('main').getBoundingClientRect();
                const box = pre.getBoundingClientRect();
                return [pre.scrollWidth, pre.clientWidth, box.right <= main.right + 1,
                        pre.textContent];
            }"""
        )
    finally:
        tab.close()
    scroll, client, inside, text = shown
    assert scroll <= client, f"the entry is {scroll}px wide in a {client}px block"
    assert inside
    assert text.strip() == entry  # wrapping adds no line break to what a reader copies

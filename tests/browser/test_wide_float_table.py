"""A wide table with a caption and an id (a float, like the review's Table 3.1) takes the
page width on a desktop, as an uncaptioned wide table does (issue 14: the float's
``<figure>`` was held to the 48rem of a figure, so Table 3.1 was 768 px wide at 1366 px
and its words broke inside ("Diagnos-is"))."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
CHROMIUM = Path("/usr/bin/chromium")
HEADS = [f"Synthetic heading {i}" for i in range(1, 12)]
TABLE = (
    "\n\n| "
    + " | ".join(HEADS)
    + " |\n|"
    + "|".join(":---" for _ in HEADS)
    + "|\n| "
    + " | ".join("synthetic cell text" for _ in HEADS)
    + " |\n\n: A synthetic wide table {#tbl-wide}\n"
)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_wide_float_table_takes_the_page_width(tmp_path: Path, browser) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    with (root / "index.qmd").open("a", encoding="utf-8") as handle:
        handle.write(TABLE)
    render_book(root, backend="embedded", formats=("html",))
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        tab.goto((root / "_book" / "index.html").as_uri())
        widths = tab.evaluate(
            """() => {
                const region = document.querySelector('.table-wide');
                const main = document.querySelector('main');
                const style = getComputedStyle(main);
                const inner = main.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
                return [!!region.closest('figure'), region.clientWidth, inner];
            }"""
        )
    finally:
        tab.close()
    in_figure, region, main = widths
    assert in_figure  # the case that went wrong: the table is a captioned float
    assert region >= main - 2, widths  # the table spans the text column, not 48rem of it

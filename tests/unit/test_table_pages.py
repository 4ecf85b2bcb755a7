"""A long table in pages on the website, whole in print (issue 19, tables.rows_per_page).

A table with more study rows than ``tables.rows_per_page`` (config/config.yaml) is
marked for pages.js on its website page, which then loads that script; the
page still holds every row, and DOCX and PDF are unchanged. At or below the
number, and on pages without such a table, nothing is added: no attribute, no
script tag, no script file (the shipped review's site stays byte-identical).
The table here is made up in the test: group headings and rows "Study 1" ...
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

BOOK_YML = """\
project:
  type: book
book:
  title: Pages
  output-file: pages
  chapters:
    - index.qmd
    - other.qmd
format:
  html: {}
  docx: {}
"""


def _grid_table(groups: dict[str, int]) -> str:
    """A grid table of seven columns (wide: cards on a phone), a heading row per group."""
    widths = [12, 8] + [4] * 5
    rule = "+" + "+".join("-" * w for w in widths) + "+"
    inner = len(rule) - 4

    def row(cells: list[str]) -> str:
        return "| " + "| ".join(c.ljust(w - 1) for c, w in zip(cells, widths, strict=True)) + "|"

    lines = [rule, row(["Study", "n", "a", "b", "c", "d", "e"]), rule.replace("-", "=")]
    number = 0
    for group, count in groups.items():
        lines += ["| " + f"**{group}**".ljust(inner) + " |", rule]
        for _ in range(count):
            number += 1
            lines += [row([f"Study {number}", str(number * 10), "x", "x", "x", "x", "x"]), rule]
    return "\n".join(lines)


CHAPTER = """\
# Results

@tbl-long lists the studies.

::: {{#tbl-long}}
{table}

The studies, grouped.
:::
"""


def _project(root: Path, rows_per_page: int | None, print_rows: int | None = None) -> Path:
    (root / "_quarto.yml").write_text(BOOK_YML, encoding="utf-8")
    table = _grid_table({"Group A": 4, "Group B": 3})
    (root / "index.qmd").write_text(CHAPTER.format(table=table), encoding="utf-8")
    (root / "other.qmd").write_text("# Other\n\nNo table; see @tbl-long.\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    for rel in config["data"].values():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).touch()
    if rows_per_page is not None:
        config["tables"]["rows_per_page"] = rows_per_page
    if print_rows is not None:
        config["tables"]["print_rows"] = print_rows
    (root / "config").mkdir()
    (root / "config" / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=[3, None, 7, 0], ids=["paged", "default", "equal", "off"])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    from livingreview.render import render_book

    root = _project(tmp_path_factory.mktemp("pages"), request.param)
    render_book(root, backend="embedded", formats=("html", "docx"))
    return request.param, root / "_book"


def test_a_table_over_the_number_is_paged_on_its_page_only(book: tuple) -> None:
    from bs4 import BeautifulSoup

    rows_per_page, site = book
    page = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    other = (site / "other.html").read_text(encoding="utf-8")
    table = page.select_one("#tbl-long table")
    cells = [td.get_text(" ", strip=True) for td in table.select("tbody td")]
    assert [c for c in cells if c.startswith("Study")] == [f"Study {i}" for i in range(1, 8)]
    assert "Group A" in cells and "Group B" in cells  # every row on the page, paged or not
    script = "site_libs/livingreview/pages.js"
    if rows_per_page == 3:
        assert table["data-rows-per-page"] == "3"
        assert page.select_one(f'script[src="{script}"]') is not None
        assert (site / script).is_file()
    else:  # 7 rows: the default 50, exactly 7, and 0 (never) leave the page as it was
        assert not table.has_attr("data-rows-per-page")
        assert "pages.js" not in str(page)
        assert not (site / script).exists()
    assert "pages.js" not in other  # a page without a paged table loads nothing more
    link = BeautifulSoup(other, "html.parser").select_one('a[href="index.html#tbl-long"]')
    assert link is not None and "Table" in link.get_text()


def test_docx_holds_every_row(book: tuple) -> None:
    import docx

    _, site = book
    document = docx.Document(str(site / "pages.docx"))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert [c for c in dict.fromkeys(cells) if c.startswith("Study ")] == [
        f"Study {i}" for i in range(1, 8)
    ]

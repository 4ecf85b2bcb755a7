"""Files named in `project: resources:` are published with the website and linked.

Rendered from a copy of the fixture book (HTML only, fast); the browser tests
check the same links in a real browser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from livingreview.errors import RenderError
from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"


def book_with_resources(tmp_path: Path, resources: list[str]) -> Path:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.setdefault("project", {})["resources"] = resources
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


def test_resources_are_copied_and_linked_from_every_page(tmp_path: Path) -> None:
    bib = next(p for p in (FIXTURE / "refs").glob("*.bib")).relative_to(FIXTURE).as_posix()
    root = book_with_resources(tmp_path, [bib])
    render_book(root, backend="embedded", formats=["html"])
    site = root / "_book"
    assert (site / bib).read_bytes() == (root / bib).read_bytes()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = soup.select("#sidebar ul.downloads a[download]")
        resolved = [(page.parent / a["href"]).resolve() for a in links]
        assert (site / bib).resolve() in resolved, page.name
        assert Path(bib).name in [a.get_text() for a in links]


def test_wide_tables_get_a_named_focusable_scroll_region(tmp_path: Path) -> None:
    root = book_with_resources(tmp_path, [])
    render_book(root, backend="embedded", formats=["html"])
    regions = []
    for page in sorted((root / "_book").rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        regions += soup.select("div.table-scroll")
    assert regions, "the fixture book has tables"
    for region in regions:
        table = region.find("table")
        assert region.get("role") == "region" and region.get("tabindex") == "0"
        assert region["aria-label"].replace("\xa0", " ").startswith("Table")
        assert region["style"] == f"--cols: {len(table.find('tr').find_all(['th', 'td']))}"


def test_missing_resource_stops_the_render_and_names_it(tmp_path: Path) -> None:
    root = book_with_resources(tmp_path, ["data/nowhere.csv"])
    with pytest.raises(RenderError) as caught:
        render_book(root, backend="embedded", formats=["html"])
    text = str(caught.value)
    assert "project.resources" in text and "data/nowhere.csv" in text
    assert not (root / "_book").exists()  # nothing half-built replaced the output

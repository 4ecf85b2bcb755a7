"""The website's page header names the version: "v1.2" for a release, and "Draft" (never
"vdraft") for a build that is not a release (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
TEMPLATE = Path(__file__).parents[2] / "src" / "livingreview" / "project_template"


def _header(tmp_path: Path, **fields: str) -> str:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update(fields)
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=("html",))
    page = BeautifulSoup((root / "_book" / "index.html").read_text(encoding="utf-8"), "html.parser")
    version = page.find(class_="site-version")
    return "" if version is None else version.get_text()


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"version": "draft", "version-label": "Draft"}, "Draft"),
        ({"version": "1.2", "version-label": "v1.2"}, "v1.2"),
        ({"version": "1.2"}, "v1.2"),  # a project without the label keeps the old header
    ],
)
def test_header_shows_the_label(tmp_path: Path, fields: dict[str, str], shown: str) -> None:
    assert _header(tmp_path, **fields) == shown


def test_new_projects_put_the_label_in_the_header() -> None:
    config = (TEMPLATE / "_quarto.yml").read_text(encoding="utf-8")
    assert 'version-label: "{{< var release.label >}}"' in config


def test_the_shipped_review_header_reads_draft_after_the_last_release(tmp_path: Path) -> None:
    """The shipped ``_quarto.yml`` takes its header from ``release.label`` as new projects
    do: between releases the page header reads "Draft after v2.0", never "v2.0+draft"."""
    shipped = yaml.safe_load((Path(__file__).parents[2] / "_quarto.yml").read_text("utf-8"))
    assert shipped["version-label"] == "{{< var release.label >}}"
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    with (root / "_variables.yml").open("a", encoding="utf-8") as handle:
        # what stamp_release_state writes between v2.0 and the next release
        handle.write('release:\n  version: "2.0+draft"\n  label: "Draft after v2.0"\n')
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update({key: shipped[key] for key in ("version", "version-label")})
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=("html",))
    page = BeautifulSoup((root / "_book" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find(class_="site-version").get_text() == "Draft after v2.0"
    # the page footer names the draft the same way, with no "2.0+draft" build stamp
    footer = " ".join(page.find("footer").get_text(" ").split())
    assert "Draft after v2.0" in footer and "+draft" not in footer

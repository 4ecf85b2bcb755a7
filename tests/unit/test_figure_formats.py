"""A build draws only the figure renditions some output format shows (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livingreview.paths import book_resources, figure_formats, read_book_settings

ROOT = Path(__file__).resolve().parents[2]


def _book(tmp_path: Path, formats: dict) -> Path:
    (tmp_path / "_quarto.yml").write_text(
        json.dumps({"project": {"type": "book"}, "format": formats}), encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize("root", [ROOT, ROOT / "src" / "livingreview" / "project_template"])
def test_typst_takes_each_figure_as_pdf_not_the_websites_svg(root: Path) -> None:
    """The website shows the SVG (text as glyph paths), the DOCX the PNG, and Typst the
    PDF: real text, and a fraction of the memory Typst needs for the SVG (issue 19:
    200 SVG parts were most of a 1,000-study book's peak)."""
    settings = read_book_settings(root)
    extension = {
        fmt: settings["format"][fmt]["default-image-extension"] for fmt in settings["format"]
    }
    assert extension == {"html": "svg", "docx": "png", "typst": "pdf"}
    assert figure_formats(root) == ("svg", "pdf", "png")


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        ({"html": {"default-image-extension": "svg"}, "docx": {}, "typst": {}}, ("svg", "png")),
        ({"html": {}, "docx": {}, "typst": {}}, ("png",)),  # each format's default
        ({"typst": {"default-image-extension": ".pdf"}}, ("pdf", "png")),
        ({"html": {"default-image-extension": "jpg"}}, ("svg", "pdf", "png")),  # unknown: all
    ],
)
def test_formats_follow_each_formats_default_image_extension(
    tmp_path: Path, formats: dict, expected: tuple
) -> None:
    assert figure_formats(_book(tmp_path, formats)) == expected


def test_an_unreadable_book_draws_every_rendition(tmp_path: Path) -> None:
    (tmp_path / "_quarto.yml").write_text("format: [unclosed", encoding="utf-8")
    assert figure_formats(tmp_path) == ("svg", "pdf", "png")


@pytest.mark.parametrize(
    "text",
    [
        "project:\n  type: book\n  resources: [data/studies.csv, missing.txt]\n"
        "format:\n  html: {default-image-extension: svg}\n",
        "",  # empty: each format's default, nothing published
        "format: [unclosed",  # unreadable: every rendition, nothing published
    ],
)
def test_the_snakefile_reads_the_book_settings_once(tmp_path: Path, text: str) -> None:
    """The Snakefile parses _quarto.yml once for both (issue 19: the no-op); given the
    parse, neither function reads the file again, and each answers as if it had."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "studies.csv").write_text("id\n", encoding="utf-8")
    (tmp_path / "_quarto.yml").write_text(text, encoding="utf-8")
    read_now = (figure_formats(tmp_path), book_resources(tmp_path))
    settings = read_book_settings(tmp_path)
    (tmp_path / "_quarto.yml").write_text("format: {html: {default-image-extension: pdf}}")
    assert (figure_formats(tmp_path, settings), book_resources(tmp_path, settings)) == read_now
    assert figure_formats(tmp_path) == ("pdf", "png")  # without it, the file is read

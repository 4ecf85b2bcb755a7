"""A build draws only the figure renditions some output format shows (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livingreview.paths import figure_formats

ROOT = Path(__file__).resolve().parents[2]


def _book(tmp_path: Path, formats: dict) -> Path:
    (tmp_path / "_quarto.yml").write_text(
        json.dumps({"project": {"type": "book"}, "format": formats}), encoding="utf-8"
    )
    return tmp_path


def test_this_review_draws_svg_and_png_only() -> None:
    # HTML and Typst take the SVG, DOCX the PNG: nothing shows a figure's PDF
    assert figure_formats(ROOT) == ("svg", "png")


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

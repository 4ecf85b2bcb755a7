"""A figure is drawn once per content: same data copies the kept files (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from livingreview.figures.cache import draw_once
from livingreview.workflow import FIGURE_CACHE_ENV

CALLS: list[int] = []


def bars(table: pd.DataFrame, *, title: str) -> Figure:
    CALLS.append(len(table))
    fig = Figure(figsize=(2, 1), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(table["name"], table["n"])
    ax.set_title(title)
    return fig


def outputs(folder: Path) -> tuple[Path, Path, Path]:
    return tuple(folder / f"bars.{ext}" for ext in ("svg", "pdf", "png"))  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    CALLS.clear()
    monkeypatch.setenv(FIGURE_CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_same_data_is_copied_not_drawn_again(tmp_path: Path) -> None:
    table = pd.DataFrame({"name": ["a", "b"], "n": [3, 4]})
    first, second = outputs(tmp_path / "one"), outputs(tmp_path / "two")
    draw_once(bars, (table,), {"title": "T"}, first)
    draw_once(bars, (table.copy(),), {"title": "T"}, second)
    assert CALLS == [2]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_a_changed_value_or_argument_draws_again(tmp_path: Path) -> None:
    table = pd.DataFrame({"name": ["a", "b"], "n": [3, 4]})
    draw_once(bars, (table,), {"title": "T"}, outputs(tmp_path / "one"))
    changed = table.assign(n=[3, 5])
    draw_once(bars, (changed,), {"title": "T"}, outputs(tmp_path / "two"))
    draw_once(bars, (table,), {"title": "U"}, outputs(tmp_path / "three"))
    assert CALLS == [2, 2, 2]
    assert (tmp_path / "two" / "bars.png").read_bytes() != (
        tmp_path / "one" / "bars.png"
    ).read_bytes()


def test_without_the_environment_nothing_is_kept(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FIGURE_CACHE_ENV)
    table = pd.DataFrame({"name": ["a"], "n": [1]})
    draw_once(bars, (table,), {"title": "T"}, outputs(tmp_path / "one"))
    draw_once(bars, (table,), {"title": "T"}, outputs(tmp_path / "two"))
    assert CALLS == [1, 1] and not cache.exists()


def test_an_output_given_as_none_is_not_written_nor_needed(tmp_path: Path) -> None:
    """A part of a split figure has no PDF (figures/parts.py): drawn, kept, copied."""
    table = pd.DataFrame({"name": ["a", "b"], "n": [3, 4]})
    svg, pdf, png = outputs(tmp_path / "one")
    (tmp_path / "one").mkdir()
    draw_once(bars, (table,), {"title": "T"}, (svg, None, png))
    assert svg.stat().st_size and png.stat().st_size and not pdf.exists()
    again = outputs(tmp_path / "two")
    (tmp_path / "two").mkdir()
    draw_once(bars, (table,), {"title": "T"}, (again[0], None, again[2]))
    assert CALLS == [2]  # copied from the cache
    assert again[0].read_bytes() == svg.read_bytes() and not again[1].exists()


def test_a_rendition_asked_for_later_is_drawn_once_and_kept(tmp_path: Path, cache: Path) -> None:
    """A book that starts to show the PDF (a format's default-image-extension): the
    entry kept with the SVG and PNG gains the PDF, and the next run copies all three."""
    table = pd.DataFrame({"name": ["a", "b"], "n": [3, 4]})
    (tmp_path / "one").mkdir()
    svg, _, png = outputs(tmp_path / "one")
    draw_once(bars, (table,), {"title": "T"}, (svg, None, png))
    for run in ("two", "three"):
        (tmp_path / run).mkdir()
        draw_once(bars, (table,), {"title": "T"}, outputs(tmp_path / run))
    assert CALLS == [2, 2]  # the PDF drawn once, then copied with the others
    (entry,) = cache.iterdir()
    assert sorted(p.name for p in entry.iterdir()) == ["figure.pdf", "figure.png", "figure.svg"]
    two, three = outputs(tmp_path / "two"), outputs(tmp_path / "three")
    assert [p.read_bytes() for p in two] == [p.read_bytes() for p in three]
    assert two[0].read_bytes() == svg.read_bytes()

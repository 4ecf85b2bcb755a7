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

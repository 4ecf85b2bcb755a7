"""Each rendition of a figure is drawn once, and the files are what they were (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from livingreview.figures import common
from livingreview.figures.common import STYLE, figure_style, save_figure


def _figure() -> Figure:
    with figure_style():
        fig = Figure(figsize=(3.2, 2.4), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([1, 3, 2], marker="o", label="Study 1")
        ax.set_yticks([1, 2, 3], ["Synthetic A (2020)", "Synthetic B (2021)", "C"])
        ax.set_xlabel("Time (log scale)")
        fig.legend(loc="outside lower center", ncols=2)
    return fig


def _renditions(tmp_path: Path, name: str) -> tuple[Path, Path, Path]:
    return tmp_path / f"{name}.svg", tmp_path / f"{name}.pdf", tmp_path / f"{name}.png"


def test_each_rendition_is_drawn_once(tmp_path: Path, monkeypatch) -> None:
    """savefig draws a figure with any layout engine (even matplotlib's placeholder
    for a removed one) once without output first: the frozen layout has none."""
    draws = []
    draw = Figure.draw

    def counted(fig: Figure, renderer) -> None:
        draws.append(renderer)
        draw(fig, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    fig = _figure()
    common.freeze_layout(fig)
    assert fig.get_layout_engine() is None
    save_figure(fig, *_renditions(tmp_path, "a"))
    assert len(draws) == 3


def _placeholder_freeze(fig: Figure) -> None:
    """The layout frozen as before: laid out at 300 dpi, engine replaced by the placeholder."""
    engine = fig.get_layout_engine()
    dpi = fig.get_dpi()
    fig.set_dpi(common.PNG_DPI)
    engine.execute(fig)
    fig.set_dpi(dpi)
    fig.set_layout_engine("none")


def test_drawing_once_writes_the_same_files(tmp_path: Path, monkeypatch) -> None:
    save_figure(_figure(), *_renditions(tmp_path, "once"))
    monkeypatch.setattr(common, "freeze_layout", _placeholder_freeze)
    save_figure(_figure(), *_renditions(tmp_path, "twice"))
    pairs = zip(_renditions(tmp_path, "once"), _renditions(tmp_path, "twice"), strict=True)
    for once, twice in pairs:
        assert once.read_bytes() == twice.read_bytes(), once.suffix


@pytest.mark.parametrize("text", ["Single dose", "Repeated dosing (filled)\nsecond line", ""])
def test_legend_text_widths_are_measured_as_by_a_new_renderer(text: str) -> None:
    prop = FontProperties(family=STYLE["font.family"], size=STYLE["font.size"])
    fresh = max(
        RendererAgg(1, 1, 72).get_text_width_height_descent(line, prop, ismath=False)[0]
        for line in text.split("\n")
    )
    assert common._text_width_pt(text, STYLE["font.size"]) == fresh
    assert common._text_width_pt(text, STYLE["font.size"]) == fresh  # again, from the cache

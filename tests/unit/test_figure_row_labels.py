"""Study labels written beside their rows look and lay out as y tick labels did (issue 19)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from livingreview.figures.common import (
    figure_style,
    label_rows,
    row_labels,
    row_rule,
    save_figure,
)

LABELS = ["Synthetic A (2020)", "", "Synthetic Bb, a much longer label (2021)", "C"]


def _figure(as_ticks: bool, pad: float) -> Figure:
    with figure_style():
        fig = Figure(figsize=(3.2, 1.6), layout="constrained")
        ax = fig.add_subplot()
        for y in range(len(LABELS)):
            row_rule(ax, y, color="#E3E3E3", linewidth=0.4, zorder=0)
        ax.plot([0.2, 0.8], [0, 2], marker="o", linestyle="none", clip_on=False)
        if as_ticks:
            ax.set_yticks(range(len(LABELS)), LABELS)
            ax.tick_params(axis="y", length=0, pad=pad)
        else:
            label_rows(ax, range(len(LABELS)), LABELS, pad=pad)
        ax.set_ylim(len(LABELS) - 0.5, -0.5)
        ax.set_xlabel("Time (log scale)")
    return fig


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


@pytest.mark.parametrize("pad", [3, 6])
def test_row_labels_draw_the_pixels_of_tick_labels(tmp_path: Path, pad: float) -> None:
    """Same place, font, size and colour, and the same constrained layout: the PNG
    is the same pixel for pixel (a label a point off, or another grey, is not)."""
    ticks, rows = _figure(True, pad), _figure(False, pad)
    save_figure(ticks, None, None, tmp_path / "ticks.png")
    save_figure(rows, None, None, tmp_path / "rows.png")
    assert ticks.axes[0].get_position().bounds == rows.axes[0].get_position().bounds
    assert np.array_equal(_pixels(tmp_path / "ticks.png"), _pixels(tmp_path / "rows.png"))
    moved = _figure(False, pad + 1)
    save_figure(moved, None, None, tmp_path / "moved.png")
    assert not np.array_equal(_pixels(tmp_path / "ticks.png"), _pixels(tmp_path / "moved.png"))


def test_row_labels_are_found_in_order_and_the_axis_has_no_ticks() -> None:
    fig = _figure(False, 6)
    ax = fig.axes[0]
    assert [t.get_text() for t in row_labels(ax)] == LABELS
    assert list(ax.get_yticks()) == []
    assert ax.get_legend_handles_labels() == ([], [])

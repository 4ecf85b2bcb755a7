"""MarkerCells draws many markers as one artist, exactly as a line per marker did."""

from __future__ import annotations

import io
import re

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from livingreview.figures.common import METADATA, figure_style
from livingreview.figures.markers import MarkerCells

CELLS = [(x, y) for y in range(6) for x in range(4)]
FACES = ["#009E73", "#F0E442", "#D55E00", "#FFFFFF"] * 6
GIDS = [f"cell:{x}:{y}" for x, y in CELLS]
STYLE = {"marker": "o", "markersize": 9.5, "markeredgecolor": "#555555", "markeredgewidth": 0.5}


def _figure(one_artist: bool) -> Figure:
    with figure_style():
        fig = Figure(figsize=(2, 2))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        if one_artist:
            faces = [{"markerfacecolor": face} for face in FACES]
            ax.add_artist(MarkerCells(ax, CELLS, faces, GIDS, **STYLE, zorder=2, clip_on=False))
        else:
            for (x, y), face, gid in zip(CELLS, FACES, GIDS, strict=True):
                (line,) = ax.plot([x], [y], linestyle="none", markerfacecolor=face, **STYLE,
                                  zorder=2, clip_on=False)  # fmt: skip
                line.set_gid(gid)
        ax.set_xlim(-0.6, 3.6)
        ax.set_ylim(5.5, -0.5)
    return fig


def _save(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    with figure_style():
        fig.savefig(buffer, format=fmt, dpi=100, metadata=METADATA[fmt])
    return buffer.getvalue()


def test_one_artist_writes_the_same_files_as_a_line_per_marker() -> None:
    for fmt in ("svg", "png", "pdf"):
        assert _save(_figure(True), fmt) == _save(_figure(False), fmt), fmt


def test_each_marker_keeps_its_gid_in_the_svg() -> None:
    svg = _save(_figure(True), "svg").decode()
    assert re.findall(r'id="(cell:[^"]+)"', svg) == GIDS


def test_the_layout_sees_every_marker() -> None:
    fig = _figure(True)
    renderer = fig.canvas.get_renderer()
    (cells,) = [a for a in fig.axes[0].get_children() if isinstance(a, MarkerCells)]
    box = cells.get_window_extent(renderer)
    axes = fig.axes[0].get_window_extent(renderer)
    assert box.x0 < axes.x0 + 0.2 * axes.width and box.x1 > axes.x1 - 0.2 * axes.width

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


# Overlapping markers of two styles, alternating (as an onset plot's markers of one
# row can be): only drawing them in the order given gives the lines' picture.
OVERLAPPING = [(0.0, 0.0), (0.15, 0.0), (0.3, 0.0), (0.45, 0.0)]
OVERLAP_CELLS = [
    {"marker": m, "color": c, "markerfacecolor": f}
    for m, c, f in [("o", "#0072B2", "#0072B2"), ("D", "#E69F00", "white")] * 2
]


def _overlapping(one_artist: bool, *, in_order: bool = True) -> Figure:
    with figure_style():
        fig = Figure(figsize=(2, 1))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        style = {"markersize": 12, "markeredgewidth": 0.9, "zorder": 3, "clip_on": False}
        gids = [f"time:{i}" for i in range(len(OVERLAPPING))]
        if one_artist:
            cells = MarkerCells(ax, OVERLAPPING, OVERLAP_CELLS, gids, in_order=in_order, **style)
            ax.add_artist(cells)
        else:
            for (x, y), cell, gid in zip(OVERLAPPING, OVERLAP_CELLS, gids, strict=True):
                (line,) = ax.plot([x], [y], linestyle="none", **cell, **style)
                line.set_gid(gid)
        ax.set_xlim(-0.5, 1.0)
        ax.set_ylim(-1, 1)
    return fig


def test_overlapping_markers_drawn_in_order_give_the_lines_picture() -> None:
    for fmt in ("svg", "png"):
        assert _save(_overlapping(True), fmt) == _save(_overlapping(False), fmt), fmt
    # style by style (the default, for cells that never overlap) is another picture
    assert _save(_overlapping(True, in_order=False), "png") != _save(_overlapping(False), "png")


def test_a_row_rule_draws_what_axhline_draws() -> None:
    from livingreview.figures.common import row_rule

    def ruled(rule) -> Figure:
        with figure_style():
            fig = Figure(figsize=(2, 2))
            FigureCanvasAgg(fig)
            ax = fig.add_subplot()
            ax.set_xscale("log")  # as the onset plot and the evidence map
            ax.plot([1, 100], [0, 7], marker="o")
            for y in range(8):
                rule(ax, y + 0.5, color="#E3E3E3", linewidth=0.4, zorder=0)
            ax.set_xlim(0.5, 200)
            ax.set_ylim(8.5, -0.6)
        return fig

    for fmt in ("svg", "png", "pdf"):
        assert _save(ruled(row_rule), fmt) == _save(
            ruled(lambda ax, y, **k: ax.axhline(y, **k)), fmt
        )


# Markers of several styles on a log axis, some half filled (two marker paths per
# marker: matplotlib's "alt" path), a gid each: the SVG and PDF repeat the calls of
# one line per style (MarkerCells._draw_each), so every kind of call must repeat.
MIXED = [(10.0 ** (i / 3), float(i % 4)) for i in range(14)]
MIXED_CELLS = [
    {"marker": m, "color": c, "markerfacecolor": f, "fillstyle": fill, "markersize": size}
    for m, c, f, fill, size in [
        ("o", "#0072B2", "#0072B2", "full", 4.5),
        ("s", "#D55E00", "white", "full", 4.5),
        ("D", "#009E73", "#009E73", "left", 4.5),
        ("^", "#CC79A7", "#CC79A7", "full", 7.0),
        ("o", "#0072B2", "#0072B2", "full", 4.5),  # a style seen before
        ("v", "#E69F00", "#E69F00", "left", 5.5),
        ("D", "#009E73", "#009E73", "left", 4.5),
    ]
    * 2
]


def _mixed(one_artist: bool) -> Figure:
    with figure_style():
        fig = Figure(figsize=(3, 2))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_xscale("log")
        style = {"markeredgewidth": 0.9, "markerfacecoloralt": "white", "clip_on": False}
        gids = [f"mixed:{i}" for i in range(len(MIXED))]
        if one_artist:
            ax.add_artist(MarkerCells(ax, MIXED, MIXED_CELLS, gids, in_order=True, **style))
        else:
            for (x, y), cell, gid in zip(MIXED, MIXED_CELLS, gids, strict=True):
                (line,) = ax.plot([x], [y], linestyle="none", **cell, **style)
                line.set_gid(gid)
        ax.set_xlim(0.5, 200)
        ax.set_ylim(4, -1)
    return fig


def test_markers_of_many_styles_on_a_log_axis_write_the_lines_files() -> None:
    for fmt in ("svg", "pdf", "png"):
        assert _save(_mixed(True), fmt) == _save(_mixed(False), fmt), fmt
    svg = _save(_mixed(True), "svg").decode()
    assert re.findall(r'id="(mixed:[^"]+)"', svg) == [f"mixed:{i}" for i in range(len(MIXED))]


def test_cells_whose_line_would_draw_more_than_markers_are_refused() -> None:
    """A joining line between a style's points would be lost by repeating only the
    marker calls, so it is an error, not a silently different figure."""
    import pytest

    with figure_style():
        fig = Figure(figsize=(2, 2))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        cells = [{"markerfacecolor": "white"}] * 2
        joined = MarkerCells(ax, [(0, 0), (1, 1)], cells, ["a", "b"], marker="o")
        joined.line.set_linestyle("-")
        ax.add_artist(joined)
    with pytest.raises(TypeError, match="more than markers"):
        _save(fig, "svg")

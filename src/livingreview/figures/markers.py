"""Many markers as one artist: one draw per style, one gid per marker.

A traffic-light plot of 1,000 studies has 7,000 circles. As one ``Line2D`` each
(so that each carries its own SVG id), creating and drawing them was about a
quarter of the figure's time (issue 19). :class:`MarkerCells` keeps a single
template line: in the PNG (Agg) it draws all markers of one style in one call;
in SVG (and PDF) it draws each marker as its own line drew it, inside a group
with the marker's gid, so those files are written as before. The markers must
not overlap (cells of a grid), so the order in which styles are drawn does not
change the picture; markers that may overlap are drawn ``in_order``: in the PNG
one draw per run of consecutive markers of one style, in the order given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.lines import Line2D
from matplotlib.path import Path as MarkerPath
from matplotlib.transforms import Bbox


class MarkerCells(Artist):
    """Markers at ``xy`` with ids ``gids``, drawn like ``Axes.plot([x], [y],
    linestyle="none", **style, **cell)`` once per marker, where ``cell`` is the
    marker's own entry in ``cells`` (its colours, marker or size; every entry sets
    the same keys). ``in_order``: markers may overlap, so the PNG draws them in the
    order given (each run of one style in one call) rather than style by style."""

    def __init__(
        self,
        ax: Any,
        xy: Sequence[tuple[float, float]],
        cells: Sequence[Mapping[str, Any]],
        gids: Sequence[str],
        *,
        in_order: bool = False,
        **style: Any,
    ) -> None:
        super().__init__()
        if not len(xy) == len(cells) == len(gids):
            raise ValueError("one style and one gid per marker")
        self.xy, self.cells, self.gids = list(xy), list(cells), list(gids)
        self.in_order = in_order
        self.line = Line2D([], [], linestyle="none", **style)
        self.line.set_transform(ax.transData)
        self.line.axes = ax
        self.line.set_figure(ax.get_figure(root=False))
        self.set_zorder(self.line.get_zorder())
        self.axes = ax
        self.set_figure(ax.get_figure(root=False))

    def get_children(self) -> list[Artist]:
        return [self.line]

    def get_window_extent(self, renderer: Any = None) -> Any:
        """The extent of all markers (what the layout sees, as with a line per marker)."""
        if not self.xy:
            return Bbox.null()
        self.line.set_data([x for x, _ in self.xy], [y for _, y in self.xy])
        return self.line.get_window_extent(renderer)

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self.xy:
            return
        line = self.line
        if isinstance(renderer, RendererAgg):  # a bitmap has no ids: one draw per style
            groups: dict[Any, tuple[Mapping[str, Any], list[tuple[float, float]]]] = {}
            run, previous = 0, None
            for point, cell in zip(self.xy, self.cells, strict=True):
                key = tuple(sorted(cell.items(), key=lambda item: item[0]))
                if self.in_order and key != previous:
                    run, previous = run + 1, key
                groups.setdefault((run, key), (cell, []))[1].append(point)
            line.set_gid(None)
            for cell, points in groups.values():
                line.set_data([x for x, _ in points], [y for _, y in points])
                line.set(**cell)
                line.draw(renderer)
        else:  # SVG (and PDF): each marker as its own line drew it, with its gid
            self._draw_each(renderer)
        self.stale = False

    def _draw_each(self, renderer: Any) -> None:
        """Each marker in its gid's group, with the renderer calls its own line made.

        The line is drawn once per style, into a :class:`_Recorder`; each marker of
        that style then repeats the recorded calls at its own point. A line drawn per
        marker was most of this artist's time in an SVG (issue 19: the line's data,
        transform and colours set up again for each of 7,000 markers); the calls, and
        so the file, are the same."""
        line = self.line
        transform = line.get_transform()
        affine = transform.get_affine().frozen()
        styles: dict[tuple, list[tuple]] = {}
        for (x, y), cell, gid in zip(self.xy, self.cells, self.gids, strict=True):
            key = tuple(sorted(cell.items(), key=lambda item: item[0]))
            calls = styles.get(key)
            if calls is None:
                line.set_data([x], [y])
                line.set(**cell, gid=None)
                recorder = _Recorder(renderer)
                line.draw(recorder)
                calls = styles[key] = recorder.calls
            point = MarkerPath(transform.transform_non_affine(np.array([[x, y]], dtype=float)))
            renderer.open_group("line2d", gid)
            for gc, marker_path, marker_trans, face in calls:
                renderer.draw_markers(gc, marker_path, marker_trans, point, affine, face)
            renderer.close_group("line2d")


class _Recorder:
    """A renderer that passes everything to ``renderer`` but keeps the markers a line
    draws (graphics context, marker path and transform, face colour) instead of
    drawing them, and opens and closes no group: what :meth:`MarkerCells._draw_each`
    repeats per marker. A line that draws anything else is refused, as the repeat
    would lose it."""

    def __init__(self, renderer: Any) -> None:
        self._renderer = renderer
        self.calls: list[tuple] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("draw_"):
            raise TypeError(f"a marker line drew more than markers ({name})")
        return getattr(self._renderer, name)

    def open_group(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close_group(self, *args: Any, **kwargs: Any) -> None:
        pass

    def draw_markers(
        self, gc: Any, marker_path: Any, marker_trans: Any, path: Any, trans: Any, face=None
    ) -> None:
        self.calls.append((gc, marker_path, marker_trans, face))


class MarkerRun:
    """Markers collected row by row and added to ``ax`` as one :class:`MarkerCells`
    (drawn in order, ``style`` for all) when flushed: a figure flushes before it adds
    an artist the SVG must list after them (a note, a heading), so the SVG keeps the
    order a line per marker gave."""

    def __init__(self, ax: Any, **style: Any) -> None:
        self.ax, self.style = ax, style
        self.xy: list[tuple[float, float]] = []
        self.cells: list[Mapping[str, Any]] = []
        self.gids: list[str | None] = []
        self.artists: list[MarkerCells] = []  # the artists flushed so far, in order

    def add(self, xy: tuple[float, float], cell: Mapping[str, Any], gid: str | None) -> None:
        self.xy.append(xy)
        self.cells.append(cell)
        self.gids.append(gid)

    def flush(self) -> None:
        if self.xy:
            cells = MarkerCells(
                self.ax, self.xy, self.cells, self.gids, in_order=True, **self.style
            )
            self.ax.add_artist(cells)
            self.artists.append(cells)
        self.xy, self.cells, self.gids = [], [], []

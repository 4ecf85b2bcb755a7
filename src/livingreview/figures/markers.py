"""Many markers of one shape as one artist: one draw per colour, one gid per marker.

A traffic-light plot of 1,000 studies has 7,000 circles. As one ``Line2D`` each
(so that each carries its own SVG id), creating and drawing them was about a
quarter of the figure's time (issue 19). :class:`MarkerCells` keeps a single
template line: in the PNG (Agg) it draws all markers of one face colour in one
call; in SVG (and PDF) it draws each marker as its own line drew it, inside a
group with the marker's gid, so those files are written as before. The markers must
not overlap (cells of a grid), so the order in which colours are drawn does not
change the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.artist import Artist, allow_rasterization
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.lines import Line2D


class MarkerCells(Artist):
    """Markers at ``xy`` with face colours ``faces`` and ids ``gids``, drawn like
    ``Axes.plot([x], [y], linestyle="none", marker=..., **style)`` once per marker."""

    def __init__(
        self,
        ax: Any,
        xy: Sequence[tuple[float, float]],
        faces: Sequence[str],
        gids: Sequence[str],
        **style: Any,
    ) -> None:
        super().__init__()
        if not len(xy) == len(faces) == len(gids):
            raise ValueError("one face colour and one gid per marker")
        self.xy, self.faces, self.gids = list(xy), list(faces), list(gids)
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
        self.line.set_data([x for x, _ in self.xy], [y for _, y in self.xy])
        return self.line.get_window_extent(renderer)

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self.xy:
            return
        line = self.line
        if isinstance(renderer, RendererAgg):  # a bitmap has no ids: one draw per colour
            groups: dict[str, list[tuple[float, float]]] = {}
            for point, face in zip(self.xy, self.faces, strict=True):
                groups.setdefault(face, []).append(point)
            line.set_gid(None)
            for face, points in groups.items():
                line.set_data([x for x, _ in points], [y for _, y in points])
                line.set_markerfacecolor(face)
                line.draw(renderer)
        else:  # SVG (and PDF): each marker as its own line drew it, with its gid
            for (x, y), face, gid in zip(self.xy, self.faces, self.gids, strict=True):
                line.set_data([x], [y])
                line.set_markerfacecolor(face)
                line.set_gid(gid)
                line.draw(renderer)
        self.stale = False

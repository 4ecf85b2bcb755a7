"""Risk-of-bias figures in the robvis style: the traffic-light plot and the summary bars."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path as FilePath
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.textpath import TextPath

from ..evidence.risk_of_bias import (
    DOMAIN_COLUMNS,
    NO_INFORMATION,
    NOT_ASSESSED,
    Tool,
    by_tool,
    judgement_shares,
)
from .cache import draw_once
from .common import (
    CM,
    LEGEND_STYLE,
    OKABE_ITO,
    STYLE,
    _chars_per_line,
    figure_style,
    fix_empty_ylabel,
    label_rows,
)
from .markers import MarkerCells
from .parts import DEFAULT_STUDIES_PER_PART, FORMATS, Part, draw_study_parts
from .study_overview import ROW_PITCH_IN

COLOURS: dict[str, str] = {
    "Low": OKABE_ITO["bluish_green"],
    "Some concerns": OKABE_ITO["yellow"],
    "Moderate": OKABE_ITO["yellow"],
    "High": OKABE_ITO["vermillion"],
    "Serious": OKABE_ITO["vermillion"],
    "Critical": "#7A1F3D",  # darker than vermillion, so the order survives greyscale
    NO_INFORMATION: "#D0D0D0",
    NOT_ASSESSED: "#FFFFFF",  # white: no judgement was made
}


SYMBOLS: dict[str, str] = {
    "Low": "+",
    "Some concerns": "−",
    "Moderate": "−",
    "High": "×",
    "Serious": "×",
    "Critical": "!",
    NO_INFORMATION: "?",
    NOT_ASSESSED: "·",
}


# Symbol colour with enough contrast on each fill.
SYMBOL_INK = {"Low": "white", "High": "white", "Serious": "white", "Critical": "white"}


FIGURE_WIDTH_CM = 8.0
SYMBOL_SIZE_PT = 7.5  # bold, inside a 9.5 pt circle
SYMBOL_BOX_PT = 2 * SYMBOL_SIZE_PT  # marker box: glyphs keep their relative sizes


@cache
def _symbol_marker(symbol: str) -> Path:
    """The bold glyph of ``symbol`` as a marker path, centred, at its size in points.

    Matplotlib scales a path marker to fill its box, so two invisible corner
    points fix the box: every symbol is drawn at SYMBOL_SIZE_PT, as text was.
    """
    prop = FontProperties(family=STYLE["font.family"], weight="bold", size=SYMBOL_SIZE_PT)
    glyph = TextPath((0, 0), symbol, prop=prop)
    (x0, y0), (x1, y1) = glyph.get_extents().get_points()
    verts = glyph.vertices - [(x0 + x1) / 2, (y0 + y1) / 2]
    half = SYMBOL_BOX_PT / 2
    corners = [(-half, -half), (half, half)]
    codes = [*glyph.codes, Path.MOVETO, Path.MOVETO]
    return Path([*verts, *corners], codes)


def _short(level: str) -> str:
    """Legend label: "Not assessed (full text not obtained)" -> "Not assessed"."""
    return "Not assessed" if level == NOT_ASSESSED else level


OVERALL_GAP = 0.5  # extra space (in columns) before the Overall column


def build_traffic_light_plot(
    rob: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    width_cm: float = FIGURE_WIDTH_CM,
) -> Figure:
    """Traffic-light plot: one panel per tool, a row per study, a column per domain + Overall.

    Each judgement is a circle in its colour with its symbol; circles carry
    the gid ``rob:<tool>:<study_id>:<column>:<judgement>``. Under each panel
    a key names the domains and the judgements the tool uses.
    """
    panels = by_tool(rob, labels)
    width_in = width_cm * CM
    with figure_style():
        wrap = _chars_per_line(width_in, 7.0)
        keys = [_domain_key(tool, wrap) for tool, _ in panels]
        heights = [
            len(rows) * ROW_PITCH_IN * 1.3 + 0.55 + (k.count("\n") + 1) * 0.135
            for (_, rows), k in zip(panels, keys, strict=True)
        ]
        fig = Figure(figsize=(width_in, sum(heights) + 0.1), layout="constrained")
        FigureCanvasAgg(fig)
        if not panels:
            _empty(fig)
            return fig
        subfigs = fig.subfigures(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
        for sub, (tool, rows), key in zip(subfigs, panels, keys, strict=True):
            _traffic_panel(sub, tool, rows, key)
    return fig


def _domain_key(tool: Tool, wrap: int) -> str:
    lines = [f"D{i}: {name}" for i, name in enumerate(tool.domains, start=1)]
    symbols = "; ".join(f"{SYMBOLS[level]} {_short(level).lower()}" for level in tool.levels)
    return "\n".join(line for text in [*lines, symbols] for line in textwrap.wrap(text, wrap))


def _traffic_panel(sub: Any, tool: Tool, rows: pd.DataFrame, key: str) -> None:
    ax = sub.add_subplot()
    columns = [*DOMAIN_COLUMNS[: len(tool.domains)], "overall"]
    # the Overall column stands apart, behind a divider, so its wider heading has room
    xs = [*range(len(columns) - 1), len(columns) - 1 + OVERALL_GAP]
    symbols: dict[str, list[tuple[float, int]]] = {}
    cells, faces, gids = [], [], []
    for y, row in enumerate(rows.to_dict("records")):
        for x, column in zip(xs, columns, strict=True):
            judgement = row[column]
            cells.append((x, y))
            faces.append({"markerfacecolor": COLOURS[judgement]})
            gids.append(f"rob:{tool.name}:{row['study_id']}:{column}:{judgement}")
            symbols.setdefault(judgement, []).append((x, y))
    # One artist draws every circle (one draw per colour in the PNG; each circle in
    # its own gid group in the SVG): a Line2D per circle was a quarter of the time
    # of a 1,000-study plot (issue 19).
    circles = dict(marker="o", markersize=9.5, markeredgecolor="#555555", markeredgewidth=0.5)
    ax.add_artist(MarkerCells(ax, cells, faces, gids, **circles, zorder=2, clip_on=False))
    # One marker line per judgement draws every symbol of that judgement: a text
    # object per circle made a 1,000-study plot spend most of its time laying out
    # 8,000 one-character texts (issue 19).
    for judgement, points in symbols.items():
        ax.plot(
            [x for x, _ in points],
            [y for _, y in points],
            linestyle="none",
            marker=_symbol_marker(SYMBOLS[judgement]),
            markersize=SYMBOL_BOX_PT,
            markerfacecolor=SYMBOL_INK.get(judgement, "black"),
            markeredgewidth=0,
            zorder=3,
            clip_on=False,
        )
    ax.set_xticks(xs, [c if c != "overall" else "Overall" for c in columns])
    ax.xaxis.tick_top()
    label_rows(ax, range(len(rows)), list(rows["label"]), pad=3)
    ax.set_xlim(-0.6, xs[-1] + 0.6)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.axvline(len(columns) - 1.5 + OVERALL_GAP / 2, color="#BBBBBB", linewidth=0.6)
    ax.tick_params(length=0, pad=3)
    fix_empty_ylabel(ax)
    for side in ax.spines.values():
        side.set_visible(False)
    sub.suptitle(tool.title, fontweight="bold", fontsize=STYLE["font.size"], x=0.02, ha="left")
    sub.supxlabel(key, x=0.02, ha="left", fontsize=7, linespacing=1.25)


def build_summary_plot(
    rob: pd.DataFrame,
    *,
    width_cm: float = FIGURE_WIDTH_CM,
) -> Figure:
    """Weighted summary bar plot: one panel per tool, a bar per domain and Overall.

    Each bar splits 100 % of the participants (``weight``) by judgement;
    segments carry the gid ``share:<tool>:<column>:<judgement>:<percent>``.
    """
    panels = by_tool(rob)
    width_in = width_cm * CM
    with figure_style():
        wrap = max(16, int(_chars_per_line(width_in, 7.0) * 0.4))
        heights = [(len(tool.domains) + 1) * 0.34 + 1.0 for tool, _ in panels]
        fig = Figure(figsize=(width_in, sum(heights) + 0.1), layout="constrained")
        FigureCanvasAgg(fig)
        if not panels:
            _empty(fig)
            return fig
        subfigs = fig.subfigures(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
        for sub, (tool, rows) in zip(subfigs, panels, strict=True):
            _summary_panel(sub, tool, rows, wrap)
    return fig


def _summary_panel(sub: Any, tool: Tool, rows: pd.DataFrame, wrap: int) -> None:
    ax = sub.add_subplot()
    columns = [*DOMAIN_COLUMNS[: len(tool.domains)], "overall"]
    names = [*tool.domains, "Overall risk of bias"]
    for y, column in enumerate(columns):
        left = 0.0
        for level, share in judgement_shares(rows, tool, column).items():
            (bar,) = ax.barh(
                y,
                share * 100,
                left=left,
                height=0.7,
                color=COLOURS[level],
                edgecolor="#555555",
                linewidth=0.4,
            )
            bar.set_gid(f"share:{tool.name}:{column}:{level}:{share * 100:.1f}")
            left += share * 100
    ax.set_yticks(
        range(len(columns)), ["\n".join(textwrap.wrap(n, wrap)) for n in names], fontsize=7
    )
    ax.set_ylim(len(columns) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", length=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Share of participants (weighted by n)", fontsize=7, labelpad=2)
    n = len(rows)
    sub.suptitle(
        f"{tool.name}: {n} {'study' if n == 1 else 'studies'}",
        fontweight="bold",
        fontsize=STYLE["font.size"],
        x=0.02,
        ha="left",
    )
    handles = [
        Patch(facecolor=COLOURS[lv], edgecolor="#555555", linewidth=0.4, label=_short(lv))
        for lv in tool.levels
    ]
    sub.legend(
        handles=handles,
        loc="outside lower center",
        ncols=3,
        fontsize=7,
        **{**LEGEND_STYLE, "handlelength": 0.9},
    )


def _empty(fig: Figure) -> None:
    fig.text(0.5, 0.5, "No risk-of-bias assessments", ha="center", va="center")


def traffic_light_figure(
    rob: pd.DataFrame,
    out_svg: str | FilePath,
    out_pdf: str | FilePath,
    out_png: str | FilePath,
    *,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Draw the traffic-light plot (:func:`build_traffic_light_plot`); write SVG, PDF, PNG."""
    draw_once(build_traffic_light_plot, (rob,), {"labels": labels}, (out_svg, out_pdf, out_png))


def traffic_light_order(rob: pd.DataFrame, labels: Mapping[str, str] | None = None) -> list[str]:
    """The studies top to bottom in the whole traffic-light plot (panel by panel)."""
    return [str(s) for _, rows in by_tool(rob, labels) for s in rows["study_id"]]


def traffic_light_parts(
    rob: pd.DataFrame,
    folder: str | FilePath,
    include: str | FilePath,
    *,
    labels: Mapping[str, str] | None = None,
    per_part: int | None = DEFAULT_STUDIES_PER_PART,
    formats: Sequence[str] = FORMATS,
) -> list[Part]:
    """The traffic-light plot in parts of at most ``per_part`` studies (:mod:`.parts`)."""
    return draw_study_parts(
        "risk_of_bias_traffic_light", (rob,), traffic_light_order(rob, labels), folder, include,
        traffic_light_figure, labels=labels, per_part=per_part, formats=formats,
    )  # fmt: skip


def summary_figure(
    rob: pd.DataFrame, out_svg: str | FilePath, out_pdf: str | FilePath, out_png: str | FilePath
) -> None:
    """Draw the weighted summary plot (:func:`build_summary_plot`); write SVG, PDF, PNG."""
    draw_once(build_summary_plot, (rob,), {}, (out_svg, out_pdf, out_png))

"""The effect direction plot: one row per study, one column per outcome domain."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path as MarkerPath
from matplotlib.transforms import Affine2D, blended_transform_factory

from ..evidence.studies import check_protocol_codes, grouped_studies
from ..synthesis.narrative import (
    DIRECTION_LABELS,
    DOMAIN_HEADINGS,
    DOMAINS,
    SIZE_CLASSES,
    UNKNOWN_SIZE,
    size_class,
    study_directions,
    study_size,
)
from .cache import draw_once
from .common import (
    CM,
    GREY,
    LEGEND_STYLE,
    OKABE_ITO,
    STYLE,
    _chars_per_line,
    _fit_legend,
    figure_style,
    fix_empty_ylabel,
    label_rows,
    row_rule,
)
from .markers import MarkerCells
from .parts import DEFAULT_STUDIES_PER_PART, FORMATS, Part, draw_study_parts, study_groups
from .study_overview import ROW_PITCH_IN

# "No clear difference" is Thomson and Thomas's pair of arrowheads, drawn as
# matplotlib's own "<" and ">" triangle markers side by side, GAP marker sizes apart,
# each scaled by HALF_SCALE: two halves of an arrow's area, so the pair covers what
# one "^" or "v" arrow of the same markersize covers, and its size shows the sample
# size class as the arrows' does. (The pair drawn before was half as tall as an
# arrow, and its edges closed the gap: it printed as a small flat diamond.)
HALF_SCALE = 1 / math.sqrt(2)
GAP = 0.7  # a gap its 0.8-pt edges leave open at the smallest size


def _arrowhead_pair() -> MarkerStyle:
    halves = []
    for name, side in (("<", -1), (">", 1)):
        style = MarkerStyle(name)
        path = style.get_path().transformed(style.get_transform())  # 1 x 1 marker size
        halves.append(path.transformed(Affine2D().translate(side * (1 + GAP) / 2, 0)))
    pair = MarkerPath.make_compound_path(*halves)
    # matplotlib shrinks a path marker to span one marker size; scale it back
    reach = float(np.max(np.abs(pair.vertices)))
    return MarkerStyle(pair, joinstyle="miter", transform=Affine2D().scale(2 * reach * HALF_SCALE))


ARROWHEAD_PAIR = _arrowhead_pair()


DIRECTION_MARKERS: dict[str, tuple[Any, str]] = {
    "benefit": ("^", OKABE_ITO["blue"]),
    "harm": ("v", OKABE_ITO["vermillion"]),
    "no_clear_difference": (ARROWHEAD_PAIR, "#333333"),
    "not_reported": ("o", GREY),
}


FIGURE_WIDTH_CM = 8.0


@dataclass(frozen=True)
class PlotRow:
    """One line of a study plot: a heading ('group', 'design') or a plotted row ('study')."""

    y: float
    text: str
    kind: str
    record: dict[str, Any] = field(default_factory=dict)
    dosing: str | None = None


def layout_rows(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    labels: Mapping[str, str],
    wrap_chars: int,
    *,
    design_labels: Mapping[str, str] | None = None,
    expand: Callable[[dict[str, Any]], list[str | None]] | None = None,
) -> list[PlotRow]:
    """Rows top to bottom (y grows downwards), in the shared table order.

    Groups follow the protocol and studies :func:`livingreview.tables.grouped_studies`;
    with ``design_labels`` each group is split under design sub-headings in
    protocol order. ``expand`` gives the plotted rows of one study (for
    example one per dosing regime); the study label is shown on the first.
    """
    rows: list[PlotRow] = []
    y = 0.0
    for i, (_, label, members) in enumerate(grouped_studies(studies, diagnosis_labels)):
        y += 0.5 if i else 0.0
        y = _heading(rows, y, label, "group", wrap_chars)
        for design, design_members in _by_design(members, design_labels):
            if design is not None:
                y = _heading(rows, y, design, "design", wrap_chars)
            for record in design_members:
                sid = str(record["study_id"])
                for k, dosing in enumerate(expand(record) if expand else [None]):
                    rows.append(
                        PlotRow(y, labels.get(sid, sid) if k == 0 else "", "study", record, dosing)
                    )
                    y += 1
    return rows


def _heading(rows: list[PlotRow], y: float, text: str, kind: str, wrap_chars: int) -> float:
    indent = "  " if kind == "design" else ""
    wrapped = textwrap.wrap(text, wrap_chars - len(indent)) or [text]
    extra = (len(wrapped) - 1) * 0.5
    rows.append(PlotRow(y + extra, "\n".join(indent + w for w in wrapped), kind))
    return y + 1 + 2 * extra


def _by_design(
    members: list[dict[str, Any]], design_labels: Mapping[str, str] | None
) -> list[tuple[str | None, list[dict[str, Any]]]]:
    if design_labels is None:
        return [(None, members)]
    return [
        (label, [m for m in members if m["design_class"] == code])
        for code, label in design_labels.items()
        if any(m["design_class"] == code for m in members)
    ]


def _draw_headings(fig: Figure, ax: Any, rows: list[PlotRow]) -> None:
    transform = blended_transform_factory(fig.transFigure, ax.transData)
    for row in rows:
        if row.kind == "study":
            continue
        ax.text(
            0.01,
            row.y,
            row.text,
            transform=transform,
            fontweight="bold" if row.kind == "group" else "normal",
            fontstyle="italic" if row.kind == "design" else "normal",
            va="center",
            ha="left",
            in_layout=False,
            linespacing=1.1,
        )


def _study_ticks(ax: Any, rows: list[PlotRow]) -> None:
    studies = [r for r in rows if r.kind == "study"]
    label_rows(ax, [r.y for r in studies], [r.text for r in studies], pad=6)
    for r in studies:
        row_rule(ax, r.y, color="#E3E3E3", linewidth=0.4, zorder=0)
    span = rows[-1].y + 1 if rows else 1
    ax.set_ylim(span - 0.4, -0.6)
    fix_empty_ylabel(ax)


def _new_figure(
    rows: list[PlotRow], handles: list[Line2D], width_in: float, top_in: float
) -> tuple[Figure, Any, int]:
    """A figure tall enough for ``rows``, the legend and ``top_in`` of column headings."""
    ncols, legend_lines = _fit_legend(handles, width_in)
    span = rows[-1].y + 1 if rows else 1
    height = span * ROW_PITCH_IN + top_in + 0.45 + (legend_lines + 1) * 0.16
    fig = Figure(figsize=(width_in, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(), ncols


def build_effect_direction_plot(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    width_cm: float = FIGURE_WIDTH_CM,
) -> Figure:
    """Build the effect direction plot and return the figure (not saved).

    Rows: every included study, grouped by diagnosis (bold) and design
    (italic); columns: the outcome domains of :data:`DOMAINS`. A cell holds
    the study's combined direction in that domain (:func:`study_directions`):
    ▲ benefit, ▼ harm, ◄► no clear difference or conflicting results, ○ the
    outcome was assessed but no direction was reported; an empty cell means
    no result was coded. Marker size shows the sample size class of Thomson
    and Thomas (2013), from :func:`study_size`. Each drawn marker carries the
    gid ``direction:<study_id>:<domain>:<direction>`` so tests can read it back.
    """
    check_protocol_codes(studies, "design_class", design_labels, "design_classes")
    directions = study_directions(outcomes)
    labels = labels or {}
    width_in = width_cm * CM
    included = set(studies["study_id"])
    if not any(sid in included for sid, _ in directions):
        return _note_figure(width_in, NO_STUDIES if not included else NO_RESULTS)
    with figure_style():
        wrap = _chars_per_line(width_in, STYLE["font.size"], bold=True)
        rows = layout_rows(studies, diagnosis_labels, labels, wrap, design_labels=design_labels)
        handles = _direction_handles(rows, directions, outcomes)
        fig, ax, ncols = _new_figure(rows, handles, width_in, top_in=0.45)
        _draw_directions(ax, [r for r in rows if r.kind == "study"], directions, outcomes)
        _draw_headings(fig, ax, rows)
        _study_ticks(ax, rows)
        ax.set_xlim(-0.5, len(DOMAINS) - 0.5)
        ax.xaxis.tick_top()
        ax.set_xticks(range(len(DOMAINS)), [DOMAIN_HEADINGS[d] for d in DOMAINS], fontsize=7)
        ax.tick_params(axis="x", length=0, pad=3)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        for x in range(len(DOMAINS)):
            ax.axvline(x, color="#F0F0F0", linewidth=0.6, zorder=0)
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, **LEGEND_STYLE)
    return fig


NO_STUDIES = "No studies were included, so there is no direction of effect to show."
NO_RESULTS = "No included study has a result coded with a direction of effect yet."


def _note_figure(width_in: float, note: str) -> Figure:
    """A small figure that says why there is no plot, instead of an empty grid."""
    with figure_style():
        fig = Figure(figsize=(width_in, 0.6))
        FigureCanvasAgg(fig)
        wrapped = textwrap.fill(note, _chars_per_line(width_in, STYLE["font.size"]))
        fig.text(0.5, 0.5, wrapped, ha="center", va="center", color="#333333").set_gid(
            "direction:note"
        )
    return fig


def _draw_directions(
    ax: Any,
    rows: list[PlotRow],
    directions: Mapping[tuple[str, str], str],
    outcomes: pd.DataFrame,
) -> None:
    """Every study's markers, row by row, as one artist (:class:`.markers.MarkerCells`):
    drawn as a line per marker was about a tenth of a 1,000-study plot's time (issue
    19); the SVG is written as before and the markers, one per cell, never overlap."""
    xy, cells, gids = [], [], []
    for row in rows:
        sid = row.record["study_id"]
        size, _ = size_class(study_size(row.record, outcomes))
        for x, domain in enumerate(DOMAINS):
            direction = directions.get((sid, domain))
            if direction is None:
                continue
            marker, colour = DIRECTION_MARKERS[direction]
            face = "white" if direction == "not_reported" else colour
            xy.append((x, row.y))
            cells.append(
                {"marker": marker, "markersize": size, "color": colour, "markerfacecolor": face}
            )
            gids.append(f"direction:{sid}:{domain}:{direction}")
    if xy:
        ax.add_artist(
            MarkerCells(ax, xy, cells, gids, markeredgewidth=0.8, clip_on=False, zorder=3)
        )


def _direction_handles(
    rows: list[PlotRow], directions: Mapping[tuple[str, str], str], outcomes: pd.DataFrame
) -> list[Line2D]:
    """Legend: the directions and size classes that occur, in a fixed order."""
    sids = {r.record["study_id"] for r in rows if r.kind == "study"}
    present = {d for (sid, _), d in directions.items() if sid in sids}
    handles = []
    for direction, label in DIRECTION_LABELS.items():
        if direction in present:
            marker, colour = DIRECTION_MARKERS[direction]
            face = "white" if direction == "not_reported" else colour
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markersize=5,
                    color=colour,
                    markerfacecolor=face,
                    label=label,
                )
            )
    sizes = {size_class(study_size(r.record, outcomes)) for r in rows if r.kind == "study"}
    for size, label in [(s, lbl) for _, s, lbl in SIZE_CLASSES] + [UNKNOWN_SIZE]:
        if (size, label) in sizes:
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="^",
                    markersize=size,
                    color="#555555",
                    label=label,
                )
            )
    return handles


def effect_direction_figure(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    out_svg: str | Path,
    out_pdf: str | Path,
    out_png: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Draw the effect direction plot (:func:`build_effect_direction_plot`); write SVG, PDF, PNG."""
    draw_once(
        build_effect_direction_plot,
        (studies, outcomes, diagnosis_labels, design_labels),
        {"labels": labels},
        (out_svg, out_pdf, out_png),
    )


def study_order(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str] | None = None,
) -> list[str]:
    """The studies top to bottom in a study plot (:func:`layout_rows` order)."""
    rows = layout_rows(studies, diagnosis_labels, {}, 80, design_labels=design_labels)
    return [str(r.record["study_id"]) for r in rows if r.kind == "study"]


def effect_direction_parts(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    folder: str | Path,
    include: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    per_part: int | None = DEFAULT_STUDIES_PER_PART,
    formats: Sequence[str] = FORMATS,
) -> list[Part]:
    """The effect direction plot in parts of at most ``per_part`` studies."""

    def draw(part_studies: pd.DataFrame, part_outcomes: pd.DataFrame, *outputs: Any, **kw: Any):
        effect_direction_figure(
            part_studies, part_outcomes, diagnosis_labels, design_labels, *outputs, **kw
        )

    order = study_order(studies, diagnosis_labels, design_labels)
    return draw_study_parts(
        "effect_direction", (studies, outcomes), order, folder, include, draw,
        labels=labels, per_part=per_part, formats=formats,
        groups=study_groups(studies, diagnosis_labels),
    )  # fmt: skip

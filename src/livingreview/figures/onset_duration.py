"""The onset and duration plot: when anxiety improved after each dose, per study."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..synthesis.narrative import DOSING_LABELS, anxiety_timeline
from .cache import draw_once
from .common import (
    CM,
    LEGEND_STYLE,
    OKABE_ITO,
    STYLE,
    _chars_per_line,
    _text_width_pt,
    annotate_missing,
    figure_style,
    freeze_layout,
)
from .effect_direction import (
    FIGURE_WIDTH_CM,
    PlotRow,
    _draw_headings,
    _new_figure,
    _study_ticks,
    layout_rows,
    study_order,
)
from .markers import MarkerCells, MarkerRun
from .parts import (
    DEFAULT_STUDIES_PER_PART,
    FORMATS,
    Part,
    draw_study_parts,
    part_inputs,
    split_studies,
    study_groups,
)

TIMING_MARKERS: dict[str, tuple[str, str]] = {
    "onset": ("o", "First measured"),
    "endpoint": ("D", "Other timepoint"),
    "duration": (">", "Last time still present"),
}

# Line style per dosing regime (labels from the synthesis, so text and figure agree).
DOSING_STYLE: dict[str, dict[str, Any]] = {
    "single": {"color": OKABE_ITO["blue"], "linestyle": "-", "label": DOSING_LABELS["single"]},
    "repeated": {
        "color": OKABE_ITO["orange"],
        "linestyle": (0, (3, 1.5)),
        "label": DOSING_LABELS["repeated"],
    },
}


# The note of a row without a point: what its results' timing is, by the row's dosing
# regime. A result without a time_value (data/README.md: the source gives no time
# from a dose, from the last dose or from the start of a course that can be put on
# the axis) was still reported at a time the source describes in words, so the note
# says which kind of time that was, not that none was reported.
UNTIMED_NOTES: dict[str | None, str] = {
    "single": "time after the dose not given",
    "repeated": "during or after a course",
    None: "no anxiety result",  # the study has results in other domains only
}

# Markers of one row whose centres are closer than this (points) would hide one
# another (a 4.5-pt marker, its 0.9-pt edge and a little air): they are stacked
# across the row instead (stack_offsets).
MARKER_PT = 4.5
EDGE_PT = 0.9
CLEAR_PT = MARKER_PT + EDGE_PT + 0.6


TIME_TICKS: tuple[tuple[float, str], ...] = (
    (1 / 6, "10 min"),
    (1.0, "1 h"),
    (24.0, "1 day"),
    (168.0, "1 week"),
    (730.5, "1 month"),
    (4383.0, "6 months"),
    (8766.0, "1 year"),
    (26298.0, "3 years"),
)


def _dosing_rows(outcomes: pd.DataFrame) -> Callable[[dict[str, Any]], list[str | None]]:
    """Plotted rows of a study: one per dosing regime of its anxiety results (single first)."""
    anxiety = outcomes[outcomes["domain"] == "anxiety"]
    # the regimes of every study at once: a filter of the table per study was a tenth
    # of a part's drawing time (issue 19)
    regimes: dict[Any, set[Any]] = {}
    for study, dosing in zip(anxiety["study_id"], anxiety["dosing"], strict=True):
        regimes.setdefault(study, set()).add(dosing)

    def expand(record: dict[str, Any]) -> list[str | None]:
        found = regimes.get(record["study_id"], set())
        return [d for d in DOSING_STYLE if d in found] or [None]

    return expand


def build_onset_duration_plot(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    width_cm: float = FIGURE_WIDTH_CM,
    hours: tuple[float, float] | None = None,
    ticks: Sequence[str] | None = None,
) -> Figure:
    """Build the onset-and-duration plot of the anxiolytic effect and return the figure.

    One row per study and dosing regime (single dose above repeated dosing),
    grouped by diagnosis. Each anxiety result with a time in
    ``data/outcomes.csv`` is a marker at that time on a log axis (minutes to
    months): circle = first measured (onset), diamond = other timepoint,
    triangle = longest time the effect was still present or median time to
    relapse (duration); filled = benefit, open = no clear difference. A line
    joins the earliest and latest benefit. Colour and line style tell single
    from repeated dosing. Markers of a row that would cover one another (the
    same time, or times closer than a marker's width) are stacked across the
    row, so each stays visible (:func:`stack_offsets`). A row without a timed
    result says what kind of time its results have (:data:`UNTIMED_NOTES`).
    Markers carry the gid ``time:<study_id>:<dosing>:<role>:<hours>``.

    The time axis shows the :data:`TIME_TICKS` whose labels fit without touching
    (:func:`_thin_time_ticks`), or ``ticks`` (labels of :data:`TIME_TICKS`), which
    the parts of a split figure share (:func:`onset_duration_parts`); the figure is
    then laid out once, here, and returned with its layout frozen.
    """
    labels = labels or {}
    timeline = anxiety_timeline(outcomes)
    width_in = width_cm * CM
    with figure_style():
        wrap = _chars_per_line(width_in, STYLE["font.size"], bold=True)
        rows = layout_rows(studies, diagnosis_labels, labels, wrap, expand=_dosing_rows(outcomes))
        points = [p for r in rows if r.kind == "study" for p in timeline.get(_key(r), [])]
        handles = _timeline_handles(points)
        fig, ax, ncols = _new_figure(rows, handles, width_in, top_in=0.1)
        # ``hours``: the time range of the whole figure, shared by its parts
        xmin, xmax = hours or _time_range([p["hours"] for p in points])
        markers = _draw_timelines(ax, [r for r in rows if r.kind == "study"], timeline, xmin)
        _draw_headings(fig, ax, rows)
        _study_ticks(ax, rows)
        _time_axis(ax, xmin, xmax)
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, **LEGEND_STYLE)
        if ticks is None:
            _thin_time_ticks(fig, ax)  # lays the figure out: the axes now have their size
        else:  # the ticks a split figure's parts share: one layout, the final one
            _set_time_ticks(ax, ticks)
            freeze_layout(fig)
        _stack_overlaps(ax, markers)
    return fig


def _key(row: PlotRow) -> tuple[str, str]:
    return (str(row.record["study_id"]), str(row.dosing))


def _time_range(values: list[float]) -> tuple[float, float]:
    low = min(values, default=1.0)
    high = max(values, default=168.0)
    return min(low / 3, 1 / 6), max(high * 2.5, 168.0)


def _time_axis(ax: Any, xmin: float, xmax: float) -> None:
    ax.set_xscale("log")
    ax.set_xlim(xmin, xmax)
    ticks = [(v, t) for v, t in TIME_TICKS if xmin <= v <= xmax]
    ax.xaxis.set_major_locator(ticker.FixedLocator([v for v, _ in ticks]))
    ax.xaxis.set_major_formatter(ticker.FixedFormatter([t for _, t in ticks]))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.set_xlabel("Time (log scale)")
    ax.tick_params(axis="x", which="major", length=3)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", which="major", color="#EBEBEB", linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)


def _thin_time_ticks(fig: Figure, ax: Any, gap_pt: float = 4.0) -> None:
    """Drop tick labels that would touch their left neighbour at the printed size."""
    # lay the figure out as a draw would, without rendering every row (a full draw
    # of a 1,000-study figure costs seconds); get_xticklabels places the labels
    renderer = fig.canvas.get_renderer()
    fig.get_layout_engine().execute(fig)
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    kept, right = [], -math.inf
    gap_px = gap_pt * fig.dpi / 72
    for label in labels:
        box = label.get_window_extent(renderer)
        if box.x0 >= right + gap_px:
            kept.append(label.get_text())
            right = box.x1
    _set_time_ticks(ax, kept)


def _set_time_ticks(ax: Any, labels: Sequence[str]) -> None:
    """Show the :data:`TIME_TICKS` of ``labels`` on the time axis, and no others."""
    ticks = [(v, t) for v, t in TIME_TICKS if t in labels]
    ax.xaxis.set_major_locator(ticker.FixedLocator([v for v, _ in ticks]))
    ax.xaxis.set_major_formatter(ticker.FixedFormatter([t for _, t in ticks]))


def time_tick_labels(fig: Figure) -> tuple[str, ...]:
    """The time tick labels an onset plot shows (after :func:`_thin_time_ticks`)."""
    return tuple(fig.axes[0].xaxis.get_major_formatter().seq)


def _draw_timelines(
    ax: Any, rows: list[PlotRow], timeline: Mapping[tuple[str, str], Any], xmin: float
) -> list[MarkerCells]:
    """Each row's line and markers, or its note (:data:`UNTIMED_NOTES`); returns the
    marker artists. The markers of consecutive rows are one artist
    (:class:`.markers.MarkerCells`, in order, as they may overlap), between the notes,
    so the SVG lists everything in the order a line per marker gave (that line per
    marker was a tenth of the time, issue 19)."""
    run = MarkerRun(ax, markersize=MARKER_PT, markeredgewidth=EDGE_PT, zorder=3, clip_on=False)
    for row in rows:
        points = timeline.get(_key(row), [])
        if not points:
            run.flush()
            annotate_missing(ax, UNTIMED_NOTES[row.dosing], (xmin, row.y), offset=2)
            continue
        style = DOSING_STYLE[str(row.dosing)]
        benefit = [p["hours"] for p in points if p["direction"] == "benefit"]
        if len(benefit) > 1:
            ax.plot(
                [min(benefit), max(benefit)],
                [row.y, row.y],
                color=style["color"],
                linestyle=style["linestyle"],
                linewidth=1.4,
                zorder=2,
            )
        for point in points:
            filled = point["direction"] == "benefit"
            colour = style["color"] if point["direction"] != "harm" else OKABE_ITO["vermillion"]
            cell = {
                "marker": TIMING_MARKERS[point["time_role"]][0],
                "color": colour,
                "markerfacecolor": style["color"] if filled else "white",
            }
            role, hours = point["time_role"], point["hours"]
            run.add(
                (hours, row.y), cell, f"time:{row.record['study_id']}:{row.dosing}:{role}:{hours:g}"
            )
    run.flush()
    return run.artists


def stack_offsets(xs: Sequence[float], clear: float, room: float) -> list[float]:
    """Vertical offsets (points, negative = up) of one row's markers at ``xs`` (points,
    in drawing order) so that none hides another.

    Markers whose centres are ``clear`` or more apart keep offset 0. Each run of
    markers closer than that (a cluster) is stacked: a marker takes the lowest level
    no earlier marker of its cluster within ``clear`` holds, and the levels are
    centred on the row, ``clear`` apart or closer so that the whole stack spans at
    most ``room``. Closer than ``clear`` they overlap in part, each still showing.
    """
    offsets = [0.0] * len(xs)
    order = sorted(range(len(xs)), key=lambda i: xs[i])  # stable: drawing order in ties
    clusters: list[list[int]] = []
    for i in order:
        if clusters and xs[i] - xs[clusters[-1][-1]] < clear:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    for cluster in clusters:
        levels: dict[int, int] = {}
        for i in sorted(cluster):  # drawing order: the first drawn takes the top level
            taken = {levels[j] for j in levels if abs(xs[j] - xs[i]) < clear}
            levels[i] = next(level for level in range(len(cluster)) if level not in taken)
        count = max(levels.values()) + 1
        if count > 1:
            step = min(clear, room / (count - 1))
            for i, level in levels.items():
                offsets[i] = (level - (count - 1) / 2) * step
    return offsets


def _stack_overlaps(ax: Any, markers: Sequence[MarkerCells]) -> None:
    """Stack the markers of each row that would hide one another (:func:`stack_offsets`),
    measured on the laid-out axes (a row's markers are in one artist, at its y)."""
    to_pt = 72 / ax.get_figure(root=True).dpi
    (_, top), (_, bottom) = ax.transData.transform([(1.0, 0.0), (1.0, 1.0)])
    row_pt = abs(bottom - top) * to_pt  # points per row (y grows downwards)
    for cells in markers:
        rows: dict[float, list[int]] = {}
        for i, (_, y) in enumerate(cells.xy):
            rows.setdefault(y, []).append(i)
        across = ax.transData.transform(cells.xy)[:, 0] * to_pt  # every marker at once
        for y, members in rows.items():
            xs = [float(across[i]) for i in members]
            offsets = stack_offsets(xs, CLEAR_PT, max(row_pt - CLEAR_PT, 0.0))
            for i, offset in zip(members, offsets, strict=True):
                cells.xy[i] = (cells.xy[i][0], y + offset / row_pt)


def _timeline_handles(points: list[dict[str, Any]]) -> list[Line2D]:
    handles = []
    regimes = {p["dosing"] for p in points}
    for dosing, style in DOSING_STYLE.items():
        if dosing in regimes:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=style["color"],
                    linestyle=style["linestyle"],
                    linewidth=1.4,
                    label=style["label"],
                )
            )
    roles = {p["time_role"] for p in points}
    for role, (marker, label) in TIMING_MARKERS.items():
        if role in roles:
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markersize=4.5,
                    color="#333333",
                    label=label,
                )
            )
    if any(p["direction"] != "benefit" for p in points):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=4.5,
                color="#333333",
                markerfacecolor="white",
                label="Open: no clear difference",
            )
        )
    return handles


def onset_duration_figure(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    out_svg: str | Path,
    out_pdf: str | Path,
    out_png: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    **options: Any,
) -> None:
    """Draw the onset-and-duration plot (:func:`build_onset_duration_plot`); write SVG, PDF, PNG."""
    draw_once(
        build_onset_duration_plot,
        (studies, outcomes, diagnosis_labels),
        {"labels": labels, **options},
        (out_svg, out_pdf, out_png),
    )


def onset_duration_parts(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    folder: str | Path,
    include: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    per_part: int | None = DEFAULT_STUDIES_PER_PART,
    formats: Sequence[str] = FORMATS,
) -> list[Part]:
    """The onset plot in parts of at most ``per_part`` studies, on one time axis."""

    def draw(part_studies: pd.DataFrame, part_outcomes: pd.DataFrame, *outputs: Any, **kw: Any):
        onset_duration_figure(part_studies, part_outcomes, diagnosis_labels, *outputs, **kw)

    included = set(studies["study_id"].astype(str))
    timeline = anxiety_timeline(outcomes)
    hours = [p["hours"] for (sid, _), points in timeline.items() if sid in included for p in points]
    order = study_order(studies, diagnosis_labels)
    shared: dict[str, Any] = {"hours": _time_range(hours)}
    parts = split_studies(order, per_part)
    if len(parts) > 1:
        shared["ticks"] = _shared_ticks(
            parts, (studies, outcomes), diagnosis_labels, labels or {}, shared["hours"]
        )
    return draw_study_parts(
        "onset_duration", (studies, outcomes), order, folder, include, draw,
        labels=labels, per_part=per_part, formats=formats,
        groups=study_groups(studies, diagnosis_labels), **shared,
    )  # fmt: skip


def _shared_ticks(
    parts: Sequence[Part],
    frames: tuple[pd.DataFrame, pd.DataFrame],
    diagnosis_labels: Mapping[str, str],
    labels: Mapping[str, str],
    hours: tuple[float, float],
) -> tuple[str, ...]:
    """The time ticks of every part of a split plot (``frames``: studies, outcomes):
    those that fit on the part with the widest study label, whose time axis is the
    narrowest (the label column takes the rest of the width). Thinned once, every
    part shows the same ticks and none touch; thinning each part laid each out twice
    (a seventh of the plot's time at 1,000 studies, issue 19)."""

    def widest(part: Part) -> float:
        return max(_text_width_pt(labels.get(s, s), STYLE["font.size"]) for s in part.study_ids)

    narrowest = max(parts, key=widest)  # the first of equals: deterministic
    (part_studies, part_outcomes), part_labels = part_inputs(narrowest, frames, labels)
    fig = build_onset_duration_plot(
        part_studies, part_outcomes, diagnosis_labels, labels=part_labels, hours=hours
    )
    return time_tick_labels(fig)

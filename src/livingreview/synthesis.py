"""Narrative synthesis without meta-analysis: effect direction, onset and duration.

Everything here is derived from ``data/outcomes.csv`` (one row per study,
outcome domain and timepoint; see data/README.md), never from free text:

- :func:`load_outcomes` validates the file and its links to ``data/studies.csv``;
- :func:`study_directions` combines a study's rows per outcome domain into one
  direction with the rule of the revised effect direction plot (Boon and
  Thomson 2021): a direction counts when at least 70 % of the study's coded
  results in the domain share it, otherwise the results conflict and the cell
  shows "no clear difference";
- :func:`build_effect_direction_plot` draws the effect direction plot of
  Thomson and Thomas (2013), as recommended by the SWiM guideline (Campbell
  et al. 2020): one row per study, grouped by diagnosis and design, a column
  per outcome domain, arrows for the direction, arrow size for sample size;
- :func:`build_onset_duration_plot` draws when the anxiolytic effect was first
  measured and how long it lasted (log time axis), single and repeated dosing
  told apart by colour, line style and marker fill;
- :func:`findings_columns` gives the direction and duration columns that
  :func:`livingreview.tables.summary_by_diagnosis` adds to its table.

Figures reuse the house style, palette and writer of :mod:`livingreview.figures`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path as MarkerPath
from matplotlib.transforms import blended_transform_factory

from .errors import DataError, Problem, raise_if_any
from .figures import (
    CM,
    GREY,
    LEGEND_STYLE,
    OKABE_ITO,
    ROW_PITCH_IN,
    STYLE,
    _chars_per_line,
    _fit_legend,
    annotate_missing,
    figure_style,
    save_figure,
)
from .markdown import escape_inline
from .tables import MISSING, check_protocol_codes, grouped_studies
from .validation import load_table

OUTCOMES_FILE = "data/outcomes.csv"

# Outcome domains: code -> column heading (order = column order).
DOMAINS: dict[str, str] = {
    "anxiety": "Anxiety",
    "depression": "Depression",
    "adverse_effects": "Dissociation / adverse effects",
}
DIRECTION_LABELS: dict[str, str] = {
    "benefit": "Benefit",
    "harm": "Harm",
    "no_clear_difference": "No clear difference or conflicting",
    "not_reported": "Direction not reported",
}
# Column headings of the effect direction plot: short, so three fit an 8 cm column.
DOMAIN_HEADINGS: dict[str, str] = {
    "anxiety": "Anxiety",
    "depression": "Depression",
    "adverse_effects": "Adverse\neffects",
}
CODED = ("benefit", "harm", "no_clear_difference")
AGREEMENT = 0.7  # Boon & Thomson (2021): >= 70 % of results in one direction

# Sample-size classes of Thomson and Thomas (2013): arrow size by final sample size.
# Classes are (largest n in the class, marker size in points, legend label).
SIZE_CLASSES: tuple[tuple[float, float, str], ...] = (
    (49, 4.0, "n < 50"),
    (300, 6.0, "n 50–300"),
    (math.inf, 8.5, "n > 300"),
)
UNKNOWN_SIZE = (4.0, "n not reported")

# Left-right double arrow for "no clear difference" (Thomson and Thomas's ◄►).
_DOUBLE_ARROW = MarkerPath(
    [(-1, 0), (-0.1, 0.55), (-0.1, -0.55), (-1, 0), (1, 0), (0.1, 0.55), (0.1, -0.55), (1, 0)],
    [1, 2, 2, 79, 1, 2, 2, 79],
)
DIRECTION_MARKERS: dict[str, tuple[Any, str]] = {
    "benefit": ("^", OKABE_ITO["blue"]),
    "harm": ("v", OKABE_ITO["vermillion"]),
    "no_clear_difference": (_DOUBLE_ARROW, "#333333"),
    "not_reported": ("o", GREY),
}
DOSING_STYLE: dict[str, dict[str, Any]] = {
    "single": {"color": OKABE_ITO["blue"], "linestyle": "-", "label": "Single dose"},
    "repeated": {
        "color": OKABE_ITO["orange"],
        "linestyle": (0, (3, 1.5)),
        "label": "Repeated dosing",
    },
}
TIMING_MARKERS: dict[str, tuple[str, str]] = {
    "onset": ("o", "First measured"),
    "endpoint": ("D", "Other timepoint"),
    "duration": (">", "Last time still present"),
}
HOURS_PER: dict[str, float] = {
    "minutes": 1 / 60,
    "hours": 1.0,
    "days": 24.0,
    "weeks": 168.0,
    "months": 730.5,  # 365.25 / 12 days
}
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
FIGURE_WIDTH_CM = 8.0


# ---------------------------------------------------------------------------
# data


def load_outcomes(path: str | Path, studies: pd.DataFrame) -> pd.DataFrame:
    """Read ``data/outcomes.csv``, validate it and check it against ``studies``.

    Beyond the schema: ``study_id`` must be an included study; ``time_value``,
    ``time_unit`` and ``time_from`` are given together or not at all; and no two
    rows may code the same study, report, domain, measure, dosing and
    timepoint. Raises :class:`DataError` with every problem.
    """
    outcomes = load_table(path, "outcomes")
    problems = outcome_problems(outcomes, studies, str(path))
    raise_if_any(problems, DataError, f"{path} is not valid")
    return outcomes


def outcome_problems(outcomes: pd.DataFrame, studies: pd.DataFrame, file: str) -> list[Problem]:
    """Cross-file and cross-column problems of a validated outcomes table."""
    problems: list[Problem] = []
    study_ids = set(studies["study_id"])
    seen: dict[tuple, int] = {}
    for row in outcomes.to_dict("records"):
        line = row["_line"]
        if row["study_id"] not in study_ids:
            problems.append(
                Problem(
                    file,
                    "study_id is not in data/studies.csv",
                    row=line,
                    column="study_id",
                    found=str(row["study_id"]),
                    expected="a study_id of data/studies.csv",
                    fix="correct the id, or add the study to data/studies.csv",
                )
            )
        timing = {c: _value(row.get(c)) for c in ("time_value", "time_unit", "time_from")}
        given = [c for c, v in timing.items() if v is not None]
        if given and len(given) < 3:
            missing = [c for c in timing if c not in given]
            problems.append(
                Problem(
                    file,
                    "time_value, time_unit and time_from go together",
                    row=line,
                    column=missing[0],
                    expected="all three filled in, or all three empty",
                    fix=f"fill in {' and '.join(missing)} or empty {' and '.join(given)}",
                )
            )
        key = tuple(
            _value(row.get(c))
            for c in ("study_id", "report", "domain", "measure", "dosing", "timepoint")
        )
        if key in seen:
            problems.append(
                Problem(
                    file,
                    f"the same result is coded twice (first on line {seen[key]})",
                    row=line,
                    column="timepoint",
                    found=str(row.get("timepoint")),
                    fix="merge the two rows or tell them apart by measure, report or timepoint",
                )
            )
        seen.setdefault(key, line)
    return problems


def _value(value: Any) -> Any:
    """``None`` for empty cells (None or NaN), else the value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def combine_directions(directions: list[str]) -> str:
    """One direction for a study's results in one domain (Boon and Thomson 2021).

    ``not_reported`` results are left out; if none remain the result is
    ``not_reported``. A direction shared by at least 70 % of the rest wins,
    otherwise the results conflict: ``no_clear_difference``.
    """
    coded = [d for d in directions if d in CODED]
    if not coded:
        return "not_reported"
    for direction in CODED:
        if coded.count(direction) / len(coded) >= AGREEMENT:
            return direction
    return "no_clear_difference"


def study_directions(outcomes: pd.DataFrame) -> dict[tuple[str, str], str]:
    """``{(study_id, domain): direction}`` over every timepoint, report and measure."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in outcomes.to_dict("records"):
        grouped.setdefault((row["study_id"], row["domain"]), []).append(row["direction"])
    return {key: combine_directions(values) for key, values in sorted(grouped.items())}


def study_size(record: Mapping[str, Any], outcomes: pd.DataFrame) -> int | None:
    """Sample size for the arrow size: the study's ``n``, else the largest ``n`` of its results."""
    n = _value(record.get("n"))
    if n is not None:
        return int(n)
    own = outcomes[outcomes["study_id"] == record["study_id"]]
    values = [int(v) for v in own.get("n", pd.Series(dtype=object)) if _value(v) is not None]
    return max(values) if values else None


def size_class(n: int | None) -> tuple[float, str]:
    """``(marker size in points, legend label)`` of a sample size."""
    if n is None:
        return UNKNOWN_SIZE
    for largest, size, label in SIZE_CLASSES:
        if n <= largest:
            return size, label
    raise AssertionError("unreachable: the last class has no upper limit")


def hours(value: float, unit: str) -> float:
    """A time converted to hours."""
    return float(value) * HOURS_PER[unit]


# ---------------------------------------------------------------------------
# shared row layout (group headings, design sub-headings, study rows)


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
    ax.set_yticks([r.y for r in studies], [r.text for r in studies])
    for r in studies:
        ax.axhline(r.y, color="#E3E3E3", linewidth=0.4, zorder=0)
    span = rows[-1].y + 1 if rows else 1
    ax.set_ylim(span - 0.4, -0.6)
    ax.tick_params(axis="y", length=0, pad=6)


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


# ---------------------------------------------------------------------------
# effect direction plot


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
    no result was coded. Arrow size shows the sample size class of Thomson
    and Thomas (2013), from :func:`study_size`. Each drawn marker carries the
    gid ``direction:<study_id>:<domain>:<direction>`` so tests can read it back.
    """
    check_protocol_codes(studies, "design_class", design_labels, "design_classes")
    directions = study_directions(outcomes)
    labels = labels or {}
    width_in = width_cm * CM
    with figure_style():
        wrap = _chars_per_line(width_in, STYLE["font.size"], bold=True)
        rows = layout_rows(studies, diagnosis_labels, labels, wrap, design_labels=design_labels)
        handles = _direction_handles(rows, directions, outcomes)
        fig, ax, ncols = _new_figure(rows, handles, width_in, top_in=0.45)
        for row in rows:
            if row.kind == "study":
                _draw_direction_row(ax, row, directions, outcomes)
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


def _draw_direction_row(
    ax: Any, row: PlotRow, directions: Mapping[tuple[str, str], str], outcomes: pd.DataFrame
) -> None:
    sid = row.record["study_id"]
    size, _ = size_class(study_size(row.record, outcomes))
    for x, domain in enumerate(DOMAINS):
        direction = directions.get((sid, domain))
        if direction is None:
            continue
        marker, colour = DIRECTION_MARKERS[direction]
        (line,) = ax.plot(
            [x],
            [row.y],
            linestyle="none",
            marker=marker,
            markersize=size,
            color=colour,
            markerfacecolor="white" if direction == "not_reported" else colour,
            markeredgewidth=0.8,
            clip_on=False,
            zorder=3,
        )
        line.set_gid(f"direction:{sid}:{domain}:{direction}")


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
    fig = build_effect_direction_plot(
        studies, outcomes, diagnosis_labels, design_labels, labels=labels
    )
    save_figure(fig, out_svg, out_pdf, out_png)


# ---------------------------------------------------------------------------
# onset and duration of the anxiolytic effect


def anxiety_timeline(outcomes: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """``{(study_id, dosing): [anxiety results with a time, hours added]}`` sorted by time."""
    timeline: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in outcomes.to_dict("records"):
        if row["domain"] != "anxiety" or _value(row.get("time_value")) is None:
            continue
        point = {**row, "hours": hours(row["time_value"], row["time_unit"])}
        timeline.setdefault((row["study_id"], row["dosing"]), []).append(point)
    return {
        k: sorted(v, key=lambda p: (p["hours"], p["_line"])) for k, v in sorted(timeline.items())
    }


def _dosing_rows(outcomes: pd.DataFrame) -> Callable[[dict[str, Any]], list[str | None]]:
    """Plotted rows of a study: one per dosing regime of its anxiety results (single first)."""
    anxiety = outcomes[outcomes["domain"] == "anxiety"]

    def expand(record: dict[str, Any]) -> list[str | None]:
        regimes = set(anxiety.loc[anxiety["study_id"] == record["study_id"], "dosing"])
        return [d for d in DOSING_STYLE if d in regimes] or [None]

    return expand


def build_onset_duration_plot(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    width_cm: float = FIGURE_WIDTH_CM,
) -> Figure:
    """Build the onset-and-duration plot of the anxiolytic effect and return the figure.

    One row per study and dosing regime (single dose above repeated dosing),
    grouped by diagnosis. Each anxiety result with a time in
    ``data/outcomes.csv`` is a marker at that time on a log axis (minutes to
    months): circle = first measured (onset), diamond = other timepoint,
    triangle = longest time the effect was still present or median time to
    relapse (duration); filled = benefit, open = no clear difference. A line
    joins the earliest and latest benefit. Colour and line style tell single
    from repeated dosing. Rows without a timed result say "timing not
    reported". Markers carry the gid ``time:<study_id>:<dosing>:<role>:<hours>``.
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
        xmin, xmax = _time_range([p["hours"] for p in points])
        for row in rows:
            if row.kind == "study":
                _draw_timeline_row(ax, row, timeline.get(_key(row), []), xmin)
        _draw_headings(fig, ax, rows)
        _study_ticks(ax, rows)
        _time_axis(ax, xmin, xmax)
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, **LEGEND_STYLE)
        _thin_time_ticks(fig, ax)
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
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    kept, right = [], -math.inf
    gap_px = gap_pt * fig.dpi / 72
    for label in labels:
        box = label.get_window_extent(renderer)
        if box.x0 >= right + gap_px:
            kept.append(label.get_text())
            right = box.x1
    ticks = [(v, t) for v, t in TIME_TICKS if t in kept]
    ax.xaxis.set_major_locator(ticker.FixedLocator([v for v, _ in ticks]))
    ax.xaxis.set_major_formatter(ticker.FixedFormatter([t for _, t in ticks]))


def _draw_timeline_row(ax: Any, row: PlotRow, points: list[dict[str, Any]], xmin: float) -> None:
    if not points:
        annotate_missing(ax, "timing not reported", (xmin, row.y), offset=2)
        return
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
        marker = TIMING_MARKERS[point["time_role"]][0]
        filled = point["direction"] == "benefit"
        (line,) = ax.plot(
            [point["hours"]],
            [row.y],
            linestyle="none",
            marker=marker,
            markersize=4.5,
            color=style["color"] if point["direction"] != "harm" else OKABE_ITO["vermillion"],
            markerfacecolor=style["color"] if filled else "white",
            markeredgewidth=0.9,
            zorder=3,
            clip_on=False,
        )
        line.set_gid(
            f"time:{row.record['study_id']}:{row.dosing}:{point['time_role']}:{point['hours']:g}"
        )


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
) -> None:
    """Draw the onset-and-duration plot (:func:`build_onset_duration_plot`); write SVG, PDF, PNG."""
    fig = build_onset_duration_plot(studies, outcomes, diagnosis_labels, labels=labels)
    save_figure(fig, out_svg, out_pdf, out_png)


# ---------------------------------------------------------------------------
# summary of findings columns


def findings_columns(outcomes: pd.DataFrame) -> dict[str, Callable[[pd.DataFrame], str]]:
    """Columns for :func:`livingreview.tables.summary_by_diagnosis` from the outcomes.

    ``Direction of effect (studies)``: per domain, the number of studies per
    combined direction ("Anxiety: benefit 2, no clear difference 1").
    ``Longest reported anxiolytic effect``: per dosing regime, the range of the
    longest time each study still saw the effect (``time_role = duration``),
    with the number of studies.
    """
    directions = study_directions(outcomes)
    timeline = anxiety_timeline(outcomes)

    def direction_cell(group: pd.DataFrame) -> str:
        sids = set(group["study_id"])
        parts = []
        for domain, heading in DOMAINS.items():
            found = [d for (sid, dom), d in directions.items() if dom == domain and sid in sids]
            if found:
                counts = ", ".join(
                    f"{DIRECTION_LABELS[d].split(' or ')[0].lower()} {found.count(d)}"
                    for d in DIRECTION_LABELS
                    if d in found
                )
                parts.append(f"{heading}: {counts}")
        return escape_inline("; ".join(parts)) or MISSING

    def duration_cell(group: pd.DataFrame) -> str:
        sids = set(group["study_id"])
        parts = []
        for dosing, style in DOSING_STYLE.items():
            longest = [
                max(
                    (p for p in timeline[(sid, dosing)] if p["time_role"] == "duration"),
                    key=lambda p: p["hours"],
                    default=None,
                )
                for sid in sorted(sids)
                if (sid, dosing) in timeline
            ]
            longest = [p for p in longest if p is not None]
            if longest:
                low = min(longest, key=lambda p: p["hours"])
                high = max(longest, key=lambda p: p["hours"])
                span = (
                    _time_text(low) if low is high else f"{_time_text(low)} to {_time_text(high)}"
                )
                word = "study" if len(longest) == 1 else "studies"
                parts.append(f"{style['label'].lower()}: {span} ({len(longest)} {word})")
        return escape_inline("; ".join(parts)) or MISSING

    return {
        "Direction of effect (studies)": direction_cell,
        "Longest reported anxiolytic effect": duration_cell,
    }


def _time_text(point: Mapping[str, Any]) -> str:
    value = float(point["time_value"])
    unit = point["time_unit"]
    if value == 1:
        unit = unit.rstrip("s")
    return f"{value:g} {unit}"


# ---------------------------------------------------------------------------
# numbers for the prose


def synthesis_variables(outcomes: pd.DataFrame, studies: pd.DataFrame) -> dict[str, Any]:
    """Counts the results chapter quotes: studies per combined direction and domain.

    ``studies_with_outcomes``, ``results`` (rows coded) and, per domain,
    ``<direction>`` counts of studies plus ``studies`` (studies with any result).
    """
    included = set(studies["study_id"])
    directions = {k: v for k, v in study_directions(outcomes).items() if k[0] in included}
    out: dict[str, Any] = {
        "studies_with_outcomes": len({sid for sid, _ in directions}),
        "results": int(outcomes["study_id"].isin(included).sum()),
    }
    for domain in DOMAINS:
        found = [d for (_, dom), d in directions.items() if dom == domain]
        out[domain] = {"studies": len(found), **{d: found.count(d) for d in DIRECTION_LABELS}}
    return out

"""The evidence map: one row per study, sized by participants, grouped by diagnosis."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from ..evidence.studies import check_protocol_codes, grouped_studies
from .cache import draw_once
from .common import (
    CM,
    GREY,
    LEGEND_STYLE,
    OKABE_ITO,
    STYLE,
    _chars_per_line,
    _fit_legend,
    annotate_missing,
    figure_style,
    fix_empty_ylabel,
    label_rows,
    row_rule,
)
from .markers import MarkerRun
from .parts import Part, draw_study_parts, study_groups

# The evidence map is a one-column figure, drawn at its final print width, so
# every font size in it is the printed size (>= 7 pt).
OVERVIEW_WIDTH_CM = 8.0


ROW_PITCH_IN = 0.17  # vertical space per study row; > 1.5 x the 7.5 pt label height


# Marker shape and colour per design class (shape and colour both encode design,
# so the figure also reads in greyscale).
DESIGN_MARKERS: dict[str, tuple[str, str]] = {
    "rct_parallel": ("o", OKABE_ITO["blue"]),
    "rct_crossover": ("s", OKABE_ITO["vermillion"]),
    "non_randomised_controlled": ("D", OKABE_ITO["bluish_green"]),
    "single_arm": ("^", OKABE_ITO["reddish_purple"]),
    "observational": ("v", OKABE_ITO["orange"]),
}


LOG_SCALE_RATIO = 10  # use a log x axis when max(n) / min(n) reaches this


@dataclass(frozen=True)
class _Row:
    """One line of the evidence map: a group heading or a study."""

    y: float
    text: str
    is_group: bool
    record: dict[str, Any] | None = None


def build_study_overview(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    years: Mapping[str, int] | None = None,
    width_cm: float = OVERVIEW_WIDTH_CM,
    x_range: tuple[float, float, bool] | None = None,
) -> Figure:
    """Build the evidence map of included studies and return the figure (not saved).

    One row per study, grouped under bold diagnosis-group headings in protocol
    order (same row order as the characteristics table); x is the sample size
    ``n`` (log scale when the range spans a factor of 10 or more). Marker shape
    and colour show the design class, a filled marker repeated dosing and an
    open one a single dose. Studies without ``n`` are drawn on the left axis
    edge, in their design's marker, and labelled "total n not reported". ``labels``
    maps ``study_id`` to the row label (see :func:`study_labels`; default: the
    ``study_id``). The figure height grows with the number of rows. ``x_range``
    (:func:`_x_range` of the whole review) gives every part of a split map the
    same sample-size axis.
    """
    check_protocol_codes(studies, "design_class", design_labels, "design_classes")
    labels = labels or {}
    width_in = width_cm * CM
    with figure_style():
        wrap_chars = _chars_per_line(width_in, STYLE["font.size"], bold=True)
        rows = _overview_rows(studies, diagnosis_labels, labels, years, wrap_chars)
        span = rows[-1].y + 1 if rows else 1
        n_values = [_n(r.record) for r in rows if r.record is not None]
        handles = _legend_handles(rows, design_labels)
        ncols, legend_lines = _fit_legend(handles, width_in)
        height_in = span * ROW_PITCH_IN + 0.75 + (legend_lines + 1) * 0.16
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        xmin, xmax, log = x_range or _x_range([n for n in n_values if n is not None])
        _draw_rows(fig, ax, rows, xmin)
        _style_axes(ax, xmin, xmax, log, span, many_rows=span > 30)
        if not rows:  # a review with no included studies says so rather than an empty axis
            ax.text(0.5, 0.5, "No studies were included.", transform=ax.transAxes,
                    ha="center", va="center")  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, **LEGEND_STYLE)
    return fig


def study_overview_figure(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    out_svg: str | Path,
    out_pdf: str | Path,
    out_png: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    years: Mapping[str, int] | None = None,
    **options: Any,
) -> None:
    """Draw the evidence map (see :func:`build_study_overview`) and write SVG, PDF and PNG."""
    draw_once(
        build_study_overview,
        (studies, diagnosis_labels, design_labels),
        {"labels": labels, "years": years, **options},
        (out_svg, out_pdf, out_png),
    )


def study_overview_parts(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    folder: str | Path,
    include: str | Path,
    **options: Any,
) -> list[Part]:
    """The evidence map in parts of at most ``per_part`` studies (:mod:`.parts`), each
    on the sample-size axis of the whole map; ``options`` (``labels``, ``per_part``,
    ``formats``) as :func:`.parts.draw_study_parts` takes them."""

    def draw(part_studies: pd.DataFrame, *outputs: Any, **kw: Any) -> None:
        study_overview_figure(part_studies, diagnosis_labels, design_labels, *outputs, **kw)

    order = [
        str(record["study_id"])
        for _, _, members in grouped_studies(studies, diagnosis_labels)
        for record in members
    ]
    n_values = [_n(record) for record in studies.to_dict("records")]
    return draw_study_parts(
        "study_overview", (studies,), order, folder, include, draw, **options,
        groups=study_groups(studies, diagnosis_labels),
        x_range=_x_range([n for n in n_values if n is not None]),
    )  # fmt: skip


def _overview_rows(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    labels: Mapping[str, str],
    years: Mapping[str, int] | None,
    wrap_chars: int,
) -> list[_Row]:
    """Lay out group headings and study rows top to bottom (y grows downwards)."""
    rows: list[_Row] = []
    y = 0.0
    for i, (_, label, members) in enumerate(
        grouped_studies(studies, diagnosis_labels, years=years)
    ):
        if i:
            y += 0.5  # air between groups
        heading = "\n".join(textwrap.wrap(label, wrap_chars)) or label
        lines = heading.count("\n") + 1
        y += (lines - 1) * 0.5  # a wrapped heading takes more room, centred on its slot
        rows.append(_Row(y, heading, True))
        y += 1 + (lines - 1) * 0.5
        for record in members:
            sid = str(record["study_id"])
            rows.append(_Row(y, labels.get(sid, sid), False, record))
            y += 1
    return rows


def _n(record: Mapping[str, Any] | None) -> float | None:
    value = None if record is None else record.get("n")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or number <= 0 else number


def _x_range(n_values: list[float]) -> tuple[float, float, bool]:
    """Axis limits and scale; the left limit leaves room for the 'total n not reported' markers."""
    if not n_values:
        return 1.0, 100.0, True
    low, high = min(n_values), max(n_values)
    if high / low >= LOG_SCALE_RATIO:
        return low / 2.5, high * 1.8, True
    pad = max((high - low) * 0.15, high * 0.1, 1)
    return max(0.0, low - 2 * pad), high + pad, False


def _draw_rows(fig: Figure, ax: Any, rows: list[_Row], xmin: float) -> None:
    """Group headings, and for each study its rule, its marker and, without ``n``, a
    note. The markers between two headings or notes are one artist (:class:`.markers.
    MarkerCells`), so the SVG lists everything in the order a line per marker gave
    (that line per marker was about a tenth of the time, issue 19)."""
    header_transform = blended_transform_factory(fig.transFigure, ax.transData)
    run = MarkerRun(ax, clip_on=False, zorder=3)
    for row in rows:
        if row.is_group:
            run.flush()
            ax.text(
                0.01,
                row.y,
                row.text,
                transform=header_transform,
                fontweight="bold",
                va="center",
                ha="left",
                in_layout=False,
                linespacing=1.1,
            )
            continue
        assert row.record is not None
        row_rule(ax, row.y, color="#D9D9D9", linewidth=0.4, zorder=0)
        x, style = _study_marker(row, xmin)
        run.add((x, row.y), style, None)
        if _n(row.record) is None:
            run.flush()
            annotate_missing(ax, "total n not reported", (x, row.y), offset=6)
    run.flush()
    studies = [r for r in rows if not r.is_group]
    label_rows(ax, [r.y for r in studies], [r.text for r in studies], pad=6)


def _study_marker(row: _Row, xmin: float) -> tuple[float, dict[str, Any]]:
    """Where a study's marker goes (the left edge without ``n``) and its style."""
    record = row.record or {}
    marker, colour = DESIGN_MARKERS.get(record.get("design_class", ""), ("o", "#333333"))
    n = _n(record)
    dosing = record.get("dosing")
    fill = {"repeated": "full", "single": "none"}.get(dosing, "left")
    return (xmin if n is None else n), _marker_style(marker, colour, fill)


def _style_axes(
    ax: Any, xmin: float, xmax: float, log: bool, span: float, *, many_rows: bool
) -> None:
    ax.set_ylim(span - 0.4, -0.6)  # inverted: first group at the top
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 3.0)))
        ax.xaxis.set_minor_locator(ticker.LogLocator(base=10, subs=(2.0, 5.0)))
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlim(xmin, xmax)
    ax.set_xlabel("Sample size, n" + (" (log scale)" if log else ""))
    fix_empty_ylabel(ax)
    ax.tick_params(axis="x", which="major", length=3)
    if many_rows:  # a tall map needs the n scale at the top as well
        ax.tick_params(axis="x", which="both", top=True, labeltop=True)
    # no left spine: group headings run across it from the label column
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(many_rows and side == "top")
    ax.grid(axis="x", which="major", color="#EBEBEB", linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)


def _legend_handles(rows: list[_Row], design_labels: Mapping[str, str]) -> list[Line2D]:
    """Legend entries for exactly the encodings drawn: no marker the plot does not show.

    Every design of a drawn study is listed in its shape and colour (a study
    without ``n`` too: its note says so beside it). The fill entries are drawn in
    grey, a colour no design has, so they read as filled and open, not as a design.
    """
    records = [r.record for r in rows if r.record is not None]
    handles = []
    for code, label in design_labels.items():
        if any(r.get("design_class") == code for r in records):
            marker, colour = DESIGN_MARKERS.get(code, ("o", "#333333"))
            handles.append(_handle(label, marker, colour, "full"))
    dosing = {r.get("dosing") for r in records}
    if "repeated" in dosing:
        handles.append(_handle("Repeated dosing (filled)", "o", GREY, "full"))
    if "single" in dosing:
        handles.append(_handle("Single dose (open)", "o", GREY, "none"))
    if dosing - {"repeated", "single"}:
        handles.append(_handle("Dosing not reported", "o", GREY, "left"))
    return handles


def _handle(label: str, marker: str, colour: str, fill: str) -> Line2D:
    return Line2D([], [], linestyle="none", label=label, **_marker_style(marker, colour, fill))


def _marker_style(marker: str, colour: str, fill: str) -> dict[str, Any]:
    """Marker keywords: ``fill`` is 'full', 'none' (open) or 'left' (half: unknown dosing)."""
    # Open markers get a white face (not a transparent one) so grid lines do not show through.
    return {
        "marker": marker,
        "markersize": 4.5,
        "color": colour,
        "markeredgewidth": 0.9,
        "fillstyle": "left" if fill == "left" else "full",
        "markerfacecolor": "white" if fill == "none" else colour,
        "markerfacecoloralt": "white",
    }

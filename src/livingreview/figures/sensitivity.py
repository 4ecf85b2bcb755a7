"""The sensitivity-analysis figure: the anxiety synthesis under every declared definition.

One column per analysis (the primary analysis first, then each entry of
``sensitivity_analyses`` in ``data/protocol.yaml``), one row per study that any
analysis includes, grouped by diagnosis as in the effect direction plot. A cell
shows the study's combined anxiety direction with the effect direction plot's
markers when the analysis includes the study, and a grey dash when it leaves
the study out; so each column is a small effect direction plot of one
definition. Under each column: how many of its studies improved.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..synthesis.narrative import DIRECTION_LABELS, study_directions
from ..synthesis.sensitivity import SensitivityResult
from ..wording import counted
from .common import (
    CM,
    LEGEND_STYLE,
    STYLE,
    _chars_per_line,
    _text_width_pt,
    figure_style,
    save_figure,
)
from .effect_direction import (
    DIRECTION_MARKERS,
    PlotRow,
    _draw_headings,
    _new_figure,
    _study_ticks,
    layout_rows,
)
from .markers import MarkerCells
from .parts import DEFAULT_STUDIES_PER_PART, FORMATS, Part, draw_study_parts, study_groups

# Drawn at the width it prints at, so its type keeps its size on paper: the PDF and
# DOCX show a figure at most 80% of the 16-cm text width (render.finish.FIGURE_MAX_WIDTH),
# and a figure drawn wider was scaled down (from 16 cm: 5 pt type).
FIGURE_WIDTH_CM = 12.75  # (12.7 cm is 5 in: a canvas a rounding away from 1,500 px)
LABEL_WIDTH_CM = 3.6
# The smallest type of the figure (column headings, counts under the columns), in points:
# at least 7 pt on paper (the house minimum for figure text).
SMALL_TEXT_PT = 7.0
LEFT_OUT = "left_out"
LEFT_OUT_COLOUR = "#BBBBBB"
MARKER_SIZE = 6.0


def _marker(direction: str, **kw: object) -> dict[str, object]:
    marker, colour = DIRECTION_MARKERS[direction]
    face = "white" if direction == "not_reported" else colour
    style = dict(marker=marker, color=colour, markerfacecolor=face, markeredgewidth=0.8)
    return {**style, **kw}


def _handles(present: set[str]) -> list[Line2D]:
    handles = [
        Line2D([], [], linestyle="none", markersize=5, label=label, **_marker(d))
        for d, label in DIRECTION_LABELS.items()
        if d in present
    ]
    handles.append(
        Line2D([], [], linestyle="none", marker="_", markersize=7, color=LEFT_OUT_COLOUR,
               markeredgewidth=1.2, label="Study left out by this analysis")
    )  # fmt: skip
    return handles


def _footer(result: SensitivityResult, column_pt: float) -> str:
    """The count under a column; "improved in 4 of 5" on two lines if wider than the column."""
    n, improved = len(result.studies), result.anxiety.get("benefit", 0)
    with_result = sum(result.anxiety.values())
    improved_in = f"improved in {improved:,} of {with_result:,}"
    if _text_width_pt(improved_in, SMALL_TEXT_PT) > 0.92 * column_pt:
        improved_in = f"improved in\n{improved:,} of {with_result:,}"
    return f"{counted(n, 'study', 'studies')};\n{improved_in}"


def build_sensitivity_plot(
    results: Sequence[SensitivityResult],
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    width_cm: float = FIGURE_WIDTH_CM,
    study_ids: Sequence[str] | None = None,
    footers: bool = True,
) -> Figure:
    """Build the figure (not saved). Each marker carries the gid
    ``sensitivity:<analysis id>:<study id>:<direction or left_out>`` for tests.

    A part of a split figure (:func:`sensitivity_parts`) shows only ``study_ids``
    and, unless it is the last part, no counts under the columns (they count the
    whole analysis)."""
    shown = sorted({s for r in results for s in r.studies})
    if study_ids is not None:
        shown = [s for s in shown if s in set(study_ids)]
    known = studies[studies["study_id"].astype(str).isin(shown)]
    # A study an analysis adds without a study row yet: its own row, named by record id.
    extra = [s for s in shown if s not in set(known["study_id"].astype(str))]
    directions = study_directions(outcomes)
    width_in = width_cm * CM
    label_in = LABEL_WIDTH_CM * CM
    header_chars = max(8, _chars_per_line((width_in - label_in) / len(results), SMALL_TEXT_PT))
    headers = ["\n".join(textwrap.wrap(r.label, header_chars)) for r in results]
    column_pt = (width_in - label_in) * 72 / len(results)
    top_in = 0.15 * max(h.count("\n") + 1 for h in headers) + 0.15
    with figure_style():
        wrap = _chars_per_line(label_in, STYLE["font.size"], bold=True)
        rows = layout_rows(known, diagnosis_labels, labels or {}, wrap)
        last = rows[-1].y + 1 if rows else 0
        rows += [PlotRow(last + i, s, "study", {"study_id": s}) for i, s in enumerate(extra)]
        present = {directions.get((s, "anxiety")) for s in shown} - {None}
        fig, ax, ncols = _new_figure(rows, _handles(present), width_in, top_in + 0.3)
        dashes: _Cells = ([], [], [])
        marks: _Cells = ([], [], [])
        for row in (r for r in rows if r.kind == "study"):
            sid = str(row.record["study_id"])
            for x, result in enumerate(results):
                _cell(dashes, marks, x, row.y, sid, result, directions.get((sid, "anxiety")))
        # every cell of one kind as one artist (issue 19: a Line2D per cell was most
        # of the drawing of 1,000 studies x 8 analyses); same files (.markers)
        ax.add_artist(MarkerCells(ax, *dashes, marker="_", markersize=7, color=LEFT_OUT_COLOUR,
                                  markeredgewidth=1.2, clip_on=False))  # fmt: skip
        ax.add_artist(MarkerCells(ax, *marks, markersize=MARKER_SIZE, clip_on=False, zorder=3))
        _draw_headings(fig, ax, rows)
        _study_ticks(ax, rows)
        span = rows[-1].y + 1 if rows else 1
        for x, result in enumerate(results):
            if footers:
                ax.text(x, span - 0.2, _footer(result, column_pt), ha="center", va="top",
                        fontsize=SMALL_TEXT_PT, clip_on=False)  # fmt: skip
            ax.axvline(x, color="#F0F0F0", linewidth=0.6, zorder=0)
        ax.set_xlim(-0.5, len(results) - 0.5)
        ax.xaxis.tick_top()
        ax.set_xticks(range(len(results)), headers, fontsize=SMALL_TEXT_PT)
        ax.tick_params(axis="x", length=0, pad=3)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        fig.legend(handles=_handles(present), loc="outside lower center", ncols=ncols,
                   **LEGEND_STYLE)  # fmt: skip
    return fig


# Cells of one kind: positions, each cell's own style, gids (MarkerCells' arguments).
_Cells = tuple[list[tuple[float, float]], list[dict[str, object]], list[str]]


def _cell(
    dashes: _Cells,
    marks: _Cells,
    x: int,
    y: float,
    sid: str,
    result: SensitivityResult,
    direction: str | None,
) -> None:
    """A study's cell: its anxiety direction if the analysis includes it, else a dash."""
    if sid not in result.studies:
        cells, style, kind = dashes, {}, LEFT_OUT
    elif direction is not None:
        cells, style, kind = marks, _marker(direction), direction
    else:
        return
    cells[0].append((x, y))
    cells[1].append(style)
    cells[2].append(f"sensitivity:{result.id}:{sid}:{kind}")


def sensitivity_parts(
    inputs: Mapping[str, str | Path],
    folder: str | Path,
    include: str | Path,
    *,
    per_part: int | None = DEFAULT_STUDIES_PER_PART,
    formats: Sequence[str] = FORMATS,
) -> list[Part]:
    """Draw the analyses evaluated by the sensitivity table's rule (``inputs["results"]``,
    :func:`livingreview.synthesis.sensitivity.results_to_json`) with the studies,
    outcomes, protocol and bibliography in ``inputs``, in parts of at most
    ``per_part`` studies (:mod:`.parts`); one part is the figure as it always was.

    Reading the table's result instead of evaluating the analyses again keeps the
    ledger (records, eligibility facts) out of this process: at 1,000 studies /
    100,000 records that was 3.5 of its CPU s and about 200 MB of its memory (issue 19).
    """
    from ..evidence.outcomes import load_outcomes
    from ..evidence.review_data import read_protocol
    from ..evidence.studies import study_labels
    from ..synthesis.sensitivity import read_results
    from ..validation import load_table

    studies = load_table(inputs["studies"], "studies")
    outcomes = load_outcomes(inputs["outcomes"], studies)
    results = read_results(inputs["results"])
    groups = read_protocol(inputs["protocol"])["diagnosis_groups"]
    order = sensitivity_order(results, studies, groups)

    def draw(part_studies, part_outcomes, part_rows, *outputs: Any, labels=None, **split):
        ids = part_rows["study_id"].tolist() if split else None
        fig = build_sensitivity_plot(
            results, part_studies, part_outcomes, groups, labels=labels, study_ids=ids,
            footers=not split or order[-1] in ids,
        )  # fmt: skip
        save_figure(fig, *outputs)

    return draw_study_parts(
        "sensitivity", (studies, outcomes, pd.DataFrame({"study_id": order})), order,
        folder, include, draw, labels=study_labels(studies, inputs["bibliography"]),
        per_part=per_part, formats=formats, groups=study_groups(studies, groups), split=True,
    )  # fmt: skip


def sensitivity_order(
    results: Sequence[SensitivityResult], studies: pd.DataFrame, diagnosis_labels: Mapping[str, str]
) -> list[str]:
    """The studies top to bottom in the figure: those with a study row grouped as in
    the effect direction plot, then any an analysis adds without one."""
    shown = {s for r in results for s in r.studies}
    known = studies[studies["study_id"].astype(str).isin(shown)]
    rows = layout_rows(known, diagnosis_labels, {}, 80)
    grouped = [str(r.record["study_id"]) for r in rows if r.kind == "study"]
    return grouped + sorted(shown - set(grouped))


__all__ = ["build_sensitivity_plot", "sensitivity_order", "sensitivity_parts"]

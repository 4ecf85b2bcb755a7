"""Every result a study figure codes stays visible as the mark its caption names.

- The effect direction and sensitivity plots draw "no clear difference" as a pair of
  arrowheads (◄►) that covers what an arrow of the same sample-size class covers, with
  a gap between its halves (the pair drawn before was half an arrow's ink and printed
  as a small flat diamond, its edges closing the gap).
- The onset plot stacks markers of one row that would hide one another (a benefit
  and a no-clear-difference result at the same time were drawn one on the other).

All study data here is SYNTHETIC, made up in this file; it describes no real study.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from livingreview.figures.common import row_labels
from livingreview.figures.effect_direction import (
    ARROWHEAD_PAIR,
    DIRECTION_MARKERS,
    build_effect_direction_plot,
)
from livingreview.figures.markers import MarkerCells
from livingreview.figures.onset_duration import (
    CLEAR_PT,
    MARKER_PT,
    build_onset_duration_plot,
    stack_offsets,
)
from livingreview.figures.sensitivity import build_sensitivity_plot
from livingreview.synthesis.narrative import DIRECTION_LABELS
from livingreview.synthesis.sensitivity import SensitivityResult

DPI = 300
GROUPS = {"anx": "Synthetic anxiety group"}
DESIGNS = {"single_arm": "Synthetic single-arm"}
SIZES = {"small": 20, "medium": 150, "large": 900}  # one n in each class of Thomson and Thomas


def _studies(ids: list[str], sizes: dict[str, int | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"study_id": s, "bib_key": f"{s}y2020", "diagnosis_group": "anx",
             "design_class": "single_arm", "n": sizes.get(s)}
            for s in ids
        ]
    )  # fmt: skip


def _outcome(study: str, direction: str, **extra: object) -> dict[str, object]:
    return {
        "study_id": study, "domain": "anxiety", "direction": direction, "dosing": "single",
        "time_value": None, "time_unit": None, "time_role": "endpoint", "n": None,
        **extra,
    }  # fmt: skip


def _outcomes(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([{**row, "_line": i + 2} for i, row in enumerate(rows)])


def _pixels(fig: Figure) -> np.ndarray:
    """The figure drawn at the PNG's resolution: True where ink is (darker than the
    light grid lines and row rules)."""
    fig.set_dpi(DPI)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    return rgba[..., :3].mean(axis=2) < 200


def _cell_ink(fig: Figure, ink: np.ndarray, xy: tuple[float, float]) -> tuple[int, np.ndarray]:
    """The ink of the cell around data point ``xy`` (0.45 of a column and of a row each
    side) and the window it was counted in, centred on the point."""
    ax = fig.axes[0]
    (x0, y0), (x1, y1) = ax.transData.transform([(xy[0] - 0.45, xy[1] - 0.45),
                                                  (xy[0] + 0.45, xy[1] + 0.45)])  # fmt: skip
    height = ink.shape[0]
    rows = slice(int(height - max(y0, y1)), int(height - min(y0, y1)) + 1)
    cols = slice(int(min(x0, x1)), int(max(x0, x1)) + 1)
    window = ink[rows, cols]
    return int(window.sum()), window


def _has_centre_gap(window: np.ndarray) -> bool:
    """Two shapes side by side: between the window's leftmost and rightmost ink, at
    least two pixel columns without ink."""
    columns = np.flatnonzero(window.any(axis=0))
    inked = window.any(axis=0)[columns[0] : columns[-1] + 1]
    runs = [len(list(run)) for blank, run in itertools.groupby(inked) if not blank]
    return max(runs, default=0) >= 2


def _markers(fig: Figure) -> dict[str, tuple[tuple[float, float], dict]]:
    cells = [a for a in fig.axes[0].get_children() if isinstance(a, MarkerCells)]
    return {g: (xy, c) for a in cells for g, xy, c in zip(a.gids, a.xy, a.cells, strict=True)}


# ---------------------------------------------------------------------------
# no clear difference: a pair of arrowheads as large as an arrow of its class


def _direction_plot() -> Figure:
    """Per size class, one study whose anxiety improved and one with no clear difference."""
    ids, sizes, rows = [], {}, []
    for name, n in SIZES.items():
        for direction in ("benefit", "no_clear_difference"):
            sid = f"syn-{name}-{direction}"
            ids.append(sid)
            sizes[sid] = n
            rows.append(_outcome(sid, direction))
    return build_effect_direction_plot(_studies(ids, sizes), _outcomes(rows), GROUPS, DESIGNS)


def test_no_clear_difference_covers_what_an_arrow_of_its_class_covers() -> None:
    fig = _direction_plot()
    markers = _markers(fig)
    ink = _pixels(fig)
    inked = {}
    for name in SIZES:
        for direction in ("benefit", "no_clear_difference"):
            gid = f"direction:syn-{name}-{direction}:anxiety:{direction}"
            inked[name, direction] = _cell_ink(fig, ink, markers[gid][0])
    for name in SIZES:
        arrow, _ = inked[name, "benefit"]
        pair, window = inked[name, "no_clear_difference"]
        assert 0.85 * arrow <= pair <= 1.5 * arrow, (name, pair, arrow)
        assert _has_centre_gap(window), f"{name}: the arrowheads run together"
    # the pair's size shows the sample size class, as the arrows' does
    pairs = [inked[name, "no_clear_difference"][0] for name in SIZES]
    assert pairs == sorted(pairs) and len(set(pairs)) == len(pairs)


def test_the_legend_shows_the_marks_the_plot_draws() -> None:
    fig = _direction_plot()
    (legend,) = fig.legends
    by_label = {t.get_text(): h for t, h in zip(legend.texts, legend.legend_handles, strict=True)}
    for direction in ("benefit", "no_clear_difference"):
        handle = by_label[DIRECTION_LABELS[direction]]
        marker, colour = DIRECTION_MARKERS[direction]
        drawn = handle.get_marker()
        if direction == "no_clear_difference":
            assert marker is ARROWHEAD_PAIR
            assert np.array_equal(drawn.vertices, ARROWHEAD_PAIR.get_path().vertices)
        else:
            assert drawn == marker
        assert handle.get_markerfacecolor() == colour


def test_the_sensitivity_plot_draws_the_pair_as_large_as_an_arrow() -> None:
    studies = _studies(["syn-a", "syn-b"], {"syn-a": 30, "syn-b": 30})
    outcomes = _outcomes([_outcome("syn-a", "benefit"), _outcome("syn-b", "no_clear_difference")])
    result = SensitivityResult("primary", "Synthetic primary", ("syn-a", "syn-b"), (), ())
    fig = build_sensitivity_plot([result], studies, outcomes, GROUPS)
    markers = _markers(fig)
    ink = _pixels(fig)
    arrow, _ = _cell_ink(fig, ink, markers["sensitivity:primary:syn-a:benefit"][0])
    pair, window = _cell_ink(fig, ink, markers["sensitivity:primary:syn-b:no_clear_difference"][0])
    assert 0.85 * arrow <= pair <= 1.5 * arrow, (pair, arrow)
    assert _has_centre_gap(window)


# ---------------------------------------------------------------------------
# onset plot: markers of one row that would hide one another are stacked


HOURS = {"time_unit": "hours", "time_from": "dose"}


def _onset_plot(rows: list[dict[str, object]], ids: list[str]) -> Figure:
    return build_onset_duration_plot(_studies(ids, {}), _outcomes(rows), GROUPS)


def _row_pt(fig: Figure) -> float:
    ax = fig.axes[0]
    (_, top), (_, bottom) = ax.transData.transform([(1.0, 0.0), (1.0, 1.0)])
    return abs(bottom - top) * 72 / fig.dpi


def _drawn(fig: Figure) -> list[tuple[str, tuple[float, float]]]:
    """Every marker's gid and centre on the page (points), in drawing order (two results
    at one time and of one role share a gid)."""
    fig.canvas.draw()
    ax, to_pt = fig.axes[0], 72 / fig.dpi
    cells = [a for a in ax.get_children() if isinstance(a, MarkerCells)]
    return [
        (gid, tuple(ax.transData.transform(xy) * to_pt))
        for a in cells
        for gid, xy in zip(a.gids, a.xy, strict=True)
    ]


def test_results_at_the_same_time_are_all_visible() -> None:
    """A benefit and a no-clear-difference result at 2 h (a filled and an open diamond,
    the second drawn over the first before), two durations at one week, and an onset
    at 10 minutes that overlaps nothing and stays on its row."""
    rows = [
        _outcome("syn-a", "benefit", time_value=2, **HOURS),
        _outcome("syn-a", "no_clear_difference", time_value=2, **HOURS),
        _outcome("syn-a", "benefit", time_value=168, time_role="duration", **HOURS),
        _outcome("syn-a", "benefit", time_value=168, time_role="duration", **HOURS),
        _outcome("syn-a", "benefit", time_value=10, time_unit="minutes", time_role="onset"),
    ]
    fig = _onset_plot(rows, ["syn-a"])
    drawn = _drawn(fig)
    assert len(drawn) == len(rows)
    for (_, one), (_, two) in itertools.combinations(drawn, 2):
        assert np.linalg.norm(np.subtract(one, two)) >= CLEAR_PT - 1e-6, (one, two)
    ((onset_xy, _),) = [v for g, v in _markers(fig).items() if ":onset:" in g]
    (label,) = row_labels(fig.axes[0])
    assert onset_xy[1] == label.get_position()[1]
    row_y = next(p for g, p in drawn if ":onset:" in g)[1]
    assert all(abs(y - row_y) <= (_row_pt(fig) - CLEAR_PT) / 2 + 1e-6 for _, (_, y) in drawn)


@pytest.mark.parametrize("seed", range(5))
def test_no_marker_of_a_row_hides_another_for_any_times(seed: int) -> None:
    """Random rows of up to three results at a handful of times (SYNTHETIC): markers of
    one row never sit within half a marker of each other, and stay inside their row."""
    rnd = random.Random(seed)
    ids = [f"syn-{i}" for i in range(6)]
    rows = [
        _outcome(sid, rnd.choice(["benefit", "no_clear_difference", "harm"]),
                 time_value=rnd.choice([1, 1.2, 2, 24, 168]),
                 dosing=rnd.choice(["single", "repeated"]),
                 time_role=rnd.choice(["onset", "endpoint", "duration"]), **HOURS)
        for sid in ids for _ in range(rnd.randint(1, 3))
    ]  # fmt: skip
    fig = _onset_plot(rows, ids)
    row_pt = _row_pt(fig)
    by_row: dict[tuple[str, ...], list[tuple[float, float]]] = {}
    for gid, centre in _drawn(fig):
        by_row.setdefault(tuple(gid.split(":")[1:3]), []).append(centre)  # study, dosing
    for row, centres in by_row.items():
        for one, two in itertools.combinations(centres, 2):
            assert np.linalg.norm(np.subtract(one, two)) >= MARKER_PT / 2, row
        ys = [y for _, y in centres]
        assert max(ys) - min(ys) <= row_pt - CLEAR_PT + 1e-6, row


@pytest.mark.parametrize(
    ("xs", "expected"),
    [
        ([10.0, 50.0], [0.0, 0.0]),  # apart: both on the row
        ([10.0, 10.0], [-3.0, 3.0]),  # the same time: one above, one below
        ([10.0, 12.0, 40.0], [-3.0, 3.0, 0.0]),  # overlapping pair stacked, the third stays
        ([10.0, 14.0, 18.0], [-3.0, 3.0, -3.0]),  # a chain: neighbours alternate
        ([10.0, 10.0, 10.0], [-3.0, 0.0, 3.0]),  # three in 6 points of room
    ],
)
def test_stack_offsets(xs: list[float], expected: list[float]) -> None:
    assert stack_offsets(xs, clear=6.0, room=6.0) == pytest.approx(expected)

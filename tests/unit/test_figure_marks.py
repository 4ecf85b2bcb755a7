"""Every result a study figure codes stays visible as the mark its caption names.

- The effect direction and sensitivity plots draw "no clear difference" as a pair of
  arrowheads (◄►) that covers what an arrow of the same sample-size class covers, with
  a gap between its halves (the pair drawn before was half an arrow's ink and printed
  as a small flat diamond, its edges closing the gap).

All study data here is SYNTHETIC, made up in this file; it describes no real study.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from livingreview.figures.effect_direction import (
    ARROWHEAD_PAIR,
    DIRECTION_MARKERS,
    build_effect_direction_plot,
)
from livingreview.figures.markers import MarkerCells
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

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

Figures reuse the house style, palette and writer of :mod:`livingreview.figures.common`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ..data_keys import SIZE_CLASS_LIMITS
from ..evidence.outcomes import _value
from ..markdown import MISSING, escape_inline

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
# Classes are (largest n in the class, marker size in points, legend label). The
# limits are the build's too: the plot is redrawn only when a study's n changes
# class (livingreview.data_keys.CLASSED_STUDY_COLUMNS).
_SMALL, _MEDIUM = SIZE_CLASS_LIMITS
SIZE_CLASSES: tuple[tuple[float, float, str], ...] = (
    (_SMALL, 4.0, f"n < {_SMALL + 1}"),
    (_MEDIUM, 6.0, f"n {_SMALL + 1}–{_MEDIUM}"),
    (math.inf, 8.5, f"n > {_MEDIUM}"),
)
UNKNOWN_SIZE = (4.0, "n not reported")

HOURS_PER: dict[str, float] = {
    "minutes": 1 / 60,
    "hours": 1.0,
    "days": 24.0,
    "weeks": 168.0,
    "months": 730.5,  # 365.25 / 12 days
}


# ---------------------------------------------------------------------------
# data


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


# ---------------------------------------------------------------------------
# effect direction plot


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


# ---------------------------------------------------------------------------
# summary of findings columns


FINDINGS_HEADINGS: dict[str, str] = {
    "direction": "Direction of effect (studies)",
    "longest_effect": "Reported duration of effect",
}
"""Headings of the findings columns, by key (renamed in ``tables.headings``)."""


def findings_columns(
    outcomes: pd.DataFrame, headings: Mapping[str, str] | None = None
) -> dict[str, Callable[[pd.DataFrame], str]]:
    """Columns for :func:`livingreview.tables.summary_by_diagnosis` from the outcomes.

    ``Direction of effect (studies)``: per domain, the number of studies per
    combined direction ("Anxiety: benefit 2, no clear difference 1").
    ``Reported duration of effect``: per dosing regime, the range of the
    longest time each study still saw the effect (``time_role = duration``),
    marked when a study gives it as a median (time to relapse), with the number
    of studies.
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
        for dosing, label in DOSING_LABELS.items():
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
                parts.append(f"{label.lower()}: {span} ({len(longest)} {word})")
        return escape_inline("; ".join(parts)) or MISSING

    names = {**FINDINGS_HEADINGS, **(headings or {})}
    return {names["direction"]: direction_cell, names["longest_effect"]: duration_cell}


def _time_text(point: Mapping[str, Any]) -> str:
    """``"41 days"``; ``"41 days (median)"`` when the source gives a median time
    (a median time to relapse is not the longest the effect lasted)."""
    value = float(point["time_value"])
    unit = point["time_unit"]
    if value == 1:
        unit = unit.rstrip("s")
    median = str(point.get("timepoint") or "").lower().startswith("median")
    return f"{value:g} {unit}" + (" (median)" if median else "")


# ---------------------------------------------------------------------------
# numbers for the prose


def synthesis_variables(outcomes: pd.DataFrame, studies: pd.DataFrame) -> dict[str, Any]:
    """Counts the results chapter quotes: studies per combined direction and domain.

    ``studies_with_outcomes``, ``results`` (rows coded), ``controlled_studies``
    (studies with a result compared with a control rather than with baseline),
    ``controlled_randomised`` (those of them with a randomised design),
    ``controlled_anxiety_benefit`` (studies whose anxiety results against a
    control combine to a benefit) and, per
    domain, ``<direction>`` counts of studies plus ``studies`` (studies with any result).
    """
    included = set(studies["study_id"])
    directions = {k: v for k, v in study_directions(outcomes).items() if k[0] in included}
    comparison = outcomes.get("comparison", pd.Series("", index=outcomes.index))
    controlled = set(outcomes.loc[comparison == "control", "study_id"]) & included
    design = dict(zip(studies["study_id"], studies.get("design_class", ""), strict=False))
    out: dict[str, Any] = {
        "studies_with_outcomes": len({sid for sid, _ in directions}),
        "results": int(outcomes["study_id"].isin(included).sum()),
        "controlled_studies": len(controlled),
        "controlled_randomised": sum(
            str(design.get(sid, "")).startswith("rct_") for sid in controlled
        ),
        "controlled_anxiety_benefit": sum(
            direction == "benefit"
            for (sid, domain), direction in study_directions(
                outcomes[comparison == "control"]
            ).items()
            if domain == "anxiety" and sid in included
        ),
    }
    for domain in DOMAINS:
        found = [d for (_, dom), d in directions.items() if dom == domain]
        out[domain] = {"studies": len(found), **{d: found.count(d) for d in DIRECTION_LABELS}}
    return out


DOSING_LABELS: dict[str, str] = {"single": "Single dose", "repeated": "Repeated dosing"}
"""Dosing regimes in display order, with their labels (figures add a line style per regime)."""

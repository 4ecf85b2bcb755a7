"""Numbers for the meta-analyses (``data/effects.csv``): loading and cross-file checks.

A row holds one complete set of numbers for one study and one analysis declared in
``protocol.yaml`` (``analyses``): event counts, or means with SDs and group sizes, or
an estimate with its 95% CI.  Which set a row gives is its *kind*.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, Problem, raise_if_any
from ..validation import load_table

EFFECTS_FILE = "data/effects.csv"

#: Columns of each kind of numbers, and the measures each kind can give.
KINDS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "counts": (("events_t", "n_t", "events_c", "n_c"), frozenset({"RR", "OR", "RD"})),
    "means": (("mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c"), frozenset({"MD", "SMD", "ROM"})),
    "estimate": (
        ("estimate", "ci_lower", "ci_upper"),
        frozenset({"RR", "OR", "RD", "MD", "SMD", "ROM"}),
    ),
}

#: What a reader is told a study lacks, per measure.
NEEDED = {
    "RR": "event counts per arm",
    "OR": "event counts per arm",
    "RD": "event counts per arm",
    "MD": "means, SDs and group sizes per arm",
    "SMD": "means, SDs and group sizes per arm",
    "ROM": "means, SDs and group sizes per arm",
}


def _given(row: Mapping[str, Any], column: str) -> bool:
    value = row.get(column)
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def row_kind(row: Mapping[str, Any]) -> str | None:
    """The first complete set of numbers in ``row`` (means before counts before estimate)."""
    for kind in ("means", "counts", "estimate"):
        if all(_given(row, c) for c in KINDS[kind][0]):
            return kind
    return None


def load_effects(
    path: str | Path, studies: pd.DataFrame, analyses: Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """Read ``data/effects.csv``, validate it and check it against studies and the protocol.

    Beyond the schema: the study is included, the analysis is declared, the row
    holds a complete set of numbers that fits the analysis's measure, events do not
    exceed group sizes, the CI contains the estimate, and no study appears twice in
    one analysis.  Raises :class:`DataError` with every problem.  Adds a ``kind`` column.
    """
    effects = load_table(path, "effects")
    problems = effect_problems(effects, studies, analyses, str(path))
    raise_if_any(problems, DataError, f"{path} is not valid")
    effects["kind"] = [row_kind(r) for r in effects.to_dict("records")]
    return effects


def effect_problems(
    effects: pd.DataFrame,
    studies: pd.DataFrame,
    analyses: Sequence[Mapping[str, Any]],
    file: str,
) -> list[Problem]:
    problems: list[Problem] = []
    study_ids = set(studies["study_id"])
    measures = {a["id"]: a["measure"] for a in analyses}
    seen: dict[tuple[str, str], int] = {}
    for row in effects.to_dict("records"):
        line = row["_line"]

        def problem(message: str, column: str, **kw: Any) -> None:
            problems.append(Problem(file, message, row=line, column=column, **kw))  # noqa: B023

        if row["study_id"] not in study_ids:
            problem(
                "study_id is not in data/studies.csv",
                "study_id",
                found=str(row["study_id"]),
                fix="correct the id, or add the study to data/studies.csv",
            )
        measure = measures.get(row["analysis"])
        if measure is None:
            problem(
                "analysis is not declared in data/protocol.yaml",
                "analysis",
                found=str(row["analysis"]),
                expected=", ".join(measures) or "an analysis declared under analyses",
                fix="use the id of an analysis under analyses in data/protocol.yaml",
            )
        kind = row_kind(row)
        if kind is None:
            problem(
                "the row has no complete set of numbers",
                "estimate",
                expected="events_t, n_t, events_c, n_c; or mean_t, sd_t, n_t, mean_c, sd_c, n_c; "
                "or estimate, ci_lower, ci_upper",
                fix="fill in every number of one set, or delete the row (the build then lists "
                "the study as lacking numbers)",
            )
        elif measure is not None and measure not in KINDS[kind][1]:
            problem(
                f"{kind} cannot give the analysis's measure {measure}",
                KINDS[kind][0][0],
                fix=f"give {NEEDED[measure]} or an estimate with its 95% CI",
            )
        if kind == "counts":
            for ev, n in (("events_t", "n_t"), ("events_c", "n_c")):
                if row[ev] > row[n]:
                    problem(
                        f"{ev} exceeds {n}",
                        ev,
                        found=f"{row[ev]} > {row[n]}",
                        fix="check the numbers in the source",
                    )
        if kind == "estimate" and not (row["ci_lower"] <= row["estimate"] <= row["ci_upper"]):
            problem(
                "the confidence interval does not contain the estimate",
                "ci_lower",
                found=f"{row['estimate']} [{row['ci_lower']}, {row['ci_upper']}]",
                fix="check the order of the bounds and the scale (ratios on the ratio scale)",
            )
        key = (str(row["analysis"]), str(row["study_id"]))
        if key in seen:
            problem(
                f"the study appears twice in this analysis (first on line {seen[key]})",
                "study_id",
                fix="keep one row per study and analysis (the pre-specified timepoint and scale)",
            )
        seen.setdefault(key, line)
    return problems

"""Outcome data (``data/outcomes.csv``): loading and cross-file checks against the studies."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, Problem, raise_if_any
from ..validation import load_table
from ..wording import join_words

OUTCOMES_FILE = "data/outcomes.csv"


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
                    fix=f"fill in {join_words(missing)} or empty {join_words(given)}",
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

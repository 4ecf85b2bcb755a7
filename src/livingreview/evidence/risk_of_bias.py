"""Risk of bias: ``data/risk_of_bias.csv`` and robvis-style plots.

The data use the robvis layout (McGuinness and Higgins 2021): one row per
study, the tool named per row (RoB 2 for randomised trials, ROBINS-I for
non-randomised studies), judgements in columns D1..Dn and ``overall``, a
``weight`` and a justification per judgement (``<domain>_support``).

Two figures, each with one panel per tool that occurs:

- :func:`build_traffic_light_plot`: studies by domains, one coloured circle
  with a symbol per judgement (+ low, − some concerns/moderate, × high/serious,
  ! critical, ? no information), so it also reads in greyscale;
- :func:`build_summary_plot`: per domain, the share of participants (weighted
  by ``weight``, as robvis's ``rob_summary(weighted = TRUE)``) in each
  judgement, as a stacked bar.

Colours come from the Okabe and Ito palette (``figures.OKABE_ITO``) ordered from
green (low) through yellow and vermillion to a dark wine (critical), with
light grey for "No information"; symbols carry the same information.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, Problem, raise_if_any
from ..validation import load_table

RANDOMISED = ("rct_parallel", "rct_crossover")
NO_INFORMATION = "No information"
NOT_ASSESSED = "Not assessed (full text not obtained)"
"""Its own state: the result could not be assessed, which is not a judgement."""


@dataclass(frozen=True)
class Tool:
    """A risk-of-bias tool: its domains and judgement levels (best to worst)."""

    name: str
    title: str
    domains: tuple[str, ...]
    """Domain names as robvis prints them ("Bias due to ..." is implied)."""
    levels: tuple[str, ...]


TOOLS: dict[str, Tool] = {
    "RoB 2": Tool(
        "RoB 2",
        "RoB 2 (randomised trials)",
        (
            "Randomisation process",
            "Deviations from intended interventions",
            "Missing outcome data",
            "Measurement of the outcome",
            "Selection of the reported result",
        ),
        ("Low", "Some concerns", "High", NOT_ASSESSED),
    ),
    "ROBINS-I": Tool(
        "ROBINS-I",
        "ROBINS-I (non-randomised studies)",
        (
            "Confounding",
            "Selection of participants",
            "Classification of interventions",
            "Deviations from intended interventions",
            "Missing data",
            "Measurement of outcomes",
            "Selection of the reported result",
        ),
        ("Low", "Moderate", "Serious", "Critical", NO_INFORMATION, NOT_ASSESSED),
    ),
}
DOMAIN_COLUMNS = tuple(f"D{i}" for i in range(1, 8))


# ---------------------------------------------------------------------------
# data


def load_risk_of_bias(path: str | Path, studies: pd.DataFrame) -> pd.DataFrame:
    """Read ``data/risk_of_bias.csv``, validate it and check it against ``studies``.

    Beyond the schema: the study is included; its tool matches its design
    (RoB 2 for randomised design classes, ROBINS-I otherwise); every domain
    of the tool and only those are judged, with that tool's levels; and every
    judgement has a justification. Raises :class:`DataError` with every problem.
    """
    rob = load_table(path, "risk_of_bias")
    problems = rob_problems(rob, studies, str(path))
    raise_if_any(problems, DataError, f"{path} is not valid")
    return rob


def rob_problems(rob: pd.DataFrame, studies: pd.DataFrame, file: str) -> list[Problem]:
    """Cross-file and per-tool problems of a validated risk-of-bias table."""
    designs = dict(zip(studies["study_id"], studies["design_class"], strict=True))
    problems: list[Problem] = []
    for row in rob.to_dict("records"):
        line, sid, tool = row["_line"], row["study_id"], TOOLS[row["tool"]]
        if sid not in designs:
            problems.append(
                Problem(
                    file,
                    "study_id is not in data/studies.csv",
                    row=line,
                    column="study_id",
                    found=sid,
                    fix="correct the id, or add the study to data/studies.csv",
                )
            )
        else:
            expected = "RoB 2" if designs[sid] in RANDOMISED else "ROBINS-I"
            if tool.name != expected:
                problems.append(
                    Problem(
                        file,
                        f"tool does not fit the study's design ({designs[sid]})",
                        row=line,
                        column="tool",
                        found=tool.name,
                        expected=expected,
                        fix=f"assess the study with {expected}, or correct design_class "
                        "in data/studies.csv",
                    )
                )
        problems += _judgement_problems(file, line, row, tool)
        if tool.name == "RoB 2":
            problems += _rob2_problems(file, row, designs.get(sid))
    return problems


def _rob2_problems(file: str, row: Mapping[str, Any], design: str | None) -> list[Problem]:
    """RoB 2 rows: judgements follow from the signalling answers, unless not assessed."""
    from .rob2 import signalling_problems

    judged = [row.get(c) for c in (*DOMAIN_COLUMNS[:5], "overall")]
    if all(v == NOT_ASSESSED for v in judged):
        return []
    if NOT_ASSESSED in judged:
        return [
            Problem(
                file,
                f"'{NOT_ASSESSED}' applies to the whole result, not to some domains",
                row=row.get("_line"),
                column="overall",
                fix="judge every domain from the signalling answers, or mark all as not assessed",
            )
        ]
    return signalling_problems(row, design == "rct_crossover", file)


def _judgement_problems(file: str, line: int, row: Mapping[str, Any], tool: Tool) -> list[Problem]:
    problems = []
    used = DOMAIN_COLUMNS[: len(tool.domains)]
    for column in (*DOMAIN_COLUMNS, "overall"):
        value = row.get(column)
        if column not in used and column != "overall":
            if value is not None:
                problems.append(
                    Problem(
                        file,
                        f"{tool.name} has no domain {column}",
                        row=line,
                        column=column,
                        found=value,
                        fix="leave the cell empty",
                    )
                )
            continue
        if value is None:
            problems.append(
                Problem(
                    file,
                    f"{tool.name} judgement is missing",
                    row=line,
                    column=column,
                    expected=f"one of: {', '.join(tool.levels)}",
                    fix=(
                        f"enter a judgement ('{tool.levels[-1]}' if the result could not be "
                        "assessed)"
                    ),
                )
            )
        elif value not in tool.levels:
            problems.append(
                Problem(
                    file,
                    f"not a {tool.name} judgement",
                    row=line,
                    column=column,
                    found=value,
                    expected=f"one of: {', '.join(tool.levels)}",
                    fix=f"use the levels of {tool.name}",
                )
            )
        support = row.get(f"{column}_support")
        if value is not None and not support:
            problems.append(
                Problem(
                    file,
                    "judgement has no justification",
                    row=line,
                    column=f"{column}_support",
                    fix="say in a sentence what the sources state (or do not state)",
                )
            )
    return problems


def by_tool(
    rob: pd.DataFrame, labels: Mapping[str, str] | None = None
) -> list[tuple[Tool, pd.DataFrame]]:
    """``[(tool, its rows)]`` for the tools that occur, in :data:`TOOLS` order.

    Rows are sorted by study label (``labels``, default the ``study_id``), a year's
    letters in their order ("Smith 2020z" before "Smith 2020aa"), and get a ``label``
    column.
    """
    labels = labels or {}
    out = []
    for name, tool in TOOLS.items():
        rows = rob[rob["tool"] == name].copy()
        if len(rows):
            rows["label"] = [labels.get(s, s) for s in rows["study_id"]]
            order = sorted(
                range(len(rows)),
                key=lambda i: (*label_order(rows["label"].iat[i]), str(rows["study_id"].iat[i])),
            )
            out.append((tool, rows.iloc[order]))
    return out


_YEAR_LETTERS = re.compile(r"(?<=\d)[a-z]+$")


def label_order(label: str) -> tuple[str, int, str]:
    """Sort key of a study label: "Smith 2020b" -> ("Smith 2020", 1, "b"), so that the
    letters that tell one author's studies of a year apart run a ... z, aa, ab."""
    letters = _YEAR_LETTERS.search(label)
    if letters is None:
        return (label, 0, "")
    return (label[: letters.start()], len(letters.group()), letters.group())


# ---------------------------------------------------------------------------
# traffic-light plot


# ---------------------------------------------------------------------------
# weighted summary plot


def judgement_shares(rows: pd.DataFrame, tool: Tool, column: str) -> dict[str, float]:
    """Share of the total ``weight`` per judgement in ``column`` (levels with zero left out)."""
    weights = pd.to_numeric(rows["weight"], errors="coerce").fillna(0).astype(float)
    total = float(weights.sum()) or 1.0
    shares = {}
    for level in tool.levels:
        weight = float(weights[rows[column] == level].sum())
        if weight:
            shares[level] = weight / total
    return shares


def _level_key(level: str) -> str:
    """Variable key of a judgement level: "Some concerns" -> some_concerns."""
    if level == NOT_ASSESSED:
        return "not_assessed"
    return level.lower().replace(" ", "_")


def rob_variables(rob: pd.DataFrame) -> dict[str, Any]:
    """Counts for the prose: studies assessed per tool and per overall judgement, and
    ``weight`` / ``weight_highest`` (participants in the assessed results, all and those
    at the highest level of risk of their tool: High for RoB 2, Critical for ROBINS-I)."""
    weights = pd.to_numeric(rob.get("weight"), errors="coerce").fillna(0) if len(rob) else None
    highest = [
        (name, [lv for lv in tool.levels if lv not in (NO_INFORMATION, NOT_ASSESSED)][-1])
        for name, tool in TOOLS.items()
    ]
    at_highest = (
        pd.concat([(rob["tool"] == n) & (rob["overall"] == lv) for n, lv in highest], axis=1).any(
            axis=1
        )
        if len(rob)
        else None
    )
    out: dict[str, Any] = {
        "assessed": len(rob),
        "weight": int(weights.sum()) if weights is not None else 0,
        "weight_highest": int(weights[at_highest].sum()) if weights is not None else 0,
    }
    for name, tool in TOOLS.items():
        rows = rob[rob["tool"] == name]
        key = name.lower().replace(" ", "").replace("-", "_")
        out[key] = {
            "studies": len(rows),
            **{_level_key(lv): int((rows["overall"] == lv).sum()) for lv in tool.levels},
        }
    return out

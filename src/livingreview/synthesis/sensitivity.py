"""Sensitivity analyses declared in ``data/protocol.yaml``, evaluated on the same ledger.

Each analysis under ``sensitivity_analyses`` changes one thing about which
studies count and is evaluated against the same data as the primary analysis:

- ``definitions``: alternative definitions of eligibility criteria (for
  example ``{P3: operational_only}``, "refractory" by an operational entry
  criterion rather than the authors' label), applied to every assessed
  report's recorded facts (:mod:`livingreview.evidence.eligibility`);
- ``exclude_diagnosis_groups``: study groups left out (for example
  treatment-resistant depression with an anxiety outcome);
- ``exclude_overall_risk``: studies at these overall risk-of-bias judgements
  left out (for example Critical).

For each analysis the result is the set of studies, the studies that leave or
enter compared with the primary analysis, and the combined direction of the
anxiety results of the studies that remain
(:func:`livingreview.synthesis.narrative.study_directions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError, Problem
from ..evidence.eligibility import decide_all
from ..validation import frame_rows
from .narrative import study_directions


@dataclass(frozen=True)
class SensitivityResult:
    """The studies and anxiety directions under one analysis."""

    id: str
    label: str
    studies: tuple[str, ...]
    left_out: tuple[str, ...]
    added: tuple[str, ...]
    anxiety: dict[str, int] = field(default_factory=dict)
    """Studies per combined anxiety direction (benefit, no_clear_difference, ...)."""


PRIMARY_ID = "primary"
PRIMARY_LABEL = "Primary analysis (criteria as written)"


def _included_studies(records: pd.DataFrame, decisions: Mapping[str, Any] | None) -> set[str]:
    """Study ids with at least one included report (a report newly included
    without a study row is named by its record id)."""
    out: set[str] = set()
    if decisions is None:  # only the rows marked include count: walk those alone (issue 19)
        if "eligibility" not in records.columns:
            return out
        records = records[records["eligibility"] == "include"]
    for rec in frame_rows(records):
        rid = str(rec["record_id"])
        if decisions is not None and rid in decisions:
            included = decisions[rid].eligibility == "include"
        else:
            included = rec.get("eligibility") == "include"
        if included:
            sid = rec.get("study_id")
            out.add(str(sid) if sid and not pd.isna(sid) else rid)
    return out


def _anxiety_counts(outcomes: pd.DataFrame, studies: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (sid, domain), direction in study_directions(outcomes).items():
        if domain == "anxiety" and sid in studies:
            counts[direction] = counts.get(direction, 0) + 1
    return counts


def evaluate(
    protocol: Mapping[str, Any],
    records: pd.DataFrame,
    facts: pd.DataFrame | None,
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    risk_of_bias: pd.DataFrame | None = None,
) -> list[SensitivityResult]:
    """The primary analysis followed by every declared sensitivity analysis."""
    primary = _included_studies(records, None)
    groups = dict(zip(studies["study_id"], studies["diagnosis_group"], strict=True))
    overall = (
        dict(zip(risk_of_bias["study_id"], risk_of_bias["overall"], strict=True))
        if risk_of_bias is not None
        else {}
    )
    results = [
        SensitivityResult(
            PRIMARY_ID,
            PRIMARY_LABEL,
            tuple(sorted(primary)),
            (),
            (),
            _anxiety_counts(outcomes, primary),
        )
    ]
    for analysis in protocol.get("sensitivity_analyses") or []:
        definitions = analysis.get("definitions") or {}
        if definitions and facts is None:
            raise ConfigError(
                [
                    Problem(
                        "data/protocol.yaml",
                        f"sensitivity analysis {analysis['id']} redefines criteria, but no "
                        "eligibility facts are configured",
                        column="sensitivity_analyses",
                        fix="name the facts file under data: eligibility_facts in "
                        "config/config.yaml, or drop the definitions",
                    )
                ],
                summary="the sensitivity analyses cannot be evaluated",
            )
        if definitions:
            decisions = decide_all(facts, protocol, definitions)
            chosen = _included_studies(records, decisions)
        else:
            chosen = set(primary)
        drop_groups = set(analysis.get("exclude_diagnosis_groups") or [])
        chosen = {s for s in chosen if groups.get(s) not in drop_groups}
        drop_risk = set(analysis.get("exclude_overall_risk") or [])
        chosen = {s for s in chosen if overall.get(s) not in drop_risk}
        results.append(
            SensitivityResult(
                str(analysis["id"]),
                str(analysis["label"]),
                tuple(sorted(chosen)),
                tuple(sorted(primary - chosen)),
                tuple(sorted(chosen - primary)),
                _anxiety_counts(outcomes, chosen),
            )
        )
    return results


@dataclass(frozen=True)
class SensitivityInputs:
    """The data the sensitivity analyses were evaluated on, and their results."""

    protocol: Mapping[str, Any]
    studies: pd.DataFrame
    outcomes: pd.DataFrame
    results: list[SensitivityResult]


def evaluate_files(inputs: Mapping[str, str | Path]) -> SensitivityInputs:
    """Load the files named in ``inputs`` (protocol, records, facts (optional), studies,
    outcomes, risk_of_bias) and evaluate every analysis (:func:`evaluate`)."""
    from ..evidence.eligibility import load_facts
    from ..evidence.outcomes import load_outcomes
    from ..evidence.review_data import read_protocol
    from ..evidence.risk_of_bias import load_risk_of_bias
    from ..validation import load_table

    protocol = read_protocol(inputs["protocol"])
    studies = load_table(inputs["studies"], "studies")
    outcomes = load_outcomes(inputs["outcomes"], studies)
    facts_path = inputs.get("facts")
    results = evaluate(
        protocol,
        load_table(inputs["records"], "records"),
        load_facts(facts_path) if facts_path else None,
        studies,
        outcomes,
        load_risk_of_bias(inputs["risk_of_bias"], studies),
    )
    return SensitivityInputs(protocol, studies, outcomes, results)


def results_to_json(results: list[SensitivityResult]) -> str:
    """The evaluated analyses as JSON, for the sensitivity plot to read instead of
    evaluating them again (at 1,000 studies / 100,000 records the evaluation loads the
    whole ledger: about 3.5 CPU s and 200 MB, issue 19)."""
    import json

    return json.dumps([asdict(r) for r in results], indent=1, sort_keys=True) + "\n"


def read_results(path: str | Path) -> list[SensitivityResult]:
    """The analyses written by :func:`results_to_json` (from ``results/``, built by the
    workflow, so a malformed file is a bug, not a user error)."""
    import json

    from ..io import read_text

    rows = json.loads(read_text(path, ConfigError))
    return [
        SensitivityResult(
            str(r["id"]),
            str(r["label"]),
            tuple(r["studies"]),
            tuple(r["left_out"]),
            tuple(r["added"]),
            dict(r["anxiety"]),
        )
        for r in rows
    ]


__all__ = [
    "PRIMARY_ID",
    "PRIMARY_LABEL",
    "SensitivityInputs",
    "SensitivityResult",
    "evaluate",
    "evaluate_files",
    "read_results",
    "results_to_json",
]

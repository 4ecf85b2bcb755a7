"""Eligibility decisions computed from the facts recorded for each report.

``data/eligibility_facts.csv`` records, for every report assessed for
eligibility, what was read about each criterion of ``data/protocol.yaml``
(adults, diagnoses, the authors' refractory label, whether entry required
earlier treatment failure, ketamine, the anxiety outcome, the number treated,
primary data, the kind of report). This module applies the criteria to those
facts in the protocol's order, so the decision in ``data/records.csv`` can be
recomputed and checked instead of being trusted:

- each criterion gives ``met``, ``not_met`` or ``unclear``;
- the first criterion that is ``not_met`` decides: the report is excluded with
  that criterion's ``exclusion_reason``, even when an earlier criterion could
  not be judged (a recorded fact that rules a report out is not undone by
  something else being unknown);
- when no criterion is ``not_met`` but one is ``unclear``, the first unclear
  criterion excludes the report with the protocol's ``undetermined_reason``
  (insufficient information);
- a report that meets every criterion is included.

A *definition* (``variant``) swaps how one criterion is judged, for example
"refractory" by the authors' label only or by an operational entry criterion
only; sensitivity analyses evaluate the same facts under each definition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, Problem, raise_if_any
from ..validation import frame_rows, load_table

MET, NOT_MET, UNCLEAR = "met", "not_met", "unclear"

Facts = Mapping[str, Any]
Judge = Callable[[Facts], str]


def _value(facts: Facts, key: str) -> str:
    value = facts.get(key)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _yes_no(facts: Facts, key: str) -> str:
    return {"yes": MET, "no": NOT_MET}.get(_value(facts, key), UNCLEAR)


def _adults(facts: Facts) -> str:
    return _yes_no(facts, "adults")


def _diagnoses(facts: Facts) -> str:
    return {"eligible": MET, "ineligible": NOT_MET}.get(_value(facts, "diagnoses"), UNCLEAR)


def _refractory_either(facts: Facts) -> str:
    """P3 as written: the authors' label or an operational entry criterion."""
    label, required = _yes_no(facts, "refractory_label"), _yes_no(facts, "refractory_required")
    if MET in (label, required):
        return MET
    if label == NOT_MET and required == NOT_MET:
        return NOT_MET
    return UNCLEAR


def _refractory_label(facts: Facts) -> str:
    """P3 by the authors' label only."""
    return _yes_no(facts, "refractory_label")


def _refractory_operational(facts: Facts) -> str:
    """P3 by an operational entry criterion only (earlier treatment failure required)."""
    return _yes_no(facts, "refractory_required")


def _ketamine(facts: Facts) -> str:
    return _yes_no(facts, "ketamine")


def _any_comparator(facts: Facts) -> str:
    return MET


def _anxiety_outcome(facts: Facts) -> str:
    value = _value(facts, "anxiety_outcome")
    if value == "named":
        return MET
    if value in ("subgroup_only", "none"):
        return NOT_MET
    return UNCLEAR


def _participants(facts: Facts) -> str:
    if _value(facts, "primary_data") == "no":
        return NOT_MET
    count = _value(facts, "participants")
    if count and int(float(count)) < 5:
        return NOT_MET
    if count and _value(facts, "primary_data") == "yes":
        return MET
    return UNCLEAR


def _report(facts: Facts) -> str:
    value = _value(facts, "report_type")
    if value in ("article", "letter", "preprint"):
        return MET
    if value in ("review", "registry", "retracted"):
        return NOT_MET
    return UNCLEAR


# How each criterion of data/protocol.yaml is judged from the facts, by id.
JUDGES: dict[str, Judge] = {
    "P1": _adults,
    "P2": _diagnoses,
    "P3": _refractory_either,
    "I1": _ketamine,
    "C1": _any_comparator,
    "O1": _anxiety_outcome,
    "D1": _participants,
    "R1": _report,
}

# Alternative definitions a sensitivity analysis may select: criterion -> name -> judge.
VARIANTS: dict[str, dict[str, Judge]] = {
    "P3": {
        "label_or_operational": _refractory_either,
        "label_only": _refractory_label,
        "operational_only": _refractory_operational,
    },
}


@dataclass(frozen=True)
class Decision:
    """The eligibility decision that the facts of one report lead to."""

    record_id: str
    eligibility: str  # include / exclude
    exclusion_reason: str | None
    criterion: str | None  # id of the criterion that excluded the report
    verdict: str | None  # not_met or unclear (None when included)


def _judges(
    protocol: Mapping[str, Any], variant: Mapping[str, str] | None
) -> list[tuple[dict, Judge]]:
    problems = []
    judges = []
    for i, criterion in enumerate(protocol.get("eligibility", [])):
        cid = criterion["id"]
        judge = JUDGES.get(cid)
        if variant and cid in variant:
            judge = VARIANTS.get(cid, {}).get(variant[cid])
            if judge is None:
                problems.append(
                    Problem(
                        "data/protocol.yaml",
                        f"criterion {cid} has no definition named {variant[cid]!r}",
                        column=f"eligibility/{i}",
                        expected=", ".join(sorted(VARIANTS.get(cid, {}))) or "no alternatives",
                        fix="use one of the definitions listed",
                    )
                )
                continue
        if judge is None:
            problems.append(
                Problem(
                    "data/protocol.yaml",
                    f"criterion {cid} cannot be applied by code",
                    column=f"eligibility/{i}/id",
                    found=cid,
                    expected=", ".join(JUDGES),
                    fix="use a criterion id the eligibility module knows, or add a judge for it",
                )
            )
            continue
        judges.append((criterion, judge))
    raise_if_any(problems, DataError, "the eligibility criteria cannot be applied")
    return judges


def decide(
    facts: Facts, protocol: Mapping[str, Any], variant: Mapping[str, str] | None = None
) -> Decision:
    """Apply the protocol's criteria in order to one report's facts.

    A criterion the facts show to be failed excludes the report with its own
    reason, wherever it stands in the order; "insufficient information" is left
    for a report that fails nothing but cannot be judged on some criterion.
    """
    record_id = _value(facts, "record_id")
    first_unclear = None
    for criterion, judge in _judges(protocol, variant):
        verdict = judge(facts)
        if verdict == NOT_MET:
            return Decision(
                record_id, "exclude", criterion.get("exclusion_reason"), criterion["id"], verdict
            )
        if verdict == UNCLEAR and first_unclear is None:
            first_unclear = criterion["id"]
    if first_unclear is not None:
        reason = protocol.get("undetermined_reason")
        return Decision(record_id, "exclude", reason, first_unclear, UNCLEAR)
    return Decision(record_id, "include", None, None, None)


def unclear_criteria(
    facts: Facts, protocol: Mapping[str, Any], variant: Mapping[str, str] | None = None
) -> list[str]:
    """Ids of every criterion that cannot be judged from one report's facts, in order.

    :func:`decide` names only the first; a report excluded as "insufficient
    information" may leave several criteria open, and a reader told which ones
    are open is told how many reports each concerns.
    """
    return [c["id"] for c, judge in _judges(protocol, variant) if judge(facts) == UNCLEAR]


def decide_all(
    facts: pd.DataFrame, protocol: Mapping[str, Any], variant: Mapping[str, str] | None = None
) -> dict[str, Decision]:
    """``{record_id: Decision}`` for every row of the facts table."""
    return {
        str(row["record_id"]): decide(row, protocol, variant) for row in facts.to_dict("records")
    }


def load_facts(path: str | Path) -> pd.DataFrame:
    """Read and validate ``eligibility_facts.csv`` (raises :class:`DataError`)."""
    return load_table(path, "eligibility_facts")


def ledger_problems(
    records: pd.DataFrame,
    facts: pd.DataFrame,
    protocol: Mapping[str, Any],
    records_file: str = "data/records.csv",
    facts_file: str = "data/eligibility_facts.csv",
) -> list[Problem]:
    """Every way the ledger's eligibility decisions differ from the facts' decisions.

    Each assessed record (screened in and retrieved) needs a facts row and a
    ``read_from``; each facts row needs an assessed record; and the ledger's
    decision and exclusion reason must be the ones the criteria give.
    """
    problems: list[Problem] = []
    # Records whose decisions contradict each other (e.g. screened out but
    # retrieved) are the flow-diagram checks' to report, not this one's.
    assessed = {
        str(r["record_id"]): r
        for r in frame_rows(records)
        if r.get("retrieval") == "retrieved"
        and _value(r, "screening") == "include"
        and not _value(r, "duplicate_of")
        and not _value(r, "removed")
    }
    rows = {str(r["record_id"]): r for r in facts.to_dict("records")}
    for rid, rec in assessed.items():
        line = rec.get("_line")
        if not _value(rec, "read_from"):
            problems.append(
                Problem(
                    records_file,
                    f"record {rid} was assessed but does not say what was read",
                    row=line,
                    column="read_from",
                    fix="give abstract, full_text, registration ... joined by '+'",
                )
            )
        if rid not in rows:
            problems.append(
                Problem(
                    facts_file,
                    f"record {rid} was assessed for eligibility but has no facts row",
                    fix=f"add a row for {rid} with what was read for each criterion",
                )
            )
            continue
        decision = decide(rows[rid], protocol)
        found = f"{_value(rec, 'eligibility')} {_value(rec, 'exclusion_reason')}".strip()
        wanted = f"{decision.eligibility} {decision.exclusion_reason or ''}".strip()
        if found != wanted:
            why = (
                f"criterion {decision.criterion} is {decision.verdict.replace('_', ' ')}"
                if decision.criterion
                else "every criterion is met"
            )
            problems.append(
                Problem(
                    records_file,
                    f"record {rid}: the decision does not follow from its eligibility facts "
                    f"({why})",
                    row=line,
                    column="eligibility",
                    found=found,
                    expected=wanted,
                    fix=f"correct the decision, or the facts in {facts_file}",
                )
            )
    for rid, row in rows.items():
        if rid not in assessed:
            problems.append(
                Problem(
                    facts_file,
                    f"record {rid} has eligibility facts but was not assessed in the ledger",
                    row=row.get("_line"),
                    column="record_id",
                    found=rid,
                    fix=f"remove the row or set retrieval = retrieved in {records_file}",
                )
            )
    return problems


__all__ = [
    "JUDGES",
    "MET",
    "NOT_MET",
    "UNCLEAR",
    "VARIANTS",
    "Decision",
    "decide",
    "decide_all",
    "ledger_problems",
    "load_facts",
]

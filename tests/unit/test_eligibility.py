"""Eligibility decisions are computed from recorded facts, and the shipped ledger follows them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from livingreview.errors import DataError
from livingreview.evidence.eligibility import decide, decide_all, ledger_problems, load_facts
from livingreview.evidence.review_data import load_configured_data, read_protocol
from livingreview.validation import load_table

ROOT = Path(__file__).resolve().parents[2]

# A synthetic protocol in the shipped protocol's shape (ids and reasons).
PROTOCOL = {
    "undetermined_reason": "insufficient_information",
    "eligibility": [
        {"id": "P1", "exclusion_reason": "population_not_adult"},
        {"id": "P2", "exclusion_reason": "population_not_eligible_diagnosis"},
        {"id": "P3", "exclusion_reason": "population_not_refractory"},
        {"id": "I1", "exclusion_reason": "not_ketamine"},
        {"id": "C1"},
        {"id": "O1", "exclusion_reason": "no_anxiety_outcome"},
        {"id": "D1", "exclusion_reason": "too_few_participants"},
        {"id": "R1", "exclusion_reason": "report_not_eligible"},
    ],
}

ELIGIBLE = {
    "record_id": "S1",
    "adults": "yes",
    "diagnoses": "eligible",
    "refractory_label": "yes",
    "refractory_required": "unclear",
    "ketamine": "yes",
    "anxiety_outcome": "named",
    "participants": 12,
    "primary_data": "yes",
    "report_type": "article",
}


def test_a_report_meeting_every_criterion_is_included() -> None:
    d = decide(ELIGIBLE, PROTOCOL)
    assert (d.eligibility, d.exclusion_reason, d.criterion) == ("include", None, None)


@pytest.mark.parametrize(
    ("change", "criterion", "reason"),
    [
        ({"adults": "no"}, "P1", "population_not_adult"),
        ({"diagnoses": "ineligible"}, "P2", "population_not_eligible_diagnosis"),
        (
            {"refractory_label": "no", "refractory_required": "no"},
            "P3",
            "population_not_refractory",
        ),
        (
            {"refractory_label": "no", "refractory_required": "unclear"},
            "P3",
            "insufficient_information",
        ),
        ({"ketamine": "no"}, "I1", "not_ketamine"),
        ({"anxiety_outcome": "subgroup_only"}, "O1", "no_anxiety_outcome"),
        ({"anxiety_outcome": "not_named"}, "O1", "insufficient_information"),
        ({"participants": 4}, "D1", "too_few_participants"),
        ({"participants": None}, "D1", "insufficient_information"),
        ({"report_type": "retracted"}, "R1", "report_not_eligible"),
        ({"report_type": None}, "R1", "insufficient_information"),
    ],
)
def test_the_first_criterion_not_met_gives_the_reason(change, criterion, reason) -> None:
    d = decide({**ELIGIBLE, **change}, PROTOCOL)
    assert (d.eligibility, d.criterion, d.exclusion_reason) == ("exclude", criterion, reason)


def test_a_later_failure_wins_over_an_earlier_unclear_criterion() -> None:
    # A recorded fact that rules the report out decides, even when an earlier
    # criterion could not be judged (Adams 2017: one patient, instrument unnamed).
    d = decide({**ELIGIBLE, "diagnoses": None, "ketamine": "no"}, PROTOCOL)
    assert (d.criterion, d.verdict, d.exclusion_reason) == ("I1", "not_met", "not_ketamine")
    single_case = {**ELIGIBLE, "anxiety_outcome": "not_named", "participants": 1}
    d = decide(single_case, PROTOCOL)
    assert (d.criterion, d.exclusion_reason) == ("D1", "too_few_participants")


def test_the_first_of_several_failures_gives_the_reason() -> None:
    d = decide({**ELIGIBLE, "anxiety_outcome": "none", "participants": 2}, PROTOCOL)
    assert (d.criterion, d.exclusion_reason) == ("O1", "no_anxiety_outcome")


def test_insufficient_information_only_when_nothing_fails() -> None:
    # The first unclear criterion is named when nothing is failed.
    d = decide({**ELIGIBLE, "diagnoses": None, "anxiety_outcome": "not_named"}, PROTOCOL)
    assert (d.criterion, d.verdict, d.exclusion_reason) == (
        "P2",
        "unclear",
        "insufficient_information",
    )


def test_refractory_definitions_for_sensitivity_analyses() -> None:
    label_only = {**ELIGIBLE, "refractory_label": "yes", "refractory_required": "no"}
    operational = {**ELIGIBLE, "refractory_label": "no", "refractory_required": "yes"}
    assert decide(label_only, PROTOCOL).eligibility == "include"
    assert decide(operational, PROTOCOL).eligibility == "include"
    assert decide(label_only, PROTOCOL, {"P3": "operational_only"}).exclusion_reason == (
        "population_not_refractory"
    )
    assert decide(operational, PROTOCOL, {"P3": "label_only"}).exclusion_reason == (
        "population_not_refractory"
    )
    with pytest.raises(DataError, match="no definition named 'loose'"):
        decide(ELIGIBLE, PROTOCOL, {"P3": "loose"})


def test_a_criterion_without_a_judge_is_an_error_naming_it() -> None:
    protocol = {**PROTOCOL, "eligibility": [*PROTOCOL["eligibility"], {"id": "X9"}]}
    with pytest.raises(DataError, match="criterion X9 cannot be applied by code"):
        decide(ELIGIBLE, protocol)


def test_ledger_problems_name_the_record_line_and_the_expected_decision() -> None:
    records = pd.DataFrame(
        [
            {
                "_line": 2,
                "record_id": "S1",
                "screening": "include",
                "retrieval": "retrieved",
                "read_from": "abstract",
                "eligibility": "exclude",
                "exclusion_reason": "insufficient_information",
            },
            {
                "_line": 3,
                "record_id": "S2",
                "screening": "include",
                "retrieval": "retrieved",
                "read_from": None,
                "eligibility": "include",
                "exclusion_reason": None,
            },
        ]
    )
    facts = pd.DataFrame([{**ELIGIBLE, "_line": 2}])
    text = "\n".join(str(p) for p in ledger_problems(records, facts, PROTOCOL))
    assert "data/records.csv:2 [eligibility]: record S1: the decision does not follow" in text
    assert "found 'exclude insufficient_information'; expected include" in text
    assert "data/records.csv:3 [read_from]: record S2 was assessed but does not say" in text
    assert "record S2 was assessed for eligibility but has no facts row" in text


# ---------------------------------------------------------------- the shipped data


@pytest.fixture(scope="module")
def shipped() -> dict:
    return {
        "protocol": read_protocol(ROOT / "data" / "protocol.yaml"),
        "records": load_table(ROOT / "data" / "records.csv", "records"),
        "facts": load_facts(ROOT / "data" / "eligibility_facts.csv"),
    }


def test_shipped_included_set_is_recomputed_from_the_facts(shipped: dict) -> None:
    decisions = decide_all(shipped["facts"], shipped["protocol"])
    from_facts = {rid for rid, d in decisions.items() if d.eligibility == "include"}
    records = shipped["records"]
    ledger = set(records.loc[records["eligibility"] == "include", "record_id"])
    assert from_facts == ledger
    assert len(ledger) >= 1


def test_shipped_ledger_passes_the_integrity_gate(shipped: dict) -> None:
    problems = ledger_problems(shipped["records"], shipped["facts"], shipped["protocol"])
    assert [str(p) for p in problems] == []


def test_shipped_protocol_codes_every_criterion_and_reason(shipped: dict) -> None:
    protocol = shipped["protocol"]
    reasons = set(protocol["exclusion_reasons"])
    assert protocol["undetermined_reason"] in reasons
    for criterion in protocol["eligibility"]:
        assert criterion.get("exclusion_reason", next(iter(reasons))) in reasons


def test_shipped_values_all_have_a_source_and_a_read_level() -> None:
    data = load_configured_data(ROOT)  # raises when a studies value has no source
    included = data.records[data.records["eligibility"] == "include"]
    assert included["read_from"].notna().all()
    outcomes = pd.read_csv(ROOT / "data" / "outcomes.csv", dtype=str)
    assert outcomes["source"].notna().all()
    rob = pd.read_csv(ROOT / "data" / "risk_of_bias.csv", dtype=str)
    assert rob["source"].notna().all()
    assert set(rob["study_id"]) == set(data.studies["study_id"])


def test_validation_stops_on_a_decision_that_does_not_follow_from_the_facts(tmp_path: Path) -> None:
    import shutil

    for folder in ("data", "refs", "config"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    records = tmp_path / "data" / "records.csv"
    text = records.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("R011,"))
    assert ",population_not_refractory," in line
    records.write_text(
        text.replace(
            line, line.replace(",population_not_refractory,", ",insufficient_information,")
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_configured_data(tmp_path)
    assert "record R011: the decision does not follow from its eligibility facts" in str(info.value)

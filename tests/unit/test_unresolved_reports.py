"""The limitations name every report the review could not settle, from the ledger and its facts."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from livingreview.evidence.eligibility import load_facts
from livingreview.evidence.review_data import read_protocol
from livingreview.text.sentences import unresolved_reports_paragraph
from livingreview.validation import load_table

ROOT = Path(__file__).resolve().parents[2]

UNDECIDED = "insufficient_information"
PROTOCOL = {
    "undetermined_reason": UNDECIDED,
    "eligibility": [
        {"id": "P3", "domain": "population"},
        {"id": "O1", "domain": "outcome"},
    ],
}


def _records(rows: list[dict]) -> pd.DataFrame:
    base = dict.fromkeys(
        ("eligibility", "exclusion_reason", "retrieval", "read_from", "bib_key"), ""
    )
    return pd.DataFrame([{**base, **row} for row in rows])


def test_shipped_review_names_every_undecided_and_missing_report() -> None:
    records = load_table(ROOT / "data/records.csv", "records")
    protocol = read_protocol(ROOT / "data/protocol.yaml")
    facts = load_facts(ROOT / "data/eligibility_facts.csv")
    text = unresolved_reports_paragraph(records, protocol, facts)
    undecided = records[records["exclusion_reason"] == protocol["undetermined_reason"]]
    missing = records[records["retrieval"] == "not_retrieved"]
    cited = set(re.findall(r"@([\w-]+)", text))
    assert cited == set(undecided["bib_key"]) | set(missing["bib_key"])
    assert cited  # the shipped ledger has both kinds, so an empty answer would be wrong


def test_criterion_that_could_not_be_judged_comes_from_the_facts() -> None:
    records = _records(
        [
            {"record_id": "R1", "eligibility": "exclude", "exclusion_reason": UNDECIDED,
             "retrieval": "retrieved", "read_from": "abstract", "bib_key": "a2020"},
            {"record_id": "R2", "eligibility": "exclude", "exclusion_reason": UNDECIDED,
             "retrieval": "retrieved", "read_from": "abstract+registration", "bib_key": "b2021"},
            {"record_id": "R3", "eligibility": "include", "retrieval": "retrieved",
             "read_from": "full_text", "bib_key": "c2022"},
        ]
    )  # fmt: skip
    facts = pd.DataFrame(
        [
            {"record_id": "R1", "refractory_label": "unclear", "refractory_required": "unclear",
             "anxiety_outcome": "named"},
            {"record_id": "R2", "refractory_label": "yes", "anxiety_outcome": "not_named"},
        ]
    )  # fmt: skip
    text = unresolved_reports_paragraph(records, PROTOCOL, facts)
    assert text.startswith("Two reports were excluded")
    assert "(the abstract or the trial registration only)" in text
    assert "the population criterion P3 for 1 report [@a2020]" in text
    assert "the outcome criterion O1 for 1 report [@b2021]" in text
    assert "c2022" not in text


def test_a_report_counts_under_every_criterion_it_leaves_open() -> None:
    # The old paragraph put a report only under its first open criterion, so a
    # report whose population and outcome were both unknown was missing from the
    # outcome count ("O1 for 1 report" when two reports had no named instrument).
    records = _records(
        [
            {"record_id": "R1", "eligibility": "exclude", "exclusion_reason": UNDECIDED,
             "retrieval": "retrieved", "read_from": "abstract", "bib_key": "a2020"},
            {"record_id": "R2", "eligibility": "exclude", "exclusion_reason": UNDECIDED,
             "retrieval": "retrieved", "read_from": "abstract", "bib_key": "b2021"},
        ]
    )  # fmt: skip
    facts = pd.DataFrame(
        [
            {"record_id": "R1", "refractory_label": "unclear", "refractory_required": "unclear",
             "anxiety_outcome": "not_named"},
            {"record_id": "R2", "refractory_label": "yes", "anxiety_outcome": "not_named"},
        ]
    )  # fmt: skip
    text = unresolved_reports_paragraph(records, PROTOCOL, facts)
    assert "the population criterion P3 for 1 report [@a2020]" in text
    assert "the outcome criterion O1 for 2 reports [@a2020; @b2021]" in text
    assert "(a report is counted under every criterion it leaves open)" in text


def test_shipped_review_counts_each_open_criterion_from_the_facts() -> None:
    from livingreview.evidence.eligibility import unclear_criteria

    records = load_table(ROOT / "data/records.csv", "records")
    protocol = read_protocol(ROOT / "data/protocol.yaml")
    facts = load_facts(ROOT / "data/eligibility_facts.csv")
    text = unresolved_reports_paragraph(records, protocol, facts)
    undecided = set(
        records.loc[records["exclusion_reason"] == protocol["undetermined_reason"], "record_id"]
    )
    rows = [r for r in facts.to_dict("records") if r["record_id"] in undecided]
    for criterion in ("P3", "O1", "D1"):
        n = sum(criterion in unclear_criteria(r, protocol) for r in rows)
        if n:
            assert f"criterion {criterion} for {n} report" in text, (criterion, n, text)


def test_without_facts_the_reports_are_still_named() -> None:
    records = _records(
        [
            {"record_id": "R1", "eligibility": "exclude", "exclusion_reason": UNDECIDED,
             "retrieval": "retrieved", "read_from": "full_text", "bib_key": "a2020"},
            {"record_id": "R2", "retrieval": "not_retrieved", "bib_key": "b2021"},
            {"record_id": "R3", "retrieval": "not_retrieved", "bib_key": "c2022"},
        ]
    )  # fmt: skip
    text = unresolved_reports_paragraph(records, PROTOCOL, None)
    assert "One report was excluded" in text and "(the full text) [@a2020]" in text
    assert "Obtaining its full text" in text
    assert "Two reports could not be obtained [@b2021; @c2022] and were not assessed." in text


def test_nothing_unsettled_says_so() -> None:
    records = _records([{"record_id": "R1", "eligibility": "include", "retrieval": "retrieved"}])
    text = unresolved_reports_paragraph(records, PROTOCOL, None)
    assert text == "Every report sought was obtained, and every criterion could be judged.\n"

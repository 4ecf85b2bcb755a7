"""Variables for the prose: computed from synthetic study and record tables."""

from __future__ import annotations

import pandas as pd

from livingreview.text.variables import collect_variables, format_numbers

PROTOCOL = {
    "diagnosis_groups": {"anx": "Anxiety", "ptsd": "PTSD"},
    "design_classes": {"rct_parallel": "RCT", "single_arm": "Single arm"},
}


def synthetic_studies() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "study_id": "a",
                "diagnosis_group": "anx",
                "design_class": "rct_parallel",
                "n": 1500,
                "dosing": "single",
            },
            {
                "study_id": "b",
                "diagnosis_group": "anx",
                "design_class": "single_arm",
                "n": None,
                "dosing": "repeated",
            },
            {
                "study_id": "c",
                "diagnosis_group": "ptsd",
                "design_class": "single_arm",
                "n": 12,
                "dosing": "repeated",
            },
        ]
    )


def synthetic_records() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "record_id": "R1",
                "eligibility": "include",
                "year": 2019,
                "search_date": "2024-02-01",
            },
            {
                "record_id": "R2",
                "eligibility": "exclude",
                "year": 2010,
                "search_date": "2023-01-05",
            },
            {
                "record_id": "R3",
                "eligibility": "include",
                "year": 2021,
                "search_date": "2024-02-01",
            },
        ]
    )


def test_counts_per_study_group_and_design() -> None:
    v = collect_variables(synthetic_studies(), synthetic_records(), PROTOCOL, {"records": {}})
    assert v["studies"]["included"] == 3
    assert v["studies"]["participants"] == "1,512"
    assert v["studies"]["participants_unknown"] == 1
    assert v["studies"]["randomised"] == 1 and v["studies"]["nonrandomised"] == 2
    assert v["studies"]["single_dose"] == 1 and v["studies"]["repeated_dose"] == 2
    assert (v["studies"]["first_year"], v["studies"]["last_year"]) == (2019, 2021)
    assert v["diagnosis"]["anx"] == {"label": "Anxiety", "studies": 2, "participants": "1,500"}
    assert v["diagnosis"]["ptsd"]["participants"] == 12
    assert v["design"]["single_arm"]["studies"] == 2
    assert v["search"] == {
        "first_date": "2023-01-05",
        "last_date": "2024-02-01",
        "first_date_text": "5 January 2023",
        "last_date_text": "1 February 2024",
        "last_run_text": "The last search was run on 1 February 2024.",
    }
    # counts in words for the prose ("the one randomised trial"), years left alone
    assert v["studies"]["randomised_words"] == "one"
    assert v["studies"]["nonrandomised_words"] == "two"
    assert v["studies"]["participants_words"] == "1,512"
    assert "first_year_words" not in v["studies"]


def test_anxiety_participants_never_add_unlike_denominators() -> None:
    from livingreview.text.variables import anxiety_participants

    studies = pd.DataFrame(
        [
            {"study_id": "a", "n_anxiety": 15, "n_anxiety_basis": "enrolled"},
            {"study_id": "b", "n_anxiety": 158, "n_anxiety_basis": "enrolled"},
            {"study_id": "c", "n_anxiety": 188, "n_anxiety_basis": "analysed"},
            {"study_id": "d", "n_anxiety": None, "n_anxiety_basis": None},
        ]
    )
    assert anxiety_participants(studies) == {
        "enrolled": {"total": 173, "studies": 2, "studies_text": "2 studies"},
        "analysed": {"total": 188, "studies": 1, "studies_text": "1 study"},
        "unknown": 1,
        "unknown_text": "1 study",
    }
    only_unknown = anxiety_participants(studies.iloc[3:])
    assert only_unknown["enrolled"] == {"total": "–", "studies": 0, "studies_text": "0 studies"}
    assert only_unknown["unknown"] == 1


def test_unknown_group_size_is_a_dash_not_zero() -> None:
    studies = synthetic_studies()
    studies["n"] = None
    v = collect_variables(studies, synthetic_records(), PROTOCOL, {"records": {}})
    assert v["diagnosis"]["anx"]["participants"] == "–"


def test_assessment_basis_never_counts_an_abstract_as_full_text() -> None:
    from livingreview.text.variables import assessment_basis

    records = pd.DataFrame(
        {
            "retrieval": ["retrieved", "retrieved", "retrieved", "not_retrieved", "retrieved"],
            "read_from": [
                "abstract",
                "full_text+registration",
                "abstract+registration",
                None,
                None,
            ],
        }
    )
    counts = assessment_basis(records)
    assert {k: v for k, v in counts.items() if k != "statement"} == {
        "full_text": 1,
        "abstract_or_registration": 2,
        "unrecorded": 1,
    }
    assert counts["statement"] == (
        "Of the 4 reports assessed for eligibility, 1 was assessed on the full text, "
        "2 on the abstract, part of the text or the trial registration only and 1 "
        "without a record of what was read, so most of the reports the flow diagram "
        "counts as assessed are not full texts."
    )


def _reads(*read_from: str) -> pd.DataFrame:
    return pd.DataFrame({"retrieval": ["retrieved"] * len(read_from), "read_from": read_from})


def test_assessment_statement_says_all_most_or_none_as_the_counts_say() -> None:
    """The quantifier follows the counts: a ledger with no full text read never
    reads "mostly abstracts", and no sentence starts with a digit ("0 were ...")."""
    from livingreview.text.variables import assessment_basis

    none = assessment_basis(_reads(*["abstract"] * 33))["statement"]
    assert none.startswith("None of the 33 reports assessed for eligibility was assessed")
    assert "are all abstracts, partial texts or registrations" in none
    assert "most" not in none
    every = assessment_basis(_reads("full_text", "full_text"))["statement"]
    assert every == "All 2 reports assessed for eligibility were assessed on their full text."
    most = assessment_basis(_reads("full_text", "full_text", "abstract"))["statement"]
    assert most.endswith(
        "so most of the reports the flow diagram counts as assessed are full texts."
    )
    half = assessment_basis(_reads("full_text", "abstract"))["statement"]
    assert "so half of the reports" in half
    few = assessment_basis(_reads("full_text", "abstract", "abstract"))["statement"]
    assert few.endswith("are not full texts.")
    for text in (none, every, most, half, few):
        assert not any(part.strip()[:1].isdigit() for part in text.split(". "))


def test_participants_known_text_counts_the_studies_that_give_a_size() -> None:
    v = collect_variables(synthetic_studies(), synthetic_records(), PROTOCOL, {"records": {}})
    known = int(pd.to_numeric(synthetic_studies()["n"], errors="coerce").notna().sum())
    assert v["studies"]["participants_known_text"] == (
        f"{known} study" if known == 1 else f"{known} studies"
    )


def test_empty_review_still_has_every_key() -> None:
    empty = synthetic_studies().iloc[0:0]
    v = collect_variables(empty, synthetic_records().iloc[0:0], PROTOCOL, {})
    assert v["studies"]["included"] == 0 and v["studies"]["participants"] == 0
    assert v["diagnosis"]["anx"]["studies"] == 0
    assert v["studies"]["first_year"] is None
    # a new review's template says so instead of "The last search was run on ."
    assert v["search"]["last_date"] is None
    assert v["search"]["last_run_text"] == "No search is recorded in the screening ledger yet."


def test_thousands_separators_only_from_1000() -> None:
    assert format_numbers({"a": 999, "b": 1000, "c": {"d": 123456}, "e": True}) == {
        "a": 999,
        "b": "1,000",
        "c": {"d": "123,456"},
        "e": True,
    }


def test_shipped_flow_diagram_and_text_agree_on_what_was_read() -> None:
    """The diagram's "Reports assessed" split and the results text count the same reports."""
    from pathlib import Path

    from livingreview.prisma.counts import derive_counts, read_reason_labels
    from livingreview.text.variables import assessment_basis
    from livingreview.validation import load_table

    root = Path(__file__).resolve().parents[2]
    records = load_table(root / "data" / "records.csv", "records")
    counts = derive_counts(records, read_reason_labels(root / "data" / "protocol.yaml"))
    basis = assessment_basis(records)
    assessed = counts.dbr_assessed + counts.other_assessed
    full = (counts.dbr_assessed_full_text or 0) + (counts.other_assessed_full_text or 0)
    without = (counts.dbr_assessed_without_full_text or 0) + (
        counts.other_assessed_without_full_text or 0
    )
    assert (full, without) == (basis["full_text"], basis["abstract_or_registration"])
    assert full + without == assessed and basis["unrecorded"] == 0


def test_cumulative_keys_from_the_counts_file_equal_those_derived_here(tmp_path) -> None:
    """collect_variables takes the cumulative.* keys from derive_prisma_counts's
    counts_cumulative.json instead of deriving the ledger again (issue 19)."""
    import json
    from pathlib import Path

    from livingreview.prisma.model import PreviousVersion
    from livingreview.prisma.records_appendix import derive_prisma_outputs
    from livingreview.text.variables import cumulative_counts
    from livingreview.validation import load_table

    root = Path(__file__).resolve().parents[2]
    records, protocol = root / "data" / "records.csv", root / "data" / "protocol.yaml"
    ledger = load_table(records, "records")
    earlier = PreviousVersion.from_records(ledger.head(len(ledger) // 2))
    for name, previous in (("first", None), ("update", earlier)):
        out = tmp_path / name
        out.mkdir()
        derive_prisma_outputs(
            records, protocol, out / "counts.json", out / "prisma2020.csv",
            previous=previous, cumulative_json=out / "cumulative.json",
        )  # fmt: skip
        from_file = json.loads((out / "cumulative.json").read_text(encoding="utf-8"))
        derived = cumulative_counts(load_table(records, "records"), protocol)
        assert format_numbers(from_file["variables"]) == format_numbers(derived), name


def test_counts_of_studies_come_in_words_with_the_noun_in_the_right_number():
    """The prose quotes "1 study" and "3 studies", never "1 studies" or a bare count."""
    from livingreview.text.variables import anxiety_participants, with_study_counts_in_words

    studies = pd.DataFrame(
        {
            "n_anxiety": [10, 20, 30, None],
            "n_anxiety_basis": ["enrolled", "enrolled", "analysed", None],
        }
    )
    counts = anxiety_participants(studies)
    assert counts["enrolled"]["studies_text"] == "2 studies"
    assert counts["analysed"]["studies_text"] == "1 study"
    assert counts["unknown_text"] == "1 study"
    rob = with_study_counts_in_words(
        {"assessed": 1, "rob2": {"studies": 0, "high": 0}, "weight": 3}
    )
    assert rob["assessed_text"] == "1 study"
    assert rob["rob2"]["studies_text"] == "0 studies"
    assert rob["weight"] == 3 and "studies_text" not in rob


def test_number_words_up_to_twelve_then_digits() -> None:
    from livingreview.wording import number_word

    assert [number_word(n) for n in (0, 1, 7, 12, 13, 1204)] == [
        "zero", "one", "seven", "twelve", "13", "1,204",
    ]  # fmt: skip


def test_rob_coverage_sentence_is_true_at_every_count() -> None:
    """A new review has no study: the template's risk-of-bias sentence must not say that
    "every included study" (none) was assessed (issue 19, s12)."""
    from livingreview.text.variables import rob_coverage_sentence

    none = rob_coverage_sentence(0, 0)
    assert "every" not in none.lower() and "all " not in none.lower()
    assert none.startswith("No study has been included")
    assert rob_coverage_sentence(1, 1) == "The included study was assessed for risk of bias."
    assert rob_coverage_sentence(1200, 1200) == (
        "All 1,200 included studies were assessed for risk of bias."
    )
    assert (
        rob_coverage_sentence(1, 3) == "1 of the 3 included studies was assessed for risk of bias."
    )
    assert rob_coverage_sentence(0, 2).startswith("None of the 2 included studies has")


def test_collected_variables_carry_the_rob_coverage_sentence() -> None:
    from livingreview.text.variables import collect_variables as collect

    empty = pd.DataFrame(columns=["study_id", "tool", "overall", "weight"])
    studies = pd.DataFrame(columns=["study_id", "n", "design_class", "population"])
    records = pd.DataFrame(columns=["record_id", "eligibility", "year"])
    variables = collect(studies, records, {}, {}, risk_of_bias=empty)
    assert variables["rob"]["coverage_text"].startswith("No study has been included yet")

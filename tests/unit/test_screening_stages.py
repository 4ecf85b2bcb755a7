"""Staged decisions, the decision log and two independent reviewers (synthetic fixtures)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from livingreview.errors import DataError
from livingreview.ledger.fields import stage_sheet_columns
from livingreview.ledger.reviewers import agreement, cohen_kappa, find_conflicts
from livingreview.ledger.screening import (
    apply_screening,
    write_conflicts_sheet,
    write_pending_sheet,
)
from livingreview.ledger.search_import import import_search
from livingreview.ledger.stages import awaiting_stage
from livingreview.validation import load_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "search"
REASONS = {"population_not_refractory": "Population not refractory"}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def fill(sheet: Path, decisions: dict[str, dict[str, str]], out: Path | None = None) -> Path:
    """Fill a sheet as a reviewer would in a spreadsheet, saving to ``out`` (default: in place)."""
    data = rows(sheet)
    for row in data:
        row.update(decisions.get(row["record_id"], {}))
    out = out or sheet
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(data[0]) if data else ["record_id"])
        writer.writeheader()
        writer.writerows(data)
    return out


def make_project(tmp_path: Path, reviewers: int = 1) -> Path:
    shutil.copy(FIXTURES / "ledger.csv", tmp_path / "records.csv")
    protocol = {"exclusion_reasons": REASONS}
    if reviewers == 2:
        protocol["screening"] = {"reviewers": 2}
    (tmp_path / "protocol.yaml").write_text(yaml.safe_dump(protocol), encoding="utf-8")
    import_search(
        tmp_path / "records.csv",
        FIXTURES / "batch1.ris",
        source="Embase",
        source_type="database",
        search_date="2024-06-01",
        folder=tmp_path / "screening",
    )
    return tmp_path


def ledger(project: Path) -> dict[str, dict[str, str]]:
    return {r["record_id"]: r for r in rows(project / "records.csv")}


def apply(project: Path, sheet: Path, **kw):
    return apply_screening(
        project / "records.csv",
        sheet,
        project / "protocol.yaml",
        log=project / "screening" / "decisions.csv",
        **kw,
    )


def test_each_stage_applies_on_its_own_and_the_record_waits_in_between(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    folder = project / "screening"
    screening = fill(
        folder / "2024-06-01_embase.csv",
        {
            "L006": {"screening": "include", "note": "abstract mentions GAD"},
            "L008": {"screening": "include"},
            "L009": {"screening": "exclude", "screening_reason": "not ketamine"},
        },
    )
    result = apply(project, screening, reviewer="Ana", decided_on="2024-06-10")
    assert result.updated == ["L006", "L008", "L009"]
    assert awaiting_stage(ledger(project)["L006"]) == "retrieval"
    load_table(project / "records.csv", "records")  # the waiting state is valid

    sheet = folder / "retrieval.csv"
    assert write_pending_sheet(project / "records.csv", sheet, "retrieval", "Ana") == 2
    assert list(rows(sheet)[0]) == list(stage_sheet_columns("retrieval"))
    apply(project, fill(sheet, {"L006": {"retrieval": "retrieved"}}))
    assert awaiting_stage(ledger(project)["L006"]) == "eligibility"
    assert awaiting_stage(ledger(project)["L008"]) == "retrieval"

    sheet = folder / "eligibility.csv"
    assert write_pending_sheet(project / "records.csv", sheet, "eligibility", "Ana") == 1
    apply(project, fill(sheet, {"L006": {"eligibility": "include"}}))
    assert awaiting_stage(ledger(project)["L006"]) == "linking"
    load_table(project / "records.csv", "records")

    sheet = folder / "linking.csv"
    assert write_pending_sheet(project / "records.csv", sheet, "linking") == 1
    apply(project, fill(sheet, {"L006": {"study_id": "synth2021", "bib_key": "synth2021"}}))
    assert awaiting_stage(ledger(project)["L006"]) is None
    assert ledger(project)["L006"]["study_id"] == "synth2021"

    log = rows(folder / "decisions.csv")
    assert [(r["record_id"], r["stage"], r["decision"]) for r in log] == [
        ("L006", "screening", "include"),
        ("L008", "screening", "include"),
        ("L009", "screening", "exclude"),
        ("L006", "retrieval", "retrieved"),
        ("L006", "eligibility", "include"),
        ("L006", "linking", "synth2021"),
    ]
    assert log[0]["reviewer"] == "Ana" and log[0]["decided_on"] == "2024-06-10"
    assert log[0]["note"] == "abstract mentions GAD"
    assert log[2]["reason"] == "not ketamine"
    assert all(r["decided_on"] and r["role"] == "review" for r in log)


def test_a_decision_for_a_stage_not_reached_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    sheet = project / "screening" / "2024-06-01_embase.csv"
    fill(sheet, {"L006": {"eligibility": "include"}})
    before = (project / "records.csv").read_bytes()
    with pytest.raises(DataError) as caught:
        apply(project, sheet)
    assert "2024-06-01_embase.csv:2 [eligibility]: record has not reached this stage" in str(
        caught.value
    )
    assert "retrieval = 'retrieved' first" in str(caught.value)
    assert (project / "records.csv").read_bytes() == before
    assert not (project / "screening" / "decisions.csv").exists()


def two_reviewer_round(project: Path) -> tuple[Path, Path]:
    """Ana and Ben screen the batch-1 sheet independently (copies of the same sheet)."""
    folder = project / "screening"
    sheet = folder / "2024-06-01_embase.csv"
    ana = fill(
        sheet,
        {
            "L006": {"screening": "include", "reviewer": "Ana"},
            "L008": {"screening": "include", "reviewer": "Ana"},
            "L009": {"screening": "exclude", "reviewer": "Ana"},
        },
        folder / "2024-06-01_embase_ana.csv",
    )
    ben = fill(
        sheet,
        {
            "L006": {"screening": "include", "reviewer": "Ben"},
            "L008": {"screening": "exclude", "reviewer": "Ben"},
            "L009": {"screening": "exclude", "reviewer": "Ben"},
        },
        folder / "2024-06-01_embase_ben.csv",
    )
    return ana, ben


def test_two_reviewers_agreement_enters_the_ledger_and_conflicts_wait(tmp_path: Path) -> None:
    project = make_project(tmp_path, reviewers=2)
    ana, ben = two_reviewer_round(project)
    first = apply(project, ana)
    assert first.updated == [] and len(first.waiting) == 3  # nothing settled by one reviewer
    assert awaiting_stage(ledger(project)["L006"]) == "screening"
    second = apply(project, ben)
    assert second.updated == ["L006", "L009"] and second.conflicts == 1
    assert ledger(project)["L008"]["screening"] == ""  # still waiting: a disagreement
    log = project / "screening" / "decisions.csv"
    conflicts = find_conflicts(rows(log))
    assert [(c.record_id, c.stage, c.describe()) for c in conflicts] == [
        ("L008", "screening", "Ana: include | Ben: exclude")
    ]
    resolution = project / "screening" / "conflicts.csv"
    assert write_conflicts_sheet(project / "records.csv", log, resolution) == 1
    with pytest.raises(DataError, match="never overwritten"):
        write_conflicts_sheet(project / "records.csv", log, resolution)
    fill(resolution, {"L008": {"screening": "include", "reviewer": "Cat", "note": "discussed"}})
    result = apply(project, resolution)
    assert result.updated == ["L008"]
    assert ledger(project)["L008"]["screening"] == "include"
    assert find_conflicts(rows(log)) == []
    assert rows(log)[-1]["role"] == "resolution"
    stats = agreement(rows(log))
    assert stats == {"screening": {"records": 3, "agreement": 0.667, "kappa": 0.4}}


def test_two_reviewer_mode_needs_the_reviewer(tmp_path: Path) -> None:
    project = make_project(tmp_path, reviewers=2)
    sheet = fill(
        project / "screening" / "2024-06-01_embase.csv", {"L006": {"screening": "include"}}
    )
    with pytest.raises(DataError, match=r":2 \[reviewer\]: two reviewers decide independently"):
        apply(project, sheet)


def test_a_reviewer_cannot_silently_change_their_decision(tmp_path: Path) -> None:
    project = make_project(tmp_path, reviewers=2)
    ana, _ = two_reviewer_round(project)
    apply(project, ana)
    fill(ana, {"L006": {"screening": "exclude"}})
    with pytest.raises(DataError, match="reviewer Ana already recorded another decision"):
        apply(project, ana)


def test_cohen_kappa_matches_a_hand_computed_example() -> None:
    # 10 pairs: 4 include/include, 4 exclude/exclude, 1 each discordant.
    pairs = [("i", "i")] * 4 + [("e", "e")] * 4 + [("i", "e"), ("e", "i")]
    assert cohen_kappa(pairs) == pytest.approx(0.6)  # po 0.8, pe 0.5
    assert cohen_kappa([("i", "i")] * 3) is None  # chance agreement is 1: undefined
    assert cohen_kappa([]) is None


def test_agreement_and_mode_become_the_methods_variables(tmp_path: Path) -> None:
    from livingreview.ledger.reviewers import agreement_variables

    project = make_project(tmp_path, reviewers=2)
    ana, ben = two_reviewer_round(project)
    apply(project, ana)
    apply(project, ben)
    log = project / "screening" / "decisions.csv"
    variables = agreement_variables(log, 2)
    assert variables["screening"] == {"records": 3, "agreement_percent": 66.7, "kappa": "0.40"}
    assert "Cohen's kappa 0.40, raw agreement 66.7% (3 records)" in str(variables["statement"])
    single = agreement_variables(None, 1)
    assert single == {"reviewers": 1, "statement": single["statement"]}
    assert str(single["statement"]).startswith("One reviewer screened")


def test_the_methods_sentence_says_what_was_read_for_eligibility() -> None:
    """Methods said "One reviewer ... assessed full texts" while the ledger records that
    no full text was read (read_from): the sentence follows the assessment counts."""
    from livingreview.ledger.reviewers import agreement_variables

    none_read = {"full_text": 0, "abstract_or_registration": 33, "unrecorded": 0}
    statement = str(agreement_variables(None, 1, none_read)["statement"])
    assert "full texts" not in statement
    assert "on the abstract, part of the text or the trial registration" in statement
    assert "(no full text was read)" in statement
    all_read = {"full_text": 5, "abstract_or_registration": 0, "unrecorded": 0}
    assert "assessed full texts for eligibility" in str(
        agreement_variables(None, 2, all_read)["statement"]
    )
    some = {"full_text": 2, "abstract_or_registration": 3, "unrecorded": 0}
    assert "on the full text where it was read and otherwise" in str(
        agreement_variables(None, 1, some)["statement"]
    )
    unknown = {"full_text": 2, "abstract_or_registration": 0, "unrecorded": 1}
    for assessed in (unknown, None):
        text = str(agreement_variables(None, 1, assessed)["statement"])
        assert "assessed the reports for eligibility;" in text and "full text" not in text

"""Search import: RIS, PubMed and CSV exports with planted duplicates (synthetic fixtures)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import yaml

from livingreview.errors import DataError
from livingreview.ledger.deduplicate import normalise_title
from livingreview.ledger.export_formats import read_export
from livingreview.ledger.fields import SHEET_COLUMNS, stage_sheet_columns
from livingreview.ledger.ledger_file import split_csv_rows
from livingreview.ledger.screening import apply_screening, write_pending_sheet
from livingreview.ledger.search_import import import_search, next_record_ids

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "search"
PROTOCOL = {"exclusion_reasons": {"population_not_refractory": "Population not refractory"}}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # sheets carry a BOM
        return list(csv.DictReader(handle))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "ledger.csv", tmp_path / "records.csv")
    (tmp_path / "protocol.yaml").write_text(yaml.safe_dump(PROTOCOL))
    return tmp_path


def run_import(project: Path, export: str, source: str, date: str, tag: str):
    return import_search(
        project / "records.csv",
        FIXTURES / export,
        source=source,
        source_type="database",
        search_date=date,
        sheet=project / f"sheet_{tag}.csv",
        report=project / f"report_{tag}.csv",
    )


def outcomes(result) -> list[tuple[int, str, str, str, str, str]]:
    return [
        (
            o.export_line,
            o.record_id,
            o.outcome,
            o.matched_record,
            o.matched_on,
            ";".join(o.merged_fields),
        )
        for o in result.outcomes
    ]


def test_three_batches_keep_merge_and_report_exactly_the_planted_duplicates(
    project: Path,
) -> None:
    ledger_before = (project / "records.csv").read_bytes()
    first = run_import(project, "batch1.ris", "Embase", "2024-06-01", "1")
    assert outcomes(first) == [
        (1, "L004", "duplicate of ledger record", "L001", "doi", ""),
        (9, "L005", "duplicate of ledger record", "L002", "title+year", ""),
        (16, "L006", "new", "", "", ""),
        (22, "L007", "duplicate of batch record", "L006", "doi", "pmid;journal"),
        (30, "L008", "new", "", "", ""),
        (36, "L009", "new", "", "", ""),
    ]
    second = run_import(project, "batch2.nbib", "MEDLINE", "2024-06-02", "2")
    assert outcomes(second) == [
        (1, "L010", "duplicate of ledger record", "L009", "pmid", ""),
        (6, "L011", "new", "", "", ""),
        (15, "L012", "new", "", "", ""),
    ]
    third = run_import(project, "batch3.csv", "Hand search", "2024-06-03", "3")
    assert outcomes(third) == [
        (2, "L013", "duplicate of ledger record", "L011", "title+year", ""),
        (3, "L014", "new", "", "", ""),
        (4, "L015", "duplicate of batch record", "L014", "title+year", "url"),
        (5, "L016", "new", "", "", ""),
    ]

    ledger = {r["record_id"]: r for r in rows(project / "records.csv")}
    # existing rows are byte-identical and first; every export record was appended
    assert (project / "records.csv").read_bytes().startswith(ledger_before)
    assert list(ledger) == [f"L{i:03d}" for i in range(1, 17)]
    # the kept record gained the identifiers of its within-batch duplicate
    assert ledger["L006"]["pmid"] == "90000003"
    assert ledger["L006"]["journal"] == "Synthetic Psychiatry"
    assert ledger["L014"]["url"] == "https://example.org/synthetic/22"
    # DOIs are stored bare; source, type and date come from the command
    assert ledger["L004"]["doi"] == "10.9999/SYNTH.0001"
    assert ledger["L004"]["duplicate_of"] == "L001"
    assert (ledger["L011"]["source"], ledger["L011"]["search_date"]) == ("MEDLINE", "2024-06-02")
    assert ledger["L011"]["title"].endswith("onto a second line.")
    assert ledger["L011"]["doi"] == "10.9999/synth.0010"
    # the report says what matched and why
    report = rows(project / "report_1.csv")
    assert report[1]["matched_on"] == "title+year"
    assert report[1]["matched_value"] == "synthetic cohort of esketamine users (2020)"
    # only the new records go on the screening sheets, with empty decisions
    assert [r["record_id"] for r in rows(project / "sheet_1.csv")] == ["L006", "L008", "L009"]
    assert [r["record_id"] for r in rows(project / "sheet_3.csv")] == ["L014", "L016"]
    assert all(not r["screening"] for r in rows(project / "sheet_1.csv"))
    assert list(rows(project / "sheet_2.csv")[0]) == list(stage_sheet_columns("screening"))


def test_same_title_and_year_with_a_different_doi_is_not_a_duplicate(project: Path) -> None:
    result = run_import(project, "batch1.ris", "Embase", "2024-06-01", "1")
    kept = {o.export_line: o.outcome for o in result.outcomes}
    assert kept[30] == "new"  # L001's title and year, but DOI 10.9999/synth.0099


def test_pending_sheet_lists_records_awaiting_screening(project: Path) -> None:
    run_import(project, "batch1.ris", "Embase", "2024-06-01", "1")
    count = write_pending_sheet(project / "records.csv", project / "pending.csv")
    assert count == 3
    assert [r["record_id"] for r in rows(project / "pending.csv")] == ["L006", "L008", "L009"]


def _fill(sheet: Path, decisions: dict[str, dict[str, str]]) -> None:
    data = rows(sheet)
    for row in data:
        row.update(decisions.get(row["record_id"], {}))
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(SHEET_COLUMNS))
        writer.writeheader()
        writer.writerows(data)


def test_completed_sheet_updates_only_the_decided_rows(project: Path) -> None:
    run_import(project, "batch1.ris", "Embase", "2024-06-01", "1")
    sheet = project / "sheet_1.csv"
    _fill(
        sheet,
        {
            "L006": {"screening": "exclude", "screening_reason": "synthetic: wrong population"},
            "L008": {
                "screening": "include",
                "retrieval": "retrieved",
                "eligibility": "exclude",
                "exclusion_reason": "population_not_refractory",
            },
        },
    )
    before = split_csv_rows((project / "records.csv").read_text(encoding="utf-8"))[1]
    updated = apply_screening(project / "records.csv", sheet, project / "protocol.yaml").updated
    assert updated == ["L006", "L008"]
    after = split_csv_rows((project / "records.csv").read_text(encoding="utf-8"))[1]
    changed = [b[0]["record_id"] for b, a in zip(before, after, strict=True) if b[1] != a[1]]
    assert changed == ["L006", "L008"]
    after_bytes = (project / "records.csv").read_bytes()
    ledger = {r["record_id"]: r for r in rows(project / "records.csv")}
    assert ledger["L006"]["screening"] == "exclude"
    assert ledger["L008"]["exclusion_reason"] == "population_not_refractory"
    assert ledger["L009"]["screening"] == ""
    # applying the same sheet again is harmless
    again = apply_screening(project / "records.csv", sheet, project / "protocol.yaml")
    assert again.logged == 0
    assert (project / "records.csv").read_bytes() == after_bytes


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        pytest.param(
            {"L006": {"screening": "maybe"}},
            r"sheet_1\.csv:2 \[screening\]",
            id="unknown-decision",
        ),
        pytest.param(
            {"L008": {"screening": "include", "retrieval": "retrieved", "eligibility": "exclude"}},
            r"sheet_1\.csv:3 \[exclusion_reason\]",
            id="exclusion-without-reason",
        ),
        pytest.param(
            {
                "L009": {
                    "screening": "include",
                    "retrieval": "retrieved",
                    "eligibility": "exclude",
                    "exclusion_reason": "too_synthetic",
                }
            },
            r"sheet_1\.csv:4 \[exclusion_reason\]: exclusion reason is not defined",
            id="reason-not-in-protocol",
        ),
    ],
)
def test_bad_sheet_names_file_line_and_column_and_changes_nothing(
    project: Path, decisions, expected
) -> None:
    run_import(project, "batch1.ris", "Embase", "2024-06-01", "1")
    _fill(project / "sheet_1.csv", decisions)
    before = (project / "records.csv").read_bytes()
    with pytest.raises(DataError) as info:
        apply_screening(project / "records.csv", project / "sheet_1.csv", project / "protocol.yaml")
    assert re.search(expected, str(info.value)), str(info.value)
    assert (project / "records.csv").read_bytes() == before


def test_sheet_contradicting_the_ledger_is_refused(project: Path) -> None:
    sheet = project / "old.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        handle.write("record_id,screening\nL002,include\nL003,exclude\n")
    with pytest.raises(DataError) as info:
        apply_screening(project / "records.csv", sheet, project / "protocol.yaml")
    text = str(info.value)
    assert "old.csv:2 [screening]: contradicts the decision already in the ledger" in text
    assert "old.csv:3 [screening]: record was removed before screening" in text


def test_invalid_export_record_stops_import_before_writing(project: Path, tmp_path: Path) -> None:
    export = tmp_path / "bad.csv"
    export.write_text("title,year,pmid\nSynthetic fine record,2020,123\nSynthetic bad,20x0,abc\n")
    before = (project / "records.csv").read_bytes()
    with pytest.raises(DataError) as info:
        import_search(
            project / "records.csv",
            export,
            source="Synthetic",
            source_type="database",
            search_date="2024-06-01",
            sheet=project / "s.csv",
            report=project / "r.csv",
        )
    assert "bad.csv:3 [pmid]" in str(info.value)
    assert (project / "records.csv").read_bytes() == before
    assert not (project / "s.csv").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "TI  - no PMID first\n", "record 1 .no PMID first. has no PMID line", id="no-pmid"
        ),
        pytest.param("PMID- 1\nnot a tag\n", "neither a MEDLINE tag", id="stray-line"),
    ],
)
def test_malformed_pubmed_export_is_reported_with_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.nbib"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        read_export(path)


def test_helpers() -> None:
    assert normalise_title("Éffects of  Ketamine: a TRIAL.") == "effects of ketamine a trial"
    assert next_record_ids(["R001", "R030", "X7"], 2) == ["R031", "R032"]
    assert next_record_ids([], 1) == ["R001"]
    header, parts = split_csv_rows('a,b\n1,"x\ny"\n2,z\n')
    assert header == "a,b\n"
    assert [raw for _, raw in parts] == ['1,"x\ny"\n', "2,z\n"]


# --------------------------------------------------------------------------- #
# Safe imports: batches identified by source, date and content
# --------------------------------------------------------------------------- #


def default_import(project: Path, export: Path, source: str = "Embase"):
    return import_search(
        project / "records.csv",
        export,
        source=source,
        source_type="database",
        search_date="2024-06-01",
        folder=project / "screening",
    )


def test_same_content_twice_is_a_no_op_with_a_message(project: Path, tmp_path: Path) -> None:
    first = default_import(project, FIXTURES / "batch1.ris")
    ledger = (project / "records.csv").read_bytes()
    sheets = sorted(p.name for p in (project / "screening").iterdir())
    copy = tmp_path / "renamed copy.ris"
    shutil.copy(FIXTURES / "batch1.ris", copy)
    again = default_import(project, copy, source="Embase via Ovid")
    assert again.earlier is not None and again.rows == []
    assert f"same content as batch {first.batch}" in again.summary()
    assert "nothing changed" in again.summary()
    assert (project / "records.csv").read_bytes() == ledger
    assert sorted(p.name for p in (project / "screening").iterdir()) == sheets
    log = rows(project / "screening" / "imports.csv")
    assert [r["batch"] for r in log] == ["2024-06-01_embase"]
    assert log[0]["records"] == "6" and log[0]["new"] == "3" and len(log[0]["sha256"]) == 64


def test_another_batch_from_the_same_source_and_date_gets_its_own_sheet(project: Path) -> None:
    first = default_import(project, FIXTURES / "batch1.ris")
    sheet = (project / "screening" / "2024-06-01_embase.csv").read_bytes()
    report = (project / "screening" / "2024-06-01_embase_dedup.csv").read_bytes()
    second = default_import(project, FIXTURES / "batch2.nbib")
    assert (first.batch, second.batch) == ("2024-06-01_embase", "2024-06-01_embase_2")
    assert second.sheet == project / "screening" / "2024-06-01_embase_2.csv"
    assert (project / "screening" / "2024-06-01_embase.csv").read_bytes() == sheet
    assert (project / "screening" / "2024-06-01_embase_dedup.csv").read_bytes() == report
    assert [r["batch"] for r in rows(project / "screening" / "imports.csv")] == [
        "2024-06-01_embase",
        "2024-06-01_embase_2",
    ]
    notes = {r["record_id"]: r["notes"] for r in rows(project / "records.csv")}
    assert notes["L010"].startswith("Imported in batch 2024-06-01_embase_2 from batch2.nbib")


def test_an_existing_sheet_or_report_is_never_overwritten(project: Path) -> None:
    (project / "sheet_1.csv").write_text("typed decisions\n", encoding="utf-8")
    before = (project / "records.csv").read_bytes()
    with pytest.raises(DataError, match=r"sheet_1\.csv: already exists and is never overwritten"):
        run_import(project, "batch1.ris", "Embase", "2024-06-01", "1")
    assert (project / "sheet_1.csv").read_text(encoding="utf-8") == "typed decisions\n"
    assert (project / "records.csv").read_bytes() == before
    assert not (project / "report_1.csv").exists()
    with pytest.raises(DataError, match="never overwritten"):
        write_pending_sheet(project / "records.csv", project / "sheet_1.csv")


def test_sheets_open_in_spreadsheets_and_carry_what_a_reviewer_reads(project: Path) -> None:
    run_import(project, "batch2.nbib", "MEDLINE", "2024-06-02", "2")
    raw = (project / "sheet_2.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 BOM, CRLF
    sheet = rows(project / "sheet_2.csv")
    assert {"abstract", "keywords", "link", "note", "reviewer", "decided_on"} <= set(sheet[0])
    assert sheet[0]["link"] == "https://pubmed.ncbi.nlm.nih.gov/90000005/"

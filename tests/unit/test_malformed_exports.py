"""The malformed-export corpus (tests/fixtures/malformed/): every file is refused with an
error naming the file, the line and the record, and the ledger stays byte-identical."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.errors import DataError
from livingreview.ledger.search_import import import_search

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "malformed"

# file -> (line the error names, what it says)
EXPECTED: dict[str, tuple[int, str]] = {
    "ris_missing_ty.ris": (8, r"record 2 has no TY line"),
    "ris_last_record_missing_er.ris": (8, r"the last record \(record 2, .*\) has no ER line"),
    "ris_truncated.ris": (8, r"the last record \(record 2, .*cut off.*\) has no ER line"),
    "ris_no_er_between_records.ris": (1, r"record 1 \(.*\) has no ER line before the next"),
    "ris_html_page.ris": (1, r"is a web page \(HTML/XML\), not a RIS export"),
    "ris_empty.ris": (1, r"is empty: no RIS records"),
    "ris_latin1.ris": (2, r"is not valid UTF-8 text; found 'byte 0xe9'"),
    "ris_bad_doi.ris": (8, r"\[doi\]: value cannot enter the ledger; found '10.9999 malformed'"),
    "pubmed_missing_pmid.nbib": (5, r"record 2 \(Synthetic MEDLINE record without PMID.\) has no"),
    "pubmed_stray_line.nbib": (3, r"line is neither a MEDLINE tag nor a continuation"),
    "pubmed_html_page.nbib": (1, r"is a web page \(HTML/XML\), not a PubMed"),
    "pubmed_blank.nbib": (1, r"is empty: no PubMed \(MEDLINE\) records"),
    "pubmed_cp1252.txt": (2, r"is not valid UTF-8 text; found 'byte 0x93'"),
    "csv_truncated.csv": (3, r"is not valid CSV .*a quoted cell is not closed"),
    "csv_short_row.csv": (3, r"record 2 has 2 cells but the header has 4"),
    "csv_no_title_column.csv": (1, r"has no title column"),
    "scopus_html_page.csv": (2, r"is a web page \(HTML/XML\), not a CSV export"),
    "wos_last_record_missing_er.txt": (10, r"the last record \(record 2\) has no ER line"),
    "wos_missing_ef.txt": (7, r"the file has no EF line at its end"),
    "wos_tab_truncated.txt": (3, r"record 2 has 3 cells but the header has 6"),
    "cochrane_missing_title.txt": (8, r"record 2 lacks its TI line"),
}


def test_the_corpus_has_at_least_fifteen_files_and_each_is_listed() -> None:
    files = sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md")
    assert len(files) >= 15
    assert files == sorted(EXPECTED)
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in files)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "search" / "ledger.csv", tmp_path / "records.csv")
    return tmp_path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_export_names_file_and_line_and_changes_nothing(project: Path, name: str) -> None:
    line, message = EXPECTED[name]
    before = (project / "records.csv").read_bytes()
    with pytest.raises(DataError) as caught:
        import_search(
            project / "records.csv",
            CORPUS / name,
            source="Synthetic",
            source_type="database",
            search_date="2024-06-01",
            folder=project / "screening",
        )
    problems = caught.value.problems
    assert len(problems) == 1, str(caught.value)
    assert problems[0].file.endswith(name) and problems[0].row == line, str(problems[0])
    assert re.search(message, str(problems[0])), str(problems[0])
    assert (project / "records.csv").read_bytes() == before
    assert not (project / "screening").exists() or not any((project / "screening").iterdir())


def test_the_command_reports_a_malformed_export_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "config").mkdir()
    shutil.copy(FIXTURES / "search" / "ledger.csv", tmp_path / "data" / "records.csv")
    shutil.copy(FIXTURES.parent.parent / "config" / "config.yaml", tmp_path / "config")
    before = (tmp_path / "data" / "records.csv").read_bytes()
    argv = ["--project", str(tmp_path), "import-search", str(CORPUS / "ris_missing_ty.ris")]
    argv += ["--source", "Embase", "--source-type", "database", "--search-date", "2024-06-01"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "ris_missing_ty.ris:8: record 2 has no TY line" in err
    assert "Traceback" not in err
    assert (tmp_path / "data" / "records.csv").read_bytes() == before

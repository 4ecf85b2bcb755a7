"""Every export format review teams have (synthetic fixtures written from each format's
public description, see tests/fixtures/formats/README.md), and decision exports."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from livingreview.errors import DataError
from livingreview.ledger.decision_exports import decisions_to_sheets, rayyan_votes
from livingreview.ledger.export_formats import detect_format, read_export
from livingreview.ledger.names import normalise_author, normalise_journal
from livingreview.ledger.search_import import import_search

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

# file -> (format detected, records, first record: title start, authors, year, journal,
#          doi (as exported), pmid, has abstract)
EXPECTED = {
    "ovid.ris": ("ris", 2, "Synthetic Ovid record", "Alpha AB; Beta C", "2021",
                 "Journal of Synthetic Psychiatry", "https://dx.doi.org/10.9999/fmt.0001",
                 "92000001", True),
    "embase.ris": ("ris", 2, "Synthetic Embase record", "Delta E; Epsilon FG", "2023",
                   "Synthetic Anxiety Reports", "10.9999/fmt.0003", "", True),
    "ebsco.ris": ("ris", 1, "Synthetic EBSCO record", "Zeta H; Eta I", "2020",
                  "Synthetic Journal of Compulsive Disorders", "10.9999/fmt.0004", "", True),
    "zotero.ris": ("ris", 1, "Synthetic Zotero record", "Theta J; Iota KH", "2024",
                   "Synthetic Trauma Review", "10.9999/fmt.0005", "92000005", True),
    "endnote.ris": ("ris", 1, "Synthetic EndNote record", "Kappa L; Lambda M", "2019",
                    "Synthetic Panic Studies", "10.9999/fmt.0006", "92000006", True),
    "pubmed.nbib": ("pubmed", 2, "Synthetic Ovid record", "Alpha AB; Beta C", "2021",
                    "Journal of synthetic psychiatry", "10.9999/fmt.0001", "92000001", True),
    "wos.txt": ("wos", 2, "Synthetic Ovid record", "Alpha AB; Beta C", "2021",
                "Journal of Synthetic Psychiatry", "10.9999/fmt.0001", "92000001", True),
    "wos_tab.txt": ("tab", 2, "Synthetic Web of Science record", "Nu O", "2022",
                    "Synthetic Sleep Medicine", "10.9999/fmt.0008", "", True),
    "scopus.csv": ("csv", 2, "Synthetic Scopus record", "Pi Q; Rho ST", "2022",
                   "Synthetic Cohort Studies", "10.9999/fmt.0010", "92000010", True),
    "cochrane_central.txt": ("cochrane", 2, "Synthetic CENTRAL record", "Sigma T; Tau U",
                             "2020", "Synthetic Trials Register", "10.9999/fmt.0011", "", True),
    "clinicaltrials.csv": ("csv", 1, "Synthetic Registered Trial", "", "2019", "", "", "",
                           True),
    "ictrp.xml": ("ictrp", 2, "Synthetic ICTRP trial", "", "2015", "", "", "", True),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_is_read_with_names_in_the_ledger_format(name: str) -> None:
    fmt, count, title, authors, year, journal, doi, pmid, abstract = EXPECTED[name]
    assert detect_format(FORMATS / name) == fmt
    records = read_export(FORMATS / name)
    assert len(records) == count
    first = records[0]
    assert first.fields["title"].startswith(title)
    assert (first.fields["authors"], first.fields["year"]) == (authors, year)
    assert (first.fields["journal"], first.fields["doi"]) == (journal, doi)
    assert first.fields["pmid"] == pmid
    assert bool(first.extra["abstract"]) is abstract


def test_register_exports_give_a_link_and_the_trial_id() -> None:
    ctgov = read_export(FORMATS / "clinicaltrials.csv")[0]
    assert ctgov.fields["url"] == "https://clinicaltrials.gov/study/NCT99000012"
    assert ctgov.extra["register_id"] == "NCT99000012"
    ictrp = read_export(FORMATS / "ictrp.xml")
    assert [r.extra["register_id"] for r in ictrp] == ["ACTRN99000000000013", "NCT99000012"]
    assert ictrp[0].line == 3  # the line of its <Trial> element


def test_truncated_ictrp_xml_names_its_line(tmp_path: Path) -> None:
    text = (FORMATS / "ictrp.xml").read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("</Trial>") + 20], encoding="utf-8")
    with pytest.raises(DataError, match=r"cut\.xml:\d+: is not complete XML"):
        read_export(cut)


def test_name_normalisation() -> None:
    assert normalise_author("Glue, Paul J.") == "Glue PJ"
    assert normalise_author("Paul Glue") == "Glue P"
    assert normalise_author("GLUE, P") == "Glue P"
    assert normalise_author("Van der Berg, J") == "Van der Berg J"
    assert normalise_journal("JOURNAL OF PSYCHOPHARMACOLOGY") == "Journal of Psychopharmacology"
    assert normalise_journal("BMJ Open") == "BMJ Open"


def test_duplicates_across_formats_are_found(tmp_path: Path) -> None:
    shutil.copy(FORMATS.parent / "search" / "ledger.csv", tmp_path / "records.csv")
    counts = []
    for name in ("ovid.ris", "pubmed.nbib", "wos.txt", "scopus.csv", "embase.ris"):
        result = import_search(
            tmp_path / "records.csv",
            FORMATS / name,
            source=name,
            source_type="database",
            search_date="2024-06-01",
            folder=tmp_path / "screening",
        )
        counts.append((len(result.new), len(result.duplicates)))
    # fmt.0001 is in all five; fmt.0003 in Scopus then Embase; fmt.0008 in WoS only here
    assert counts == [(2, 0), (1, 1), (1, 1), (2, 0), (0, 2)]


# --------------------------------------------------------------------------- #
# Decision exports
# --------------------------------------------------------------------------- #


def test_rayyan_notes() -> None:
    votes, reasons = rayyan_votes(
        'RAYYAN-INCLUSION: {"Ana"=>"Included", "Ben"=>"Excluded"} | '
        "RAYYAN-EXCLUSION-REASONS: wrong population"
    )
    assert votes == {"Ana": "include", "Ben": "exclude"}
    assert reasons == "wrong population"
    assert rayyan_votes('RAYYAN-INCLUSION: {"Ana"=>"Maybe"}') == ({}, "")


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    shutil.copy(FORMATS.parent / "search" / "ledger.csv", tmp_path / "records.csv")
    for name in ("ovid.ris", "embase.ris", "ebsco.ris"):
        import_search(
            tmp_path / "records.csv",
            FORMATS / name,
            source=name,
            source_type="database",
            search_date="2024-06-01",
            folder=tmp_path / "screening",
        )
    return tmp_path


def sheet_decisions(path: Path) -> list[tuple[str, str, str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            (r["record_id"], r["screening"], r["screening_reason"], r["reviewer"])
            for r in csv.DictReader(handle)
        ]


def test_rayyan_export_gives_one_completed_sheet_per_reviewer(imported: Path) -> None:
    sheets = decisions_to_sheets(
        imported / "records.csv", FORMATS / "rayyan.csv", imported / "screening", tool="rayyan"
    )
    assert [p.name for p in sheets] == ["rayyan_ana.csv", "rayyan_ben.csv"]
    assert sheet_decisions(sheets[0]) == [
        ("L004", "include", "", "Ana"),
        ("L006", "include", "", "Ana"),
    ]
    assert sheet_decisions(sheets[1]) == [
        ("L004", "include", "", "Ben"),
        ("L006", "exclude", "wrong population", "Ben"),
        ("L008", "exclude", "", "Ben"),
    ]
    with pytest.raises(DataError, match="never overwritten"):
        decisions_to_sheets(
            imported / "records.csv", FORMATS / "rayyan.csv", imported / "screening", tool="rayyan"
        )


def test_asreview_and_covidence_exports(imported: Path) -> None:
    folder = imported / "screening"
    (asr,) = decisions_to_sheets(
        imported / "records.csv", FORMATS / "asreview.csv", folder, tool="asreview", reviewer="Cy"
    )
    assert sheet_decisions(asr) == [("L004", "include", "", "Cy"), ("L006", "exclude", "", "Cy")]
    (cov,) = decisions_to_sheets(
        imported / "records.csv",
        FORMATS / "covidence_included.csv",
        folder,
        tool="covidence",
        reviewer="Cy",
        decision="include",
    )
    assert sheet_decisions(cov) == [("L004", "include", "", "Cy")]
    with pytest.raises(DataError, match="--decision"):
        decisions_to_sheets(
            imported / "records.csv", FORMATS / "covidence_included.csv", folder,
            tool="covidence", reviewer="Cy",
        )  # fmt: skip


def test_a_decision_for_a_record_not_in_the_ledger_is_refused(tmp_path: Path) -> None:
    shutil.copy(FORMATS.parent / "search" / "ledger.csv", tmp_path / "records.csv")
    with pytest.raises(DataError, match=r"rayyan\.csv:2: record matches no ledger record"):
        decisions_to_sheets(
            tmp_path / "records.csv", FORMATS / "rayyan.csv", tmp_path, tool="rayyan"
        )
    assert not list(tmp_path.glob("rayyan_*.csv"))

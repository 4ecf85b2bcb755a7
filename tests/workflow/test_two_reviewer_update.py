"""A full two-reviewer living update of the synthetic fixture review, through the CLI.

SYNTHETIC DATA: the fixture review (fixture_review.py) plus the synthetic exports
of tests/fixtures/formats/. Three formats are imported (RIS, PubMed, Scopus CSV;
PubMed twice), duplicates removed, two reviewers screen titles/abstracts and
assess full texts on their own sheets, a disagreement is resolved, full texts
are retrieved, the new study is linked and extracted, and version 1.0 is
released. Every box of the flow diagram is asserted after every stage, with the
records waiting at each stage, the agreement (Cohen's kappa) and that no sheet,
report or log was ever overwritten.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
import yaml

from livingreview.cli import main
from livingreview.living.make_release import ReleaseBuild, make_release
from livingreview.prisma.counts import derive_counts, read_reason_labels
from livingreview.prisma.model import awaiting_counts
from livingreview.validation import load_table

from .fixture_review import make_fixture_review, rob_row

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
NOT_REFRACTORY = "Population not treatment-refractory"

# The fixture review before the update: six citation-search records (R1-R6).
BEFORE = {
    "previous_studies": None, "previous_reports": None,
    "database_results": 0, "database_specific": {}, "register_results": 0,
    "register_specific": {}, "duplicates": 0, "excluded_automatic": 0, "excluded_other": 0,
    "records_screened": 0, "records_excluded": 0, "dbr_sought_reports": 0,
    "dbr_notretrieved_reports": 0, "dbr_assessed": 0, "dbr_excluded": {},
    "website_results": 0, "organisation_results": 0, "citations_results": 6,
    "other_sought_reports": 4, "other_notretrieved_reports": 0, "other_assessed": 4,
    "other_excluded": {NOT_REFRACTORY: 1}, "new_studies": 2, "new_reports": 3,
    "total_studies": 2, "total_reports": 3, "total_studies_ma": None, "total_reports_ma": None,
    # The fixture ledger does not record what was read, so box 14 is not split.
    "dbr_assessed_full_text": None, "dbr_assessed_without_full_text": None,
    "other_assessed_full_text": None, "other_assessed_without_full_text": None,
    # Not an update: no decision on a record of a previous version could change.
    "withdrawn_studies": None, "withdrawn_reports": None, "withdrawn_reasons": None,
    "reassessed_reports": None, "reassessed_studies": None,
}  # fmt: skip
NONE_WAITING = {"screening": 0, "retrieval": 0, "eligibility": 0, "linking": 0, "total": 0}


def cli(project: Path, *args: str) -> int:
    return main(["--project", str(project), *args])


def flow(project: Path) -> tuple[dict, dict]:
    """Every box of the flow diagram, and the records waiting at each stage."""
    ledger = load_table(project / "data" / "records.csv", "records")
    reasons = read_reason_labels(project / "data" / "protocol.yaml")
    counts = derive_counts(ledger, reasons)
    boxes = {
        k: (dict(v) if isinstance(v, dict) else v) for k, v in dataclasses.asdict(counts).items()
    }
    return boxes, awaiting_counts(ledger)


def waiting(**stages: int) -> dict[str, int]:
    return {**NONE_WAITING, **stages, "total": sum(stages.values())}


def fill(sheet: Path, decisions: dict[str, dict[str, str]]) -> None:
    """What a reviewer does in the spreadsheet: fill cells, save as CSV UTF-8."""
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["record_id"] for r in rows} >= set(decisions), sheet
    for row in rows:
        row.update(decisions.get(row["record_id"], {}))
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


class Files:
    """Bytes of every file under screening/: written files never change afterwards,
    except the two logs, which only grow."""

    LOGS = ("imports.csv", "decisions.csv")

    def __init__(self, folder: Path) -> None:
        self.folder, self.seen = folder, {}

    def check(self, edited: tuple[str, ...] = ()) -> None:
        for name, old in self.seen.items():
            new = (self.folder / name).read_bytes()
            if name in self.LOGS:
                assert new.startswith(old), f"{name} was rewritten, not appended to"
            elif name not in edited:
                assert new == old, f"{name} was overwritten"
        self.seen = {p.name: p.read_bytes() for p in self.folder.iterdir()}


def include(who: str, **more: str) -> dict[str, str]:
    return {"screening": "include", "reviewer": who, **more}


def exclude(who: str, **more: str) -> dict[str, str]:
    return {"screening": "exclude", "reviewer": who, **more}


class VariablesOnlyBuild(ReleaseBuild):
    """The release's build runs the real workflow up to ``_variables.yml`` (the numbers
    the snapshot keeps); the rendered PDF/DOCX are stand-ins, because rendering is
    tested by tests/workflow/test_build.py and takes minutes."""

    def run(self, wanted, targets=()):
        out = super().run(["_variables.yml"], targets=["_variables.yml"])
        for name in wanted:
            if name.startswith("_book/"):
                out[Path(name).name] = b"synthetic stand-in for the rendered " + name.encode()
        return out


@pytest.mark.workflow
def test_two_reviewer_update_from_import_to_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_fixture_review(tmp_path)
    protocol_file = project / "data" / "protocol.yaml"
    protocol = yaml.safe_load(protocol_file.read_text(encoding="utf-8"))
    protocol["screening"] = {"reviewers": 2}
    protocol_file.write_text(yaml.safe_dump(protocol, sort_keys=False), encoding="utf-8")
    folder = project / "screening"
    files = Files(folder)
    assert flow(project) == (BEFORE, NONE_WAITING)

    # --- 1. import three formats, one of them twice -------------------------------
    def search(export: str, source: str, date: str) -> int:
        return cli(
            project, "import-search", str(FORMATS / export), "--source", source,
            "--source-type", "database", "--search-date", date,
        )  # fmt: skip

    assert search("ovid.ris", "MEDLINE (Ovid)", "2024-06-01") == 0  # R7 fmt.0001, R8
    assert search("pubmed.nbib", "PubMed", "2024-06-01") == 0  # R9 = R7, R10 new
    capsys.readouterr()
    ledger_bytes = (project / "data" / "records.csv").read_bytes()
    assert search("pubmed.nbib", "PubMed", "2024-06-01") == 0
    assert "nothing changed" in capsys.readouterr().out
    assert (project / "data" / "records.csv").read_bytes() == ledger_bytes
    assert search("scopus.csv", "Scopus", "2024-06-02") == 0  # R11 fmt.0010, R12 fmt.0003
    files.check()
    assert sorted(files.seen) == [
        "2024-06-01_medline_ovid.csv", "2024-06-01_medline_ovid_dedup.csv",
        "2024-06-01_pubmed.csv", "2024-06-01_pubmed_dedup.csv",
        "2024-06-02_scopus.csv", "2024-06-02_scopus_dedup.csv", "imports.csv",
    ]  # fmt: skip
    after_import = {
        **BEFORE, "database_results": 1, "database_specific": {"PubMed": 1}, "duplicates": 1
    }  # fmt: skip
    assert flow(project) == (after_import, waiting(screening=5))

    # --- 2. two reviewers screen titles and abstracts on their own sheets ---------
    assert cli(project, "screening-sheet", str(folder / "ta_ana.csv"), "--reviewer", "Ana") == 0
    assert cli(project, "screening-sheet", str(folder / "ta_ben.csv"), "--reviewer", "Ben") == 0
    files.check()
    fill(folder / "ta_ana.csv", {
        "R7": include("Ana"), "R8": exclude("Ana"), "R10": include("Ana"),
        "R11": include("Ana"), "R12": exclude("Ana", screening_reason="not anxiety"),
    })  # fmt: skip
    fill(folder / "ta_ben.csv", {
        "R7": include("Ben"), "R8": exclude("Ben"), "R10": exclude("Ben", note="no ketamine?"),
        "R11": include("Ben"), "R12": exclude("Ben", screening_reason="not anxiety"),
    })  # fmt: skip
    assert cli(project, "apply-screening", str(folder / "ta_ana.csv")) == 0
    assert flow(project) == (after_import, waiting(screening=5))  # one reviewer settles nothing
    assert cli(project, "apply-screening", str(folder / "ta_ben.csv")) == 0
    files.check(edited=("ta_ana.csv", "ta_ben.csv"))
    capsys.readouterr()
    assert cli(project, "conflicts", "--output", str(folder / "conflicts_ta.csv")) == 1
    out = capsys.readouterr().out
    assert "R10 (screening): Ana: include | Ben: exclude" in out
    assert cli(project, "status") == 1
    assert "record R10 (screening): reviewers disagree" in capsys.readouterr().out
    fill(folder / "conflicts_ta.csv", {"R10": include("Cat", note="discussed: ketamine arm")})
    assert cli(project, "apply-screening", str(folder / "conflicts_ta.csv")) == 0
    assert cli(project, "conflicts") == 0
    files.check(edited=("conflicts_ta.csv",))
    after_screening = {
        **after_import, "database_results": 3, "database_specific": {"MEDLINE (Ovid)": 1,
        "PubMed": 1, "Scopus": 1}, "records_screened": 2, "records_excluded": 2,
    }  # fmt: skip
    assert flow(project) == (after_screening, waiting(retrieval=3))

    # --- 3. full texts are retrieved (a fact: one person records it) --------------
    sheet = folder / "retrieval.csv"
    assert cli(project, "screening-sheet", str(sheet), "--stage", "retrieval") == 0
    fill(sheet, {"R7": {"retrieval": "retrieved"}, "R10": {"retrieval": "retrieved"},
                 "R11": {"retrieval": "not_retrieved", "note": "no library access"}})  # fmt: skip
    assert cli(project, "apply-screening", str(sheet), "--reviewer", "Ana") == 0
    files.check(edited=("retrieval.csv",))
    after_retrieval = {
        **after_screening, "database_results": 4,
        "database_specific": {"MEDLINE (Ovid)": 1, "PubMed": 1, "Scopus": 2},
        "records_screened": 3, "dbr_sought_reports": 1, "dbr_notretrieved_reports": 1,
    }  # fmt: skip
    assert flow(project) == (after_retrieval, waiting(eligibility=2))

    # --- 4. two reviewers assess eligibility, with reasons -------------------------
    for who in ("Ana", "Ben"):
        sheet = folder / f"ft_{who.lower()}.csv"
        assert cli(project, "screening-sheet", str(sheet), "--stage", "eligibility",
                   "--reviewer", who) == 0  # fmt: skip
        fill(sheet, {
            "R7": {"eligibility": "include"},
            "R10": {"eligibility": "exclude", "exclusion_reason": "population_not_refractory"},
        })  # fmt: skip
        assert cli(project, "apply-screening", str(sheet)) == 0
    files.check(edited=("ft_ana.csv", "ft_ben.csv"))
    after_eligibility = {
        **after_retrieval, "database_results": 5, "database_specific": {
            "MEDLINE (Ovid)": 1, "PubMed": 2, "Scopus": 2},
        "records_screened": 4, "dbr_sought_reports": 2, "dbr_assessed": 1,
        "dbr_excluded": {NOT_REFRACTORY: 1},
    }  # fmt: skip
    assert flow(project) == (after_eligibility, waiting(linking=1))

    # --- 5. the included report is linked to its (new) study ------------------------
    sheet = folder / "linking.csv"
    assert cli(project, "screening-sheet", str(sheet), "--stage", "linking") == 0
    fill(sheet, {"R7": {"study_id": "delta2021", "bib_key": "delta2021"}})
    assert cli(project, "apply-screening", str(sheet), "--reviewer", "Ana") == 0
    files.check(edited=("linking.csv",))
    after_linking = {
        **after_eligibility, "database_results": 6,
        "database_specific": {"MEDLINE (Ovid)": 2, "PubMed": 2, "Scopus": 2},
        "records_screened": 5, "dbr_sought_reports": 3, "dbr_assessed": 2,
        "new_studies": 3, "new_reports": 4, "total_studies": 3, "total_reports": 4,
    }  # fmt: skip
    assert flow(project) == (after_linking, NONE_WAITING)
    capsys.readouterr()
    assert cli(project, "status") == 1
    out = capsys.readouterr().out
    assert "study delta2021: lacks study row" in out and "outcomes; risk of bias" in out

    # --- 6. extraction: the study's row, sources, outcomes, risk of bias, reference ---
    data = project / "data"
    with (data / "studies.csv").open("a", encoding="utf-8", newline="") as handle:
        header = (data / "studies.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        csv.DictWriter(handle, fieldnames=header).writerow({
            "study_id": "delta2021", "bib_key": "delta2021", "diagnosis_group":
            "anxiety_disorders", "design_class": "single_arm", "design": "Synthetic open-label",
            "blinding": "none", "comparator": "none", "n": "9", "diagnosis": "GAD",
            "refractory_definition": "synthetic", "route": "IV", "dose": "0.5 mg/kg",
            "schedule": "single infusion", "dosing": "single", "anxiety_scales": "HAM-A",
            "timepoints": "24 h", "main_finding": "Synthetic finding",
            "effect_duration": "synthetic", "adverse_effects": "synthetic",
        })  # fmt: skip
    with (data / "extraction_sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("delta2021,*,synthetic:fixture,synthetic test data\n")
        # the fixture's studies leave cells empty: the extractor confirms each is not reported
        for field in ("refractory_definition", "timepoints", "adverse_effects"):
            handle.write(f"alpha2019,{field},synthetic:fixture,not reported\n")
        for field in (
            "blinding",
            "comparator",
            "refractory_definition",
            "dose",
            "schedule",
            "anxiety_scales",
            "timepoints",
            "effect_duration",
            "adverse_effects",
        ):
            handle.write(f"beta2021,{field},synthetic:fixture,not reported\n")  # fmt: skip
    outcomes = (data / "outcomes.csv").read_text(encoding="utf-8").splitlines()
    (data / "outcomes.csv").write_text(
        "\n".join([*outcomes, outcomes[1].replace("alpha2019", "delta2021", 1)]) + "\n",
        encoding="utf-8",
    )
    rob = rob_row("delta2021", "ROBINS-I", ["Serious"] + ["No information"] * 6 + ["Serious"], "9")
    with (data / "risk_of_bias.csv").open("a", encoding="utf-8", newline="") as handle:
        header = (data / "risk_of_bias.csv").read_text(encoding="utf-8").splitlines()[0]
        csv.DictWriter(handle, fieldnames=header.split(",")).writerow(rob)
    with (project / "refs" / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write("\n@article{delta2021,\n  author = {Alpha, Anna B.},\n  title = {Synthetic "
                     "Ovid record},\n  journal = {Journal of Synthetic Psychiatry},\n"
                     "  year = {2021}\n}\n")  # fmt: skip
    capsys.readouterr()
    assert cli(project, "status") == 0
    summary = "nothing to do: no record awaits a decision and all 3 included studies are complete"
    assert capsys.readouterr().out.strip() == summary
    assert cli(project, "validate") == 0
    assert capsys.readouterr().out.splitlines()[-1] == summary

    # --- 7. release: the numbers of the flow diagram and the agreement are kept -------
    folder_10 = make_release(
        project, version="1.0", release_date="2024-07-01", note="Synthetic first update",
        builder=VariablesOnlyBuild,
    )  # fmt: skip
    snapshot = yaml.safe_load((folder_10 / "release.yaml").read_text(encoding="utf-8"))
    prisma = snapshot["prisma"]
    assert prisma["records"]["identified_databases"] == 6
    assert prisma["records"]["duplicates"] == 1
    assert prisma["records"]["screened_dbr"] == 5 and prisma["records"]["excluded_dbr"] == 2
    assert prisma["reports"]["dbr_sought"] == 3 and prisma["reports"]["dbr_not_retrieved"] == 1
    assert prisma["reports"]["dbr_excluded"] == 1
    assert prisma["studies"]["total"] == 3 and prisma["reports"]["total"] == 4
    agreement = snapshot["variables"]["screening"]
    # title/abstract: 4 of 5 agree; Ana included 3/5, Ben 2/5: pe 0.48, kappa 0.32/0.52
    assert agreement["screening"] == {"records": 5, "agreement_percent": 80.0, "kappa": "0.62"}
    assert agreement["eligibility"] == {
        "records": 2,
        "agreement_percent": 100.0,
        "kappa": "1.00",
    }
    assert "Two reviewers independently screened" in agreement["statement"]
    decisions = list(csv.DictReader((folder / "decisions.csv").open(encoding="utf-8")))
    assert all(d["reviewer"] and d["decided_on"] for d in decisions)
    assert [d["reviewer"] for d in decisions if d["role"] == "resolution"] == ["Cat"]
    files.check()

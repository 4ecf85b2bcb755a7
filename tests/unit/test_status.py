"""`livingreview status`: the to-do list of records and included studies (synthetic data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.evidence.status import review_status

HEADER = (
    "record_id,source_type,source,search_date,title,screening,retrieval,eligibility,"
    "exclusion_reason,study_id,bib_key\n"
)
COMPLETE = "R1,database,MEDLINE,2024-01-01,Synthetic A,include,retrieved,include,,synthA,synthA\n"
WAITING = (
    "R2,database,MEDLINE,2024-01-01,Synthetic B,,,,,,\n"
    "R3,database,MEDLINE,2024-01-01,Synthetic C,include,,,,,\n"
    "R4,website,Web,2024-01-01,Synthetic D,,retrieved,,,,\n"
    "R5,database,MEDLINE,2024-01-01,Synthetic E,include,retrieved,include,,,\n"
    "R6,database,MEDLINE,2024-01-01,Synthetic F,include,retrieved,include,,synthB,synthB\n"
)


def write_review(folder: Path, records: str, *, outcomes_for=("synthA",)) -> dict[str, Path]:
    files = {
        "records": folder / "records.csv",
        "studies": folder / "studies.csv",
        "sources": folder / "sources.csv",
        "bibliography": folder / "refs.bib",
        "outcomes": folder / "outcomes.csv",
        "risk_of_bias": folder / "rob.csv",
    }
    files["records"].write_text(HEADER + records, encoding="utf-8")
    files["studies"].write_text(
        "study_id,bib_key,design,n\nsynthA,synthA,RCT,20\nsynthB,synthB,,\n", encoding="utf-8"
    )
    files["sources"].write_text(
        "study_id,field,source\nsynthA,*,https://example.org/a\n", encoding="utf-8"
    )
    files["bibliography"].write_text(
        "@article{synthA, title={Synthetic A}, year={2024}}\n", encoding="utf-8"
    )
    files["outcomes"].write_text(
        "study_id,domain\n" + "".join(f"{s},anxiety\n" for s in outcomes_for), encoding="utf-8"
    )
    files["risk_of_bias"].write_text("study_id,overall\nsynthA,Low\n", encoding="utf-8")
    return files


def test_every_waiting_record_and_every_missing_piece_is_listed(tmp_path: Path) -> None:
    files = write_review(tmp_path, COMPLETE + WAITING)
    status = review_status(**files)
    assert status.awaiting == {
        "screening": ["R2"],
        "retrieval": ["R3"],
        "eligibility": ["R4"],
        "linking": ["R5"],
    }
    assert status.studies == {
        "synthB": {
            "extraction values": ["design", "n"],
            "outcomes": [],
            "risk of bias": [],
            "bib entry": ["synthB"],
        }
    }
    assert not status.complete
    assert status.summary() == (
        "to do: 4 records await a decision (title/abstract screening 1, full-text retrieval 1, "
        "full-text eligibility 1, linking to its study 1); 1 of 2 included studies are "
        "incomplete (extraction values 1, outcomes 1, risk of bias 1, bib entry 1)"
    )
    assert "study synthB: lacks extraction values: design, n; outcomes; risk of bias; " in (
        "\n".join(status.lines())
    )


def test_an_included_study_without_outcome_rows_is_reported(tmp_path: Path) -> None:
    files = write_review(tmp_path, COMPLETE, outcomes_for=())
    files["studies"].write_text("study_id,bib_key,design,n\nsynthA,synthA,RCT,20\n")
    status = review_status(**files)
    assert status.studies == {"synthA": {"outcomes": []}}
    assert "outcomes 1" in status.summary()


def test_values_without_sources_are_listed(tmp_path: Path) -> None:
    files = write_review(tmp_path, COMPLETE)
    files["studies"].write_text("study_id,bib_key,design,n\nsynthA,synthA,RCT,20\n")
    files["sources"].write_text("study_id,field,source\nsynthA,design,https://example.org\n")
    assert review_status(**files).studies == {"synthA": {"sources": ["n"]}}


def test_nothing_missing_gives_exit_status_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "config").mkdir()
    files = write_review(tmp_path / "data", COMPLETE)
    files["studies"].write_text("study_id,bib_key,design,n\nsynthA,synthA,RCT,20\n")
    config = "data:\n" + "".join(
        f"  {key}: data/{path.name}\n"
        for key, path in {
            "protocol": Path("protocol.yaml"),
            "records": files["records"],
            "studies": files["studies"],
            "extraction_sources": files["sources"],
            "outcomes": files["outcomes"],
            "risk_of_bias": files["risk_of_bias"],
            "effects": Path("effects.csv"),
            "bibliography": files["bibliography"],
        }.items()
    )
    effects_header = (
        (Path(__file__).parents[2] / "data" / "effects.csv").read_text().splitlines()[0]
    )
    (tmp_path / "data" / "effects.csv").write_text(effects_header + "\n")
    (tmp_path / "config" / "config.yaml").write_text(
        config + "render:\n  backend: auto\n  formats: [html]\n", encoding="utf-8"
    )
    assert main(["--project", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        "nothing to do: no record awaits a decision and all 1 included studies are complete"
    )
    (tmp_path / "data" / "records.csv").write_text(HEADER + COMPLETE + WAITING, encoding="utf-8")
    assert main(["--project", str(tmp_path), "status"]) == 1
    assert "record R2: awaits title/abstract screening" in capsys.readouterr().out


def test_validate_prints_the_same_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    from livingreview.evidence.status import configured_status

    root = Path(__file__).resolve().parents[2]
    assert main(["--project", str(root), "validate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == configured_status(root).summary()


def test_validate_checks_the_effects_the_build_pools(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`livingreview validate` reads data/effects.csv as the meta-analysis rule does: a
    bad row is reported there, not first by the build (it said "data are valid")."""
    import shutil

    root = Path(__file__).resolve().parents[2]
    for name in ("data", "refs", "config"):
        shutil.copytree(root / name, tmp_path / name)
    effects = tmp_path / "data" / "effects.csv"
    header = effects.read_text(encoding="utf-8").splitlines()[0]
    effects.write_text(f"{header}\nnobody2020{',' * header.count(',')}\n", encoding="utf-8")
    assert main(["--project", str(tmp_path), "validate"]) == 1
    out = capsys.readouterr()
    assert "effects.csv:2 [analysis]: required value is empty" in out.out + out.err
    effects.write_text("", encoding="utf-8")
    assert main(["--project", str(tmp_path), "validate"]) == 1
    out = capsys.readouterr()
    assert "effects.csv: is empty" in out.out + out.err


def test_validate_reads_each_data_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`livingreview validate` takes its to-do line from the data it has just validated
    (as the build's validate_data does) instead of reading the ledger, studies and
    bibliography a second time."""
    root = Path(__file__).resolve().parents[2]
    data = {(root / "data" / name).resolve(): 0 for name in ("records.csv", "studies.csv")}
    read_bytes = Path.read_bytes

    def counting(path: Path) -> bytes:
        if path.resolve() in data:
            data[path.resolve()] += 1
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counting)
    assert main(["--project", str(root), "validate"]) == 0
    assert set(data.values()) == {1}, data


@pytest.mark.parametrize("review", ["shipped", "scaled"])
def test_the_build_lists_the_same_from_the_validated_data(review: str, tmp_path: Path) -> None:
    """validate_data takes the ledger, studies and bibliography keys it has validated
    (validated_review_status) instead of reading them again: the same to-do list."""
    from livingreview.config import load_config
    from livingreview.evidence.review_data import load_configured_data
    from livingreview.evidence.status import validated_review_status

    root = Path(__file__).resolve().parents[2]
    if review == "scaled":
        from tests.workflow.fixture_review import make_scaled_review

        root = make_scaled_review(tmp_path, 30, 300)
    files = {k: root / v for k, v in load_config(root / "config/config.yaml", root)["data"].items()}
    data = load_configured_data(root)
    decisions = root / "screening" / "decisions.csv"
    expected = review_status(
        files["records"], files["studies"], files["extraction_sources"],
        files["bibliography"], files["outcomes"], files["risk_of_bias"], decisions,
    )  # fmt: skip
    status = validated_review_status(data, files["outcomes"], files["risk_of_bias"], decisions)
    assert status == expected
    assert status.studies or any(status.awaiting.values()) or review == "shipped"

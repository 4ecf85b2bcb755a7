"""Tests for livingreview.evidence: schema and cross-file checks of the source data.

Each bad input is a small edit of a valid fixture review written to tmp_path;
every test asserts that the problem names the file, the line and the column.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from livingreview.errors import DataError, Problem
from livingreview.evidence.review_data import (
    ReviewData,
    load_protocol,
    load_review_data,
    schema_markdown,
    write_validated,
)

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT.parent / "shared" / "evidence" / "candidate_studies.csv"

PROTOCOL = """\
question: Does the drug help?
eligibility:
  - id: P1
    domain: population
    text: Adults.
  - id: O1
    domain: outcome
    text: A validated scale.
exclusion_reasons:
  wrong_population: "Wrong population"
  no_outcome: "No outcome"
diagnosis_groups:
  anxiety: "Anxiety disorders"
design_classes:
  rct_parallel: "Parallel RCT"
  rct_crossover: "Crossover RCT"
  non_randomised_controlled: "Non-randomised controlled"
  single_arm: "Single arm"
  observational: "Observational"
search:
  methods: Citation searching.
"""

RECORDS = """\
record_id,source_type,source,search_date,title,year,duplicate_of,screening,retrieval,eligibility,exclusion_reason,study_id,bib_key
R001,citation_search,Citations,2026-11-01,Trial one,2017,,include,retrieved,include,,s1,one2017
R002,citation_search,C,2026-11-01,Trial two,2018,,include,retrieved,exclude,no_outcome,,two2018
R003,citation_search,Citations,2026-11-01,Again,2017,R001,,,,,,
R004,citation_search,Citations,2026-11-01,Follow-up,2019,,include,retrieved,include,,s1,three2019
"""

STUDIES = """\
study_id,bib_key,diagnosis_group,design_class,n,route
s1,one2017,anxiety,single_arm,12,SC
"""

SOURCES = """\
study_id,field,source,note
s1,*,https://pubmed.ncbi.nlm.nih.gov/1/,abstract
"""

BIB = """\
@article{one2017,
  title = {Trial one},
  year = {2017}
}

@article{two2018,
  title = {Trial two},
  year = {2018}
}

@article{three2019,
  title = {Trial one follow-up},
  year = {2019}
}
"""

NAMES = {
    "protocol": "protocol.yaml",
    "records": "records.csv",
    "studies": "studies.csv",
    "sources": "extraction_sources.csv",
    "bibliography": "references.bib",
}


def fixture_texts() -> dict[str, str | bytes]:
    return {
        "protocol": PROTOCOL,
        "records": RECORDS,
        "studies": STUDIES,
        "sources": SOURCES,
        "bibliography": BIB,
    }


def write_review(tmp_path: Path, texts: dict[str, str | bytes]) -> dict[str, Path]:
    paths = {}
    for key, text in texts.items():
        path = tmp_path / NAMES[key]
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        paths[key] = path
    return paths


def load(paths: dict[str, Path]) -> ReviewData:
    return load_review_data(**paths)


def test_valid_fixture_loads(tmp_path: Path) -> None:
    data = load(write_review(tmp_path, fixture_texts()))
    assert list(data.records["record_id"]) == ["R001", "R002", "R003", "R004"]
    assert data.bib_keys == {"one2017", "two2018", "three2019"}
    assert data.studies["n"].tolist() == [12]  # an int, not 12.0


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: "\ufeff" + t, id="bom"),
        pytest.param(lambda t: "\ufeff" + t.replace("\n", "\r\n"), id="bom-crlf"),
    ],
)
def test_spreadsheet_encodings_are_accepted(tmp_path: Path, edit: Callable[[str], str]) -> None:
    texts = {k: edit(v) for k, v in fixture_texts().items() if isinstance(v, str)}
    data = load(write_review(tmp_path, texts))
    assert len(data.records) == 4


def replace(key: str, old: str, new: str) -> Callable[[dict], None]:
    def edit(texts: dict) -> None:
        assert old in texts[key], f"fixture text {old!r} not in {key}"
        texts[key] = texts[key].replace(old, new, 1)

    return edit


def append(key: str, text: str) -> Callable[[dict], None]:
    def edit(texts: dict) -> None:
        texts[key] += text

    return edit


def latin1(key: str, old: str, new: str) -> Callable[[dict], None]:
    def edit(texts: dict) -> None:
        texts[key] = texts[key].replace(old, new, 1).encode("latin-1")

    return edit


# (edit, file key, line, column, words in the message)
BAD = [
    pytest.param(
        replace("records", ",source,", ",origin,"),
        "records",
        1,
        "source",
        "required column is missing",
        id="missing-column",
    ),
    pytest.param(
        replace("studies", ",route\n", ",colour\n"),
        "studies",
        1,
        "colour",
        "unknown column",
        id="unknown-column",
    ),
    pytest.param(
        replace("records", "R004,", "R002,"),
        "records",
        5,
        "record_id",
        "duplicate value",
        id="duplicate-record-id",
    ),
    pytest.param(
        replace("studies", ",12,", ",twelve,"), "studies", 2, "n", "wrong type", id="wrong-type"
    ),
    pytest.param(
        replace("records", "2026-11-01,Trial two", "2026-13-45,Trial two"),
        "records",
        3,
        "search_date",
        "not a valid date",
        id="bad-date",
    ),
    pytest.param(
        replace("records", "exclude,no_outcome", "exclude,not_a_reason"),
        "records",
        3,
        "exclusion_reason",
        "not defined in data/protocol.yaml",
        id="unknown-reason",
    ),
    pytest.param(
        replace("records", "include,,s1,three2019", "include,,s9,three2019"),
        "records",
        5,
        "study_id",
        "not in data/studies.csv",
        id="dangling-study-id",
    ),
    pytest.param(
        replace("records", ",R001,", ",R999,"),
        "records",
        4,
        "duplicate_of",
        "does not exist",
        id="dangling-duplicate-of",
    ),
    pytest.param(
        append("records", "R005,citation_search,C,2026-11-01,Again,2017,R003,,,,,,\n"),
        "records",
        6,
        "duplicate_of",
        "itself a duplicate",
        id="duplicate-of-duplicate",
    ),
    pytest.param(
        replace("records", ",R001,", ",R003,"),
        "records",
        4,
        "duplicate_of",
        "duplicate of itself",
        id="duplicate-of-self",
    ),
    pytest.param(
        append("studies", "s2,two2018,anxiety,single_arm,5,IV\n"),
        "studies",
        3,
        "study_id",
        "no included report",
        id="study-without-report",
    ),
    pytest.param(
        replace("studies", "s1,one2017,", "s1,two2018,"),
        "studies",
        2,
        "bib_key",
        "not the key of one of the study's included reports",
        id="study-key-not-its-report",
    ),
    pytest.param(
        replace("studies", ",anxiety,", ",phobia,"),
        "studies",
        2,
        "diagnosis_group",
        "not defined in data/protocol.yaml",
        id="unknown-diagnosis-group",
    ),
    pytest.param(
        replace("sources", "s1,*,", "s1,n,"),
        "studies",
        2,
        "route",
        "has no source",
        id="value-without-source",
    ),
    pytest.param(
        append("sources", "s1,colour,https://x.org,\n"),
        "sources",
        3,
        "field",
        "not a column of data/studies.csv",
        id="source-for-unknown-field",
    ),
    pytest.param(
        append("sources", "s7,*,https://x.org,\n"),
        "sources",
        3,
        "study_id",
        "not in data/studies.csv",
        id="source-for-unknown-study",
    ),
    pytest.param(
        replace("records", ",two2018\n", ",twenty2018\n"),
        "records",
        3,
        "bib_key",
        "not in",
        id="bib-key-missing",
    ),
    pytest.param(
        replace("studies", "s1,one2017,", "s1,One2017,"),
        "studies",
        2,
        "bib_key",
        "not in",
        id="study-bib-key-missing",
    ),
    pytest.param(
        append("bibliography", "\n@article{two2018,\n  title = {Copy}\n}\n"),
        "bibliography",
        16,
        "two2018",
        "duplicate citation key",
        id="duplicate-bib-key",
    ),
    pytest.param(
        replace("bibliography", "title = {Trial two},", "title = {Trial two,"),
        "bibliography",
        7,  # the field whose brace is not closed (the entry starts at line 6)
        "two2018.title",
        "cannot be parsed",
        id="unparsable-bib",
    ),
    pytest.param(
        latin1("records", "Trial two", "Trial tw\xf6"),
        "records",
        3,
        None,
        "not valid UTF-8",
        id="latin-1-records",
    ),
    pytest.param(
        replace(
            "records",
            "R001,citation_search,Citations,2026-11-01,Trial one,",
            'R001,citation_search,Citations,2026-11-01,"Trial, one,',
        ),
        "records",
        2,  # the line where the unclosed quote opens, not the end of the file
        None,
        "not valid CSV",
        id="unclosed-quote",
    ),
    pytest.param(
        replace("protocol", "  methods: Citation searching.\n", "  method: x\n"),
        "protocol",
        21,
        "search/methods",
        "required key is missing",
        id="protocol-missing-key",
    ),
    pytest.param(
        replace("protocol", "  no_outcome:", "  No-Outcome:"),
        "protocol",
        11,
        "exclusion_reasons/No-Outcome",
        "wrong form",
        id="protocol-bad-code",
    ),
    pytest.param(
        replace("protocol", "    domain: outcome", "    domain: results"),
        "protocol",
        7,
        "eligibility/1/domain",
        "not allowed",
        id="protocol-bad-domain",
    ),
    pytest.param(
        replace("protocol", "  - id: O1", "  - id: P1"),
        "protocol",
        6,
        "eligibility/1/id",
        "used twice",
        id="protocol-duplicate-criterion",
    ),
    pytest.param(
        replace("protocol", '  observational: "Observational"\n', ""),
        "protocol",
        15,
        "design_classes/observational",
        "no label",
        id="protocol-unlabelled-design",
    ),
    pytest.param(
        replace("protocol", "search:\n", "search: [\n"),
        "protocol",
        22,
        "1",
        "not valid YAML",
        id="protocol-bad-yaml",
    ),
]


@pytest.mark.parametrize(("edit", "key", "line", "column", "words"), BAD)
def test_bad_input_names_file_line_and_column(
    tmp_path: Path,
    edit: Callable[[dict], None],
    key: str,
    line: int,
    column: str | None,
    words: str,
) -> None:
    texts = fixture_texts()
    edit(texts)
    paths = write_review(tmp_path, texts)
    with pytest.raises(DataError) as info:
        load(paths)
    matching = [p for p in info.value.problems if words in p.message and p.column == column]
    assert len(matching) == 1, str(info.value)
    problem: Problem = matching[0]
    assert problem.file == str(paths[key])
    assert problem.row == line
    assert problem.column == column
    assert problem.fix
    where = f"{paths[key]}:{line}" + (f" [{column}]" if column else "")
    assert where in str(info.value)


def test_problems_from_all_files_are_reported_in_one_error(tmp_path: Path) -> None:
    texts = fixture_texts()
    replace("records", "exclude,no_outcome", "exclude,not_a_reason")(texts)
    replace("studies", ",anxiety,", ",phobia,")(texts)
    replace("records", ",two2018\n", ",twenty2018\n")(texts)
    append("bibliography", "\n@article{two2018,\n  title = {Copy}\n}\n")(texts)
    with pytest.raises(DataError) as info:
        load(write_review(tmp_path, texts))
    columns = sorted(str(p.column) for p in info.value.problems)
    assert columns == ["bib_key", "diagnosis_group", "exclusion_reason", "two2018"]


def test_a_broken_table_does_not_hide_problems_in_other_files(tmp_path: Path) -> None:
    texts = fixture_texts()
    replace("studies", ",12,", ",twelve,")(texts)  # studies.csv cannot load
    replace("records", ",R001,", ",R999,")(texts)
    with pytest.raises(DataError) as info:
        load(write_review(tmp_path, texts))
    assert {p.column for p in info.value.problems} == {"n", "duplicate_of"}


def test_load_protocol_returns_data_and_no_problems(tmp_path: Path) -> None:
    paths = write_review(tmp_path, {"protocol": PROTOCOL})
    protocol, problems = load_protocol(paths["protocol"])
    assert problems == []
    assert list(protocol["exclusion_reasons"]) == ["wrong_population", "no_outcome"]


def test_write_validated_is_stable_and_drops_line_numbers(tmp_path: Path) -> None:
    texts = fixture_texts()
    # rows in a different order must give identical output
    lines = RECORDS.splitlines(keepends=True)
    texts["records"] = lines[0] + "".join(reversed(lines[1:]))
    data = load(write_review(_mkdir(tmp_path / "in"), texts))
    first = [p.read_bytes() for p in write_validated(data, tmp_path / "out1")]
    in_order = load(write_review(_mkdir(tmp_path / "in2"), fixture_texts()))
    second = [p.read_bytes() for p in write_validated(in_order, tmp_path / "out2")]
    assert first == second
    rows = list(csv.DictReader((tmp_path / "out1" / "records.csv").open(encoding="utf-8")))
    assert [r["record_id"] for r in rows] == ["R001", "R002", "R003", "R004"]
    assert "_line" not in rows[0]
    assert rows[0]["year"] == "2017"
    summary = json.loads((tmp_path / "out1" / "summary.json").read_text())
    assert summary["studies"] == 1
    assert summary["reports_included"] == 2
    assert summary["exclusions_by_reason"] == {"wrong_population": 0, "no_outcome": 1}


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_schema_markdown_lists_every_column() -> None:
    table = schema_markdown("studies")
    for column in ("study_id", "n", "publication_date", "design_class"):
        assert f"| `{column}` |" in table


# ---------------------------------------------------------------- the shipped data/


def shipped() -> ReviewData:
    return load_review_data(
        protocol=ROOT / "data" / "protocol.yaml",
        records=ROOT / "data" / "records.csv",
        studies=ROOT / "data" / "studies.csv",
        sources=ROOT / "data" / "extraction_sources.csv",
        bibliography=ROOT / "refs" / "references.bib",
    )


def test_shipped_data_loads_cleanly() -> None:
    data = shipped()
    assert len(data.records) > 0 and len(data.studies) > 0


def test_every_included_study_has_a_default_source() -> None:
    data = shipped()
    with_star = set(data.sources.loc[data.sources["field"] == "*", "study_id"])
    assert set(data.studies["study_id"]) <= with_star
    assert all(str(s).startswith(("http://", "https://")) for s in data.sources["source"])


def test_shipped_n_are_whole_numbers_or_empty() -> None:
    assert all(v is None or isinstance(v, int) for v in shipped().studies["n"])


@pytest.mark.skipif(not EVIDENCE.exists(), reason="shared evidence folder not present")
def test_shipped_records_copy_bibliographic_fields_from_the_evidence() -> None:
    """Every candidate study is in the ledger and copies its bibliographic fields.

    The candidate list is where the review started, not all it may hold: reports
    found later (by citation searching or an audit) are records of their own, and
    each must then name the page it was read from and what was read.
    """
    evidence = {r["key"]: r for r in csv.DictReader(EVIDENCE.open(encoding="utf-8"))}
    records = shipped().records
    assert set(evidence) <= set(records["bib_key"])
    for rec in records.to_dict("records"):
        if rec["bib_key"] not in evidence:
            assert str(rec["url"]).startswith(("http://", "https://")), rec["record_id"]
            assert rec["source_type"] == "citation_search", rec["record_id"]
            continue
        source = evidence[rec["bib_key"]]
        for column in ("title", "journal", "doi", "pmid"):
            # A field the candidate list left empty may be completed from the
            # report's own page; one it gives must be copied exactly.
            if source[column]:
                assert (rec[column] or "") == source[column], (rec["record_id"], column)
        if source["year"]:
            assert (str(rec["year"]) if rec["year"] else "") == source["year"], rec["record_id"]
        # The page read: one the evidence names, or the report's own PubMed or
        # publisher page (found by its PMID or DOI).
        pages = source["source_url"].split(" | ")
        own = [str(key) for key in (rec["pmid"], rec["doi"]) if key]
        assert rec["url"] in pages or any(key in rec["url"] for key in own), rec["record_id"]


def test_every_included_study_needs_a_risk_of_bias_row(tmp_path: Path) -> None:
    """The shipped data with one risk-of-bias row removed: the study is named."""
    data = Path(__file__).resolve().parents[2] / "data"
    lines = (data / "risk_of_bias.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = lines[1].split(",")[0]
    rob = tmp_path / "risk_of_bias.csv"
    rob.write_text("".join([lines[0], *lines[2:]]), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_review_data(
            protocol=data / "protocol.yaml",
            records=data / "records.csv",
            studies=data / "studies.csv",
            sources=data / "extraction_sources.csv",
            bibliography=data.parent / "refs" / "references.bib",
            outcomes=data / "outcomes.csv",
            risk_of_bias=rob,
        )
    message = str(caught.value)
    assert "risk_of_bias.csv [study_id]: included study has no risk-of-bias judgement" in message
    assert repr(dropped) in message


# Words of the project's own workshop (its issue tracker and search tools), which mean
# nothing to a reader who downloads the published data files.
WORKSHOP_WORDS = re.compile(
    # an issue number, not a journal's ("Issue 2 and end page", "issue 2018 Jul")
    r"\bissues? \d{1,3}(?=[),;]| and \d)"
    r"|code index|code search|docs corpus|docs-corpus|`search`|\(pages\b"
    r"|the team's (?:search )?tools"
)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "data").glob("*.csv")))
def test_published_data_files_speak_to_readers_not_to_the_team(name: str) -> None:
    """Every CSV in data/ is published with the website: its free text records what
    was read and searched in words a reader can follow, without the team's issue
    numbers or the names of its internal search tools."""
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            for column, value in row.items():
                found = WORKSHOP_WORDS.search(value or "")
                assert found is None, f"data/{name}:{line} [{column}]: {found[0]!r}"


def test_workshop_words_are_found() -> None:
    for text in (
        "Re-assessed (issue 12)",
        "(issues 12 and 14)",
        "exact string (code index)",
        "queries (pages) reached",
        "with the team's search tools",
    ):
        assert WORKSHOP_WORDS.search(text), text
    for text in (
        "Issue 2 and end page 202 (178(2):193-202)",
        "journal issue 2018 Jul",
        "issue 2021",
        "(web pages)",
    ):
        assert WORKSHOP_WORDS.search(text) is None, text

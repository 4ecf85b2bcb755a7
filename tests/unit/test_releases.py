"""Releases: scope, snapshots, What's new, history, citation, and refusing bad releases.

The synthetic review of tests/workflow/fixture_review.py supplies the data
(SYNTHETIC: invented studies and records). Releases that need a full build are
exercised in tests/workflow/test_releases.py.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import re
from pathlib import Path

import pytest

from livingreview.errors import DataError, ReleaseError
from livingreview.evidence.review_data import load_review_data
from livingreview.living.make_release import _snapshot_text as snapshot_text
from livingreview.living.make_release import freeze, make_release, with_numbers
from livingreview.living.pages import citation_markdown, history_markdown, whats_new_markdown
from livingreview.living.releases import (
    Assignment,
    Release,
    Scope,
    accounted_record_ids,
    parse_assignment,
    previous_release,
    read_release,
    release_state,
    scope_record_ids,
)
from livingreview.render import ast as A


def _load_fixture_module():
    """tests/workflow/fixture_review.py, loaded by path (tests/ is not a package)."""
    path = Path(__file__).resolve().parents[1] / "workflow" / "fixture_review.py"
    spec = importlib.util.spec_from_file_location("fixture_review", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_fixture_review = _load_fixture_module().make_fixture_review


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_fixture_review(tmp_path)


def review_data(project: Path):
    return load_review_data(
        protocol=project / "data" / "protocol.yaml",
        records=project / "data" / "records.csv",
        studies=project / "data" / "studies.csv",
        sources=project / "data" / "extraction_sources.csv",
        bibliography=project / "refs" / "references.bib",
    )


def variables(included: int, participants: int, reports: int) -> dict:
    return {
        "studies": {"included": included, "participants": participants},
        "prisma": {"reports": {"total": reports}},
        "diagnosis": {"ptsd": {"label": "PTSD", "studies": included - 1}},
    }


def release(version: str, studies: dict, records: tuple[str, ...], numbers: dict, **kw) -> Release:
    return Release(
        version=version,
        date=kw.get("date", "2026-11-27"),
        search_date="2026-11-01",
        note=kw.get("note", f"Synthetic note for {version}."),
        scope=kw.get("scope", Scope()),
        inputs=kw.get("inputs", {"records": "0" * 64}),
        studies=studies,
        record_ids=records,
        report_ids=kw.get("reports", records[:1]),
        pending_ids=(),
        prisma=numbers["prisma"],
        variables=numbers,
    )


V1 = release(
    "1.0",
    {"alpha2019": {"bib_key": "alpha2019", "n": 18, "main_finding": "fell at 24 h"}},
    ("R1", "R2"),
    variables(1, 18, 2),
    scope=Scope("2019-12", (Assignment("R3", False, "synthetic: after the cut-off"),)),
)
V2 = release(
    "2.0",
    {
        "alpha2019": {"bib_key": "alpha2019", "n": 20, "main_finding": "fell at 24 h"},
        "beta2021": {"bib_key": "beta2021", "n": 12, "main_finding": "PCL-5 improved"},
    },
    ("R1", "R2", "R3"),
    variables(2, 32, 3),
    note="Synthetic: adds beta2021.",
)


def test_whats_new_lists_added_changed_studies_and_changed_counts() -> None:
    text = whats_new_markdown([V1, V2])
    assert text.startswith("## What's new in version 2.0 {.unnumbered}")
    assert "Synthetic: adds beta2021." in text
    assert "**Studies added (1):** beta2021 [@beta2021]." in text
    assert "**Studies removed:** none." in text
    assert "alpha2019 [@alpha2019]: participants 18 → 20" in text
    assert "| Included studies | 1 | 2 |" in text
    assert "| Participants enrolled (sum of the study sizes reported) | 18 | 32 |" in text
    assert "| Included reports | 2 | 3 |" in text
    assert "| Studies: PTSD | 0 | 1 |" in text


def test_history_has_cochrane_tables_links_and_scope_assignments() -> None:
    text = history_markdown([V1, V2], link_prefix="../")
    whats_new, history = text.split("## History {.unnumbered}")
    assert whats_new.index("| 27 November 2026 | Version 2.0: new studies added |") < (
        whats_new.index("| 27 November 2026 | Version 1.0: first version released |")
    )
    assert "Studies added: 1, removed: 0, with changed values: 1." in whats_new
    assert (
        "| 1.0 | 27 November 2026 | 1 November 2026 | records published up to December 2019; "
        "1 record"
    ) in history
    assert "[PDF](../releases/1.0/review.pdf), [DOCX](../releases/1.0/review.docx) |" in history
    assert "- R3 (not in version 1.0): synthetic: after the cut-off" in history


def _shown(history: str, fmt: str) -> tuple[str, list[str]]:
    """The History section's words and link targets as ``fmt`` shows them."""
    import json

    from livingreview.render.finish import _conditional
    from livingreview.render.pandoc import run

    def visit(el: A.Element) -> list[A.Element] | None:
        if el["t"] not in ("Div", "Span"):
            return None
        conditional = {"content-visible", "content-hidden"} & set(el["c"][0][1])
        return _conditional(el, fmt) if conditional else None

    section = "## History" + history.split("## History", 1)[1]
    blocks = A.walk(json.loads(run(["-f", "markdown", "-t", "json"], section))["blocks"], visit)
    targets = [el["c"][2][0] for el in A.iter_elements(blocks) if el["t"] == "Link"]
    return A.stringify(blocks), targets


def test_print_names_where_the_release_files_are_with_or_without_a_site_url() -> None:
    """The shipped PDF and DOCX linked ../releases/1.0/review.pdf: dead in a downloaded
    file. The website links each version's files; print says they are on the website,
    with its address and links (made absolute by the renderer) when the review
    declares one (book: site-url), and without a Downloads column when it does not."""
    site = "https://example.org/review/"
    history = history_markdown([V1, V2], link_prefix="../")
    web, web_links = _shown(history, "html")
    assert "../releases/1.0/review.pdf" in web_links and "Downloads" in web
    assert "at the links in the table below" in web
    printed, printed_links = _shown(history, "docx")
    assert printed_links == [] and "Downloads" not in printed and "PDF, DOCX" not in printed
    assert "stay available on the review\u2019s website." in printed
    declared = history_markdown([V1, V2], link_prefix="../", site_url=site)
    assert _shown(declared, "html") == (web, web_links)
    printed, printed_links = _shown(declared, "docx")
    assert f"website, {site}, at the links in the table below" in printed
    assert [site, *web_links] == printed_links  # the address, then each version's files


def test_the_history_names_each_version_once_and_writes_dates_in_one_style() -> None:
    """The shipped history printed "Version 2.0. Version 2 adds ..." (the version, then
    the authors' note naming it again) and What's new printed "Released 27 November
    2026." before a note's "released on 2026-11-27"."""
    import dataclasses

    note = "Version 2 adds beta2021; compiled on 2026-11-01, released on 2026-11-27."
    v2 = dataclasses.replace(V2, note=note)
    history = history_markdown([V1, v2])
    row = next(line for line in history.splitlines() if "Version 2.0:" in line)
    assert row.count("Version 2") == 2  # the event's "Version 2.0" and the note's own
    assert "| Version 2.0: new studies added | Version 2 adds beta2021" in row
    assert "compiled on 1 November 2026, released on 27 November 2026." in row
    whats_new = whats_new_markdown([V1, v2])
    assert (
        "*Released 27 November 2026.* Version 2 adds beta2021; compiled on 1 November 2026, "
        "released on 27 November 2026."
    ) in whats_new
    cite = citation_markdown("T", ["Ann Alpha"], [V1, v2], {"status": "released"})
    assert "note = {Version 2.0, released 27 November 2026}" in cite
    for page in (history, whats_new, cite):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", page), page


def test_history_tables_give_the_long_columns_the_width() -> None:
    """Equal widths squeezed each description into a third of the table and the scope
    into a seventh (issue 14's version history); the widths follow the content."""
    import json

    from livingreview.render.pandoc import run

    doc = json.loads(run(["-f", "markdown", "-t", "json"], history_markdown([V1, V2])))
    tables = [b for b in A.iter_elements(doc["blocks"]) if b["t"] == "Table"]
    widths = [[c[1]["c"] for c in t["c"][2]] for t in tables]
    whats_new, history, printed = widths  # the website's History table, then print's
    assert whats_new[2] >= 0.6 and whats_new[0] < 0.2
    # a date written "27 November 2026" broke as "27 Novembe r" in the DOCX at 12%
    assert whats_new[0] >= 0.18
    for table in (history, printed):
        assert table[3] == max(table) and table[3] >= 0.25


def test_citation_for_release_and_for_draft() -> None:
    released = citation_markdown(
        "Synthetic review", ["Ann Alpha", "Bob B. Beta"], [V1, V2], {"status": "released"}
    )
    assert "Alpha A, Beta BB. Synthetic review. Version 2.0, released 27 November 2026." in (
        released
    )
    assert "author = {Alpha, Ann and Beta, Bob B.}" in released
    assert "version = {2.0}" in released
    draft = citation_markdown(
        "Synthetic review", ["Ann Alpha"], [V1, V2], {"status": "draft"}, None, (), "sec-changes"
    )
    # a draft is no version: cite the latest release, whose text may differ from it
    assert draft.split("\n\n")[1] == (
        "This is a draft made after version 2.0, not yet released: it is not a version of "
        "its own and can still change. Cite the latest released version, 2.0, whose text "
        "and numbers may differ from this draft's (see @sec-changes):"
    )
    assert "Alpha A. Synthetic review. Version 2.0, released 27 November 2026." in draft


def test_citation_names_an_organisation_whole_and_the_review_it_is_based_on() -> None:
    from livingreview.render.project import Author

    cite = citation_markdown(
        "Synthetic review",
        [Author("Synthetic Review Maintainers", organisation=True), Author("Ann Alpha")],
        [V1, V2],
        {"status": "released"},
        based_on="Doe J. *An earlier review*. J Test. 2020;1:1-2.",
    )
    assert cite.splitlines()[2].startswith(
        "Synthetic Review Maintainers, Alpha A. Synthetic review."
    )
    assert "author = {{Synthetic Review Maintainers} and Alpha, Ann}" in cite
    assert "@misc{synthetic2026v2_0," in cite
    assert "This living version is based on: Doe J. *An earlier review*." in cite
    assert "Based on: Doe J. An earlier review. J Test. 2020;1:1-2." in cite


def test_literal_author_name_is_an_organisation(tmp_path: Path) -> None:
    from livingreview.render.project import load_book

    (tmp_path / "index.qmd").write_text("# About\n", encoding="utf-8")
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: book\nbook:\n  title: T\n  author:\n"
        "    - name:\n        literal: Review Group\n    - name: Ann Alpha\n"
        "  chapters: [index.qmd]\nbased-on: Doe J. Earlier review.\n",
        encoding="utf-8",
    )
    book = load_book(tmp_path)
    assert [(a.name, a.organisation) for a in book.authors] == [
        ("Review Group", True),
        ("Ann Alpha", False),
    ]
    assert book.metadata["based-on"] == "Doe J. Earlier review."


def test_state_is_released_only_when_every_data_file_matches() -> None:
    assert release_state([V1, V2], {"records": "0" * 64})["version"] == "2.0"
    draft = release_state([V1, V2], {"records": "1" * 64})
    assert (draft["version"], draft["status"]) == ("2.0+draft", "draft")
    assert release_state([], {})["version"] == "draft"
    # the page header's label: never "vdraft"
    assert release_state([V1, V2], {"records": "0" * 64})["label"] == "v2.0"
    assert draft["label"] == "Draft after v2.0"
    assert release_state([], {})["label"] == "Draft"
    # the title block's text: a reader never sees the "+draft" build stamp
    assert release_state([V1, V2], {"records": "0" * 64})["text"] == "2.0"
    assert draft["text"] == "Draft after version 2.0 (not yet released)"
    assert release_state([], {})["text"] == "Draft (not yet released)"
    assert all("+draft" not in s["text"] for s in (draft, release_state([], {})))


def test_previous_arm_is_latest_release_unless_nothing_new_since() -> None:
    assert previous_release([V1, V2], ["R1", "R2", "R3", "R4"]) is V2
    assert previous_release([V1, V2], ["R1", "R2", "R3"]) is V1
    assert previous_release([V1], ["R1", "R2"]) is None
    assert previous_release([], ["R1"]) is None


def test_snapshot_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "1.0" / "release.yaml"
    path.parent.mkdir()
    path.write_text(snapshot_text(V1))
    again = read_release(path)
    assert again == V1
    assert again.previous_version().study_ids == frozenset({"alpha2019"})


def test_edited_snapshot_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "1.0" / "release.yaml"
    path.parent.mkdir()
    path.write_text(snapshot_text(V1).replace("version: '1.0'", "version: one"))
    with pytest.raises(ReleaseError, match=r"release\.yaml \[version\]"):
        read_release(path)


def test_scope_needs_every_uncomparable_record_assigned(project: Path) -> None:
    data = review_data(project)
    with pytest.raises(ReleaseError) as info:
        scope_record_ids(data, Scope("2020-06"), "data/records.csv")
    text = str(info.value)
    # R2 (2020) and R5/R6 (no year) cannot be compared with June 2020
    assert re.findall(r"cannot tell whether record (R\d)", text) == ["R2", "R5", "R6"]
    assert "data/records.csv:3 [year]" in text
    scope = Scope(
        "2020-06",
        tuple(
            parse_assignment(a)
            for a in ("R2=out: synthetic", "R5=in: synthetic", "R6=in: synthetic")
        ),
    )
    assert scope_record_ids(data, scope, "data/records.csv") == ["R1", "R4", "R5", "R6"]


def test_freeze_scoped_version_keeps_its_studies_and_records(project: Path) -> None:
    data = review_data(project)
    scope = Scope("2020-12", (Assignment("R5", True, "s"), Assignment("R6", True, "s")))
    snap = freeze(
        data,
        version="1.0",
        release_date="2026-11-27",
        note="Synthetic",
        scope=scope,
        releases=[],
        inputs={},
    )
    assert list(snap.studies) == ["alpha2019"]
    assert snap.report_ids == ("R1", "R2")
    assert snap.record_ids == ("R1", "R2", "R4", "R5", "R6")
    assert snap.studies["alpha2019"]["n"] == 18
    numbers = with_numbers(snap, {"studies": {"included": 1}, "prisma": {"x": 1}, "release": {}})
    assert numbers.prisma == {"x": 1} and "release" not in numbers.variables
    assert accounted_record_ids([{"record_id": "X", "screening": "include"}]) == []


def test_release_refuses_invalid_data_and_writes_nothing(project: Path) -> None:
    path = project / "data" / "studies.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["n"] = "eighteen"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"studies\.csv:2 \[n\]"):
        make_release(project, version="1.0", release_date="2026-11-27", note="Synthetic")
    assert not (project / "releases").exists()


def test_release_refuses_records_awaiting_a_decision(project: Path) -> None:
    path = project / "data" / "records.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        fields = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=fields).writerow(
            {
                "record_id": "R99",
                "source_type": "database",
                "source": "Synthetic database",
                "search_date": "2026-11-01",
                "title": "Synthetic record not yet screened",
            }
        )
    with pytest.raises(ReleaseError, match=r"record R99 still awaits its screening decision"):
        make_release(project, version="1.0", release_date="2026-11-27", note="Synthetic")
    assert not (project / "releases").exists()


class FailingBuild:
    """A build that fails the way a broken chapter makes snakemake fail."""

    def __init__(self, project: Path, epoch: str) -> None:
        self.project = project

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def overlay(self, files) -> None:
        self.files = dict(files)

    def run(self, wanted, targets=()):
        raise ReleaseError.single("snakemake", "the build of the release failed")


def test_release_refuses_a_failing_build_and_writes_nothing(project: Path) -> None:
    with pytest.raises(ReleaseError, match="build of the release failed"):
        make_release(
            project,
            version="1.0",
            release_date="2026-11-27",
            note="Synthetic",
            builder=FailingBuild,
        )
    assert not (project / "releases").exists()


@pytest.mark.parametrize(
    ("version", "date", "message"),
    [
        pytest.param("v1", "2026-11-27", "not a version number", id="bad-version"),
        pytest.param("1.0", "27/11/2026", "not a date", id="bad-date"),
        pytest.param("0.9", "2026-11-27", "must be greater than the latest release", id="older"),
        pytest.param("1.0", "2026-11-27", "already released", id="existing"),
        pytest.param("1.1", "2026-01-01", "is before the latest release", id="earlier-date"),
    ],
)
def test_release_refuses_bad_or_existing_versions(
    project: Path, version: str, date: str, message: str
) -> None:
    folder = project / "releases" / "1.0"
    folder.mkdir(parents=True)
    snapshot = snapshot_text(V1)
    (folder / "release.yaml").write_text(snapshot)
    with pytest.raises(ReleaseError, match=message):
        make_release(project, version=version, release_date=date, note="Synthetic")
    assert (folder / "release.yaml").read_text() == snapshot
    assert sorted(p.name for p in (project / "releases").iterdir()) == ["1.0"]


def test_assignment_syntax() -> None:
    assert parse_assignment("R11 = out:  later  than the cut-off") == Assignment(
        "R11", False, "later than the cut-off"
    )
    with pytest.raises(ReleaseError, match="RECORD_ID=in: reason"):
        parse_assignment("R11=maybe")


def test_a_failed_release_build_shows_the_project_errors() -> None:
    from livingreview.living.make_release import _build_errors

    output = (
        "Select jobs to execute...\nERROR The build stopped:\n"
        "data/records.csv is not valid: 1 problem(s)\n"
        "  - data/records.csv:8 [search_date]: is later than today\n"
        "[Mon Nov 30 12:57:47 2026]\nFinished jobid: 7\n"
    )
    assert _build_errors(output).splitlines() == [
        "    ERROR The build stopped:",
        "    data/records.csv is not valid: 1 problem(s)",
        "      - data/records.csv:8 [search_date]: is later than today",
    ]
    assert _build_errors("a\nb\nlast words\n").splitlines()[-1] == "    last words"


def test_a_draft_lists_what_it_changes_in_the_data_since_the_latest_release() -> None:
    """V2 included alpha2019 (R1) and beta2021 (R2); the draft excludes beta2021's only
    report, includes R3 (assessed for V2 and excluded then) as gamma2020 and adds R4."""
    from livingreview.living.draft_changes import draft_changes_markdown

    v2 = dataclasses.replace(V2, report_ids=("R1", "R2"))
    records = [
        {"record_id": "R1", "eligibility": "include", "study_id": "alpha2019"},
        {
            "record_id": "R2",
            "eligibility": "exclude",
            "exclusion_reason": "wrong_population",
            "bib_key": "beta2021",
        },  # an excluded report keeps its reference, not its study
        {"record_id": "R3", "eligibility": "include", "study_id": "gamma2020"},
        {"record_id": "R4", "eligibility": "include", "study_id": "delta2026"},
    ]
    studies = [
        {"study_id": s, "bib_key": s, "n": n, "design_class": d}
        for s, n, d in (("alpha2019", "20", ""), ("gamma2020", "9", ""), ("delta2026", "5", ""))
    ]
    numbers = variables(3, 34, 3) | {
        "cumulative": {"records": {"identified": 4}, "excluded_reasons": {"wrong_population": 1}}
    }
    v2 = dataclasses.replace(
        v2, variables=v2.variables | {"cumulative": {"records": {"identified": 3}}}
    )
    reasons = {"wrong_population": "Wrong population"}
    draft = {"status": "draft"}
    page = draft_changes_markdown([V1, v2], draft, records, studies, numbers, reasons)
    assert page.startswith("## This draft compared with version 2.0 {.unnumbered}")
    assert "changes to its text are shown here when it is released" in page
    assert (
        "**Studies added (2):** delta2026 [@delta2026] (new records found since version 2.0); "
        "gamma2020 [@gamma2020] (a record already assessed for version 2.0, included on "
        "re-assessment)." in page
    )
    assert (
        "**Studies removed (1):** beta2021 [@beta2021] (excluded on re-assessment: wrong "
        "population)." in page
    )
    assert "| | Version 2.0 | This draft |" in page
    assert "| Included studies | 2 | 3 |" in page
    assert "| Records identified (every version) | 3 | 4 |" in page
    assert "| Reports excluded: Wrong population (every version) | 0 | 1 |" in page
    # the outputs carry the release itself: nothing to add
    released = {"status": "released"}
    assert draft_changes_markdown([V1, v2], released, records, studies, numbers, reasons) == ""


def test_release_check_lists_the_study_set_changes_before_the_claims() -> None:
    from livingreview.living.make_release import ReleaseCheck

    check = ReleaseCheck(
        version="3.0",
        previous="2.0",
        claims=4,
        changed=(),
        false=(),
        added=("Bloch 2012 (bloch2012): a record already assessed for version 2.0, ...",),
        removed=(),
    )
    lines = check.summary().splitlines()
    assert lines[:5] == [
        "Studies added since version 2.0 (1):",
        "  - Bloch 2012 (bloch2012): a record already assessed for version 2.0, ...",
        "Studies removed since version 2.0: none.",
        "Eligibility criteria changed since version 2.0: none.",
        "4 checked claim(s) in the chapters.",
    ]


def test_changed_codes_are_named_by_their_labels() -> None:
    """A study's design or diagnosis changes by its label, never by its internal code."""
    from livingreview.living.pages import data_changes_lines

    labels = {"design": {"rct_crossover": {"label": "Randomised crossover trial"},
                         "single_arm": {"label": "Uncontrolled trial"}}}  # fmt: skip
    old = dataclasses.replace(V2, variables=V2.variables | labels)
    studies = {**old.studies, "beta2021": {**old.studies["beta2021"], "design_class": "single_arm"}}
    old = dataclasses.replace(
        old, studies={**old.studies, "beta2021": {**old.studies["beta2021"],
                                                  "design_class": "rct_crossover"}}
    )  # fmt: skip
    new = dataclasses.replace(old, version="3.0", studies=studies)
    text = "\n".join(data_changes_lines(old, new, {}))
    assert "design class Randomised crossover trial → Uncontrolled trial" in text
    assert "rct_crossover" not in text and "single_arm" not in text


def test_whats_new_of_a_draft_says_it_describes_the_release_and_where_the_draft_changes_are():
    """A draft's front page listed version 2.0's changes (a study the draft excludes)
    with nothing saying they were not the draft's."""
    draft = whats_new_markdown([V1, V2], draft_changes="sec-changes")
    lines = draft.splitlines()
    assert lines[2].startswith(f"This is a draft after version {V2.version}, not yet released")
    assert "@sec-changes" in lines[2]
    assert "draft" not in whats_new_markdown([V1, V2])


def test_the_history_says_what_a_version_covered_at_its_release_not_today() -> None:
    # 2.0 took every record of the ledger then (3); records added since are not its own
    history = history_markdown([V1, V2]).split("## History {.unnumbered}")[1]
    row = next(x for x in history.splitlines() if x.startswith("| 2.0 |"))
    assert "| the 3 records in the ledger at release |" in row
    assert "every record in the ledger" not in history


def test_the_release_build_takes_the_projects_caches_and_leaves_them(tmp_path: Path) -> None:
    """A release builds in a temporary copy: the project's content-keyed caches come
    along (figures already drawn are not drawn again), its outputs and logs do not."""
    from livingreview.living.make_release import ReleaseBuild
    from livingreview.workflow import CACHE_FOLDER

    project = tmp_path / "review"
    cached = project / CACHE_FOLDER / "figures" / "key" / "figure.svg"
    cached.parent.mkdir(parents=True)
    cached.write_text("<svg/>", encoding="utf-8")
    (project / "results" / "tables").mkdir(parents=True)
    (project / "results" / "tables" / "studies.md").write_text("built", encoding="utf-8")
    (project / "_book").mkdir()
    (project / "index.qmd").write_text("# Review\n", encoding="utf-8")
    with ReleaseBuild(project, "0") as build:
        copied = build.copy / CACHE_FOLDER / "figures" / "key" / "figure.svg"
        assert copied.read_text(encoding="utf-8") == "<svg/>"
        assert (build.copy / "index.qmd").is_file()
        assert not (build.copy / "results" / "tables").exists()
        assert not (build.copy / "_book").exists()
        copied.write_text("changed in the copy", encoding="utf-8")
    assert cached.read_text(encoding="utf-8") == "<svg/>"

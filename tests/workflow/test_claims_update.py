"""End to end: an update from a database search makes checked claims stale.

The synthetic review is released as 1.0 with three checked claims that hold
("no database was searched", "anxiety improved in every study", "apart from
one trial no comparison had a control group"). Then two controlled trials found
by a database search (MEDLINE and Embase, one duplicate) are added, one of them
without a clear benefit. The release of 2.0 is refused with every stale claim
named by file and line, the dry run lists the same claims and writes nothing,
a draft build in ``mark`` mode shows them as needing revision, and once the
authors revise the claims the release goes through and every generated sentence
reads exactly as the data say. The paragraph citing the flow diagram quotes only
numbers the diagram shows, in all three formats. SYNTHETIC DATA only.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import pytest
import yaml

from livingreview.cli import main
from livingreview.errors import ReleaseError
from livingreview.living.make_release import make_release, rebuild_project
from livingreview.render import check_manuscript_findings

from .fixture_review import ROB2_ANSWERS, make_fixture_review, rob2_row
from .test_build import docx_text, html_text, pdf_text, snakemake

pytestmark = pytest.mark.workflow

CONTROLLED = (
    "design.rct_parallel.studies + design.rct_crossover.studies"
    " + design.non_randomised_controlled.studies"
)
CHAPTER = """\
# Results {{#sec-results}}

## Search {{#sec-search}}

::: {{.claim when="cumulative.records.identified_dbr {search}"}}
{search_text}
:::

{{{{< include ../results/text/search_methods.md >}}}}

## Study selection {{#sec-selection}}

{{{{< include ../results/text/study_selection.md >}}}}

{{{{< include ../results/text/prisma_figure.md >}}}}

## Direction of effect {{#sec-direction}}

{{{{< include ../results/text/effect_direction.md >}}}}

[{anxiety_text}]{{.claim when="{anxiety}"}}.
[{control_text}]{{.claim
when="{controlled}"}}. We included {{{{< var studies.included >}}}} studies
[@alpha2019; @alpha2020; @beta2021].

::: {{#tbl-characteristics}}
{{{{< include ../results/tables/characteristics.md >}}}}

Characteristics of the synthetic studies.
:::
"""
BEFORE = {
    "search": "== 0",
    "search_text": "No bibliographic database was searched for this version.",
    "anxiety": "synthesis.anxiety.benefit == synthesis.anxiety.studies",
    "anxiety_text": "Anxiety improved in every study",
    "control_text": "Apart from one trial, no comparison had a control group",
    "controlled": f"{CONTROLLED} == 1",
}
REVISED = {
    "search": "> 0",
    "search_text": "Bibliographic databases were searched for this version.",
    "anxiety": "synthesis.anxiety.benefit > synthesis.anxiety.studies / 2",
    "anxiety_text": "Anxiety improved in most studies",
    "control_text": "Several comparisons had a control group",
    "controlled": f"{CONTROLLED} > 1",
}
CHAPTER_FILE = "manuscript/01-results.qmd"


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _append_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        fields = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        for row in rows:
            writer.writerow(row)


def _database_search(project: Path) -> None:
    """Two synthetic controlled PTSD trials from MEDLINE and Embase; E shows no benefit."""
    data = project / "data"
    common = {"source_type": "database", "search_date": "2026-03-01", "year": "2026"}
    included = {"screening": "include", "retrieval": "retrieved", "eligibility": "include"}
    _append_csv(
        data / "records.csv",
        [
            {**common, **included, "record_id": "R7", "source": "MEDLINE",
             "title": "Synthetic controlled trial D", "study_id": "delta2026",
             "bib_key": "delta2026"},
            {**common, "record_id": "R8", "source": "Embase",
             "title": "Synthetic controlled trial D", "duplicate_of": "R7"},
            {**common, **included, "record_id": "R9", "source": "Embase",
             "title": "Synthetic controlled trial E", "study_id": "epsilon2026",
             "bib_key": "epsilon2026"},
            {**common, "record_id": "R10", "source": "MEDLINE",
             "title": "Synthetic unrelated paper 2", "screening": "exclude"},
        ],
    )  # fmt: skip
    trial = {"diagnosis_group": "ptsd", "design_class": "rct_parallel", "dosing": "single",
             "design": "Synthetic parallel RCT", "comparator": "midazolam"}  # fmt: skip
    _append_csv(
        data / "studies.csv",
        [
            {**trial, "study_id": "delta2026", "bib_key": "delta2026", "n": "40",
             "main_finding": "Synthetic finding: PCL-5 fell more than with midazolam"},
            {**trial, "study_id": "epsilon2026", "bib_key": "epsilon2026", "n": "36",
             "main_finding": "Synthetic finding: no clear difference from midazolam"},
        ],
    )  # fmt: skip
    _append_csv(
        data / "extraction_sources.csv",
        [
            {"study_id": sid, "field": "*", "source": "synthetic:fixture", "note": "synthetic"}
            for sid in ("delta2026", "epsilon2026")
        ],
    )
    outcome = {"domain": "anxiety", "measure": "PCL-5", "comparison": "control",
               "dosing": "single", "timepoint": "1 week", "time_role": "endpoint",
               "source": "https://example.org/synthetic"}  # fmt: skip
    _append_csv(
        data / "outcomes.csv",
        [
            {**outcome, "study_id": "delta2026", "direction": "benefit",
             "reported": "Synthetic result: PCL-5 fell"},
            {**outcome, "study_id": "epsilon2026", "direction": "no_clear_difference",
             "reported": "Synthetic result: no clear difference"},
        ],
    )  # fmt: skip
    _append_csv(
        data / "risk_of_bias.csv",
        [
            rob2_row("delta2026", ROB2_ANSWERS[0], "40"),
            rob2_row("epsilon2026", ROB2_ANSWERS[0], "36"),
        ],
    )
    with (project / "refs" / "references.bib").open("a", encoding="utf-8") as handle:
        for key, title in (("delta2026", "D"), ("epsilon2026", "E")):
            handle.write(
                f"\n@article{{{key},\n  author = {{Delta, Dan}},\n"
                f"  title = {{Synthetic controlled trial {title}}},\n"
                "  journal = {Synthetic Psychiatry},\n  year = {2026},\n"
                "  volume = {1},\n  pages = {1--9}\n}\n"
            )


def _configure(project: Path, **sections: dict[str, str]) -> None:
    path = project / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    for key, values in sections.items():
        config.setdefault(key, {}).update(values)
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def _write_chapter(project: Path, values: dict[str, str]) -> str:
    text = CHAPTER.format(**values)
    (project / CHAPTER_FILE).write_text(text)
    return text


@pytest.fixture(scope="module")
def update(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Release 1.0, add the database search; record what each step reported."""
    project = make_fixture_review(tmp_path_factory.mktemp("claims"))
    _configure(project, prisma={"results_diagram": "update"})
    chapter = _write_chapter(project, BEFORE)
    make_release(project, version="1.0", release_date="2026-01-15", note="Synthetic first.")
    _database_search(project)
    stale = {
        "no database": _line_of(chapter, '.claim when="cumulative.records'),
        "every study": _line_of(chapter, "Anxiety improved in every study"),
        "one control": _line_of(chapter, "Apart from one trial"),
    }
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(
            ["--project", str(project), "release", "--check", "--version", "2.0",
             "--date", "2026-04-01", "--note", "Synthetic update."]
        )  # fmt: skip
    with pytest.raises(ReleaseError) as refused:
        make_release(project, version="2.0", release_date="2026-04-01", note="Synthetic update.")
    releases_after_refusal = sorted(p.name for p in (project / "releases").iterdir())
    return {
        "project": project,
        "stale": stale,
        "dry": (status, out.getvalue(), err.getvalue()),
        "refused": str(refused.value),
        "releases_after_refusal": releases_after_refusal,
    }


def test_release_is_refused_listing_each_stale_claim(update: dict) -> None:
    message = update["refused"]
    assert "3 checked claim(s) no longer hold" in message
    for line in update["stale"].values():
        assert f"{CHAPTER_FILE}:{line}: claim no longer holds" in message
    assert "synthesis.anxiety.benefit = 3, synthesis.anxiety.studies = 4" in message
    assert update["releases_after_refusal"] == ["1.0"]


def test_dry_run_lists_the_changed_claims_and_writes_nothing(update: dict) -> None:
    status, out, err = update["dry"]
    assert status == 1
    assert "dry run: nothing was written; version 2.0 would be refused (3 claim(s))" in out
    assert "3 checked claim(s) in the chapters." in err
    assert "Claims whose truth changed since version 1.0 (3; re-read these sentences):" in err
    for line in update["stale"].values():
        assert re.search(rf"{CHAPTER_FILE}:{line}: .* was true, is now false", err), line
    assert update["releases_after_refusal"] == ["1.0"]


def test_check_and_draft_build_report_or_mark_the_stale_claims(update: dict, tmp_path) -> None:
    project = update["project"]
    _configure(project, claims={"on_false": "mark"})
    try:
        result = snakemake(project)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        report = (project / "results" / "check" / "manuscript.txt").read_text()
        assert "3 claim(s) marked 'needs revision' in this draft" in report
        page = html_text(project, "manuscript/01-results.html")
        marked = page.select(".claim-needs-revision")
        assert len(marked) == 3
        assert all("[Needs revision]" in m.get_text() for m in marked)
        assert "[Needs revision]" in docx_text(project)
        problems, warnings = check_manuscript_findings(project, "stop")
        assert sorted(p.row for p in problems) == sorted(update["stale"].values())
        assert not warnings
    finally:
        _configure(project, claims={"on_false": "stop"})


@pytest.fixture(scope="module")
def revised(update: dict) -> Path:
    project = update["project"]
    _write_chapter(project, REVISED)
    steps: list[str] = []
    make_release(
        project,
        version="2.0",
        release_date="2026-04-01",
        note="Synthetic update.",
        progress=steps.append,
    )
    rebuild_project(project, progress=steps.append)  # what `livingreview release` runs next
    assert steps[-2:] == ["writing releases/2.0/", "rebuilding _book/ with the new version"]
    assert "Claims whose truth changed since version 1.0 (2; re-read" in "\n".join(steps)
    return project


def test_generated_sentences_after_the_revision(revised: Path) -> None:
    text = {p.stem: p.read_text() for p in (revised / "results" / "text").glob("*.md")}
    assert text["search_methods"] == (
        "Bibliographic databases were searched: MEDLINE (1 March 2026; 2 records) and Embase "
        "(1 March 2026; 2 records). Other methods (citation searching) were also used: "
        "Synthetic citation search (1 January 2024; 6 records).\n"
    )
    assert text["study_selection"] == (
        "The previous version of the review included 2 studies in 3 reports (@fig-prisma). "
        "Databases and registers yielded 4 records since then; 1 was removed before "
        "screening, 3 were screened and 1 excluded on title and abstract. Of 2 reports "
        "sought, 0 could not be retrieved and 2 were assessed for eligibility; 0 were "
        "excluded. The update added 2 new studies in 2 reports, so the review includes "
        "4 studies in 5 reports.\n"
    )
    assert text["prisma_figure"].startswith(
        "![PRISMA 2020 flow diagram for updated systematic reviews: the studies included in "
        "version 1.0, and the records identified since then through databases and registers "
        "only, derived from the screening ledger.](../figures/prisma_flow)"
        "{#fig-prisma "
    )
    assert text["effect_direction"] == (
        "Anxiety (including PTSD symptoms) improved in 3 of 4 studies that reported it "
        "(no clear difference in 1).\n"
    )
    assert (revised / "releases" / "2.0" / "release.yaml").exists()


def diagram_numbers(svg: str) -> set[str]:
    """Every count the flow diagram shows (its accessible description lists every box)."""
    return set(re.findall(r"n = ([\d,]+)", svg))


def _flat(text: str) -> str:
    """Text without whitespace or hyphens, so line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def assert_citing_paragraphs_match_diagram(project: Path, page: str, figure: str) -> int:
    """Every paragraph of ``page`` citing ``#fig-prisma`` quotes only numbers the drawn
    diagram shows, and reads the same in the DOCX and the PDF. Returns how many."""
    shown = diagram_numbers((project / "results" / "figures" / "prisma_flow.svg").read_text())
    html = html_text(project, page)
    paragraphs = [
        " ".join(p.get_text(" ").split())
        for p in html.find_all("p")
        if p.find("a", href="#fig-prisma")
    ]
    assert paragraphs, f"{page}: no paragraph cites the flow diagram"
    others = {"docx": _flat(docx_text(project)), "pdf": _flat(pdf_text(project))}
    for paragraph in paragraphs:
        assert figure in paragraph
        numbers = set(re.findall(r"\d[\d,]*", paragraph.replace(figure, "")))
        assert numbers, paragraph
        assert numbers <= shown, f"{numbers - shown} quoted but not in the diagram: {paragraph}"
        for fmt, text in others.items():
            assert _flat(paragraph) in text, f"{fmt} does not carry the paragraph: {paragraph}"
    return len(paragraphs)


def test_paragraph_citing_the_flow_diagram_quotes_only_its_numbers(revised: Path) -> None:
    assert assert_citing_paragraphs_match_diagram(
        revised, "manuscript/01-results.html", "Figure 1.1"
    )

"""End to end: release a synthetic review, add a study, release again, build the site.

Checks What's new, the version history, the PRISMA previous/new/total arithmetic
and the version stamp in the website, the DOCX and the PDF, and that every
release's PDF and DOCX is published at a stable URL. SYNTHETIC DATA only
(tests/workflow/fixture_review.py plus one invented study added here).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from livingreview.living.make_release import make_release

from .fixture_review import make_fixture_review, rob_row
from .link_targets import docx_link_targets, pdf_link_targets, relative_targets
from .test_build import docx_text, html_text, pdf_text, snakemake

pytestmark = pytest.mark.workflow

HISTORY_CHAPTER = """\
# Version history {#sec-version-history}

{{< include ../results/releases/history.md >}}
"""

CHANGES_CHAPTER = """\
# Changes in this version {#sec-changes}

{{< include ../results/releases/changes.md >}}
"""


def _append_csv(path: Path, row: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        fields = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=fields).writerow(row)


def _use_release_pages(project: Path) -> None:
    """Stamp the book with the release variables and include the generated pages."""
    quarto = yaml.safe_load((project / "_quarto.yml").read_text())
    quarto["version"] = "{{< var release.text >}}"  # as the shipped _quarto.yml
    quarto["date"] = "{{< var release.date >}}"
    quarto["book"]["appendices"] = ["manuscript/09-history.qmd", "manuscript/10-changes.qmd"]
    (project / "_quarto.yml").write_text(yaml.safe_dump(quarto, sort_keys=False))
    index = (project / "index.qmd").read_text()
    head, rest = index.split("\n", 1)
    (project / "index.qmd").write_text(
        f"{head}\n\n{{{{< include results/releases/whats_new.md >}}}}\n{rest}\n"
        "{{< include results/releases/cite.md >}}\n"
    )
    (project / "manuscript" / "09-history.qmd").write_text(HISTORY_CHAPTER)
    (project / "manuscript" / "10-changes.qmd").write_text(CHANGES_CHAPTER)


def _add_synthetic_study(project: Path) -> None:
    data = project / "data"
    _append_csv(
        data / "records.csv",
        {
            "record_id": "R7",
            "source_type": "citation_search",
            "source": "Synthetic citation search",
            "search_date": "2025-01-01",
            "title": "Synthetic trial G",
            "year": "2024",
            "screening": "include",
            "retrieval": "retrieved",
            "eligibility": "include",
            "study_id": "gamma2024",
            "bib_key": "gamma2024",
        },
    )
    _append_csv(
        data / "studies.csv",
        {
            "study_id": "gamma2024",
            "bib_key": "gamma2024",
            "diagnosis_group": "ptsd",
            "design_class": "single_arm",
            "n": "30",
            "main_finding": "Synthetic finding: anxiety fell",
        },
    )
    _append_csv(
        data / "extraction_sources.csv",
        {"study_id": "gamma2024", "field": "*", "source": "synthetic:fixture", "note": "synthetic"},
    )
    # every included study needs a risk-of-bias judgement (the validation gate checks it)
    _append_csv(
        data / "risk_of_bias.csv",
        rob_row(
            "gamma2024", "ROBINS-I", ["Critical"] + ["No information"] * 6 + ["Critical"], "30"
        ),
    )
    with (project / "refs" / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n@article{gamma2024,\n  author = {Gamma, Gus},\n  title = {Synthetic trial G},\n"
            "  journal = {Synthetic Psychiatry},\n  year = {2024},\n  volume = {4},\n"
            "  pages = {1--8}\n}\n"
        )


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_fixture_review(tmp_path_factory.mktemp("living"))
    _use_release_pages(project)
    make_release(project, version="1.0", release_date="2026-01-15", note="Synthetic first version.")
    _add_synthetic_study(project)
    make_release(
        project, version="2.0", release_date="2026-06-30", note="Synthetic update adding G."
    )
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project


def test_snapshots_are_small_and_hold_the_evidence_state(released: Path) -> None:
    v1 = yaml.safe_load((released / "releases" / "1.0" / "release.yaml").read_text())
    v2 = yaml.safe_load((released / "releases" / "2.0" / "release.yaml").read_text())
    assert sorted(v1["studies"]) == ["alpha2019", "beta2021"]
    assert sorted(v2["studies"]) == ["alpha2019", "beta2021", "gamma2024"]
    assert v2["studies"]["gamma2024"]["n"] == 30
    assert v2["variables"]["studies"]["included"] == 3
    assert v2["prisma"]["studies"] == {
        "new": 1, "previous": 2, "withdrawn": 0, "carried": 2, "reassessed": 0, "total": 3
    }  # fmt: skip
    assert (released / "releases" / "1.0" / "release.yaml").stat().st_size < 20_000


def test_prisma_previous_new_total_arithmetic(released: Path) -> None:
    counts = json.loads((released / "results" / "prisma" / "counts.json").read_text())["counts"]
    assert (counts["previous_studies"], counts["new_studies"], counts["total_studies"]) == (2, 1, 3)
    assert (counts["previous_reports"], counts["new_reports"], counts["total_reports"]) == (3, 1, 4)
    assert counts["citations_results"] == 1  # only R7 is new in version 2.0
    # the updated-review diagram (Results cites the cumulative one by default)
    svg = (released / "results" / "figures" / "prisma_flow_update.svg").read_text()
    assert "Studies included in previous version of review (n = 2)" in svg


def test_whats_new_and_citation_on_the_website(released: Path) -> None:
    text = " ".join(html_text(released, "index.html").get_text(" ").split())
    assert "What’s new in version 2.0" in text or "What's new in version 2.0" in text
    assert "Synthetic update adding G." in text
    assert "Studies added (1): Gamma 2024" in text
    assert "Included studies 2 3" in text
    assert "Version 2.0, released 30 June 2026" in text
    code = html_text(released, "index.html").find("pre").get_text()
    assert code.startswith("@misc{author2026v2_0,")
    assert "version = {2.0}" in code


def test_version_history_page(released: Path) -> None:
    page = html_text(released, "manuscript/09-history.html")
    # a date's words are kept together by no-break spaces; compare them as words
    rows = [
        [" ".join(c.get_text(" ", strip=True).split()) for c in tr.find_all("td")]
        for tr in page.find_all("tr")
    ]
    rows = [r for r in rows if r]
    assert rows[0][:2] == ["30 June 2026", "Version 2.0: new studies added"]
    assert rows[1][:2] == ["15 January 2026", "Version 1.0: first version released"]
    history = [r for r in rows if r and r[0] in ("1.0", "2.0")]
    assert [(r[0], r[1], r[4], r[5]) for r in history] == [
        ("2.0", "30 June 2026", "3", "4"),
        ("1.0", "15 January 2026", "2", "3"),
    ]
    links = {a["href"] for a in page.find_all("a")}
    assert {"../releases/1.0/review.pdf", "../releases/1.0/review.docx"} <= links


def test_print_says_where_the_release_files_are_and_links_none_that_cannot_work(
    released: Path,
) -> None:
    """The shipped PDF and DOCX linked ../releases/1.0/review.pdf, which goes nowhere in a
    downloaded file. Without book: site-url print names the website in words, its
    History table has no Downloads column, and no link of either file is relative."""
    book = released / "_book"
    for targets in (pdf_link_targets(book / "review.pdf"), docx_link_targets(book / "review.docx")):
        assert relative_targets(targets) == []  # it held ../releases/1.0/review.pdf ...
    for text in (" ".join(docx_text(released).split()), " ".join(pdf_text(released).split())):
        assert "Every version's PDF and DOCX stay available on the review's website." in (
            text.replace("\u2019", "'")
        )
        assert "Downloads" not in text


def test_version_stamp_in_all_three_formats(released: Path) -> None:
    assert "v2.0" in html_text(released, "index.html").get_text()
    assert "Version 2.0" in " ".join(docx_text(released).split())
    pdf = " ".join(pdf_text(released).split())
    assert "Version 2.0" in pdf and "2026-06-30" in pdf


def test_every_release_published_at_a_stable_url(released: Path) -> None:
    for version, date in (("1.0", "2026-01-15"), ("2.0", "2026-06-30")):
        pdf = released / "_book" / "releases" / version / "review.pdf"
        assert pdf.read_bytes() == (released / "releases" / version / "review.pdf").read_bytes()
        assert (released / "_book" / "releases" / version / "review.docx").is_file()
        text = " ".join(PdfReader(str(pdf)).pages[0].extract_text().split())
        assert f"Version {version}" in text and date in text


def test_draft_after_a_release_is_stamped_as_draft(released: Path, tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "draft"
    shutil.copytree(released, project, symlinks=True)
    _append_csv(
        project / "data" / "records.csv",
        {
            "record_id": "R8",
            "source_type": "database",
            "source": "Synthetic MEDLINE",
            "search_date": "2026-07-01",
            "title": "Synthetic excluded record",
            "screening": "exclude",
        },
    )
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    variables = yaml.safe_load((project / "_variables.yml").read_text())
    assert variables["release"]["version"] == "2.0+draft"
    # readers see what the build is, never the "2.0+draft" stamp (issue 14)
    assert variables["release"]["text"] == "Draft after version 2.0 (not yet released)"
    for text in (
        html_text(project, "index.html").get_text(" "),
        docx_text(project),
        pdf_text(project),
    ):
        assert "+draft" not in text
        assert "Draft after version 2.0 (not yet released)" in " ".join(text.split())
    counts = json.loads((project / "results" / "prisma" / "counts.json").read_text())["counts"]
    # the draft's previous arm is version 2.0; the new record is screened out
    assert (counts["previous_studies"], counts["new_studies"]) == (3, 0)
    assert counts["records_excluded"] == 1
    # Changes in this version says what the draft changes, then compares the releases
    page = " ".join(html_text(project, "manuscript/10-changes.html").get_text(" ").split())
    assert "This draft compared with version 2.0" in page
    assert "the changes to its text are shown here when it is released" in page
    assert "Studies added : none." in page or "Studies added: none." in page
    assert "Records identified (every version)" in page
    assert page.index("This draft compared") < page.index("Version 2.0 compared with version 1.0")
    whats_new = project / "results" / "releases" / "whats_new.md"
    assert "@sec-changes" in whats_new.read_text()
    # the section renamed in its chapter (no other file edited): What's new no longer
    # points to it, instead of a stale pointer that stops the build as unresolved
    changes = project / "manuscript" / "10-changes.qmd"
    changes.write_text(changes.read_text().replace("{#sec-changes}", "{#sec-draft-changes}"))
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "This is a draft after version 2.0" not in whats_new.read_text()
    assert "@sec-changes" not in whats_new.read_text()


def test_release_after_a_change_has_a_changes_page_and_a_tracked_changes_docx(
    released: Path, tmp_path: Path
) -> None:
    import shutil
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
    from word_edits import revisions

    assert not (released / "releases" / "1.0" / "changes.docx").exists()
    changes = released / "releases" / "2.0" / "changes.docx"
    inserted, deleted = revisions(changes.read_bytes())
    # the results paragraph quotes the counts: 2 -> 3 studies, 30 -> 60 participants
    assert {"3", "60"} <= set(inserted) and {"2", "30"} <= set(deleted)
    assert len(inserted) >= 4 and len(deleted) >= 4
    text = " ".join(html_text(released, "manuscript/10-changes.html").get_text(" ").split())
    assert "Version 2.0 compared with version 1.0" in text
    assert "Studies added (1): Gamma 2024" in text
    page = html_text(released, "manuscript/10-changes.html")
    assert {"3", "60"} <= {ins.get_text() for ins in page.find_all("ins")}
    assert {"2", "30"} <= {d.get_text() for d in page.find_all("del")}
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(changes)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0 and (tmp_path / "changes.pdf").is_file(), result.stderr


def test_amended_criteria_are_listed_and_never_called_pre_specified(
    released: Path, tmp_path: Path
) -> None:
    """PRISMA 2020 item 24c: a criterion reworded or added after a release is listed,
    with its wording, in all three formats; the prose that says the criteria are
    pre-specified stops the build; an older release without its protocol is said to
    lack it; a copy that is not the released file is refused."""
    import hashlib
    import shutil

    for version in ("1.0", "2.0"):  # kept by `livingreview release`, SHA-256 as recorded
        kept = released / "releases" / version / "protocol.yaml"
        snapshot = yaml.safe_load((released / "releases" / version / "release.yaml").read_text())
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == snapshot["inputs"]["protocol"]
    before = yaml.safe_load((released / "_variables.yml").read_text())["eligibility"]
    assert before["changed_since_first"] == 0
    assert "have not changed since version 1.0" in before["amendments_text"]

    project = tmp_path / "amended"
    shutil.copytree(released, project, symlinks=True)
    protocol_file = project / "data" / "protocol.yaml"
    protocol = yaml.safe_load(protocol_file.read_text())
    protocol["eligibility"][0]["text"] += " Synthetic amendment: registrations count."
    protocol["eligibility"].append(
        {"id": "D2", "domain": "design", "text": "Synthetic outpatient setting only."}
    )
    protocol_file.write_text(yaml.safe_dump(protocol, sort_keys=False))
    results = project / "manuscript" / "01-results.qmd"
    claimed = (
        "\n[Reports were judged against pre-specified criteria]"
        '{.claim when="eligibility.changed_since_first == 0"}. '
        "{{< var eligibility.amendments_text >}}\n"
    )
    amended = "\n{{< var eligibility.amendments_text >}}\n"
    results.write_text(results.read_text() + claimed)
    result = snakemake(project)
    assert result.returncode != 0
    assert "claim no longer holds" in result.stdout + result.stderr
    assert "pre-specified" in result.stdout + result.stderr

    # the authors revise the sentence: the generated one says when the criteria changed
    results.write_text(results.read_text().replace(claimed, amended))
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = yaml.safe_load((project / "_variables.yml").read_text())["eligibility"]
    assert (found["changed_since_first"], found["changed_since_latest"]) == (2, 2)
    sentence = (
        "criterion D2 was added and criterion P1 was reworded after version 2.0, in this draft"
    )
    page = html_text(project, "manuscript/10-changes.html")
    assert "Synthetic amendment: registrations count." in {
        i.get_text() for i in page.find_all("ins")
    }
    assert "Synthetic outpatient setting only." in {i.get_text() for i in page.find_all("ins")}
    pdf = " ".join(pdf_text(project).split())  # its lines may break words with a hyphen
    assert "P1 (population), reworded:" in pdf and "D2 (study design), added:" in pdf
    assert "2 eligibility criteria changed" in pdf
    assert "pre-specified" not in pdf
    for text in (page.get_text(" "), docx_text(project)):
        words = " ".join(text.split())
        assert "P1 (population), reworded: Synthetic adults with refractory anxiety." in words
        assert "D2 (study design), added:" in words
        assert "2 eligibility criteria changed: the protocol was amended after version 2.0" in words
    for text in (
        html_text(project, "manuscript/01-results.html").get_text(" "),
        docx_text(project),
    ):
        assert sentence in " ".join(text.split())

    # releases made before protocols were kept: no wording to compare, and the page says so
    for version in ("1.0", "2.0"):
        (project / "releases" / version / "protocol.yaml").unlink()
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    page = " ".join(html_text(project, "manuscript/10-changes.html").get_text(" ").split())
    assert "The record of version 2.0 does not keep the wording of its eligibility" in page
    assert "whether a criterion changed cannot be shown here" in page
    assert "No eligibility criterion changed: version 2.0 applies those of version 1.0" in page
    found = yaml.safe_load((project / "_variables.yml").read_text())["eligibility"]
    assert found["changed_since_first"] is None
    assert "cannot be shown" in found["amendments_text"]

    # a copy that is not the file the version was made from is never shown as released
    (project / "releases" / "2.0" / "protocol.yaml").write_text(protocol_file.read_text())
    result = snakemake(project)
    assert result.returncode != 0
    assert "releases/2.0/protocol.yaml" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr

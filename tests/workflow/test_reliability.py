"""Reliability and safety of the whole build (issue 7), on the synthetic fixture review.

* interrupting `snakemake` mid-render (Ctrl-C, or kill -9) publishes nothing
  half-made, and the next run completes the same build;
* clean builds in different folders, with 1 or 2 cores, are byte-identical;
* text from data files and BibTeX that holds HTML and ``<script>`` shows as text;
* a review with zero included studies still builds, and says so;
* config/config.yaml cannot run code when the workflow loads it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from .test_build import html_text, snakemake

pytestmark = pytest.mark.workflow

COMPARED = ("_book", "results")


def outputs(project: Path) -> dict[str, str]:
    """SHA-256 of every published file: _book/, results/ and _variables.yml."""
    files = [project / "_variables.yml"]
    for folder in COMPARED:
        files += [p for p in (project / folder).rglob("*") if p.is_file()]
    # results/cache/ holds parses and validated tables keyed by content and path: a
    # speed-up for later jobs, never published, so not part of the outputs compared
    cache = project / "results" / "cache"
    files = [p for p in files if not p.is_relative_to(cache)]
    return {
        p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(files)
    }


def differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def rewrite_csv(path: Path, edit: Callable[[dict[str, str]], dict[str, str] | None]) -> None:
    """Rewrite a CSV file row by row (``edit`` returns the new row, or None to drop it)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    kept = [new for new in (edit(dict(r)) for r in rows) if new is not None]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)


# --------------------------------------------------------------------------- #
# Interruption
# --------------------------------------------------------------------------- #


def start_and_interrupt(project: Path, sig: signal.Signals) -> int:
    """Start `snakemake`, wait until the render job has begun, send ``sig`` to every process."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "snakemake"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the signal reaches every job
    )
    try:
        deadline = time.monotonic() + 300
        while not (project / "_book.staging").exists():
            assert proc.poll() is None, "snakemake ended before the render started"
            assert time.monotonic() < deadline, "the render never started"
            time.sleep(0.02)
        os.killpg(proc.pid, sig)
        return proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def rerun_after(project: Path, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Run `snakemake` again after an interruption, as a user would.

    After kill -9 (or a power loss) mid-build Snakemake's lock on the folder remains
    and Snakemake says to remove it with ``--unlock``; after Ctrl-C it unlocks itself.
    A kill that lands after the website was published may also land after Snakemake
    released its lock, so the lock is required only when nothing was published.
    """
    if sig == signal.SIGKILL:
        locked = snakemake(project)
        if locked.returncode == 0:
            assert (project / "_book").exists(), "kill -9 mid-build left no lock"
            return locked
        assert "--unlock" in locked.stderr, locked.stderr[-3000:]
        assert snakemake(project, "--unlock").returncode == 0
    return snakemake(project)


def complete_files_only(project: Path, reference: dict[str, str]) -> list[str]:
    """Files in results/ that differ from the complete reference build (half-written ones)."""
    now = outputs(project)
    return [
        name
        for name, sha in now.items()
        if name.startswith("results/") and not Path(name).name.startswith(".")
        and sha != reference.get(name)
    ]  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_interrupted_first_build_publishes_nothing_half_made_and_rerun_completes(
    fresh_project: Path, reference_build: Path, sig: signal.Signals
) -> None:
    reference = outputs(reference_build)
    status = start_and_interrupt(fresh_project, sig)
    if status == 0:
        # On a loaded machine Ctrl-C can land after the last job has finished; a
        # complete, correct build is then the right outcome (nothing half-made).
        assert differences(outputs(fresh_project), reference) == []
        return
    if (fresh_project / "_book").exists():
        # the signal landed after the website was swapped in, possibly while Snakemake
        # itself was exiting (it then fails although every job finished): the website
        # must be the complete one, never half of it
        changed = differences(outputs(fresh_project), reference)
        assert [name for name in changed if name.startswith("_book/")] == []
    assert complete_files_only(fresh_project, reference) == []
    result = rerun_after(fresh_project, sig)
    assert result.returncode == 0, result.stderr[-3000:]
    assert differences(outputs(fresh_project), reference) == []
    assert not (fresh_project / "_book.staging").exists()


def test_interrupted_rebuild_keeps_the_previous_book(
    built_copy: Path, reference_build: Path
) -> None:
    before = outputs(built_copy)
    chapter = built_copy / "manuscript" / "01-results.qmd"
    chapter.write_text(chapter.read_text() + "\nA sentence added after the first build.\n")
    assert start_and_interrupt(built_copy, signal.SIGKILL) != 0
    after = outputs(built_copy)
    assert {k: v for k, v in after.items() if k.startswith("_book/")} == {
        k: v for k, v in before.items() if k.startswith("_book/")
    }
    result = rerun_after(built_copy, signal.SIGKILL)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        "A sentence added after the first build."
        in html_text(built_copy, "manuscript/01-results.html").get_text()
    )


# --------------------------------------------------------------------------- #
# Reproducibility
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("cores", [["--cores", "1"], []], ids=["cores-1", "cores-2"])
def test_clean_builds_are_byte_identical(
    fresh_project: Path, reference_build: Path, cores: list[str]
) -> None:
    result = snakemake(fresh_project, *cores)
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = outputs(reference_build), outputs(fresh_project)
    assert len(first) > 30
    assert differences(first, second) == []


# --------------------------------------------------------------------------- #
# Hostile data
# --------------------------------------------------------------------------- #

# No quotes: Pandoc's smart typography would curl them and the comparison would miss.
TITLE = "Synthetic <script>alert(1)</script> trial <b>A</b> & <img src=x onerror=alert(2)>"
FINDING = "Synthetic <script>alert(3)</script> <em>fell</em> at 24 h"
BIB_TITLE = "Synthetic <script>alert(4)</script> trial"  # CSL sentence-cases titles


def test_html_and_scripts_in_data_are_shown_as_text(fresh_project: Path) -> None:
    project = fresh_project
    rewrite_csv(
        project / "data" / "records.csv",
        lambda r: {**r, "title": TITLE} if r["record_id"] == "R1" else r,
    )
    rewrite_csv(
        project / "data" / "studies.csv",
        lambda r: {**r, "main_finding": FINDING} if r["study_id"] == "alpha2019" else r,
    )
    bib = project / "refs" / "references.bib"
    text = bib.read_text().replace("title = {Synthetic trial A},", f"title = {{{BIB_TITLE}}},")
    assert BIB_TITLE in text
    bib.write_text(text)
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = {
        "manuscript/01-results.html": FINDING,
        "manuscript/02-references.html": BIB_TITLE,
        "results/prisma/records.html": TITLE,
    }
    for page, text in pages.items():
        html = html_text(project, page)
        assert text in " ".join(html.get_text(" ").split()).replace(" ,", ","), page
    for page in sorted((project / "_book").rglob("*.html")):
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        inline = [s for s in html.find_all("script") if not s.get("src")]
        assert inline == [], f"{page.name}: script element injected"
        assert not html.find_all("img", onerror=True), page.name
        assert not html.find_all("b", string="A"), page.name
        assert not html.find_all("em", string="fell"), page.name


# --------------------------------------------------------------------------- #
# Zero included studies
# --------------------------------------------------------------------------- #


def exclude_every_report(project: Path) -> None:
    def exclude(row: dict[str, str]) -> dict[str, str]:
        if row["eligibility"] == "include":
            row.update(eligibility="exclude", exclusion_reason="no_anxiety_outcome", study_id="")
        return row

    rewrite_csv(project / "data" / "records.csv", exclude)
    for name in ("studies", "extraction_sources", "outcomes", "risk_of_bias"):
        path = project / "data" / f"{name}.csv"
        if path.exists():
            rewrite_csv(path, lambda _row: None)
    chapter = project / "manuscript" / "01-results.qmd"
    text = chapter.read_text().replace(
        "Study A was reported twice [@alpha2019; @alpha2020]; study B once [@beta2021].\n", ""
    )
    chapter.write_text(text)


def test_a_review_with_no_included_studies_builds_and_says_so(fresh_project: Path) -> None:
    exclude_every_report(fresh_project)
    result = snakemake(fresh_project)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    page = html_text(fresh_project, "manuscript/01-results.html")
    prose = " ".join(page.get_text(" ").split())
    assert "We included 0 synthetic studies with 0 participants" in prose
    assert "No studies were included." in page.find("table").get_text(" ")
    svg = page.find("svg", class_="linked-figure")
    assert "Studies included in review (n = 0)" in svg.find("desc").get_text()
    records = html_text(fresh_project, "results/prisma/records.html")
    assert "No records." in records.find(id="box-new-studies").find_next("p").get_text()
    assert (fresh_project / "_book" / "review.docx").stat().st_size > 0
    assert (fresh_project / "_book" / "review.pdf").read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------- #
# Config cannot run code
# --------------------------------------------------------------------------- #


def test_the_workflow_does_not_run_code_in_its_config(fresh_project: Path) -> None:
    marker = fresh_project / "ran"
    path = fresh_project / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["__use_yte__"] = True
    config["render"]["backend"] = f'?__import__("pathlib").Path("{marker}").touch() or "auto"'
    path.write_text(yaml.safe_dump(config))
    result = snakemake(fresh_project, "--dry-run")
    assert result.returncode != 0
    # the unknown key is named at its line (yaml.safe_dump sorts it first)
    assert "config/config.yaml:1 [__use_yte__]: unknown setting" in result.stdout + result.stderr
    assert not marker.exists()

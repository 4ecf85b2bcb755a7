"""End to end: `snakemake` on a tiny synthetic review builds website, DOCX and PDF.

These tests run the real workflow in a temporary folder and read the outputs
as a user would: the HTML parsed, the DOCX opened, the PDF's text extracted.
"""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from .link_targets import docx_link_targets, pdf_link_targets, relative_targets

pytestmark = pytest.mark.workflow


def snakemake(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run snakemake as the README does (no flags: the default profile gives the cores)."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def planned_rules(project: Path) -> set[str]:
    """Rules a plain `snakemake` would run now (from a dry run's job table)."""
    result = snakemake(project, "--dry-run")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("Job stats:")[-1] if "Job stats:" in result.stdout else ""
    rules = set(re.findall(r"^([a-z_]+)\s+\d+\s*$", table, flags=re.MULTILINE))
    return rules - {"total", "all"}


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def html_text(project: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((project / "_book" / page).read_text(encoding="utf-8"), "html.parser")


def docx_text(project: Path) -> str:
    document = docx.Document(str(project / "_book" / "review.docx"))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(project: Path) -> str:
    reader = PdfReader(str(project / "_book" / "review.pdf"))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


CAPTION_LINE = re.compile(r"^(Figure|Table)\xa0[A-Z0-9.]+: ")


def pdf_reading_text(project: Path) -> str:
    """The PDF's text in reading order without page furniture: each page's running
    header and page number, and float captions, which Typst places between the two
    halves of a paragraph that a page turn splits."""
    reader = PdfReader(str(project / "_book" / "review.pdf"))
    pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    # the running header: the first line every page after the title page shares
    firsts = Counter(lines[0] for lines in pages[1:] if lines)
    header = firsts.most_common(1)[0][0] if firsts else None
    kept = []
    for number, lines in enumerate(pages, start=1):
        if number > 1 and lines and lines[0] == header:
            lines = lines[1:]  # the running header (not on the title page)
        in_caption = False
        for line in lines:
            in_caption = in_caption or bool(CAPTION_LINE.match(line))
            if not in_caption and line.strip() != str(number):
                kept.append(line)
            if in_caption and line.rstrip().endswith("."):
                in_caption = False  # a caption runs to its closing full stop
    return "\n".join(kept)


def test_cold_build_writes_website_docx_and_pdf(reference_build: Path) -> None:
    book = reference_build / "_book"
    assert (book / "index.html").is_file()
    assert (book / "manuscript" / "01-results.html").is_file()
    assert (book / "review.docx").stat().st_size > 0
    assert (book / "review.pdf").read_bytes().startswith(b"%PDF")


def test_study_values_and_counts_in_all_three_formats(reference_build: Path) -> None:
    page = html_text(reference_build, "manuscript/01-results.html")
    table_text = " ".join(page.find("table").get_text(" ").split())
    docx, pdf = docx_text(reference_build), " ".join(pdf_text(reference_build).split())
    for value in ("Synthetic finding: anxiety fell at 24 h", "18", "up to 7 days"):
        assert value in table_text
        assert value in docx
        assert value in pdf
    prose = " ".join(page.get_text(" ").split())
    assert "We included 2 synthetic studies with 30 participants" in prose


def test_every_included_study_cited_and_listed(reference_build: Path) -> None:
    page = html_text(reference_build, "manuscript/02-references.html")
    refs = " ".join(page.get_text(" ").split())
    docx, pdf = docx_text(reference_build), pdf_text(reference_build)
    for author in ("Alpha", "Beta"):
        assert author in refs
        assert author in docx
        assert author in pdf


def test_print_formats_link_only_to_addresses_that_work(built_copy: Path) -> None:
    """A relative link (a data file, a release's PDF) works beside the website's files
    but goes nowhere in a downloaded DOCX or PDF: print keeps its words and drops the
    link (the review declares no book: site-url to make it absolute); the website
    keeps the link."""
    chapter = built_copy / "manuscript" / "01-results.qmd"
    chapter.write_text(
        chapter.read_text()
        + "\nThe records are [published with this review](../data/records.csv), as is\n"
        "[the first version](../releases/1.0/review.pdf).\n"
    )
    result = snakemake(built_copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    book = built_copy / "_book"
    for targets in (pdf_link_targets(book / "review.pdf"), docx_link_targets(book / "review.docx")):
        assert relative_targets(targets) == []
    for text in (docx_text(built_copy), pdf_text(built_copy)):
        assert "published with this review" in " ".join(text.split())
    page = html_text(built_copy, "manuscript/01-results.html")
    links = {a["href"] for a in page.find_all("a", href=True)}
    assert {"../data/records.csv", "../releases/1.0/review.pdf"} <= links


def test_noop_rebuild_plans_nothing(built_copy: Path) -> None:
    # on a copy: a dry run writes Snakemake's .snakemake/iocache/, and the shared
    # build stays exactly as `snakemake` left it
    assert planned_rules(built_copy) == set()


def test_editing_a_study_value_updates_all_formats_and_only_dependents(
    built_copy: Path,
) -> None:
    project = built_copy
    path = project / "data" / "studies.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["effect_duration"] = "up to 9 days"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    planned = planned_rules(project)
    assert "draw_flow_diagram" not in planned and "derive_prisma_counts" not in planned
    assert "draw_pharmacology_figure" not in planned
    assert {"validate_data", "make_study_tables", "render_book"} <= planned
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "up to 9 days" in html_text(project, "manuscript/01-results.html").get_text()
    assert "up to 9 days" in docx_text(project)
    assert "up to 9 days" in " ".join(pdf_text(project).split())


def test_editing_a_chapter_rerenders_without_redrawing(built_copy: Path) -> None:
    chapter = built_copy / "manuscript" / "01-results.qmd"
    chapter.write_text(chapter.read_text() + "\nAn added synthetic sentence.\n")
    assert planned_rules(built_copy) == {"render_book"}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            lambda p: _drop_column(p / "data" / "studies.csv", "design_class"),
            r"data/studies\.csv:1 \[design_class\]: required column is missing",
            id="missing-column",
        ),
        pytest.param(
            lambda p: _duplicate_first_row(p / "data" / "studies.csv"),
            r"data/studies\.csv:4 \[study_id\]: duplicate value",
            id="duplicate-study-id",
        ),
        pytest.param(
            lambda p: _append_to(p / "manuscript" / "01-results.qmd", "\nSee [@nosuchkey2020].\n"),
            r"manuscript/01-results\.qmd:\d+.*nosuchkey2020",
            id="unknown-citation-key",
        ),
    ],
)
def test_bad_input_stops_build_and_keeps_previous_book(built_copy: Path, edit, expected) -> None:
    before = tree_digest(built_copy / "_book")
    edit(built_copy)
    result = snakemake(built_copy)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert re.search(expected, output), result.stderr[-3000:]
    assert tree_digest(built_copy / "_book") == before
    # One step reports the problem: a data error by the validation alone, never again
    # by each figure or table job; and our own lines name no rule (a build internal).
    assert output.count("ERROR The build stopped:") == 1, output[-3000:]
    assert " failed:\n" not in output
    # Snakemake's repeat of the reported failure (its exception block with the script's
    # path, "Error in rule", "WorkflowError") stays out of the terminal; the run's log
    # file keeps it and names the one rule that failed.
    for repeat in ("RuleException", "CalledProcessError", "Error in rule", "WorkflowError"):
        assert repeat not in output, output[-3000:]
    run_log = max((built_copy / ".snakemake" / "log").glob("*.snakemake.log")).read_text()
    failed = re.findall(r"^Error in rule (\w+):", run_log, flags=re.MULTILINE)
    assert failed == ["render_book" if "manuscript/" in expected else "validate_data"]


def _drop_column(path: Path, column: str) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = [f for f in rows[0] if f != column]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _duplicate_first_row(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")


def _append_to(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

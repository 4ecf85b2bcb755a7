"""`livingreview init DIR && cd DIR && snakemake`: a new review with zero studies builds.

The project comes from the template shipped in the package and its Snakefile
loads the package's workflow module, so this also checks that the module works
outside this repository.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from livingreview.cli import main

from .test_build import snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def new_review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("init") / "new-review"
    assert main(["init", str(project), "--title", "Drug Y for condition Z"]) == 0
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return project


def test_new_project_builds_all_three_outputs(new_review: Path) -> None:
    book = new_review / "_book"
    assert (book / "index.html").is_file()
    assert docx.Document(str(book / "review.docx")).paragraphs
    text = "".join(page.extract_text() for page in PdfReader(book / "review.pdf").pages)
    assert "Drug Y for condition Z" in text


def test_new_project_has_zero_studies_everywhere(new_review: Path) -> None:
    variables = yaml.safe_load((new_review / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["studies"]["included"] == 0
    assert variables["cumulative"]["records"]["identified"] == 0
    page = BeautifulSoup(
        (new_review / "_book" / "manuscript" / "03-results.html").read_text(encoding="utf-8"),
        "html.parser",
    ).get_text(" ")
    assert "identified 0 records" in " ".join(page.split())
    flow = (new_review / "results" / "figures" / "prisma_flow.svg").read_text(encoding="utf-8")
    assert "n = 0" in flow
    assert "No studies were included" in (
        new_review / "results" / "tables" / "characteristics.md"
    ).read_text(encoding="utf-8")


def test_new_project_passes_the_checks(new_review: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--project", str(new_review), "check"]) == 0
    assert main(["--project", str(new_review), "validate"]) == 0
    assert "0 included studies" in capsys.readouterr().out


def test_new_project_snakefile_is_a_few_lines_and_nothing_left_to_do(new_review: Path) -> None:
    code = [
        line
        for line in (new_review / "Snakefile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", " ", '"', "`", "rule", "depends", "depend"))
    ]
    assert len(code) <= 4, code
    dry = snakemake(new_review, "--dry-run")
    assert dry.returncode == 0 and "Nothing to be done" in dry.stdout + dry.stderr


def test_new_project_names_no_placeholder_author(new_review: Path) -> None:
    """Until the authors are filled in, no author is printed or put in the metadata
    (as Quarto does for a book without ``author``)."""
    metadata = PdfReader(new_review / "_book" / "review.pdf").metadata or {}
    assert "[" not in str(metadata.get("/Author", ""))
    assert not metadata.get("/Author")
    core = docx.Document(str(new_review / "_book" / "review.docx")).core_properties
    assert not core.author
    text = "".join(p.extract_text() for p in PdfReader(new_review / "_book" / "review.pdf").pages)
    assert "[First author]" not in text


def test_new_project_reads_truthfully_with_no_studies(new_review: Path) -> None:
    """The template's checked claim said "Every included study was assessed for risk of
    bias" in a review with no included study; its words are now generated, and say so,
    in every output (issue 19, s12)."""
    book = new_review / "_book"
    html = BeautifulSoup(
        (book / "manuscript" / "03-results.html").read_text(encoding="utf-8"), "html.parser"
    ).get_text(" ")
    docx_text = "\n".join(p.text for p in docx.Document(str(book / "review.docx")).paragraphs)
    pdf_text = "".join(page.extract_text() for page in PdfReader(book / "review.pdf").pages)
    for name, text in {"HTML": html, "DOCX": docx_text, "PDF": pdf_text}.items():
        words = " ".join(text.split())
        assert "Every included study" not in words, name
        assert "No study has been included yet, so none has been assessed for risk of bias" in (
            words.replace("- ", "")
        ), name

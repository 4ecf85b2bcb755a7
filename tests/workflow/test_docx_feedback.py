"""DOCX round trip on a built review: edit review.docx as Word does, re-save it in
LibreOffice, and trace every comment and tracked change back to its chapter line.

1. The fixture review is built by `snakemake` (session fixture).
2. Two comments, one tracked insertion and one tracked deletion are written into
   `_book/review.docx` in Word's structure (tests/unit/word_edits.py).
3. `livingreview docx-feedback` places each at its file and line, before and
   after LibreOffice (headless) opened and re-saved the edited document; with
   `--apply` the chapter gets the expected text.
4. The same edits made inside LibreOffice through UNO (tests/unit/libreoffice_edits.py,
   run by the system Python with Debian's python3-uno) are placed and applied alike.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.living.docx_feedback import read_feedback

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from libreoffice_edits import SYSTEM_PYTHON, run_edits
from word_edits import WordEdits

pytestmark = pytest.mark.workflow

RESULTS = "manuscript/01-results.qmd"
EXPECTED = [
    ("comment", "index.qmd", 3, "Why only the build?"),
    ("deletion", "index.qmd", 3, "only "),
    ("insertion", "index.qmd", 3, " end to end"),
    ("comment", RESULTS, 5, "Cite the registry entry too."),
]


def returned_docx(project: Path) -> Path:
    docx = WordEdits(project / "_book" / "review.docx")
    docx.comment("exists only", "Why only the build?")
    docx.delete("only ")
    docx.insert("test the build", " end to end")
    docx.comment("reported twice", "Cite the registry entry too.")
    return docx.save(project / "returned.docx")


def placed(docx: Path, project: Path) -> list[tuple[str, str | None, int | None, str]]:
    return [(i.kind, i.file, i.line, i.text) for i in read_feedback(docx, project)]


def assert_applied(returned: Path, built_copy: Path, capsys) -> None:
    """``--apply`` puts the two accepted changes into index.qmd and nothing else."""
    results_before = (built_copy / RESULTS).read_text(encoding="utf-8")
    assert main(["--project", str(built_copy), "docx-feedback", str(returned), "--apply"]) == 0
    assert "applied 2 change(s) to 1 file(s): index.qmd" in capsys.readouterr().out
    index = (built_copy / "index.qmd").read_text(encoding="utf-8").split("\n")
    assert index[2] == "This synthetic review exists to test the build end to end."
    assert (built_copy / RESULTS).read_text(encoding="utf-8") == results_before


def test_word_edits_are_traced_and_applied(built_copy: Path, capsys) -> None:
    returned = returned_docx(built_copy)
    assert placed(returned, built_copy) == EXPECTED
    assert_applied(returned, built_copy, capsys)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trip_keeps_every_place(built_copy: Path, tmp_path: Path) -> None:
    returned = returned_docx(built_copy)
    out = tmp_path / "libreoffice"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            str(returned),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0 and (out / "returned.docx").is_file(), result.stderr
    assert placed(out / "returned.docx", built_copy) == EXPECTED


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_edits_made_inside_libreoffice_are_traced_and_applied(
    built_copy: Path, tmp_path: Path, capsys
) -> None:
    returned = built_copy / "returned.docx"
    result = run_edits(
        built_copy / "_book" / "review.docx",
        returned,
        tmp_path,
        [  # the deletion first: the comment then spans the deleted words, as in Word
            ("delete", "only "),
            ("insert", "test the build", " end to end"),
            ("comment", "exists only", "Why only the build?"),
            ("comment", "reported twice", "Cite the registry entry too."),
        ],
    )
    assert result.returncode == 0, f"needs python3-uno for {SYSTEM_PYTHON}: {result.stderr}"
    assert placed(returned, built_copy) == EXPECTED
    assert_applied(returned, built_copy, capsys)

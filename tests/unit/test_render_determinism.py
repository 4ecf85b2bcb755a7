"""Rebuilding from the same inputs gives byte-identical HTML, DOCX and PDF."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from livingreview.render import build_reference_docx, render_book, write_reference_docx

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"


def test_two_builds_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first_root = tmp_path / "a" / "book"
    second_root = tmp_path / "b" / "elsewhere"
    shutil.copytree(FIXTURE, first_root)
    shutil.copytree(FIXTURE, second_root)
    first = render_book(first_root, backend="embedded")
    again = render_book(first_root, backend="embedded")
    second = render_book(second_root, backend="embedded")
    assert first == again == second
    for name in ("index.html", "review.docx", "review.pdf"):
        assert (first_root / "_book" / name).read_bytes() == (
            second_root / "_book" / name
        ).read_bytes()


def test_source_date_epoch_stamps_docx_and_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")  # 2024-05-01T00:00:00Z
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    render_book(root, backend="embedded", formats=["docx", "pdf"])
    with zipfile.ZipFile(root / "_book" / "review.docx") as package:
        core = package.read("docProps/core.xml").decode()
    assert "2024-05-01T00:00:00Z" in core
    from pypdf import PdfReader

    created = PdfReader(root / "_book" / "review.pdf").metadata["/CreationDate"]
    assert created.startswith("D:20240501")
    assert not (root / "_book" / "index.html").exists()  # only the formats asked for


def test_reference_docx_is_reproducible_and_styled(tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    assert build_reference_docx() == build_reference_docx()
    path = write_reference_docx(tmp_path / "refs" / "reference.docx")
    document = docx.Document(str(path))
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == "Literata"  # the text face
    assert defaults.find(qn("w:sz")).get(qn("w:val")) == "22"  # 11 pt body text
    # Normal sets neither, so the table style's 8 pt applies inside tables
    assert styles["Normal"].font.size is None and styles["Normal"].font.name is None
    assert styles["Table"].font.size.pt == 8
    for name in (
        "Heading 1",
        "Image Caption",
        "Table Caption",
        "Callout",
        "Affiliation",
        "Abstract",
        "Bibliography",
    ):
        assert name in [s.name for s in styles]
    assert styles["Heading 1"].paragraph_format.page_break_before
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_project_reference_doc_is_used(tmp_path: Path) -> None:
    import docx

    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    write_reference_docx(root / "refs" / "reference.docx", paper="letter")
    render_book(root, backend="embedded", formats=["docx"])
    section = docx.Document(str(root / "_book" / "review.docx")).sections[0]
    assert round(section.page_width.inches, 1) == 8.5

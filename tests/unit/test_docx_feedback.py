"""`livingreview docx-feedback`: comments and tracked changes back to chapter lines.

The DOCX is made by the real renderer from the fixture book with paragraphs
added to the methods chapter; the edits are written by ``word_edits`` in the
structure Word saves (see that module), or made inside LibreOffice through
UNO (``libreoffice_edits``, run by the system Python with Debian's
``python3-uno``). A LibreOffice round trip of a built review is in
tests/workflow/test_docx_feedback.py.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from libreoffice_edits import SYSTEM_PYTHON, run_edits
from word_edits import WordEdits

from livingreview.cli import main
from livingreview.errors import FeedbackError
from livingreview.living.docx_feedback import align, apply_feedback, read_feedback
from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
METHODS = "manuscript/02-methods.qmd"
ADDED = """
Co-authors edit this paragraph in Word.
Its second line holds the words to delete here,
and the third line ends the paragraph.

We screened {{< var counts.screened >}} records [@smith2020] for this paragraph.

A "smart" paragraph -- with quotes -- and the author's dashes.

[Every screened record was read by two people.]{.claim when="counts.screened >= 0"}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feedback") / "book"
    shutil.copytree(FIXTURE, root)
    with (root / METHODS).open("a", encoding="utf-8") as handle:
        handle.write(ADDED)
    render_book(root, backend="embedded", formats=["docx"])
    return root


@pytest.fixture
def book(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(built, root)
    return root


def line_of(root: Path, text: str) -> int:
    lines = (root / METHODS).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def edited(book: Path, *edits: tuple[str, ...]) -> Path:
    docx = WordEdits(book / "_book" / "review.docx")
    for name, *args in edits:
        getattr(docx, name)(*args)
    return docx.save(book / "returned.docx")


def test_two_comments_an_insertion_and_a_deletion_are_placed_and_applied(book: Path) -> None:
    returned = edited(
        book,
        ("comment", "edit this paragraph", "Which paragraph?"),
        ("comment", "for this paragraph", "Say which databases."),
        ("delete", "to delete "),
        ("insert", "the third line", " (new words)"),
    )
    items = read_feedback(returned, book)
    placed = [(i.kind, i.file, i.line, i.text) for i in items]
    first = line_of(book, "Co-authors edit")
    assert placed == [
        ("comment", METHODS, first, "Which paragraph?"),
        ("deletion", METHODS, first + 1, "to delete "),
        ("insertion", METHODS, first + 2, " (new words)"),
        ("comment", METHODS, line_of(book, "for this paragraph"), "Say which databases."),
    ]
    assert items[0].context == "edit this paragraph"
    assert [i.action for i in items if i.kind != "comment"] == ["apply", "apply"]

    assert apply_feedback(items, book) == [METHODS]
    text = (book / METHODS).read_text(encoding="utf-8")
    assert (
        "Co-authors edit this paragraph in Word.\n"
        "Its second line holds the words here,\n"
        "and the third line (new words) ends the paragraph.\n"
    ) in text


def test_smart_punctuation_is_aligned_back_to_the_source(book: Path) -> None:
    returned = edited(book, ("delete", "the author’s "), ("insert", "– with quotes –", " added"))
    items = read_feedback(returned, book)
    assert [i.action for i in items] == ["apply", "apply"]
    apply_feedback(items, book)
    assert 'A "smart" paragraph -- with quotes -- added and dashes.' in (book / METHODS).read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("words", "line"),
    [
        pytest.param("for this paragraph", "for this paragraph", id="variable-and-citation"),
        pytest.param("read by two", "Every screened record", id="checked-claim"),
    ],
)
def test_paragraphs_with_variables_citations_or_claims_are_left_for_a_person(
    book: Path, words: str, line: str
) -> None:
    before = (book / METHODS).read_text(encoding="utf-8")
    returned = edited(book, ("insert", words, " only"))
    (item,) = read_feedback(returned, book)
    assert (item.file, item.line) == (METHODS, line_of(book, line))
    assert item.action.startswith("for a person")
    assert apply_feedback([item], book) == []
    assert (book / METHODS).read_text(encoding="utf-8") == before


def test_nothing_is_written_when_one_change_cannot_be_placed(book: Path) -> None:
    returned = edited(book, ("delete", "to delete "), ("insert", "A “smart” paragraph", " X"))
    path = book / METHODS
    # a co-author edits the smart paragraph in the chapter after the build
    path.write_text(
        path.read_text(encoding="utf-8").replace("the author's", "our"), encoding="utf-8"
    )
    before = path.read_text(encoding="utf-8")
    items = read_feedback(returned, book)
    assert [i.action.split(":")[0] for i in items] == ["apply", "cannot place"]
    with pytest.raises(FeedbackError, match="nothing was written"):
        apply_feedback(items, book)
    assert path.read_text(encoding="utf-8") == before


def test_changes_outside_chapter_paragraphs_are_reported(book: Path) -> None:
    returned = edited(book, ("comment", "Ada Lovelace", "Add my middle name."))
    (item,) = read_feedback(returned, book)
    assert item.file is None and "not from a chapter paragraph" in item.action


def test_cli_reports_and_applies(book: Path, capsys: pytest.CaptureFixture) -> None:
    returned = edited(book, ("comment", "edit this paragraph", "Hm."), ("delete", "to delete "))
    assert main(["--project", str(book), "docx-feedback", str(returned), "--apply"]) == 0
    out = capsys.readouterr().out
    first = line_of(book, "Co-authors edit")
    assert f"{METHODS}:{first}: comment by Co Author: 'Hm.'" in out
    assert f"{METHODS}:{first + 1}: deletion" in out
    assert "applied 1 change(s) to 1 file(s)" in out


def edited_in_libreoffice(book: Path, tmp_path: Path, *edits: tuple[str, ...]) -> Path:
    """``review.docx`` edited inside LibreOffice (UNO) with track changes on."""
    returned = book / "returned.docx"
    result = run_edits(book / "_book" / "review.docx", returned, tmp_path, list(edits))
    assert result.returncode == 0 and returned.is_file(), (
        "editing in LibreOffice through UNO failed (needs Debian's python3-uno for "
        f"{SYSTEM_PYTHON}):\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
    )
    with zipfile.ZipFile(returned) as package:
        assert b"<Application>LibreOffice" in package.read("docProps/app.xml")
    return returned


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_edits_made_inside_libreoffice_are_placed_and_applied(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    returned = edited_in_libreoffice(
        book,
        tmp_path,
        ("comment", "edit this paragraph", "Which paragraph?"),
        ("delete", "to delete "),
        ("insert", "the third line", " (new words)"),
        ("comment", "for this paragraph", "Say which databases."),
    )
    items = read_feedback(returned, book)
    first = line_of(book, "Co-authors edit")
    assert [(i.kind, i.file, i.line, i.text, i.author) for i in items] == [
        ("comment", METHODS, first, "Which paragraph?", "Libre Co-author"),
        ("deletion", METHODS, first + 1, "to delete ", "Libre Co-author"),
        ("insertion", METHODS, first + 2, " (new words)", "Libre Co-author"),
        (
            "comment",
            METHODS,
            line_of(book, "for this paragraph"),
            "Say which databases.",
            "Libre Co-author",
        ),
    ]
    assert [i.context for i in items if i.kind == "comment"] == [
        "edit this paragraph",
        "for this paragraph",
    ]
    before = (book / METHODS).read_text(encoding="utf-8")
    assert main(["--project", str(book), "docx-feedback", str(returned), "--apply"]) == 0
    assert "applied 2 change(s) to 1 file(s)" in capsys.readouterr().out
    assert (book / METHODS).read_text(encoding="utf-8") == before.replace(
        "Co-authors edit this paragraph in Word.\n"
        "Its second line holds the words to delete here,\n"
        "and the third line ends the paragraph.\n",
        "Co-authors edit this paragraph in Word.\n"
        "Its second line holds the words here,\n"
        "and the third line (new words) ends the paragraph.\n",
    )


@pytest.mark.parametrize(
    "content",
    [pytest.param(b"not a zip", id="not-a-zip"), pytest.param(None, id="zip-without-document")],
)
def test_unreadable_file_is_an_error_with_a_fix(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "returned.docx"
    if content is None:
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("other.xml", "<x/>")
    else:
        path.write_bytes(content)
    with pytest.raises(FeedbackError, match=r"Fix: pass the \.docx"):
        read_feedback(path, tmp_path)
    assert main(["--project", str(tmp_path), "docx-feedback", str(path)]) == 1


@pytest.mark.parametrize(
    ("source", "rendered", "ok"),
    [
        pytest.param("a\nb", "a b", True, id="line-break"),
        pytest.param("it's -- done...", "it’s – done…", True, id="smart"),
        pytest.param("*a* b", "a b", False, id="markup"),
        pytest.param("a b", "a b c", False, id="longer"),
    ],
)
def test_align(source: str, rendered: str, ok: bool) -> None:
    assert (align(source, rendered) is not None) is ok

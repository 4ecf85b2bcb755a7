"""The render's work before Typst runs in a child process (render/isolated.py, issue 19):
results and errors come back, the child's memory does not stay in this process, and
the book is the same byte for byte."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from livingreview.errors import ManuscriptError, Problem, RenderError
from livingreview.render import manifest, render_book
from livingreview.render.isolated import in_child

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this system")


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def test_the_result_comes_back_from_another_process() -> None:
    pid, value = in_child(_pid_and, 21)
    assert value == 42
    assert pid != os.getpid()


def _touch_megabytes(size: int) -> int:
    block = bytearray(size << 20)
    for i in range(0, len(block), 4096):
        block[i] = 1  # resident, not only reserved
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10


def test_the_childs_memory_is_not_this_processs() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    child_peak = in_child(_touch_megabytes, 300)
    assert child_peak >= 300
    # this process never held the 300 MB (its peak, in MB, is what it was)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10) < before + 100


def _manuscript_problem() -> None:
    raise ManuscriptError(
        [Problem("manuscript/02-methods.qmd", "unknown cross-reference @fig-x", row=3)],
        "the manuscript has problems",
    )


def test_a_review_error_comes_back_with_its_problems() -> None:
    with pytest.raises(ManuscriptError) as info:
        in_child(_manuscript_problem)
    assert info.value.summary == "the manuscript has problems"
    assert info.value.problems == [
        Problem("manuscript/02-methods.qmd", "unknown cross-reference @fig-x", row=3)
    ]


def _value_error() -> None:
    raise ValueError("bad value 7")


class _Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"needs {a} and {b}")


def _unpicklable() -> None:
    raise _Unpicklable(1, 2)


def test_other_errors_come_back_as_themselves_or_with_the_traceback() -> None:
    with pytest.raises(ValueError, match="bad value 7"):
        in_child(_value_error)
    with pytest.raises(RuntimeError) as info:
        in_child(_unpicklable)
    assert "needs 1 and 2" in str(info.value) and "_unpicklable" in str(info.value)


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_child_killed_is_a_render_error() -> None:
    with pytest.raises(RenderError) as info:
        in_child(_killed)
    assert "signal SIGKILL" in str(info.value)


def test_an_isolated_render_writes_the_same_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    here, there = tmp_path / "a" / "book", tmp_path / "b" / "book"
    shutil.copytree(FIXTURE, here)
    shutil.copytree(FIXTURE, there)
    files = render_book(here, backend="embedded")
    assert render_book(there, backend="embedded", isolate=True) == files
    assert {"index.html", "review.docx", "review.pdf"} <= set(files)
    # the digests taken while Typst ran are those of the files in place
    assert manifest(there / "_book") == files


def test_an_isolated_render_reports_the_manuscripts_problems(tmp_path: Path) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    methods = root / "manuscript" / "02-methods.qmd"
    methods.write_text(methods.read_text(encoding="utf-8") + "\nSee @fig-nothere.\n")
    with pytest.raises(ManuscriptError) as info:
        render_book(root, backend="embedded", isolate=True)
    assert "@fig-nothere" in str(info.value)
    assert info.value.problems[0].file.endswith("02-methods.qmd")
    assert not (root / "_book.staging").exists()


_ORPHAN = """
import os, sys, time
from livingreview.render.isolated import in_child

def work(path):
    with open(path, "w") as out:
        out.write(str(os.getpid()))
    time.sleep(60)

in_child(work, sys.argv[1])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN, str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text()):
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.05)
        child = int(marker.read_text())
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and _state(child) != "Z":
            assert time.monotonic() < deadline, "the child outlived its parent"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


@pytest.mark.parametrize("isolate", [False, True])
def test_a_published_csv_is_safe_in_the_rendered_book(tmp_path: Path, isolate: bool) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    quarto = root / "_quarto.yml"
    text = quarto.read_text(encoding="utf-8")
    quarto.write_text(text.replace("  type: book\n", "  type: book\n  resources: [data.csv]\n", 1))
    (root / "data.csv").write_text('study,note\ns1,"=HYPERLINK(""http://x"",""y"")"\n')
    files = render_book(root, formats=("html",), backend="embedded", isolate=isolate)
    published = (root / "_book" / "data.csv").read_text()
    assert "'=HYPERLINK" in published
    assert files == manifest(root / "_book")  # the digest is of the safe file


def _typst_fails(book: object, source: str, output: Path) -> None:
    raise RenderError([Problem("review.typ", "Typst could not compile the PDF")])


def _docx_fails(*args: object) -> None:
    raise RenderError([Problem("review.docx", "Pandoc could not write the DOCX")])


@pytest.mark.parametrize(
    ("failing", "message"),
    [("typst", "Typst could not compile"), ("docx", "Pandoc could not write")],
    ids=["typst-beside-the-child", "docx-in-the-child-after-the-hand-over"],
)
def test_a_failure_on_either_side_of_the_hand_over_keeps_the_last_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, message: str
) -> None:
    """The child hands the Typst source over and goes on: whichever side fails, the
    other ends first, the error comes back and the last book stays as it was."""
    import threading

    from livingreview.render import embedded, typst_pdf

    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    before = render_book(root, backend="embedded", isolate=True)
    compiled_in: list[str] = []
    real_compile = typst_pdf.compile_pdf

    def compile_pdf(book: object, source: str, output: Path) -> None:
        compiled_in.append(threading.current_thread().name)
        (_typst_fails if failing == "typst" else real_compile)(book, source, output)

    monkeypatch.setattr(typst_pdf, "compile_pdf", compile_pdf)
    if failing == "docx":
        monkeypatch.setattr(embedded, "convert_docx", _docx_fails)
    chapter = root / "manuscript" / "02-methods.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    with pytest.raises(RenderError, match=message):
        render_book(root, backend="embedded", isolate=True)
    assert compiled_in == ["lr-handed-over"]  # Typst ran beside the child, in this process
    assert manifest(root / "_book") == before
    assert not (root / "_book.staging").exists()


def test_the_manifest_holds_the_digests_of_the_files_typst_writes_beside_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the child hashes what it wrote, Typst writes the PDF and the kept source
    (keep-typ) beside it: those are hashed once written, never by the child."""
    from livingreview.render import typst_pdf

    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    quarto = root / "_quarto.yml"
    text = quarto.read_text(encoding="utf-8")
    quarto.write_text(text.replace("  typst:\n", "  typst:\n    keep-typ: true\n", 1))
    real = typst_pdf.compile_pdf

    def late(book: object, source: str, output: Path) -> None:
        output.with_suffix(".typ").write_text("half written", encoding="utf-8")
        time.sleep(1)  # the child hashes meanwhile
        real(book, source, output)

    monkeypatch.setattr(typst_pdf, "compile_pdf", late)
    files = render_book(root, backend="embedded", isolate=True)
    assert "review.typ" in files
    assert files == manifest(root / "_book")

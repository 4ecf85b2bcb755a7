"""Pandoc's DOCX and Typst writers run in a thread beside the website (render/side_jobs.py)."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from livingreview.errors import Problem, RenderError
from livingreview.render import embedded, render_book, typst_pdf
from livingreview.render.side_jobs import SideJobs

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"


def test_jobs_run_in_order_in_one_thread_beside_the_main_one() -> None:
    ran: list[tuple[str, str]] = []

    def job(name: str) -> str:
        time.sleep(0.02)
        ran.append((name, threading.current_thread().name))
        return name

    with SideJobs() as jobs:
        first, second = jobs.start(job, "first"), jobs.start(job, "second")
        jobs.wait()
        assert [name for name, _ in ran] == ["first", "second"]
        assert first.result() == "first" and second.result() == "second"
    threads = {thread for _, thread in ran}
    assert len(threads) == 1 and threading.main_thread().name not in threads


def test_wait_raises_a_jobs_error() -> None:
    def fails() -> None:
        raise RenderError([])

    with SideJobs() as jobs:
        jobs.start(fails)
        with pytest.raises(RenderError):
            jobs.wait()


def test_leaving_the_block_waits_for_running_jobs_even_when_it_raised() -> None:
    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.2)
        finished.set()

    with pytest.raises(ValueError), SideJobs() as jobs:
        jobs.start(slow)
        raise ValueError("the website failed")
    assert finished.is_set()  # no writer still runs into a staging folder being removed


class InOrder:
    """:class:`SideJobs` that runs each job at once, in the main thread (the old order)."""

    def __enter__(self) -> InOrder:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def start(self, function: Any, *args: Any) -> Future:
        job: Future = Future()
        job.set_result(function(*args))
        return job

    def wait(self) -> None:
        pass


def test_the_writers_run_beside_the_website_and_end_before_typst(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes as with every step in the main thread; each Pandoc writer runs in
    the jobs' thread, one at a time, and both end before Typst compiles the PDF."""
    events: list[tuple[str, str, float]] = []

    def recorded(name: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            thread = threading.current_thread().name
            events.append((f"{name} starts", thread, time.perf_counter()))
            try:
                return function(*args, **kwargs)
            finally:
                events.append((f"{name} ends", thread, time.perf_counter()))

        return run

    manifests = []
    for side_jobs in (InOrder, SideJobs):
        root = tmp_path / side_jobs.__name__ / "book"
        shutil.copytree(FIXTURE, root)
        if side_jobs is SideJobs:
            monkeypatch.setattr(embedded, "SideJobs", SideJobs)
            for name in ("typst_source", "convert_docx"):
                monkeypatch.setattr(embedded, name, recorded(name, getattr(embedded, name)))
            compile_pdf = recorded("compile_pdf", typst_pdf.compile_pdf)
            monkeypatch.setattr(typst_pdf, "compile_pdf", compile_pdf)
        else:
            monkeypatch.setattr(embedded, "SideJobs", InOrder)
        manifests.append(render_book(root, backend="embedded"))
    assert manifests[0] == manifests[1]
    names = [name for name, _, _ in events]
    assert names == [
        "typst_source starts",
        "typst_source ends",
        "convert_docx starts",
        "convert_docx ends",
        "compile_pdf starts",
        "compile_pdf ends",
    ]
    main = threading.main_thread().name
    assert [thread == main for _, thread, _ in events] == [False] * 4 + [True] * 2


def test_a_writer_failing_in_the_thread_fails_the_render_and_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)

    def fails(*args: Any) -> None:
        time.sleep(0.1)  # still running while the website is written
        raise RenderError([Problem("review.docx", "Pandoc failed")])

    monkeypatch.setattr(embedded, "convert_docx", fails)
    with pytest.raises(RenderError, match="Pandoc failed"):
        render_book(root, backend="embedded", formats=["html", "docx"])
    assert not (root / "_book").exists()  # no half-built book
    assert not (root / "_book.staging").exists()

"""Jobs run in a thread beside a render's main thread (issue 19: a chapter edit in seconds).

Pandoc's DOCX and Typst writers spend their time in a Pandoc process, Typst's compile
in Rust with Python's lock released, so a job runs on the machine's other core while
the main thread writes the website. The jobs of one :class:`SideJobs` run one at a
time, in the order started, in its thread; the render uses two, one per format (the
PDF: Pandoc's Typst writer, then Typst; the DOCX: Pandoc's DOCX writer). Once s11 found
two whole-book Pandoc writers beside the website's own Pandoc put the render's peak
100-150 MB above Typst's layout in a chapter edit at 1,000 studies (785-798 MB
against 647-686); since large tables are written once and spliced (:mod:`.splice`)
the writers are small, and with the two threads the render's peak was 726-737 MB
against 716-720 with Typst compiling last, alone (s13-chapter1k). Each job's result
(or its exception) is its :class:`~concurrent.futures.Future`'s. Leaving the
``with`` block waits for every job, also when the block raised, so no Pandoc
process still writes into a staging folder that is being removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class SideJobs:
    """A ``with`` block whose :meth:`start` runs a function in its thread."""

    def __init__(self, name: str = "render") -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"lr-{name}")
        self._jobs: list[Future[Any]] = []

    def __enter__(self) -> SideJobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True)

    def start(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """``function(*args)`` in the jobs' thread, after the jobs started before it;
        its result is the future's."""
        job = self._pool.submit(function, *args)
        self._jobs.append(job)
        return job

    def wait(self) -> None:
        """Wait for every job started, raising the first one's exception, if any, then
        give back to the system the memory they freed (:func:`release_free_memory`)."""
        for job in self._jobs:
            job.result()
        release_free_memory()


def release_free_memory() -> None:
    """Return the C library's free memory to the system, where it is glibc's.

    Each thread allocates from its own glibc arena, and memory a job's thread freed
    stays in that arena: Typst, still compiling in the PDF's thread, cannot reuse
    it, so the render's peak (Typst's layout) would sit that much higher."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return  # not glibc (musl, macOS): nothing to trim
    trim(0)

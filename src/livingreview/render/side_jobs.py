"""Jobs run in a thread beside a render's main thread (issue 19: a chapter edit in seconds).

Pandoc's DOCX and Typst writers spend their time in a Pandoc process, and Python's
lock is released while a thread waits for one, so the writers run on the machine's
other core while the main thread writes the website. They run one at a time, in the
order started, in one thread: two whole-book Pandoc writers beside the website's own
Pandoc (the edited page) put the render's peak 100-150 MB above Typst's layout in a
chapter edit at 1,000 studies (785-798 MB against 647-686), one stays under it. Each job's result
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

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lr-render")
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
    stays in that arena: Typst, compiling in the main thread next, cannot reuse it,
    so the render's peak (Typst's layout) would sit that much higher."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return  # not glibc (musl, macOS): nothing to trim
    trim(0)

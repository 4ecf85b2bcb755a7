"""A function run in a forked child process, its result or its error handed back
(issue 19: the render's peak memory at 1,000 studies).

Typst's compile of the PDF is the render's peak. Run in the process that built the
book model and wrote the website and the DOCX, it starts on top of what that work
left resident: Python gives back to the system only whole arenas, and the freed
model leaves most of them partly used (about 190 MB at 1,000 studies, of which 24
MB still in use). In a child that ends before Typst starts, that memory is the
system's again, and Typst compiles in a process that holds little more than its
modules.

:func:`in_child_handing_over` also lets the child hand one result over while it
goes on: the render hands over the PDF's Typst source as soon as it is made, and
Typst compiles it here while the child still writes the website and the DOCX.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import Problem, RenderError, ReviewError

T = TypeVar("T")
R = TypeVar("R")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def in_child(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a forked child process: its (pickled) result, or its
    exception raised here. A :class:`~livingreview.errors.ReviewError` comes back with
    its problems; any other exception as itself where it pickles, else as a
    ``RuntimeError`` with the child's traceback. Without ``os.fork`` (Windows) the
    function runs in this process."""
    if not hasattr(os, "fork"):
        return function(*args)
    return _forked(function, args, None)[0]


def in_child_handing_over(
    function: Callable[..., T], *args: Any, receive: Callable[[bytes], R]
) -> tuple[T, R | None]:
    """:func:`in_child`, with a way to hand one piece of work back early.

    ``function`` is called with a ``hand_over(data: bytes)`` before ``args``: the
    data reaches this process at once, where ``receive(data)`` runs in a thread
    while the child goes on. Returns the function's result and ``receive``'s (None
    when nothing was handed over), once both ended; an error of the child's is
    raised first, then one of ``receive``'s."""
    if not hasattr(os, "fork"):
        received: list[R] = []
        result = function(lambda data: received.append(receive(data)), *args)
        return result, (received[0] if received else None)
    return _forked(function, args, receive)


def _forked(
    function: Callable[..., T], args: tuple[Any, ...], receive: Callable[[bytes], R] | None
) -> tuple[T, R | None]:
    _flush()
    read, write = os.pipe()
    early_read, early_write = os.pipe() if receive is not None else (-1, -1)
    try:
        pid = os.fork()
    except OSError:
        for fd in (read, write, early_read, early_write):
            if fd >= 0:
                os.close(fd)
        raise
    if pid == 0:  # the child: never returns
        os.close(read)
        _end_with_parent()
        code = 0
        try:
            if receive is not None:
                os.close(early_read)
                function = functools.partial(function, _HandOver(early_write))
            data = _outcome(function, args)
            with os.fdopen(write, "wb") as out:
                out.write(data)
        except BaseException:  # the pipe closed: the parent has gone
            code = 1
        finally:
            _flush()
            os._exit(code)
    os.close(write)
    early = None
    if receive is not None:
        os.close(early_write)
        early = _Receiver(early_read, receive)
        early.start()
    try:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
        if early is not None:
            early.join()
    if not data:
        _log_unraised(early)
        raise RenderError([Problem("render", _ended(status))])
    kind, value = pickle.loads(data)
    if kind == "ok":
        return value, (early.outcome() if early is not None else None)
    _log_unraised(early)  # the child's error comes first
    if kind == "review":
        cls, problems, summary = value
        raise cls(problems, summary)
    if kind == "error":
        raise value
    raise RuntimeError(value)


def _log_unraised(early: _Receiver | None) -> None:
    """Log the error of what was handed over, when the child's is the one raised."""
    if early is not None and early.error is not None:
        logging.getLogger("livingreview").error("%s", early.error)


class _HandOver:
    """The child's end of the early channel: one piece of data, then closed."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def __call__(self, data: bytes) -> None:
        with os.fdopen(self._fd, "wb") as out:
            out.write(data)


class _Receiver(threading.Thread):
    """The parent's end of the early channel: reads until the child closed it (or
    ended), then runs ``receive`` on what came, if anything."""

    def __init__(self, fd: int, receive: Callable[[bytes], Any]) -> None:
        super().__init__(name="lr-handed-over", daemon=True)
        self._fd = fd
        self._receive = receive
        self._result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            if data:
                self._result = self._receive(data)
        except BaseException as exc:
            self.error = exc

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self._result


def _outcome(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """The pickled result of ``function(*args)``, or of its exception."""
    try:
        return pickle.dumps(("ok", function(*args)), pickle.HIGHEST_PROTOCOL)
    except ReviewError as exc:
        return pickle.dumps(("review", (type(exc), exc.problems, exc.summary)))
    except BaseException as exc:
        text = "".join(traceback.format_exception(exc))
        try:
            data = pickle.dumps(("error", exc))
            pickle.loads(data)  # an exception whose arguments do not rebuild it
            return data
        except Exception:
            return pickle.dumps(("text", text))


def _ended(status: int) -> str:
    """How the child ended without handing a result back."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        hint = " (the system may have run out of memory)" if number == signal.SIGKILL else ""
        return f"the render's process was stopped by signal {name}{hint}"
    return f"the render's process ended with code {os.waitstatus_to_exitcode(status)}"


def _end_with_parent() -> None:
    """Ask Linux to stop this child when its parent ends (a job cancelled by Snakemake
    while the child still writes into the staging folder); elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent ended before the request
        os._exit(1)


def _flush() -> None:
    """Write out what is buffered, so nothing is printed twice or lost at the fork."""
    handlers = logging.getLogger().handlers + logging.getLogger("livingreview").handlers
    for target in (sys.stdout, sys.stderr, *handlers):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            target.flush()

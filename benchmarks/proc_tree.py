"""A process and its descendants, read from ``/proc`` (Linux), for the benchmarks
that measure the peak memory of a whole process tree (``scale.py``,
``render_memory.py``)."""

from __future__ import annotations

import os
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") / 1024


def stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the command name (field 3 is index 0);
    empty when the process has ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def rss_kb(pid: int) -> float:
    """Resident memory of ``pid`` in KB (0 when it has ended)."""
    fields = stat_fields(pid)
    return int(fields[21]) * PAGE_KB if len(fields) > 21 else 0.0


def children(pid: int) -> list[int]:
    """The direct children of ``pid``, started from any of its threads."""
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []  # the process has just ended
    for task in tasks:
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out

"""A process and its descendants, read from ``/proc`` (Linux), for the benchmarks
that measure the peak memory of a whole process tree (``scale.py``,
``render_memory.py``), and the CPU seconds of each job of a ``snakemake`` run
(:class:`JobSampler`, ``scale.py``)."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import threading
import time
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") / 1024
TICK = os.sysconf("SC_CLK_TCK")
# The script Snakemake writes for a job of a `script:` rule and starts as
# `python .../.snakemake/scripts/tmpXXXXXXXX.<script name>.py` (each script of this
# project is named after its rule).
SCRIPT = re.compile(r"\.snakemake/scripts/tmp[^./]*\.(\w+)\.py")


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


def cmdline(pid: int) -> str:
    """The command line of ``pid``, its arguments joined by NUL (empty when it has ended)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


class JobSampler(threading.Thread):
    """Samples the process tree of a ``snakemake`` process every ``interval`` seconds:
    the peak of its summed resident memory, and the CPU seconds of every job.

    A job is a direct child of the ``snakemake`` process: for a ``script:`` rule its
    shell execs the script's Python, whose command line names the script
    (:data:`SCRIPT`), or a descendant's does. Snakemake reaps the job when it ends, and
    the kernel then adds all of the job's CPU (its own, and that of every process it
    waited for: a forked child, Pandoc) to the ``snakemake`` process's cutime and
    cstime. The growth of those between two samples is therefore the exact CPU of the
    jobs reaped in between, including what they used after their last sample, however
    they ended (``os._exit`` too); samples only name the jobs. When several jobs end
    between the same two samples, each gets its last sampled CPU plus an equal share
    of the rest. A child reaped before any sample saw it is counted in
    :attr:`unseen_cpu`. Processes are told apart by PID and start time, as Linux gives
    a PID again once it has gone round (``pid_max``, 32,768 on many machines).

    Call :meth:`finish` once the process has exited but before it is reaped
    (``os.waitid`` with ``WNOWAIT``, as :func:`run_sampled` does): its ``/proc`` entry
    then holds its final CPU, and the last jobs are counted.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.stop = pid, interval, threading.Event()
        self.peak_kb = 0.0
        self.jobs: list[dict] = []  # ended jobs: {"rule": name or None, "cpu": s, "rss_kb"}
        self.own_cpu = 0.0  # CPU seconds of the process itself (final after finish())
        self.unseen_cpu = 0.0  # CPU seconds of children that no sample saw
        self._live: dict[tuple[int, str], dict] = {}  # running jobs by (pid, start time)
        self._reaped = 0  # the process's cutime + cstime (ticks) at the last sample
        self._rules: dict[tuple[int, str], str | None] = {}  # script of each process

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)

    def finish(self) -> None:
        """Stop sampling and count the jobs still running at the last sample."""
        self.stop.set()
        if self.is_alive():
            self.join()
        self.sample()  # the exited process: no children, its final cutime
        for job in self._live.values():  # it could not be read: the last samples
            self.jobs.append(job)
        self._live.clear()

    def rules(self) -> dict[str, float]:
        """CPU seconds per rule, summed over its jobs."""
        out: dict[str, float] = {}
        for job in self.jobs:
            if job["rule"] is not None:
                out[job["rule"]] = out.get(job["rule"], 0.0) + job["cpu"]
        return out

    def rule_rss_kb(self) -> dict[str, float]:
        """Peak resident KB of any one process of each rule's jobs."""
        out: dict[str, float] = {}
        for job in self.jobs:
            if job["rule"] is not None:
                out[job["rule"]] = max(out.get(job["rule"], 0.0), job["rss_kb"])
        return out

    def unattributed_cpu(self) -> float:
        """CPU seconds of the process's children not matched to a rule."""
        return self.unseen_cpu + sum(job["cpu"] for job in self.jobs if job["rule"] is None)

    def sample(self) -> None:
        root = self._read_root()
        if root is None:
            return  # reaped: nothing more to read
        fields, kids = root
        self.own_cpu = (int(fields[11]) + int(fields[12])) / TICK
        reaped = int(fields[13]) + int(fields[14])
        total = int(fields[21]) * PAGE_KB
        live: dict[tuple[int, str], dict] = {}
        seen: set[tuple[int, str]] = set()
        for kid in kids:
            kid_fields = stat_fields(kid)
            if len(kid_fields) <= 21 or int(kid_fields[1]) != self.pid:
                # reaped after the list was read: its CPU is in the next sample's cutime
                live.update((k, job) for k, job in self._live.items() if k[0] == kid)
                continue
            key = (kid, kid_fields[19])
            job = self._live.get(key) or {"rule": None, "cpu": 0.0, "rss_kb": 0.0}
            job["cpu"] = sum(int(x) for x in kid_fields[11:15]) / TICK
            for pid in process_tree(kid):
                proc = kid_fields if pid == kid else stat_fields(pid)
                if len(proc) <= 21:
                    continue  # it has just ended
                rss = int(proc[21]) * PAGE_KB
                total += rss
                seen.add((pid, proc[19]))
                rule = self._rule(pid, proc[19])
                if rule is not None:
                    job["rule"] = job["rule"] or rule
                    job["rss_kb"] = max(job["rss_kb"], rss)
            live[key] = job
        self.peak_kb = max(self.peak_kb, total)
        ended = [job for key, job in self._live.items() if key not in live]
        rest = (reaped - self._reaped) / TICK - sum(job["cpu"] for job in ended)
        if ended:
            for job in ended:
                job["cpu"] += max(rest, 0.0) / len(ended)
            self.jobs += ended
        else:
            self.unseen_cpu += max(rest, 0.0)
        self._live, self._reaped = live, reaped
        self._rules = {k: v for k, v in self._rules.items() if k in seen}

    def _read_root(self) -> tuple[list[str], list[int]] | None:
        """The process's stat fields and its children, read without a child being reaped
        in between (its cutime unchanged around the list), so that a child is either
        in the list or in the cutime, never both or neither."""
        for _ in range(10):
            before = stat_fields(self.pid)
            kids = children(self.pid)
            after = stat_fields(self.pid)
            if len(before) <= 21 or len(after) <= 21:
                return None
            if before[13:15] == after[13:15]:
                return after, kids
        return None

    def _rule(self, pid: int, start: str) -> str | None:
        """The script (rule) named by the command line of ``pid``, read until it names
        one: between its fork and its exec a job still shows Snakemake's command line."""
        key = (pid, start)
        if self._rules.get(key) is None:
            match = SCRIPT.search(cmdline(pid))
            self._rules[key] = match.group(1) if match else None
        return self._rules[key]


def run_sampled(command: list[str], cwd: Path, interval: float = 0.1) -> dict:
    """Run ``command`` in ``cwd`` under a :class:`JobSampler`: its exit code, output
    (stdout and stderr), wall seconds, CPU seconds of its whole tree (``cpu``) and the
    finished sampler (``sampler``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = JobSampler(proc.pid, interval)
    sampler.start()
    output = proc.stdout.read()
    # exited but not reaped: its /proc entry holds its final CPU and its children's
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    sampler.finish()
    proc.wait()
    proc.stdout.close()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "returncode": proc.returncode,
        "output": output,
        "wall": wall,
        "cpu": cpu,
        "sampler": sampler,
    }

"""benchmarks/proc_tree.py's JobSampler counts every job's CPU once, and all of it
(the per-rule CPU seconds of benchmarks/scale.py).

Nothing is timed: a job burns a known amount of CPU (``time.process_time``) and the
sampler must find at least that much. The process trees are tiny and synthetic: a
Python process standing in for ``snakemake`` that starts a "job" named like the
script Snakemake writes for a ``script:`` rule, and, for what real processes cannot
show on demand (a PID given again, two jobs ending at once), a made-up ``/proc``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("proc_tree", ROOT / "benchmarks" / "proc_tree.py")
proc_tree = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(proc_tree)

BURN = 0.3  # CPU seconds each job burns
# A job as Snakemake's local executor starts it (the shell execs the script's Python):
# `forked` burns in a forked child that it waits for and then ends with os._exit, as
# render_book's render/isolated.py child and a job's own end (job_process.py) do; its
# own last sample, taken before the child was reaped, holds none of that CPU.
# `tail` burns right up to its os._exit, after its last sample.
JOB = """
import os, sys, time

def burn(seconds):
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass

time.sleep(1.0)  # seen by a sample (every 0.1 s) before the work, even on a busy machine
if sys.argv[1] == "forked":
    pid = os.fork()
    if pid == 0:
        burn({burn})
        os._exit(0)
    os.waitpid(pid, 0)
else:
    burn({burn})
os._exit(0)
"""
# The stand-in for snakemake: runs the jobs one after the other, as children; the
# script path is passed in the environment so that only the jobs' command lines name it.
SNAKEMAKE = """
import os, subprocess, sys
for kind in ("forked", "tail"):
    subprocess.run([sys.executable, os.environ["JOB_SCRIPT"], kind], check=True)
"""


def test_every_jobs_cpu_is_counted_with_its_children_and_its_last_moments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / ".snakemake" / "scripts"
    scripts.mkdir(parents=True)
    job = scripts / "tmpab12cd_3.burn_rule.py"  # a temporary name with a digit and "_"
    job.write_text(JOB.format(burn=BURN), encoding="utf-8")
    monkeypatch.setenv("JOB_SCRIPT", str(job))
    run = proc_tree.run_sampled([sys.executable, "-c", SNAKEMAKE], tmp_path)
    assert run["returncode"] == 0, run["output"]
    sampler = run["sampler"]
    assert [job["rule"] for job in sampler.jobs] == ["burn_rule", "burn_rule"]
    for counted in sampler.jobs:
        assert counted["cpu"] >= BURN - 0.02, sampler.jobs
    # the rest of the tree's CPU is the stand-in's own (up to a tick per figure)
    counted = sampler.rules()["burn_rule"] + sampler.own_cpu + sampler.unattributed_cpu()
    assert counted == pytest.approx(run["cpu"], abs=0.1)
    assert sampler.unattributed_cpu() < 0.05


class FakeProc:
    """A made-up /proc: ``pid -> (parent, start time, own ticks, reaped children's
    ticks, command line)``, changed between samples by the test."""

    def __init__(self) -> None:
        self.procs: dict[int, tuple[int, int, int, int, str]] = {}

    def stat_fields(self, pid: int) -> list[str]:
        if pid not in self.procs:
            return []
        parent, start, own, reaped, _ = self.procs[pid]
        fields = ["0"] * 40
        fields[0], fields[1], fields[11], fields[13] = "S", str(parent), str(own), str(reaped)
        fields[19], fields[21] = str(start), "100"
        return fields

    def children(self, pid: int) -> list[int]:
        return [p for p, proc in self.procs.items() if proc[0] == pid]

    def cmdline(self, pid: int) -> str:
        return self.procs[pid][4] if pid in self.procs else ""


def script(rule: str) -> str:
    return f"/usr/bin/python3\0/p/.snakemake/scripts/tmpq1w2e3r4.{rule}.py\0"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeProc:
    proc = FakeProc()
    for name in ("stat_fields", "children", "cmdline"):
        monkeypatch.setattr(proc_tree, name, getattr(proc, name))
    return proc


def seconds(ticks: int) -> float:
    return ticks / proc_tree.TICK


def test_a_pid_given_again_starts_a_new_process(fake: FakeProc) -> None:
    """The 10,000-study build's onset plot (minutes of CPU) was reported as 0.0: its
    PID came back later for a short process in the tree, whose CPU replaced the job's."""
    sampler = proc_tree.JobSampler(1)
    fake.procs = {1: (0, 1, 50, 0, "snakemake"), 500: (1, 10, 300, 0, script("draw_onset"))}
    sampler.sample()
    # the onset job ended (20 ticks after its last sample); render_book runs Pandoc,
    # which the system gave PID 500
    fake.procs = {
        1: (0, 1, 60, 320, "snakemake"),
        600: (1, 20, 40, 0, script("render_book")),
        500: (600, 30, 1, 0, "pandoc\0-o\0out.docx\0"),
    }
    sampler.sample()
    fake.procs = {1: (0, 1, 70, 380, "snakemake")}  # render_book: 40 + 2 + Pandoc's 18
    sampler.finish()
    assert sampler.rules() == {"draw_onset": seconds(320), "render_book": seconds(60)}
    assert sampler.own_cpu == seconds(70)
    assert sampler.unattributed_cpu() == 0


def test_jobs_ending_between_the_same_samples_share_what_followed(fake: FakeProc) -> None:
    sampler = proc_tree.JobSampler(1)
    fake.procs = {
        1: (0, 1, 5, 0, "snakemake"),
        10: (1, 5, 100, 0, script("a")),
        11: (1, 6, 50, 0, script("b")),
        12: (1, 7, 30, 0, "git\0log\0"),  # a child that is no rule's job
    }
    sampler.sample()
    fake.procs = {1: (0, 1, 5, 200, "snakemake")}  # 20 more ticks than sampled
    sampler.sample()
    assert sampler.rules() == {"a": seconds(100 + 20 / 3), "b": seconds(50 + 20 / 3)}
    assert sampler.unattributed_cpu() == pytest.approx(seconds(30 + 20 / 3))


def test_a_job_no_sample_saw_is_counted_as_unattributed(fake: FakeProc) -> None:
    sampler = proc_tree.JobSampler(1)
    fake.procs = {1: (0, 1, 5, 0, "snakemake")}
    sampler.sample()
    fake.procs = {1: (0, 1, 5, 40, "snakemake")}
    sampler.finish()
    assert sampler.rules() == {}
    assert sampler.unattributed_cpu() == seconds(40)


def test_a_job_is_named_by_a_descendants_script(fake: FakeProc) -> None:
    """A shell that does not exec the script's Python: the job is the shell's process,
    named by its child's command line, and its CPU is the shell's (the child's in it)."""
    sampler = proc_tree.JobSampler(1)
    fake.procs = {
        1: (0, 1, 5, 0, "snakemake"),
        10: (1, 5, 1, 0, "/bin/sh\0-c\0python job\0"),
        11: (10, 6, 80, 0, script("make_tables")),
    }
    sampler.sample()
    fake.procs = {1: (0, 1, 5, 95, "snakemake")}
    sampler.finish()
    assert sampler.rules() == {"make_tables": seconds(95)}


def test_a_job_seen_before_its_exec_is_named_after_it(fake: FakeProc) -> None:
    """Between its fork and its exec a job's process shows Snakemake's command line."""
    sampler = proc_tree.JobSampler(1)
    fake.procs = {1: (0, 1, 5, 0, "snakemake"), 10: (1, 5, 0, 0, "snakemake")}
    sampler.sample()
    fake.procs[10] = (1, 5, 30, 0, script("write_release_pages"))  # same PID and start
    sampler.sample()
    fake.procs = {1: (0, 1, 5, 50, "snakemake")}
    sampler.finish()
    assert sampler.rules() == {"write_release_pages": seconds(50)}


def test_the_script_pattern_names_every_rule_of_the_workflow() -> None:
    """Every script of the workflow, in a name as Python's tempfile makes them."""
    names = sorted(p.stem for p in (ROOT / "src/livingreview/pipeline/scripts").glob("*.py"))
    assert "draw_onset_duration_plot" in names
    for name in names:
        line = f"{sys.executable}\0/tmp/x/.snakemake/scripts/tmp0_a9z_1b.{name}.py\0"
        match = proc_tree.SCRIPT.search(line)
        assert match is not None and match.group(1) == name, name

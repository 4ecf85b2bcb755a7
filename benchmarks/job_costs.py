"""Benchmark: the fixed cost each Snakemake job pays, per rule (issue 19).

    python benchmarks/job_costs.py                   # the shipped review
    python benchmarks/job_costs.py --project DIR     # a project built with --skip-script-cleanup
    python benchmarks/job_costs.py --repeat 3

Builds a copy of the shipped review once with `snakemake --skip-script-cleanup`,
which keeps the script Snakemake wrote for each job (its preamble unpickles the
job's `snakemake` object, then the rule's script follows), and runs each kept
script again, alone, with markers inserted, measuring wall and CPU seconds of:

- start: from the process's creation to the first line of the script (the
  interpreter, `site`);
- preamble: Snakemake's preamble (its imports and the unpickling);
- imports: the script's module-level code (its imports), up to its last line;
- work: the last line (`run_step(...)`), including the imports done inside it,
  up to the process's exit functions (`atexit`);
- shutdown: from the exit functions to the process's exit, as its parent sees it
  (the interpreter tearing down its modules and heap);
- the time spent in garbage collection, while importing and in all.

The replays run after the build, so the content-keyed caches under `results/cache/`
are warm: the work column is less than in a cold build, the fixed costs are the same.
Times are printed, never asserted; CPU seconds are steadier on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.scale import shipped_review  # noqa: E402

PREAMBLE_END = "######## snakemake preamble end #########"
PHASES = ("start", "preamble", "imports", "work", "shutdown")

# Inserted at the top of the replayed script: a clock shared by parent and child
# (CLOCK_MONOTONIC), the process's CPU so far, and the time spent in collections.
HEAD = """\
import gc as _jc_gc, json as _jc_json, os as _jc_os, time as _jc_time
def _jc_mark(name, _marks=[]):
    t = _jc_os.times()
    cpu = t.user + t.system + t.children_user + t.children_system
    _marks.append((name, _jc_time.monotonic(), cpu, _jc_gc_time[0]))
    with open(_jc_os.environ["JOB_COSTS_OUT"], "w") as f:
        _jc_json.dump({"marks": _marks, "gc": _jc_gc_time, "gc_n": _jc_gc_n}, f)
_jc_gc_time, _jc_gc_n, _jc_gc_t0 = [0.0], [0], [0.0]
def _jc_gc_cb(phase, info):
    if phase == "start":
        _jc_gc_t0[0] = _jc_time.thread_time()
    else:
        _jc_gc_time[0] += _jc_time.thread_time() - _jc_gc_t0[0]
        _jc_gc_n[0] += 1
_jc_gc.callbacks.append(_jc_gc_cb)
_jc_mark("first_line")
__import__("atexit").register(_jc_mark, "work")  # the first exit function to run last
"""


def instrument(script: str) -> str:
    """The kept script with marks after the preamble, before its last statement and after it."""
    head, _, body = script.partition(PREAMBLE_END + "\n")
    lines = body.rstrip("\n").split("\n")
    last = max(i for i, line in enumerate(lines) if line and not line[0].isspace())
    while lines[last].startswith(")") and last > 0:  # a call spanning several lines
        last -= 1
    return "\n".join(
        [
            HEAD + head,
            '_jc_mark("preamble")',
            *lines[:last],
            '_jc_mark("imports")',
            *lines[last:],
            "",
        ]
    )


def job_environment(project: Path) -> dict[str, str]:
    """The environment rules/common.smk gives every job."""
    from livingreview.workflow import cache_environment, reproducible_environment

    return {**os.environ, **reproducible_environment(project), **cache_environment(project)}


def replay(script: Path, project: Path, env: dict[str, str]) -> dict[str, float]:
    """Run one instrumented job script; seconds (wall, CPU) of each phase."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / script.name
        copy.write_text(instrument(script.read_text()))
        out = Path(tmp) / "marks.json"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(copy)],
            cwd=project,
            env={**env, "JOB_COSTS_OUT": str(out)},
            capture_output=True,
            text=True,
        )
        end = time.monotonic()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            sys.exit(f"{script.name} failed:\n{proc.stderr[-3000:]}")
        data = json.loads(out.read_text())
    cpu_total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    marks = {name: (t, cpu, gc) for name, t, cpu, gc in data["marks"]}
    wall = {
        "start": marks["first_line"][0] - start,
        "preamble": marks["preamble"][0] - marks["first_line"][0],
        "imports": marks["imports"][0] - marks["preamble"][0],
        "work": marks["work"][0] - marks["imports"][0],
        "shutdown": end - marks["work"][0],
    }
    cpu = {
        "start": marks["first_line"][1],
        "preamble": marks["preamble"][1] - marks["first_line"][1],
        "imports": marks["imports"][1] - marks["preamble"][1],
        "work": marks["work"][1] - marks["imports"][1],
        "shutdown": cpu_total - marks["work"][1],
    }
    gc_imports = marks["imports"][2] - marks["first_line"][2]
    return {
        "wall": wall,
        "cpu": cpu,
        "gc": data["gc"][0],
        "gc_n": data["gc_n"][0],
        "gc_imports": gc_imports,
    }


def build_with_scripts(dest: Path) -> Path:
    """A cold build of the shipped review that keeps each job's script."""
    project, _, _ = shipped_review(dest)
    subprocess.run(
        [sys.executable, "-m", "snakemake", "--quiet", "all", "--skip-script-cleanup"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="a project built with --skip-script-cleanup")
    parser.add_argument("--repeat", type=int, default=1, help="replays of each job (median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="job_costs_") as tmp:
        project = args.project.resolve() if args.project else build_with_scripts(Path(tmp))
        env = job_environment(project)
        scripts = sorted(
            (project / ".snakemake" / "scripts").glob("tmp*.py"),
            key=lambda p: p.name.split(".")[1],
        )
        print(f"load {os.getloadavg()[0]:.1f}; CPU s (wall s) per phase, median of {args.repeat}")
        print("| rule | " + " | ".join(PHASES) + " | GC in imports / in all (collections) |")
        print("|---|" + "---:|" * (len(PHASES) + 1))
        totals = {phase: [0.0, 0.0] for phase in PHASES}
        gc_total = gc_imports = 0.0
        for script in scripts:
            runs = [replay(script, project, env) for _ in range(args.repeat)]
            runs.sort(key=lambda r: sum(r["cpu"].values()))
            run = runs[len(runs) // 2]
            for phase in PHASES:
                totals[phase][0] += run["cpu"][phase]
                totals[phase][1] += run["wall"][phase]
            gc_total += run["gc"]
            gc_imports += run["gc_imports"]
            cells = [f"{run['cpu'][p]:.2f} ({run['wall'][p]:.2f})" for p in PHASES]
            rule = script.name.split(".")[1]
            print(
                f"| {rule} | "
                + " | ".join(cells)
                + f" | {run['gc_imports']:.2f} / {run['gc']:.2f} ({run['gc_n']}) |"
            )
        cells = [f"{totals[p][0]:.2f} ({totals[p][1]:.2f})" for p in PHASES]
        print(
            f"| **all {len(scripts)} jobs** | "
            + " | ".join(cells)
            + f" | {gc_imports:.2f} / {gc_total:.2f} |"
        )
        if not args.project:
            shutil.rmtree(project, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

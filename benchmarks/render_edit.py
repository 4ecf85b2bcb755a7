"""Benchmark: the renderer's work after a one-chapter edit, in this process.

Usage (from the project root, in the project's environment; DIR is a built
project, e.g. the SYNTHETIC 1,000-study review of ``make_scaled_review``):

    python benchmarks/render_edit.py DIR                # a preview save, 5 times
    python benchmarks/render_edit.py DIR --render       # render_book, 2 times
    python benchmarks/render_edit.py DIR --chapter manuscript/01-results.qmd

``--preview`` (the default) times what ``livingreview preview`` does on a save
(:func:`livingreview.render.render_pages` of the saved chapter, after one call
that parses every chapter, as the server does when it starts); ``--render``
times :func:`livingreview.render.render_book` (HTML, DOCX, PDF) as the
``render_book`` rule runs it, with the workflow's caches under ``results/cache/``.
Each run appends a line to the chapter, which is restored at the end. Printed:
wall and CPU seconds (this process and its Pandoc children), the median, the
machine and its load. On a shared machine read the CPU seconds. Figures are
printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import time
from pathlib import Path

from livingreview.workflow import cache_environment, reproducible_environment

DEFAULT_CHAPTER = "manuscript/01-results.qmd"  # the fixture review's chapter with the tables


def cpu_seconds() -> float:
    """User and system seconds of this process and its waited-for children."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a built project")
    parser.add_argument("--chapter", default=DEFAULT_CHAPTER, help="the chapter edited")
    parser.add_argument("--render", action="store_true", help="render_book, not a preview save")
    parser.add_argument("--runs", type=int, help="edits timed (default 5, with --render 2)")
    args = parser.parse_args()
    root = args.project.resolve()
    runs = args.runs or (2 if args.render else 5)
    from livingreview.render import render_book, render_pages

    if args.render:
        os.chdir(root)  # as the rule runs: the project is the working folder
        os.environ.update(reproducible_environment("."))
        os.environ.update(cache_environment("."))
    else:
        render_pages(root, set())  # the server's first pass: every chapter parsed
    chapter = root / args.chapter
    original = chapter.read_text(encoding="utf-8")
    walls, cpus = [], []
    try:
        for n in range(runs):
            chapter.write_text(original + f"\nBenchmark edit {n} {time.time()}.\n", "utf-8")
            start, cpu = time.perf_counter(), cpu_seconds()
            if args.render:
                render_book(root, formats=("html", "docx", "pdf"))
            else:
                render_pages(root, {args.chapter})
            walls.append(time.perf_counter() - start)
            cpus.append(cpu_seconds() - cpu)
    finally:
        chapter.write_text(original, encoding="utf-8")
    what = "render_book (html, docx, pdf)" if args.render else "preview save (render_pages)"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"project: {root}  chapter edited: {args.chapter}  {what}, {runs} runs")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print(f"  wall s: median {statistics.median(walls):6.2f}  {[round(w, 2) for w in walls]}")
    print(f"  CPU s:  median {statistics.median(cpus):6.2f}  {[round(c, 2) for c in cpus]}")
    print(f"  peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()

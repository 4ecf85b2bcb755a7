"""Benchmark: `livingreview preview`, from saving one chapter to the reloaded page.

Usage (from the project root, in the project's environment):

    python benchmarks/preview_reload.py             # the shipped review, 5 saves
    python benchmarks/preview_reload.py --saves 10
    python benchmarks/preview_reload.py --studies 1000   # a SYNTHETIC 1,000-study review
    python benchmarks/preview_reload.py --studies 1000 --built DIR  # DIR already built

The project is copied to a temporary folder and built once with `snakemake`;
then the preview server runs on 127.0.0.1 and a chapter is saved repeatedly.
Each figure is the wall time from the save to the moment the server has
announced the rebuild to the open page and serves the new text (what the
browser's reload fetches); the first save waits until the server has parsed
every chapter once (its start, printed on its own). Target: at most 2 s on
the shipped review and at most 5 s on a 1,000-study review (``--studies 1000``:
the synthetic fixture review of tests/workflow/fixture_review.py grown to that
many studies, with 100 records per study unless ``--records`` says otherwise;
its Results chapter, which holds the 1,000-row tables, is the one saved).
Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_times import COPY_IGNORE, ROOT, snakemake

from livingreview.living.preview import PreviewServer

CHAPTER = "manuscript/04-discussion.qmd"
SCALED_CHAPTER = "manuscript/01-results.qmd"  # the fixture review's chapter with the tables


def save_to_reload(
    server: PreviewServer, project: Path, marker: str, chapter: str = CHAPTER
) -> float:
    """Append ``marker`` to the chapter; seconds until the page served carries it."""
    page = str(Path(chapter).with_suffix(".html"))
    chapter = project / chapter
    before = server.state.version
    start = time.perf_counter()
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    while server.state.version == before:
        time.sleep(0.01)
    html = urllib.request.urlopen(server.url + page, timeout=60).read().decode("utf-8")
    elapsed = time.perf_counter() - start
    if marker not in html or server.state.problems:
        sys.exit(f"the preview did not show the edit: {server.state.problems}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--studies", type=int, default=0, help="a synthetic review of N studies")
    parser.add_argument("--records", type=int, default=0, help="its records (default 100 N)")
    parser.add_argument(
        "--built", type=Path, help="an already built project to preview in place (its chapter "
        "gains the benchmark's lines); with --studies, one made by make_scaled_review",
    )  # fmt: skip
    args = parser.parse_args()
    chapter = SCALED_CHAPTER if args.studies else CHAPTER
    with tempfile.TemporaryDirectory(prefix="lr-preview-bench-") as tmp:
        project = args.built or Path(tmp) / "review"
        if args.built:
            pass
        elif args.studies:
            from scale import make_scaled_review

            project.mkdir()
            make_scaled_review(project, args.studies, args.records or 100 * args.studies)
        else:
            shutil.copytree(args.project, project, ignore=COPY_IGNORE)
        cold = snakemake(project)  # a no-op when --built is up to date
        server = PreviewServer(project, port=0)
        started = time.perf_counter()
        server.start()
        try:
            server.rebuilder.ready.wait()  # the server's first pass over every chapter
            ready = time.perf_counter() - started
            times = []
            for i in range(args.saves):
                time.sleep(0.5)  # a co-author does not save twice in the same instant
                times.append(
                    save_to_reload(server, project, f"Benchmark edit number {i}.", chapter)
                )
        finally:
            server.stop()
    shown = args.built or args.project
    what = f"SYNTHETIC {args.studies:,} studies" if args.studies else str(shown)
    print(f"project: {what}  chapter saved: {chapter}  saves: {args.saves}")
    kind = "snakemake before the preview (no-op: built)" if args.built else "cold build"
    print(f"  {kind}: {cold:.0f} s")
    print(f"  preview server start (every chapter parsed once): {ready:.1f} s")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print(f"  save -> reloaded page, median {statistics.median(times):5.2f} s")
    print(f"  save -> reloaded page, max    {max(times):5.2f} s")


if __name__ == "__main__":
    main()

"""Benchmark: `livingreview preview`, from saving one chapter to the reloaded page.

Usage (from the project root, in the project's environment):

    python benchmarks/preview_reload.py             # the shipped review, 5 saves
    python benchmarks/preview_reload.py --saves 10

The project is copied to a temporary folder and built once with `snakemake`;
then the preview server runs on 127.0.0.1 and a chapter is saved repeatedly.
Each figure is the wall time from the save to the moment the server has
announced the rebuild to the open page and serves the new text (what the
browser's reload fetches). Target: at most 2 s on the shipped review.
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
PAGE = "manuscript/04-discussion.html"


def save_to_reload(server: PreviewServer, project: Path, marker: str) -> float:
    """Append ``marker`` to the chapter; seconds until the page served carries it."""
    chapter = project / CHAPTER
    before = server.state.version
    start = time.perf_counter()
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    while server.state.version == before:
        time.sleep(0.01)
    html = urllib.request.urlopen(server.url + PAGE, timeout=30).read().decode("utf-8")
    elapsed = time.perf_counter() - start
    if marker not in html or server.state.problems:
        sys.exit(f"the preview did not show the edit: {server.state.problems}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lr-preview-bench-") as tmp:
        project = Path(tmp) / "review"
        shutil.copytree(args.project, project, ignore=COPY_IGNORE)
        snakemake(project)
        server = PreviewServer(project, port=0)
        server.start()
        try:
            times = []
            for i in range(args.saves):
                time.sleep(0.5)  # a co-author does not save twice in the same instant
                times.append(save_to_reload(server, project, f"Benchmark edit number {i}."))
        finally:
            server.stop()
    print(f"project: {args.project}  saves: {args.saves}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print(f"  save -> reloaded page, median {statistics.median(times):5.2f} s")
    print(f"  save -> reloaded page, max    {max(times):5.2f} s")


if __name__ == "__main__":
    main()

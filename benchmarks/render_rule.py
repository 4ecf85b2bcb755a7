"""Benchmark: the ``render_book`` rule's peak memory and CPU after a one-chapter edit.

Usage (DIR is a built project, e.g. the SYNTHETIC 1,000-study review that
``python benchmarks/scale.py --sizes 1000:100000 --no-floor --keep K`` keeps in
``K/1000-100000``; it is copied first, DIR is not written):

    PYTHONPATH=<checkout>/src python benchmarks/render_rule.py DIR [--runs N]

Each run copies DIR to a temporary folder, appends a sentence to its first
chapter and runs ``snakemake all`` there (``render_book``, which checks the chapters
first, reruns; rules rerun for a changed input, date or parameter, the
code versions included, not for the scripts' paths), sampling the whole process
tree (snakemake and its jobs) as ``scale.py`` does. Printed per run: the tree's
peak RSS, each rule's peak RSS and CPU seconds. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.scale import edit_one_chapter, run_build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"PYTHONPATH={os.environ.get('PYTHONPATH', '')}")
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="lr-render-rule-") as tmp:
            project = Path(tmp) / "project"
            shutil.copytree(args.project, project, symlinks=True)
            edit_one_chapter(project)
            # not "code": Snakemake's code record holds the script's path, so a
            # checkout elsewhere (a worktree) would rerun every rule
            result = run_build(project, "--rerun-triggers", "mtime", "params", "input")
            print(
                f"run {run + 1}: load {result['load']:.1f}, tree peak {result['peak_mb']:.0f} MB, "
                f"CPU {result['cpu']:.1f} s"
            )
            for rule, cpu in sorted(result["rules"].items(), key=lambda kv: -kv[1]):
                rss = result["rule_rss_mb"].get(rule, 0.0)
                print(f"  {rule:28s} {cpu:6.1f} CPU s  peak RSS {rss:6.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: wall time of a cold build, a no-op rebuild and a one-chapter rebuild.

Usage (from the project root, in the project's environment):

    python benchmarks/build_times.py            # the real review
    python benchmarks/build_times.py --repeat 3 # median of three runs each

The project is copied to a temporary folder (without results/, _book/ or
.snakemake/) so the benchmark never touches the working tree. Figures are
printed, not asserted: timing on shared machines belongs here, not in tests.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "results",
    "_book",
    "_book.*",
    ".snakemake",
    "logs",
    "_variables.yml",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
)


def snakemake(project: Path) -> float:
    """Run plain `snakemake` in ``project`` and return the wall time in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--quiet", "all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"snakemake failed in {project}:\n{result.stderr[-4000:]}")
    return elapsed


def one_round(source: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="lr-bench-") as tmp:
        project = Path(tmp) / "review"
        shutil.copytree(source, project, ignore=COPY_IGNORE)
        times = {"cold build": snakemake(project), "no-op rebuild": snakemake(project)}
        chapter = sorted((project / "manuscript").glob("*.qmd"))[0]
        chapter.write_text(
            chapter.read_text(encoding="utf-8") + "\nBenchmark edit.\n", encoding="utf-8"
        )
        times["rebuild after editing one chapter"] = snakemake(project)
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    rounds = [one_round(args.project) for _ in range(args.repeat)]
    print(f"project: {args.project}  rounds: {args.repeat}  (median wall time)")
    for name in rounds[0]:
        print(f"  {name:<36} {statistics.median(r[name] for r in rounds):7.1f} s")


if __name__ == "__main__":
    main()

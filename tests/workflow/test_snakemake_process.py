"""The `snakemake` process itself while it reads the workflow (issue 19: the no-op).

What Snakemake imported before the module Snakefile runs is moved out of the
garbage collector's sight (livingreview.job_process.spare_loaded_objects), so that
the interpreter's final collections at exit do not walk it. Checked in a fresh
interpreter running Snakemake's command line, as a user's `snakemake` does. And what
a faster no-op must not lose: a change in the package's code still reruns the rules
that run it (each rule's `code` param).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import livingreview

pytestmark = pytest.mark.workflow

PROBE = """\
import atexit, gc, sys
import snakemake.cli
before = gc.get_freeze_count()
atexit.register(lambda: print("frozen", before, gc.get_freeze_count(), file=sys.stderr))
sys.argv = ["snakemake", *sys.argv[1:]]
snakemake.cli.main()
"""


def frozen_objects(project: Path, *args: str) -> tuple[int, int]:
    """Objects frozen before Snakemake's command line ran, and when the process ended."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    line = [x for x in result.stderr.splitlines() if x.startswith("frozen ")][-1]
    before, after = (int(word) for word in line.split()[1:])
    return before, after


def test_reading_the_workflow_freezes_what_snakemake_loaded(fresh_project: Path) -> None:
    before, after = frozen_objects(fresh_project, "--dry-run", "--quiet")
    assert before == 0  # Snakemake's imports freeze nothing by themselves
    # Snakemake 9 with its plugins and SQLAlchemy: about 100,000 objects at that point
    assert after > 20_000


def test_the_freeze_check_can_fail(fresh_project: Path) -> None:
    """Without the workflow (`--version` reads no Snakefile) nothing is frozen."""
    before, after = frozen_objects(fresh_project, "--version")
    assert (before, after) == (0, 0)


def planned_with_package(project: Path, package: Path) -> set[str]:
    """Rules a dry run plans when the workflow runs the livingreview package at
    ``package`` (a copy, first on the import path)."""
    env = {**os.environ, "PYTHONPATH": str(package.parent)}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--dry-run"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout.split("Job stats:")[-1] if "Job stats:" in result.stdout else ""
    rules = set(re.findall(r"^([a-z_]+)\s+\d+\s*$", table, flags=re.MULTILINE))
    return rules - {"total", "all"}


def test_a_change_in_the_package_reruns_the_rules_that_run_it(
    built_copy: Path, tmp_path: Path
) -> None:
    package = tmp_path / "src" / "livingreview"
    # copied with its files' times, so the rules' scripts are no newer than before
    shutil.copytree(
        Path(livingreview.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    assert planned_with_package(built_copy, package) == set()  # the copy changes nothing
    stage = package / "prisma" / "flow_diagram.py"
    stage.write_text(stage.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    planned = planned_with_package(built_copy, package)
    assert "draw_flow_diagram" in planned
    assert "validate_data" not in planned  # it runs no prisma code

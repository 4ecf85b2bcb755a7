"""The `snakemake` process itself while it reads the workflow (issue 19: the no-op).

What Snakemake imported before the module Snakefile runs is moved out of the
garbage collector's sight (livingreview.job_process.spare_loaded_objects), so that
neither a collection while the rules are read nor the interpreter's shutdown walks
it again. Checked in a fresh interpreter running Snakemake's command line, as a
user's `snakemake` does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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

"""A rule's process: no collections while it imports, no teardown after its work (issue 19).

Each check runs a small job script in a fresh interpreter, with the ``snakemake``
object Snakemake's preamble gives a rule's script, so the process is what a
Snakemake job is.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from livingreview.errors import REPORTED_EXIT
from livingreview.workflow import run_step

JOB_SCRIPT = """\
import sys
from pathlib import Path
from snakemake.iocontainers import (  # what the preamble's unpickling imports
    InputFiles, Log, OutputFiles, Params, ResourceList, Snakemake, Wildcards,
)

snakemake = Snakemake(InputFiles(), OutputFiles(["out.txt"]), Params(), Wildcards(), 1,
                      ResourceList(), Log(["logs/demo.log"]), {{}}, "demo_rule", None, ".")
__real_file__ = __file__  # as the preamble does
import gc
import livingreview.workflow
paused = not gc.isenabled()
from livingreview.errors import ReviewError
from livingreview.workflow import run_step


class Teardown:
    def __del__(self):
        print("torn down", file=sys.stderr)


kept = Teardown()


def step():
    print("paused while importing:", paused, "collecting in the step:", gc.isenabled())
    import logging
    logging.getLogger("fontTools.subset").info("glyf subsetted")  # a library's chatter
    logging.getLogger("fontTools.subset").warning("a library's warning")
    logging.getLogger("livingreview.render").info("the project's note")
    Path("out.txt").write_text("written")
    if {fail!r}:
        raise ReviewError.single("data/studies.csv", "n is not a number", row=3)


run_step(snakemake, step)
print("after run_step")
"""


def run_job(folder: Path, fail: bool) -> subprocess.CompletedProcess[str]:
    script = folder / "job.py"
    script.write_text(JOB_SCRIPT.format(fail=fail))
    return subprocess.run([sys.executable, str(script)], cwd=folder, capture_output=True, text=True)


def test_a_job_collects_only_after_its_imports_and_exits_without_teardown(
    tmp_path: Path,
) -> None:
    result = run_job(tmp_path, fail=False)
    assert result.returncode == 0, result.stderr
    assert "paused while importing: True collecting in the step: True" in result.stdout
    assert (tmp_path / "out.txt").read_text() == "written"
    assert "demo_rule done" in (tmp_path / "logs" / "demo.log").read_text()  # log flushed
    assert "after run_step" not in result.stdout  # the process ended in run_step
    assert "torn down" not in result.stderr  # no module teardown
    # the project's notes and any library's warnings are shown, a library's INFO is not
    assert "INFO the project's note" in result.stderr
    assert "WARNING a library's warning" in result.stderr
    assert "glyf subsetted" not in result.stderr


def test_a_failing_job_prints_its_error_and_exits_non_zero(tmp_path: Path) -> None:
    result = run_job(tmp_path, fail=True)
    assert result.returncode == REPORTED_EXIT  # Snakemake's repeat of it is left out
    assert "data/studies.csv" in result.stderr and "n is not a number" in result.stderr
    assert "Traceback" not in result.stderr
    assert "n is not a number" in (tmp_path / "logs" / "demo.log").read_text()


def test_outside_a_job_run_step_returns_and_leaves_collection_alone(tmp_path: Path) -> None:
    frozen = gc.get_freeze_count()
    job = SimpleNamespace(rule="demo_rule", log=[str(tmp_path / "demo.log")])
    run_step(job, lambda: None)  # returns: this is pytest's process, not a job's
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_a_job_script_run_inside_another_program_returns(tmp_path: Path) -> None:
    """benchmarks/floor.py runs every rule's script in one process with runpy: the
    first must not end the process, nor pause its collections."""
    (tmp_path / "job.py").write_text(JOB_SCRIPT.format(fail=False))
    code = "import runpy; runpy.run_path('job.py', run_name='__main__'); print('floor goes on')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "paused while importing: False" in result.stdout
    assert "after run_step" in result.stdout
    assert "floor goes on" in result.stdout


@pytest.mark.parametrize("code", ["import livingreview", "import livingreview.workflow"])
def test_importing_the_package_elsewhere_keeps_collection_on(code: str) -> None:
    check = f"import gc; {code}; print(gc.isenabled())"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr

"""CI gates that are part of the test suite: linters and Snakemake's own lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("ruff", "check", "src", "tests", "benchmarks"), id="ruff-check"),
        pytest.param(
            ("ruff", "format", "--check", "src", "tests", "benchmarks"),
            id="ruff-format",
        ),
        pytest.param(
            (
                "snakefmt",
                "--check",
                "Snakefile",
                "src/livingreview/pipeline",
                "src/livingreview/project_template/Snakefile",
            ),
            id="snakefmt",
        ),
        pytest.param(("snakemake", "--lint"), id="snakemake-lint"),
    ],
)
def test_linter_is_clean(command: tuple[str, ...]) -> None:
    result = run(*command)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

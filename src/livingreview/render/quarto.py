"""The Quarto backend: ``quarto render`` of the book into the staging folder."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem, RenderError, tool_problem
from .pandoc import tool_env

# Our format names -> Quarto's (the PDF comes from the typst format).
QUARTO_FORMATS = {"html": "html", "docx": "docx", "pdf": "typst"}


def quarto_path() -> str | None:
    """The ``quarto`` executable on PATH, if any."""
    return shutil.which("quarto")


def render_quarto(root: Path, staging: Path, formats: Sequence[str]) -> None:
    """Run ``quarto render`` once per format into ``staging``; raise RenderError on failure."""
    exe = quarto_path()
    if exe is None:
        raise RenderError(
            [
                Problem(
                    "quarto",
                    "Quarto is not installed",
                    fix="use backend='embedded' or install the Quarto CLI",
                )
            ]
        )
    for fmt in formats:
        args = [
            exe,
            "render",
            str(root),
            "--to",
            QUARTO_FORMATS[fmt],
            "--output-dir",
            str(staging),
            "--no-clean",
        ]
        proc = subprocess.run(
            args, cwd=root, capture_output=True, text=True, env=tool_env(), check=False
        )
        if proc.returncode != 0:
            raise RenderError(
                [
                    tool_problem(
                        "_quarto.yml",
                        f"quarto render --to {QUARTO_FORMATS[fmt]} failed",
                        proc.stderr,
                        "read Quarto's message above; it names the chapter and line",
                    )
                ]
            )

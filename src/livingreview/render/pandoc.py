"""Run the Pandoc binary that ships in the ``pypandoc-binary`` wheel.

Always with a list of arguments (no shell), a pinned environment (UTC, C.UTF-8,
``SOURCE_DATE_EPOCH``) so outputs do not depend on the machine, and the
document passed as JSON on stdin. A failure becomes a
:class:`~livingreview.errors.RenderError` carrying Pandoc's message.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..errors import Problem, RenderError, tool_problem
from .project import source_date_epoch

MARKDOWN = "markdown"


@functools.cache
def pandoc_path() -> str:
    """Path of the Pandoc executable: the wheel's, else one on PATH."""
    try:
        import pypandoc

        path = pypandoc.get_pandoc_path()
        if path:
            return str(path)
    except (ImportError, OSError):
        pass
    found = shutil.which("pandoc")
    if not found:
        raise RenderError(
            [Problem("pandoc", "Pandoc is not installed", fix="pip install pypandoc-binary")]
        )
    return found


def tool_env() -> dict[str, str]:
    """Environment for every subprocess: fixed time zone, locale and build date."""
    env = dict(os.environ)
    env.update(
        TZ="UTC", LC_ALL="C.UTF-8", LANG="C.UTF-8", SOURCE_DATE_EPOCH=str(source_date_epoch())
    )
    return env


def run(
    args: list[str], stdin: str | None = None, cwd: Path | None = None, what: str = "pandoc"
) -> str:
    """Run Pandoc with ``args``; return stdout or raise RenderError."""
    proc = subprocess.run(
        [pandoc_path(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=tool_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise RenderError(
            [
                tool_problem(
                    what,
                    "Pandoc failed",
                    proc.stderr,
                    "Pandoc's message above names the cause (a syntax error, a missing "
                    "file, a full disk)",
                )
            ]
        )
    return proc.stdout


def markdown_to_ast(text: str, what: str = "markdown") -> dict[str, Any]:
    """Parse Pandoc Markdown into the JSON AST."""
    return json.loads(run(["-f", MARKDOWN, "-t", "json"], stdin=text, what=what))


def ast_to(
    doc: dict[str, Any], args: list[str], cwd: Path | None = None, what: str = "pandoc"
) -> str:
    """Feed a JSON AST to Pandoc with extra ``args`` (``-t``, ``-o``, ``--template`` ...)."""
    return run(["-f", "json", *args], stdin=json.dumps(doc), cwd=cwd, what=what)


def bibliography_keys(paths: list[Path]) -> set[str]:
    """Citation keys of the bibliography files, read by Pandoc itself (same as citeproc)."""
    keys: set[str] = set()
    for path in paths:
        fmt = {".bib": "biblatex", ".json": "csljson", ".yaml": "markdown", ".yml": "markdown"}.get(
            path.suffix.lower(), "biblatex"
        )
        if fmt == "markdown":
            out = run(["-f", "markdown", "-t", "csljson", str(path)], what=str(path))
        else:
            out = run(["-f", fmt, "-t", "csljson", str(path)], what=str(path))
        keys.update(item["id"] for item in json.loads(out or "[]"))
    return keys

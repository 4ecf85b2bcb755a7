"""Run the Pandoc binary that ships in the ``pypandoc-binary`` wheel.

Always with a list of arguments (no shell), a pinned environment (UTC, C.UTF-8,
``SOURCE_DATE_EPOCH``) so outputs do not depend on the machine, and the
document passed as JSON on stdin. A failure becomes a
:class:`~livingreview.errors.RenderError` carrying Pandoc's message.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Problem, RenderError, tool_problem
from ..io import write_text
from ..workflow import PARSE_CACHE_ENV
from .project import source_date_epoch

MARKDOWN = "markdown"
# Folder of Pandoc parses keyed by content (set by the workflow): a render, or a
# check, reads the parse of an unchanged chapter instead of running Pandoc again;
# an unchanged chapter is never parsed twice.
PARSE_CACHE_FILES = 500  # the oldest parses beyond this many are removed


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


# Pandoc's answers for unchanged inputs, kept for the life of the process: the
# preview server re-reads every chapter on each save but re-parses only the one
# that changed. Values are JSON text, so every caller gets its own fresh copy.
_PARSED: dict[str, str] = {}
_BIB_KEYS: dict[tuple[str, int, int], frozenset[str]] = {}
CACHE_SIZE = 256


def cached_run(
    args: list[str],
    stdin: str = "",
    what: str = "pandoc",
    data: bytes = b"",
    cwd: Path | None = None,
) -> str:
    """:func:`run` for a conversion whose output depends only on ``args``, ``stdin``,
    ``data`` (the bytes of any file it reads) and the Pandoc binary: kept by content
    in the folder named by ``LIVINGREVIEW_PANDOC_CACHE`` when that is set."""
    return _kept(args, stdin, data, lambda: run(args, stdin=stdin, cwd=cwd, what=what))


def cached_docx_part(
    args: list[str],
    stdin: str,
    part: str,
    reference: Path,
    what: str = "pandoc",
    cwd: Path | None = None,
) -> str:
    """The text of ``part`` (``word/document.xml``) of the DOCX Pandoc writes from
    ``stdin`` with ``args`` (``-t docx``, neither ``-o`` nor the reference document)
    and the ``reference`` document, kept by content as :func:`cached_run` keeps its
    output (by the reference document's bytes, not its path, a temporary file)."""

    def convert() -> str:
        with tempfile.TemporaryDirectory(prefix="lr-docx-part-") as tmp:
            out = Path(tmp) / "part.docx"
            run(
                [*args, f"--reference-doc={reference}", "-o", str(out)],
                stdin=stdin,
                cwd=cwd,
                what=what,
            )
            with zipfile.ZipFile(out) as package:
                return package.read(part).decode("utf-8")

    return _kept([*args, "-o", part], stdin, reference.read_bytes(), convert)


def is_kept(args: list[str], stdin: str, data: bytes = b"") -> bool:
    """Whether :func:`cached_run` holds the output of this conversion already."""
    path = _kept_path(args, stdin, data)
    return path is not None and path.is_file()


def _kept_path(args: list[str], stdin: str, data: bytes) -> Path | None:
    """Where the content cache keeps a conversion's output, under a hash of the Pandoc
    binary, ``args``, the build date, ``stdin`` and ``data`` (None: no cache)."""
    folder = os.environ.get(PARSE_CACHE_ENV)
    if not folder:
        return None
    exe = Path(pandoc_path())
    stat = exe.stat()
    head = json.dumps(
        [str(exe), stat.st_size, stat.st_mtime_ns, args, str(source_date_epoch())]
    ).encode()
    key = hashlib.sha256(b"\0".join([head, stdin.encode("utf-8"), data])).hexdigest()[:32]
    return Path(folder) / f"{key}.out"


def _kept(args: list[str], stdin: str, data: bytes, convert: Callable[[], str]) -> str:
    """``convert()``, kept in the content cache's folder (see :func:`cached_run`)."""
    path = _kept_path(args, stdin, data)
    if path is None:
        return convert()
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    out = convert()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, out)
    kept = sorted(path.parent.glob("*.out"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[PARSE_CACHE_FILES:]:
        old.unlink(missing_ok=True)
    return out


API_VERSION = [1, 23, 1, 1]


def document(blocks: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Pandoc JSON document of ``blocks`` (and ``meta``)."""
    return {"pandoc-api-version": API_VERSION, "meta": meta or {}, "blocks": blocks}


def markdown_to_ast(text: str, what: str = "markdown") -> dict[str, Any]:
    """Parse Pandoc Markdown into the JSON AST (kept in this process, and on disk by
    content: see :func:`cached_run`)."""
    if text not in _PARSED:
        if len(_PARSED) >= CACHE_SIZE:
            _PARSED.clear()
        _PARSED[text] = cached_run(["-f", MARKDOWN, "-t", "json"], stdin=text, what=what)
    return json.loads(_PARSED[text])


def ast_to(
    doc: dict[str, Any],
    args: list[str],
    cwd: Path | None = None,
    what: str = "pandoc",
    reads: bytes | None = None,
) -> str:
    """Feed a JSON AST to Pandoc with extra ``args`` (``-t``, ``-o``, ``--template`` ...).

    ``reads``, the bytes of every file the conversion reads (a template), makes the
    output kept by content (:func:`cached_run`): an unchanged page is not converted
    again. Only for conversions that write to stdout."""
    if reads is not None:
        return cached_run(["-f", "json", *args], json.dumps(doc), what, reads, cwd)
    return json_to(json.dumps(doc), args, cwd=cwd, what=what)


def json_to(text: str, args: list[str], cwd: Path | None = None, what: str = "pandoc") -> str:
    """:func:`ast_to` for a document already written as JSON ``text``: a caller can let
    go of the document's blocks before Pandoc runs (a whole book is gigabytes of
    Python objects at 10,000 studies, and Pandoc's own memory comes on top)."""
    return run(["-f", "json", *args], stdin=text, cwd=cwd, what=what)


def bibliography_keys(paths: list[Path]) -> set[str]:
    """Citation keys of the bibliography files, read by Pandoc itself (same as citeproc)."""
    keys: set[str] = set()
    for path in paths:
        try:
            stat = path.stat()
            stamp = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp in _BIB_KEYS:
            keys.update(_BIB_KEYS[stamp])
            continue
        fmt = {".bib": "biblatex", ".json": "csljson", ".yaml": "markdown", ".yml": "markdown"}.get(
            path.suffix.lower(), "biblatex"
        )
        data = path.read_bytes() if path.is_file() else b""
        if fmt == "markdown":
            args = ["-f", "markdown", "-t", "csljson", str(path)]
        else:
            args = ["-f", fmt, "-t", "csljson", str(path)]
        out = cached_run(args, what=str(path), data=data)
        found = frozenset(item["id"] for item in json.loads(out or "[]"))
        if stamp is not None:
            _BIB_KEYS[stamp] = found
        keys.update(found)
    return keys

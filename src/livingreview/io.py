"""File input and output shared by every module.

Reading is strict about encoding (UTF-8; a byte-order mark and CRLF line endings,
as written by spreadsheet programs, are accepted and normalised) and writing is
atomic: an output either appears complete or not at all, so an interrupted or
failed build never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from .errors import ConfigError, DataError, Problem, ReviewError

BOM = "\ufeff"


def read_text(path: str | Path, error: type[ReviewError] = DataError) -> str:
    """Return the text of a UTF-8 file with BOM removed and line endings as ``\\n``.

    A file that is not valid UTF-8 (for example saved as Latin-1 by a
    spreadsheet) raises ``error`` naming the line and the offending byte.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error.single(path, "file not found", fix="create it or correct the path") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error.single(
            path,
            "is not valid UTF-8 text",
            row=line,
            found=f"byte 0x{raw[exc.start]:02x}",
            expected="UTF-8",
            fix="re-save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
        ) from None
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_yaml(path: str | Path, error: type[ReviewError] = ConfigError) -> object:
    """Parse a YAML file safely (no Python object tags), reporting the line of a syntax error."""
    text = read_text(path, error)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(
            [
                Problem(
                    str(path),
                    f"is not valid YAML ({getattr(exc, 'problem', None) or exc})",
                    row=mark.line + 1 if mark else None,
                    column=str(mark.column + 1) if mark else None,
                    fix="correct the YAML syntax at that line (indentation, quotes, colons)",
                )
            ]
        ) from None


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text (``\\n`` line endings) atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_yaml(path: str | Path, data: object) -> Path:
    """Write YAML with stable key order (as given) and Unicode kept readable."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return write_text(path, text)


def replace_directory(staging: Path, target: Path) -> None:
    """Swap a fully built ``staging`` directory into ``target``.

    The old ``target`` is renamed aside first and removed only after the new one
    is in place, so at every instant ``target`` is either the old complete
    output or the new complete output.
    """
    staging, target = Path(staging), Path(target)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)

"""File input and output shared by every module.

Reading is strict about encoding (UTF-8; a byte-order mark and CRLF line endings,
as written by spreadsheet programs, are accepted and normalised) and writing is
atomic: an output either appears complete or not at all, so an interrupted or
failed build never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
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
    except IsADirectoryError:
        raise error.single(path, "is a folder, not a file", fix="name the file itself") from None
    except PermissionError:
        raise error.single(
            path, "cannot be read (permission denied)", fix="make the file readable"
        ) from None
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


# Limits of every YAML file the build reads (config, _quarto.yml, protocol, releases).
# Anchors and aliases are allowed, but a few lines of nested aliases (a "billion
# laughs" block) would expand to billions of values when walked: the expanded size
# is computed on the node graph before anything is built from it.
YAML_MAX_BYTES = 5_000_000
YAML_MAX_ALIASES = 1_000
YAML_MAX_DEPTH = 100
YAML_MAX_EXPANDED_NODES = 1_000_000


class _LimitedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys and counts aliases."""

    aliases_seen = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > YAML_MAX_ALIASES:
                event = self.peek_event()
                raise _YamlLimit(
                    f"uses more than {YAML_MAX_ALIASES:,} aliases (*name)",
                    event.start_mark.line + 1,
                    "write the values out instead of repeating aliases",
                )
        return super().compose_node(parent, index)


class _YamlLimit(Exception):
    def __init__(self, message: str, line: int | None, fix: str) -> None:
        super().__init__(message)
        self.message, self.line, self.fix = message, line, fix


def _check_duplicate_keys(node: yaml.Node, seen_nodes: set[int]) -> None:
    """Raise on a mapping that repeats a key, naming both lines (YAML says keys are unique)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            first: dict[object, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in first and key.value != "<<":
                        raise _YamlLimit(
                            f"key '{key.value}' appears twice in one mapping "
                            f"(lines {first[key.value]} and {key.start_mark.line + 1})",
                            key.start_mark.line + 1,
                            "keep one of them: YAML would silently use the last",
                        )
                    first.setdefault(key.value, key.start_mark.line + 1)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _expanded_size(node: yaml.Node) -> int:
    """Number of nodes once every alias is expanded; raises past the limits."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node, depth: int) -> int:
        if depth > YAML_MAX_DEPTH:
            raise _YamlLimit(
                f"is nested more than {YAML_MAX_DEPTH} levels deep",
                n.start_mark.line + 1,
                "flatten the structure",
            )
        if id(n) in sizes:
            return sizes[id(n)]
        total = 1
        if isinstance(n, yaml.SequenceNode):
            total += sum(size(c, depth + 1) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in n.value)
        if total > YAML_MAX_EXPANDED_NODES:
            raise _YamlLimit(
                f"expands to more than {YAML_MAX_EXPANDED_NODES:,} values "
                "(aliases repeating aliases)",
                n.start_mark.line + 1,
                "write the values out instead of nesting aliases",
            )
        sizes[id(n)] = total
        return total

    return size(node, 0)


def compose_yaml(
    text: str, path: str | Path, error: type[ReviewError] = ConfigError
) -> yaml.Node | None:
    """Compose YAML ``text`` into its node tree (line numbers kept), within the limits.

    Raises ``error`` for a syntax error (with its line), a file over
    :data:`YAML_MAX_BYTES`, duplicate keys, too many aliases, too deep nesting or
    an alias block that would expand past :data:`YAML_MAX_EXPANDED_NODES`.
    """
    if len(text) > YAML_MAX_BYTES:
        raise error.single(
            str(path),
            f"is larger than {YAML_MAX_BYTES // 1_000_000} MB, more than any configuration needs",
            found=f"{len(text):,} characters",
            fix="check that the right file is named; split data into CSV files",
        )
    loader = None
    try:
        loader = _LimitedLoader(text)  # checks that every character is allowed in YAML
        node = loader.get_single_node()
        if node is not None:
            _expanded_size(node)
            _check_duplicate_keys(node, set())
        return node
    except _YamlLimit as exc:
        raise error.single(str(path), exc.message, row=exc.line, fix=exc.fix) from None
    except RecursionError:
        raise error.single(
            str(path), f"is nested more than {YAML_MAX_DEPTH} levels deep", fix="flatten it"
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise error.single(
            str(path),
            f"contains a character YAML does not allow (U+{exc.character:04X})",
            row=line,
            fix="delete the invisible character on that line",
        ) from None
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
    finally:
        if loader is not None:
            loader.dispose()


def load_yaml_text(text: str, path: str | Path, error: type[ReviewError] = ConfigError) -> object:
    """Parse YAML ``text`` safely (no Python tags) within the limits of :func:`compose_yaml`."""
    node = compose_yaml(text, path, error)
    if node is None:
        return None
    loader = _LimitedLoader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error.single(
            str(path),
            f"is not valid YAML ({getattr(exc, 'problem', None) or exc})",
            row=mark.line + 1 if mark else None,
            column=str(mark.column + 1) if mark else None,
            fix="correct the value at that line (tags such as !!python are not allowed)",
        ) from None
    finally:
        loader.dispose()


def yaml_key_lines(path: str | Path) -> dict[str, int]:
    """The 1-based line of each key of a YAML file's mappings, by dotted path
    (``render.formats``); empty if the file cannot be read or parsed."""
    try:
        node = compose_yaml(read_text(path, ConfigError), path)
    except (ReviewError, OSError):
        return {}
    lines: dict[str, int] = {}
    todo = [(node, "")]
    while todo:
        current, prefix = todo.pop()
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    lines.setdefault(prefix + key.value, key.start_mark.line + 1)
                    todo.append((value, f"{prefix}{key.value}."))
    return lines


def with_key_lines(problems: list[Problem], path: str | Path) -> list[Problem]:
    """``problems`` of the YAML file ``path`` located at the line of their key (a
    missing key at its parent's line); problems with a line or of other files as given."""
    if not any(p.row is None and p.column for p in problems) or not Path(path).is_file():
        return problems
    lines = yaml_key_lines(path)
    out = []
    for problem in problems:
        key = problem.column or ""
        while problem.row is None and key and key not in lines:
            key = key.rpartition(".")[0]
        same_file = Path(path).as_posix().endswith(Path(problem.file).as_posix())
        located = problem.row is None and key in lines and same_file
        out.append(dataclasses.replace(problem, row=lines[key]) if located else problem)
    return out


def yaml_value(value: object) -> str:
    """``value`` as a user writes it in YAML (``[a, b]``, ``3``, ``true``), not as Python
    shows it (``['a', 'b']``, ``True``)."""
    if isinstance(value, str):
        return value
    text = yaml.safe_dump(value, default_flow_style=True, width=1_000_000, allow_unicode=True)
    return text.strip().removesuffix("...").strip()


def read_yaml(path: str | Path, error: type[ReviewError] = ConfigError) -> object:
    """Parse a YAML file safely and within limits, reporting the line of any problem."""
    path = Path(path)
    if path.is_dir():
        raise error.single(path, "is a folder, not a file", fix="name the YAML file itself")
    return load_yaml_text(read_text(path, error), path, error)


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


@contextlib.contextmanager
def held_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) until the block ends.

    Processes that enter the block with the same path run it one at a time; the
    lock is released when the block ends or the process dies. Where the system has
    no ``fcntl`` (Windows) the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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

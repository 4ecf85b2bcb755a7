"""The elements of large blocks found without walking them (issue 19: a chapter edit
in seconds).

Many passes of the renderer look at a few kinds of element (links, images,
citations, elements with an id) but found them by walking the whole book: at
1,000 studies about 130,000 elements, most of them the cells of a few large
generated tables (the 1,010-row characteristics table) that no edit of a
chapter's prose changes. So :func:`select` finds the elements of given kinds in
a large top-level block from an index of the block: where, in document order,
each element of a kind that is not :data:`PLAIN` sits (its path of keys). The
index is kept by a hash of the block's content (its :mod:`marshal` bytes,
made in C), in this process and, inside the workflow, in ``results/cache/index/``
next to the Pandoc parses, so an unchanged table is walked once in its life,
not once per pass and build. :func:`rewrite` is :func:`~.ast.walk` for a
function that changes only elements of given kinds, found the same way.

A pass may change the elements it is given (a link's target, an attribute)
but not the lists that hold them: the paths of the elements after it would
move. Kinds in :data:`PLAIN` (words, spaces, paragraphs, cells' alignment) are
what a large table is made of; asking for one walks the block.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from ..io import write_bytes
from ..workflow import PARSE_CACHE_ENV
from . import ast as A

__all__ = ["PLAIN", "Keys", "index_of", "read_kept", "rewrite", "select", "write_kept"]

LARGE = 1 << 16  # bytes of a block's marshal dump (a 1,000-row table is about 2 MB)
PLAIN = frozenset(
    {
        "Str",
        "Space",
        "SoftBreak",
        "LineBreak",
        "Plain",
        "Para",
        "AlignDefault",
        "AlignLeft",
        "AlignRight",
        "AlignCenter",
        "ColWidth",
        "ColWidthDefault",
    }
)
# the kinds of block that can hold many others (the rest are not measured, let alone indexed)
HOLDERS = frozenset(
    {"Table", "Div", "Figure", "BlockQuote", "BulletList", "OrderedList", "DefinitionList"}
)
VERSION = b"block-index 1\0"  # changes when an index's form does
KEPT_IN_MEMORY = 64
KEPT_ON_DISK = 256  # indexes, a few kilobytes each; the least recently used removed
Keys = tuple[int | str, ...]
_MEMORY: dict[bytes, list[tuple[str, Keys]]] = {}


def select(node: Any, kinds: Collection[str]) -> Iterator[A.Element]:
    """The elements of ``node`` whose kind is in ``kinds``, in document order: the
    same as ``(el for el in A.iter_elements(node) if el["t"] in kinds)``, the large
    top-level blocks of a list looked up in their index instead of walked."""
    wanted = frozenset(kinds)
    if not isinstance(node, list) or wanted & PLAIN:
        yield from (el for el in A.iter_elements(node) if el["t"] in wanted)
        return
    for item in node:
        index = index_of(item)
        if index is None:
            yield from (el for el in A.iter_elements([item]) if el["t"] in wanted)
        else:
            yield from (_at(item, path) for t, path in index if t in wanted)


def rewrite(
    blocks: list[A.Element], kinds: Collection[str], fn: Callable[[A.Element], Any]
) -> None:
    """``blocks[:] = A.walk(blocks, fn)`` for an ``fn`` that returns ``None`` for every
    element whose kind is not in ``kinds``: each element of those kinds, children
    first and in document order (as :func:`~.ast.walk` calls ``fn``), replaced by
    what ``fn`` returns (``None``: kept; a list: spliced into a list). A large block
    is changed in place, its elements found by its index."""
    wanted = frozenset(kinds)
    out: list[A.Element] = []
    for item in blocks:
        index = None if wanted & PLAIN else index_of(item)
        if index is None:
            out.extend(A.walk([item], fn))
            continue
        top: Any = item
        found = [  # found before anything changes: a splice moves the paths after it
            (path, _at(item, path), _at(item, path[:-1]) if path else None)
            for path in _children_first([path for t, path in index if t in wanted])
        ]
        for path, el, parent in found:
            new = fn(el)
            if new is None:
                continue
            if parent is None:
                top = new
            elif isinstance(parent, list):  # by identity: earlier siblings may be spliced
                at = next(i for i, x in enumerate(parent) if x is el)
                parent[at : at + 1] = new if isinstance(new, list) else [new]
            else:
                parent[path[-1]] = new
        out.extend(top if isinstance(top, list) else [top])
    blocks[:] = out


def _children_first(paths: list[Keys]) -> list[Keys]:
    """Paths in document order (parents before children) put children first: each
    element after the elements inside it, siblings still in document order."""
    out: list[Keys] = []
    open_: list[Keys] = []
    for path in paths:
        while open_ and open_[-1] != path[: len(open_[-1])]:
            out.append(open_.pop())
        open_.append(path)
    out.extend(reversed(open_))
    return out


def index_of(item: Any) -> list[tuple[str, Keys]] | None:
    """``(kind, path)`` of each element of a large top-level block not in :data:`PLAIN`,
    in document order (``path``: the keys from the block to it); ``None`` for
    anything else."""
    if not isinstance(item, dict) or item.get("t") not in HOLDERS:
        return None
    data = marshal.dumps(item, 2)  # version 2: no back-references, the same bytes each run
    if len(data) < LARGE:
        return None
    key = hashlib.blake2b(VERSION + data, digest_size=20).digest()
    index = _MEMORY.get(key)
    if index is None:
        kept = read_kept("index", key.hex())
        index = _paths(item) if kept is None else marshal.loads(kept)
        if kept is None:
            write_kept("index", key.hex(), marshal.dumps(index), KEPT_ON_DISK)
        if len(_MEMORY) >= KEPT_IN_MEMORY:
            _MEMORY.pop(next(iter(_MEMORY)))
        _MEMORY[key] = index
    return index


def _paths(block: A.Element) -> list[tuple[str, Keys]]:
    """``(kind, path)`` of every element of ``block`` not in :data:`PLAIN`, in the order
    of :func:`~.ast.iter_elements` (``path``: the keys from ``block`` to it)."""
    out: list[tuple[str, Keys]] = []
    stack: list[tuple[Any, Keys]] = [(block, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, list):
            stack.extend(
                (x, (*path, i))
                for i, x in reversed(list(enumerate(item)))
                if isinstance(x, list | dict)
            )
            continue
        if "t" in item and item["t"] not in PLAIN:
            out.append((item["t"], path))
        content = item.get("c")
        if isinstance(content, list | dict):
            stack.append((content, (*path, "c")))
    return out


def _at(node: Any, path: Keys) -> Any:
    for key in path:
        node = node[key]
    return node


# ---------------------------------------------------------------- kept on disk


def _kept_path(kind: str, key: str) -> Path | None:
    folder = os.environ.get(PARSE_CACHE_ENV)
    return Path(folder).parent / kind / f"{key}.marshal" if folder else None


def read_kept(kind: str, key: str) -> bytes | None:
    """The bytes kept under ``key`` in the workflow's cache folder ``kind`` (``None``:
    none, or outside the workflow), marked recently used."""
    path = _kept_path(kind, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
        os.utime(path)  # recently used: kept longest
    except OSError:
        return None
    return data


def write_kept(kind: str, key: str, data: bytes, keep: int) -> None:
    """Keep ``data`` under ``key`` (inside the workflow); only the ``keep`` most recently
    used files of the folder stay."""
    path = _kept_path(kind, key)
    if path is None:
        return
    write_bytes(path, data)
    stored = sorted(path.parent.glob("*.marshal"), key=lambda p: p.stat().st_mtime)
    for old in stored[:-keep]:
        old.unlink(missing_ok=True)

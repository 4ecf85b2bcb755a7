"""Large blocks finished for a format once per content (issue 19: a chapter edit in seconds).

:func:`~.finish.finish` walks a chapter several times per format; at 1,000
studies that was most of a render, repeated for the 1,000-row tables nobody
edited. Its result for a block depends only on the block, the format,
``_quarto.yml``, the renderer's code and, for DOCX, the pictures whose print
size it reads. So large finished blocks are kept by a hash of those: in this
process (the preview re-renders on every save) and, inside the workflow, in
``results/cache/finish/`` (next to the Pandoc parses), so the next build
finishes only what changed. A hit returns a fresh copy, equal to what
:func:`~.finish.finish` would return.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..workflow import code_version
from . import ast as A
from .block_index import read_kept, select, write_kept
from .finish import finish
from .project import QUARTO_FILE, Book

__all__ = ["finished", "finished_summary"]

LARGE_BLOCK = 1 << 16  # bytes of a block's marshal dump
KEPT_IN_MEMORY = 32  # entries; a 1,000-row table finished is about 2 MB
KEPT_ON_DISK = 64  # the least recently used beyond these are removed
T = TypeVar("T")
_MEMORY: dict[str, bytes] = {}
_SUMMARIES: dict[str, Any] = {}
SUMMARIES_KEPT = 64


def finished(blocks: list[A.Element], fmt: str, book: Book) -> list[A.Element]:
    """``finish(A.clone(blocks), fmt, book)``, large blocks kept by content; ``blocks``
    is not changed.

    :func:`~.finish.finish` rewrites each top-level block on its own (its walks
    replace an element from the element alone), so a chapter finishes as the
    concatenation of its blocks finished: a block of at least :data:`LARGE_BLOCK`
    bytes (a 1,000-row table, a figure) is kept by content, runs of the small ones
    between are finished directly. Editing a paragraph of a chapter then does not
    finish its tables again."""
    out: list[A.Element] = []
    small: list[bytes] = []
    for block in blocks:
        data = marshal.dumps(block, 2)  # version 2: no back-references, same bytes each run
        if len(data) < LARGE_BLOCK:
            small.append(data)
            continue
        if small:
            out += finish([marshal.loads(d) for d in small], fmt, book)
            small = []
        out += _finished_block(data, fmt, book, block)
    if small:
        out += finish([marshal.loads(d) for d in small], fmt, book)
    return out


def finished_summary(
    blocks: list[A.Element], fmt: str, book: Book, summarise: Callable[[list[A.Element]], T]
) -> T:
    """``summarise(finished(blocks, fmt, book))``, kept in this process by the content of
    ``blocks`` (and what :func:`finished` depends on): the preview needs only the ids
    and link tips of the pages it does not write, the same on every save."""
    data = marshal.dumps(blocks, 2)
    key = f"{summarise.__module__}.{summarise.__qualname__}:{_key(data, fmt, book, blocks)}"
    if key not in _SUMMARIES:
        if len(_SUMMARIES) >= SUMMARIES_KEPT:
            _SUMMARIES.pop(next(iter(_SUMMARIES)))
        _SUMMARIES[key] = summarise(finished(blocks, fmt, book))
    return _SUMMARIES[key]  # type: ignore[no-any-return]


def _finished_block(data: bytes, fmt: str, book: Book, block: A.Element) -> list[A.Element]:
    key = _key(data, fmt, book, [block])
    kept = _MEMORY.get(key)
    if kept is None:
        kept = read_kept("finish", key)
    if kept is not None:
        _remember(key, kept)
        return marshal.loads(kept)
    out = finish([marshal.loads(data)], fmt, book)
    kept = marshal.dumps(out)
    _remember(key, kept)
    write_kept("finish", key, kept, KEPT_ON_DISK)
    return out


@functools.cache
def renderer_code() -> str:
    """The hash of the renderer's code (every file of ``render``), once per process."""
    return code_version("render")


def _key(data: bytes, fmt: str, book: Book, blocks: list[A.Element]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{renderer_code()}\0{sys.version}\0{marshal.version}\0{fmt}\0".encode())
    digest.update(f"{book.table_rows_per_page}\0".encode())  # finish._mark_paged
    digest.update(f"{book.table_print_rows}\0{book.website}\0".encode())  # shorten_for_print
    with contextlib.suppress(OSError):
        digest.update((book.root / QUARTO_FILE).read_bytes())
    if fmt == "docx":  # DOCX pictures are sized from their files
        ext = str(book.format_option(fmt, "default-image-extension", "png")).lstrip(".")
        for el in select(blocks, ("Image",)):
            digest.update(_picture_stamp(book.root, el["c"][2][0], ext))
    digest.update(data)
    return digest.hexdigest()[:32]


def _picture_stamp(root: Path, src: str, ext: str) -> bytes:
    stamps = [src]
    for candidate in {src.lstrip("/"), f"{src.lstrip('/')}.{ext}"}:
        try:
            stat = (root / candidate).stat()
            stamps.append(f"{candidate}:{stat.st_size}:{stat.st_mtime_ns}")
        except (OSError, ValueError):
            stamps.append(f"{candidate}:-")
    return "\0".join(sorted(stamps)).encode()


def _remember(key: str, kept: bytes) -> None:
    if key not in _MEMORY and len(_MEMORY) >= KEPT_IN_MEMORY:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[key] = kept

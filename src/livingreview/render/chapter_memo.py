"""Each chapter's state in the book model, kept between builds of one process (issue 17).

``livingreview preview`` builds the book model again on every save. Most of
that work is per chapter and depends on little outside it, so
:func:`~.book.build_book` runs it in stages, and :class:`ChapterMemo` keeps,
per chapter and stage, the chapter's blocks after the stage (marshal bytes)
and what the stage added to the book (cross-reference targets, citations,
problems ...), under a key of everything the stage read:

1. ``local``: Pandoc's parse, claims, titles and floats: the chapter's text
   and its line origins, and the variables only if the chapter has a checked
   claim (what the last run of the same text found);
2. ``number``: chapter, section and float numbers: stage 1's key, the
   chapter's place in the book (its kind, page, the counters and the ids of
   the chapters before it) and its crossref options;
3. ``resolve``: cross-references, links to chapters, images: stage 2's key,
   the targets the chapter refers to (as numbered now), every chapter's anchor,
   and whether the keys it cites were cited before it;
4. checks of the resolved chapter (raw Typst, words readers should not see).

A chapter whose key is unchanged is not parsed, numbered or resolved again:
its stored additions are replayed in book order, so the book's tables (the
numbering, the targets, the citations) come out as a full build makes them,
and its blocks are decoded once at the end. A save that renumbers what other
chapters refer to changes the table of targets, so those chapters resolve
again. Without a memo (``keep=False``) each stage just runs.

Inside the workflow the memo is also kept on disk (:func:`stored_memo`), so an
unchanged chapter is not parsed, numbered or resolved again by the next build
(``render_book``) or check (``livingreview check``) either. The file is
used only by the same renderer code, Pandoc and Python that wrote it. It also
keeps the parse of each large included file by its text
(:class:`~.chapter_source.RegionParses`): an edit of a chapter's prose does not
decode and walk the parse of the 1,000-row table it includes again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import marshal
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io import write_bytes
from ..workflow import PARSE_CACHE_ENV, code_version
from .chapter_source import RegionParses
from .pandoc import pandoc_path
from .project import QUARTO_FILE

if TYPE_CHECKING:
    from .book import Chapter

__all__ = ["ChapterMemo", "Reads", "digest", "load", "stored_memo"]


def digest(*parts: Any) -> str:
    """A hash of ``parts`` (JSON, with anything else as its text)."""
    data = json.dumps(parts, sort_keys=True, default=repr, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class ChapterMemo:
    """Per chapter and stage: the key, the blocks after it and what it added."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.kept: dict[tuple[str, str], tuple[str, bytes | None, Any, str]] = {}
        self.sources: dict[str, str] = {}  # chapter -> the key of what it was read from
        self.ran: list[tuple[str, str]] = []  # (stage, chapter) run, not replayed
        self.started: set[str] = set()  # the chapters of the last build
        self.regions = RegionParses()  # included files' parses, by a hash of their text
        self.region_keys: dict[str, list[str]] = {}  # chapter -> its last parse's regions

    def start(self, chapter: Chapter, *parts: Any) -> None:
        """Key ``chapter`` by what it was read from."""
        chapter.key = digest(chapter.rel, chapter.page, chapter.entry.kind, *parts)
        self.sources[f"{chapter.rel}|{chapter.page}"] = chapter.key
        self.started.add(f"{chapter.rel}|{chapter.page}")

    def previous(self, name: str, chapter: Chapter) -> Any:
        """What ``name`` returned for ``chapter`` last time it ran (``None``: never)."""
        kept = self.kept.get((name, f"{chapter.rel}|{chapter.page}"))
        return None if kept is None else kept[2]

    def stage(
        self,
        name: str,
        chapter: Chapter,
        parts: tuple[Any, ...],
        run: Callable[[Chapter], Any],
        changes_blocks: bool = True,
        after: Callable[[Any], tuple[Any, ...]] | None = None,
    ) -> Any:
        """``run(chapter)``'s result (what the stage added), run or as kept; the
        chapter's blocks are those after the stage (decoded when next needed).

        ``parts`` is what the stage reads besides the chapter; ``after(result)``,
        if given, the same as the run itself found it (when what it reads is
        known only once it ran: ``parts`` then asks for what the last run read)."""
        if not self.keep:
            self.ran.append((name, chapter.rel))
            return run(chapter)
        key = digest(chapter.key, name, *parts)
        slot = (name, f"{chapter.rel}|{chapter.page}")
        kept = self.kept.get(slot)
        if kept is not None and kept[0] == key:
            if changes_blocks:
                chapter.packed = kept[1]
                chapter.key = kept[3]
            return kept[2]
        load(chapter)
        self.ran.append((name, chapter.rel))
        result = run(chapter)
        if after is not None:
            key = digest(chapter.key, name, *after(result))
        packed, out = None, chapter.key
        if changes_blocks:  # later stages are keyed by the blocks made, with the source
            packed = marshal.dumps(chapter.blocks, 2)
            out = digest(self.sources.get(slot[1], ""), hashlib.sha256(packed).hexdigest())
        self.kept[slot] = (key, packed, result, out)
        chapter.key = out
        return result

    def local_parts(self, chapter: Chapter, variables: Any, mark: bool) -> tuple[Any, ...]:
        """What the ``local`` stage of ``chapter`` reads besides its text: the variables
        only if its last run (keyed by the same text) found a checked claim."""
        last = self.previous("local", chapter)
        return self.claim_parts(last is None or last[2], variables, mark)

    @staticmethod
    def claim_parts(claims: bool, variables: Any, mark: bool) -> tuple[Any, ...]:
        return (variables if claims else None, mark)

    def note_regions(self, chapter: Chapter, used: list[str]) -> None:
        """The included files whose kept parse ``chapter``'s parse used; only those of
        the book's chapters are kept."""
        self.region_keys[f"{chapter.rel}|{chapter.page}"] = list(dict.fromkeys(used))
        self.regions.used.clear()  # noted: the preview's memo lives as long as it runs
        wanted = {k for keys in self.region_keys.values() for k in keys}
        self.regions.kept = {k: v for k, v in self.regions.kept.items() if k in wanted}


class Reads(dict):  # type: ignore[type-arg]
    """A dict that notes the keys looked up (``get``, ``setdefault``): what a stage read."""

    def __init__(self, data: dict[Any, Any]) -> None:
        super().__init__(data)
        self.read: list[Any] = []

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.append(key)
        return super().get(key, default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self.read.append(key)
        return super().setdefault(key, default)


def load(chapter: Chapter) -> None:
    """Decode the chapter's blocks if a stage left them as bytes."""
    if chapter.packed is not None:
        chapter.blocks = marshal.loads(chapter.packed)
        chapter.packed = None


@contextlib.contextmanager
def stored_memo(root: Path) -> Iterator[ChapterMemo]:
    """A memo read from the workflow's cache folder and written back after the build
    if a stage ran; outside the workflow (no cache folder) one that keeps nothing.

    The file is named by a hash of the renderer's code, the Pandoc binary, Python
    and ``_quarto.yml``: any of them changed, every stage runs again."""
    folder = os.environ.get(PARSE_CACHE_ENV)
    if not folder:
        yield ChapterMemo(keep=False)
        return
    path = Path(folder).parent / "model" / f"{_memo_version(root)}.pickle"
    memo = ChapterMemo()
    with contextlib.suppress(OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
        found = _KeptUnpickler(io.BytesIO(path.read_bytes())).load()
        memo.kept, memo.sources, memo.region_keys, memo.regions.kept = found
    yield memo
    if memo.ran:  # only the chapters of this build: a renamed one is not kept forever
        kept = {slot: v for slot, v in memo.kept.items() if slot[1] in memo.started}
        sources = {k: v for k, v in memo.sources.items() if k in memo.started}
        keys = {k: v for k, v in memo.region_keys.items() if k in memo.started}
        regions = {k: memo.regions.kept[k] for v in keys.values() for k in v}
        write_bytes(path, pickle.dumps((kept, sources, keys, regions), protocol=5))
        for old in path.parent.glob("*.pickle"):  # written by other code: never read again
            if old != path:
                old.unlink(missing_ok=True)


def _memo_version(root: Path) -> str:
    exe = Path(pandoc_path()).stat()
    digest = hashlib.sha256()
    digest.update(code_version("bibliography", "render", "text").encode())
    digest.update(f"\0{exe.st_size}\0{exe.st_mtime_ns}\0{sys.version}\0".encode())
    with contextlib.suppress(OSError):
        digest.update((root / QUARTO_FILE).read_bytes())
    return digest.hexdigest()[:32]


# the classes a memo holds besides builtin values
KEPT_CLASSES = frozenset(
    {("livingreview.errors", "Problem"), ("livingreview.render.book", "Target")}
)


class _KeptUnpickler(pickle.Unpickler):
    """Reads back only what a memo holds: builtin values, problems and targets."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in KEPT_CLASSES:
            raise pickle.UnpicklingError(f"not in a memo: {module}.{name}")
        return super().find_class(module, name)

"""Each chapter's state in the book model, kept between builds of one process (issue 17).

``livingreview preview`` builds the book model again on every save. Most of
that work is per chapter and depends on little outside it, so
:func:`~.book.build_book` runs it in stages, and :class:`ChapterMemo` keeps,
per chapter and stage, the chapter's blocks after the stage (marshal bytes)
and what the stage added to the book (cross-reference targets, citations,
problems ...), under a key of everything the stage read:

1. ``local``: Pandoc's parse, claims, titles and floats: the chapter's text
   and its line origins, the variables;
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
again. Without a memo (``keep=False``, every build but the preview's) each
stage just runs.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .book import Chapter

__all__ = ["ChapterMemo", "Reads", "digest", "load"]


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

    def start(self, chapter: Chapter, *parts: Any) -> None:
        """Key ``chapter`` by what it was read from."""
        chapter.key = digest(chapter.rel, chapter.page, chapter.entry.kind, *parts)
        self.sources[f"{chapter.rel}|{chapter.page}"] = chapter.key

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

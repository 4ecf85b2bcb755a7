"""Which website pages a preview save must write besides the saved one (issue 17).

A page is made from its own blocks (after citeproc), the ids and link tips of
the pages it links to (a link to ``#fig-x`` becomes ``methods.html#fig-x`` with
that figure's caption as its tip) and the book's navigation (every chapter's
number and title). A save can change what another page shows without touching
its source: a figure inserted before others renumbers the references to them
on every page ("Figure 2.1" becomes "Figure 2.2"), a new citation adds an entry
to the references page, a new chapter title changes every sidebar.

So each page gets a fingerprint of exactly those inputs; the preview keeps the
fingerprints of the site as it last wrote (or, when it starts, found) it, and a
save re-renders every page whose fingerprint changed, not only the saved one.
Unchanged pages cost a hash of their blocks; their links are read once per
content (:func:`~.finish_cache.finished_summary`).
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Collection
from pathlib import Path
from typing import Any

from . import ast as A
from .block_index import select
from .reader_text import id_entries

__all__ = ["PageSummary", "fingerprints", "page_summary", "record", "stale_pages"]

PageSummary = tuple[list[tuple[str, str | None]], frozenset[str]]
# fingerprints of each site's pages as last written (or found when the preview started)
_WRITTEN: dict[str, dict[str, str]] = {}


def page_summary(blocks: list[A.Element]) -> PageSummary:
    """``(id_entries, ids linked to)`` of a finished page: what other pages take from it
    and what it takes from them."""
    links = frozenset(
        el["c"][2][0][1:] for el in select(blocks, ("Link",)) if el["c"][2][0].startswith("#")
    )
    return id_entries(blocks), links


def fingerprints(
    pages: list[tuple[Any, list[A.Element]]],
    links: dict[str, frozenset[str]],
    id_pages: dict[str, str],
    tips: dict[str, str],
    formats: Collection[str],
) -> dict[str, str]:
    """``{page: fingerprint}`` of every page: its blocks, what its links point at
    (page and tip) and the book's navigation."""
    nav = hashlib.sha256(marshal.dumps(sorted(formats), 2))
    for ch, _ in pages:
        nav.update(marshal.dumps([ch.page, ch.entry.kind, ch.number, ch.title], 2))
    shared = nav.digest()
    out = {}
    for ch, blocks in pages:
        if not ch.page:
            continue
        digest = hashlib.sha256(shared)
        digest.update(marshal.dumps(blocks, 2))
        for ident in sorted(links.get(ch.page, ())):
            digest.update(f"\0{ident}\0{id_pages.get(ident, '')}\0{tips.get(ident, '')}".encode())
        out[ch.page] = digest.hexdigest()
    return out


def stale_pages(site: Path, now: dict[str, str]) -> set[str]:
    """Pages of ``site`` whose fingerprint differs from the one last recorded (none the
    first time: the preview starts from the site the last full build wrote)."""
    before = _WRITTEN.get(str(site))
    if before is None:
        return set()
    return {page for page, fp in now.items() if before.get(page) != fp}


def record(site: Path, now: dict[str, str]) -> None:
    """Remember ``now`` as the fingerprints of the pages ``site`` holds."""
    _WRITTEN[str(site)] = dict(now)

"""Citeproc on the paragraphs that cite, not on the whole book, and once per content
(issue 19).

At 1,000 studies the book is megabytes of tables, and Pandoc's citeproc read and
wrote all of it on every render and every preview save, to format the
citations. :func:`citeproc_cited_paragraphs` gives it only what it rewrites and
puts the result back; the embedded backend (:mod:`.embedded`) falls back to the
whole book when the shortcut does not apply. :func:`citeproc_book` keeps
citeproc's answer by content (in the process, and on disk inside the workflow),
so an edit that leaves every citing paragraph as it was does not run it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ast as A
from .block_index import Keys, index_of
from .pandoc import cached_run, document

if TYPE_CHECKING:
    from .book import BookModel

__all__ = ["cited_paragraphs", "citeproc_book", "citeproc_cited_paragraphs"]

# Citeproc's answers by content, for this process (the preview formats the same
# citations on every save); inside the workflow also on disk (pandoc.cached_run).
_KEPT: dict[str, str] = {}
KEPT = 2


def citeproc_book(
    model: BookModel, in_place: bool = False, chapters: list[list[A.Element]] | None = None
) -> dict[str, Any]:
    """Join the chapters and let Pandoc's citeproc format citations and references.

    ``in_place``: the formatted citations may be written into the chapters' own
    blocks (a renderer done with the model before citeproc) instead of a copy.
    ``chapters``: each chapter's blocks to use instead of the model's (the print
    copy of :func:`~.long_tables.print_chapters`)."""
    if chapters is None:
        chapters = [ch.blocks for ch in model.chapters]
    blocks = [
        A.Div(chapter, A.attr("", ["lr-chapter"], {"data-index": str(i)}))
        for i, chapter in enumerate(chapters)
    ]
    doc = document(blocks)
    book = model.book
    if not book.bibliography:
        return doc
    args = [
        "-t",
        "json",
        "--citeproc",
        "-M",
        f"lang={book.lang}",
        "-M",
        f"link-citations={'true' if book.link_citations else 'false'}",
    ]
    for bib in book.bibliography:
        args.append(f"--bibliography={bib}")
    if book.csl:
        args.append(f"--csl={book.csl}")
    # the bytes citeproc reads besides its input, part of the key its answer is kept by
    reads = b"\0".join(
        p.read_bytes() if p.is_file() else b"" for p in (*book.bibliography, book.csl) if p
    )

    def citeproc(source: dict[str, Any]) -> dict[str, Any]:
        return json.loads(run_citeproc(source, args, book.root, reads))

    out = citeproc_cited_paragraphs(doc, citeproc, in_place)
    if out is None:  # the whole book through citeproc
        out = citeproc(doc)
    # Without a ::: {#refs} div, citeproc appends the list after the last chapter.
    chapters = [b for b in out["blocks"] if b["t"] == "Div" and "lr-chapter" in b["c"][0][1]]
    extra = [b for b in out["blocks"] if not (b["t"] == "Div" and "lr-chapter" in b["c"][0][1])]
    if extra and chapters:
        chapters[-1]["c"][1].extend(extra)
    out["blocks"] = chapters
    return out


def run_citeproc(source: dict[str, Any], args: list[str], root: Path, reads: bytes) -> str:
    """Citeproc's JSON for ``source`` (``args`` name the bibliographies and style,
    ``reads`` holds their bytes): the answer kept for the same content is given back
    instead of running Pandoc again."""
    text = json.dumps(source)
    key = hashlib.sha256(b"\0".join([json.dumps(args).encode(), reads, text.encode()])).hexdigest()
    if key not in _KEPT:
        if len(_KEPT) >= KEPT:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[key] = cached_run(["-f", "json", *args], text, "citeproc", reads, root)
    return _KEPT[key]


def citeproc_cited_paragraphs(
    doc: dict[str, Any],
    citeproc: Callable[[dict[str, Any]], dict[str, Any]],
    in_place: bool = False,
) -> dict[str, Any] | None:
    """Citeproc on the paragraphs that cite, put back into a copy of ``doc`` (into
    ``doc`` itself with ``in_place``); ``None`` when the shortcut does not apply (the
    book has footnotes, or cites in a heading).

    Citeproc rewrites only the runs of text that hold a citation (the citation, and
    a space or punctuation next to it) and fills the ``#refs`` div; how it formats
    a citation depends on the citations and their order. So it is given each
    paragraph (or table cell, caption line) that cites, in order, and the
    ``#refs`` divs in place: at 1,000 studies a fraction of the whole book.
    """
    full = {**doc, "blocks": list(doc["blocks"])} if in_place else A.clone(doc)
    found = [cited_paragraphs(div["c"][1]) for div in full["blocks"]]
    if any(items is None for items in found):
        return None
    chapters = [
        A.Div(
            [el if el["t"] == "Div" else A.Para(el["c"]) for el in items or []],
            div["c"][0],
        )
        for div, items in zip(full["blocks"], found, strict=True)
    ]
    out = citeproc({**full, "blocks": chapters})
    done = [b for b in out["blocks"] if b["t"] == "Div" and "lr-chapter" in b["c"][0][1]]
    if len(done) != len(found):
        return None
    pairs = []
    for div, items in zip(done, found, strict=True):
        if len(div["c"][1]) != len(items or []):
            return None
        pairs += list(zip(div["c"][1], items or [], strict=True))
    if any(new["t"] != ("Div" if old["t"] == "Div" else "Para") for new, old in pairs):
        return None  # checked before anything is put back (``doc`` may be changed in place)
    for new, old in pairs:
        if old["t"] == "Div":
            old["c"] = new["c"]
        else:
            old["c"][:] = new["c"]
    full["blocks"] += [b for b in out["blocks"] if all(b is not d for d in done)]
    full["meta"] = out["meta"]
    return full


def cited_paragraphs(blocks: list[A.Element]) -> list[A.Element] | None:
    """The ``Para``/``Plain`` blocks holding a citation and the ``#refs`` divs of
    ``blocks``, in document order, or ``None`` if a footnote or any other element
    than a paragraph holds one directly. A large block's citations, notes and divs
    are found from its index (:mod:`.block_index`), not by walking its cells."""
    out: list[A.Element] = []
    for block in blocks:
        index = index_of(block)
        found = _walked_paragraphs(block) if index is None else _indexed_paragraphs(block, index)
        if found is None:
            return None
        out += found
    return out


def _walked_paragraphs(block: A.Element) -> list[A.Element] | None:
    out: list[A.Element] = []
    stack: list[Any] = [block]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(x for x in reversed(item) if isinstance(x, list | dict))
        elif isinstance(item, dict) and "t" in item:
            t = item["t"]
            if t == "Note" or t == "Cite":
                return None  # a footnote, or a citation outside a paragraph
            if _is_refs(item):
                out.append(item)
                continue
            if t in ("Para", "Plain"):
                kinds = {i["t"] for i in A.iter_elements(item["c"])} & {"Note", "Cite"}
                if "Note" in kinds:
                    return None
                if kinds:
                    out.append(item)
                continue
            content = item.get("c")
            if isinstance(content, list | dict):
                stack.append(content)
    return out


def _indexed_paragraphs(block: A.Element, index: list[tuple[str, Keys]]) -> list[A.Element] | None:
    """What :func:`_walked_paragraphs` finds, from each citation, note and div's outermost
    paragraph or ``#refs`` div (the element at which the walk stops)."""
    out: list[A.Element] = []
    for t, path in index:
        if t not in ("Note", "Cite", "Div"):
            continue
        stop = _outermost_stop(block, path)
        if stop is None:
            if t != "Div":
                return None  # a footnote, or a citation outside a paragraph
        elif stop["t"] == "Div":
            if not out or out[-1] is not stop:
                out.append(stop)
        elif t == "Note":
            return None
        elif t == "Cite" and (not out or out[-1] is not stop):
            out.append(stop)
    return out


def _outermost_stop(block: A.Element, path: Keys) -> A.Element | None:
    """The outermost paragraph or ``#refs`` div on the way from ``block`` to ``path``
    (the element itself included)."""
    node: Any = block
    for depth in range(len(path) + 1):
        if isinstance(node, dict) and (node.get("t") in ("Para", "Plain") or _is_refs(node)):
            return node
        if depth < len(path):
            node = node[path[depth]]
    return None


def _is_refs(element: A.Element) -> bool:
    return element["t"] == "Div" and element["c"][0][0] == "refs"

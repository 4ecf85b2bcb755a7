"""Citeproc on the paragraphs that cite, not on the whole book (issue 19).

At 1,000 studies the book is megabytes of tables, and Pandoc's citeproc read and
wrote all of it on every render and every preview save, to format the
citations. :func:`citeproc_cited_paragraphs` gives it only what it rewrites and
puts the result back; the embedded backend (:mod:`.embedded`) falls back to the
whole book when the shortcut does not apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ast as A

__all__ = ["cited_paragraphs", "citeproc_cited_paragraphs"]


def citeproc_cited_paragraphs(
    doc: dict[str, Any], citeproc: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any] | None:
    """Citeproc on the paragraphs that cite, put back into a copy of ``doc``; ``None``
    when the shortcut does not apply (the book has footnotes, or cites in a heading).

    Citeproc rewrites only the runs of text that hold a citation (the citation, and
    a space or punctuation next to it) and fills the ``#refs`` div; how it formats
    a citation depends on the citations and their order. So it is given each
    paragraph (or table cell, caption line) that cites, in order, and the
    ``#refs`` divs in place: at 1,000 studies a fraction of the whole book.
    """
    full = A.clone(doc)
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
    for div, items in zip(done, found, strict=True):
        if len(div["c"][1]) != len(items or []):
            return None
        for new, old in zip(div["c"][1], items or [], strict=True):
            if new["t"] != ("Div" if old["t"] == "Div" else "Para"):
                return None
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
    than a paragraph holds one directly."""
    out: list[A.Element] = []
    stack: list[Any] = [blocks]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(x for x in reversed(item) if isinstance(x, list | dict))
        elif isinstance(item, dict) and "t" in item:
            t = item["t"]
            if t == "Note" or t == "Cite":
                return None  # a footnote, or a citation outside a paragraph
            if t == "Div" and item["c"][0][0] == "refs":
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

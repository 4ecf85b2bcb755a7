"""Large tables written by Pandoc once per content and spliced into the book's text
(issue 19: a chapter edit in seconds).

Pandoc's writers convert the whole book on every render; at 1,000 studies most of
that is a few large tables (the 1,010-row characteristics table alone is about half
of the PDF's Typst source), the same on every edit that does not touch them. So a
large top-level table is written by Pandoc on its own, kept by content (Pandoc's
content cache, :func:`~.pandoc.cached_run`), and the book is converted with a small
placeholder in its place: a table of the same attributes, caption and columns whose
one cell holds a marker. The placeholder is also written on its own, and its text
in the book's text is replaced by the table's. The PDF's Typst source and the
website's pages take large divs out the same way (a div of the same attributes
holding the marker): at 1,000 studies the div of the split study figures was 78% of
the rest of the Typst source's Pandoc document.

This gives the writer's output byte for byte when a block is written the same on
its own as in the book (true of Pandoc's Typst writer, whose tables hold their
notes, links and labels inline) and the text between blocks depends only on the
blocks' kinds (a placeholder is a table too). Anything else falls back to the whole
conversion: a marker not found exactly once, or no content cache (the preview and
tests without the workflow, where each split would be one more Pandoc run).

The DOCX is a zip, so its splice is done in ``word/document.xml``: each large table's
``<w:tbl>`` element, written on its own and kept by content
(:func:`~.pandoc.cached_docx_part`), replaces the ``<w:tbl>`` of its placeholder, whose
caption and id bookmark (outside ``<w:tbl>``) the book's conversion wrote in place.
Exact while the table's XML holds nothing Pandoc numbers through the document
(:data:`DOCX_NUMBERED`); otherwise the whole book is converted (s13: 1.9 of Pandoc's
2.0 CPU s for the DOCX at 1,000 studies were its unchanged tables).
"""

from __future__ import annotations

import json
import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..workflow import PARSE_CACHE_ENV
from . import ast as A
from .pandoc import cached_docx_part, cached_run, document, is_kept, json_to

__all__ = [
    "SplitBook",
    "docx_tables",
    "parts_kept",
    "splice_docx",
    "split_large",
    "write_split",
]

LARGE = 1 << 16  # bytes of a block's marshal dump (a 1,000-row table is about 2 MB)
MARKER = "lrsplicedblock"  # letters only: no writer escapes them
# Blocks never taken out: what a writer numbers or gathers across the document (HTML
# notes become the page's endnotes, headings its table of contents).
CONTEXTUAL = ('"t": "Note"', '"t": "Header"')
# What Pandoc's DOCX writer numbers or registers across the document: bookmarks,
# notes and comments (w:id), relationships (links out, pictures), drawing ids, list
# numbering. A table whose XML holds one is never spliced into the DOCX.
DOCX_NUMBERED = ('w:id="', 'r:id="', 'r:embed="', 'r:link="', ' id="', "<w:numId")
TABLE_START, TABLE_END = "<w:tbl>", "</w:tbl>"


@dataclass
class SplitBook:
    """A book's Pandoc document as JSON text with its large tables taken out.

    ``parts`` are ``(placeholder, table)`` pairs, each a one-block document as JSON
    text, in document order; ``document`` holds the placeholders. ``images`` are the
    targets of the document's images, where a writer needs them (the DOCX's)."""

    document: str
    parts: list[tuple[str, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def whole(self) -> str:
        """The document with every table back in place of its placeholder."""
        text = self.document
        for placeholder, table in self.parts:
            text = text.replace(_block_json(placeholder), _block_json(table), 1)
        return text


def split_large(
    blocks: list[A.Element], meta: dict[str, Any], kinds: tuple[str, ...] = ("Table",)
) -> SplitBook:
    """The document of ``blocks`` and ``meta``, each top-level block of a kind in
    ``kinds`` (``Table``, ``Div``) of at least :data:`LARGE` bytes taken out (see
    :func:`write_split`), unless it holds a note or a heading. Without the workflow's
    content cache nothing is taken out."""
    if not os.environ.get(PARSE_CACHE_ENV):
        return SplitBook(json.dumps(document(blocks, meta)))
    parts: list[tuple[str, str]] = []
    out: list[A.Element] = []
    for block in blocks:
        if block["t"] in kinds and len(marshal.dumps(block, 2)) >= LARGE:
            alone = json.dumps(document([block]))
            if not any(kind in alone for kind in CONTEXTUAL):
                placeholder = _placeholder(block, f"{MARKER}{len(parts)}")
                parts.append((json.dumps(document([placeholder])), alone))
                out.append(placeholder)
                continue
        out.append(block)
    return SplitBook(json.dumps(document(out, meta)), parts)


def write_split(
    book: SplitBook, args: list[str], cwd: Path, what: str, reads: bytes | None = None
) -> str:
    """Pandoc's output of the whole document with ``args`` (``-t ...``, a template),
    its blocks taken out written on their own (the same ``args`` without the
    template) and spliced in; the whole conversion wherever a splice is not exact.
    ``reads`` (the bytes of the files the conversion reads) keeps the whole
    document's output by content too (:func:`~.pandoc.cached_run`)."""
    body_args = _body_args(args)

    def convert(text: str) -> str:
        if reads is None:
            return json_to(text, args, cwd=cwd, what=what)
        return cached_run(["-f", "json", *args], text, what, reads, cwd)

    text = convert(book.document)
    if not book.parts:
        return text
    pieces: list[str] = []
    pos = 0
    for placeholder, table in book.parts:
        mark = cached_run(["-f", "json", *body_args], placeholder, what, cwd=cwd).strip()
        at = text.find(mark, pos)
        if not mark or at < 0 or text.find(mark, at + 1) >= 0:
            return convert(book.whole())  # not exact: no splice
        pieces += [
            text[pos:at],
            cached_run(["-f", "json", *body_args], table, what, cwd=cwd).strip(),
        ]
        pos = at + len(mark)
    pieces.append(text[pos:])
    return "".join(pieces)


def parts_kept(book: SplitBook, args: list[str]) -> bool:
    """Whether Pandoc's content cache holds every large block of ``book`` written as
    :func:`write_split` writes it with ``args``: true when the book's large tables have
    not changed since the last render (and of a book without one)."""
    body_args = ["-f", "json", *_body_args(args)]
    return all(is_kept(body_args, table) for _, table in book.parts)


def _body_args(args: list[str]) -> list[str]:
    """``args`` without the template: how a large block is written on its own."""
    return [arg for arg in args if not arg.startswith("--template")]


def _placeholder(block: A.Element, marker: str) -> A.Element:
    """A block of ``block``'s kind holding only ``marker``: a div of the same attributes,
    a table of the same attributes, caption and columns with one cell."""
    if block["t"] == "Div":
        return A.Div([A.Para([A.Str(marker)])], block["c"][0])
    attr, caption, colspecs, _head, _bodies, _foot = block["c"]
    empty = A.attr()
    cell = [empty, {"t": "AlignDefault"}, 1, max(len(colspecs), 1), [A.Plain([A.Str(marker)])]]
    body = [empty, 0, [], [[empty, [cell]]]]
    return {"t": "Table", "c": [attr, caption, colspecs, [empty, []], [body], [empty, []]]}


def _block_json(one_block_document: str) -> str:
    """The JSON text of the single block of a one-block document, as it appears in a
    document's JSON text (the same :func:`json.dumps` separators)."""
    return json.dumps(json.loads(one_block_document)["blocks"][0])


def docx_tables(book: SplitBook, args: list[str], reference: Path, cwd: Path) -> list[str] | None:
    """The ``<w:tbl>`` element Pandoc's DOCX writer writes for each table of ``book``
    on its own (``args`` and the ``reference`` document as for the book), each kept
    by content; None if one is not exactly one table free of anything the writer
    numbers across the document (:data:`DOCX_NUMBERED`): then nothing is spliced."""
    tables = []
    for _, table in book.parts:
        xml = cached_docx_part(
            ["-f", "json", *args], table, "word/document.xml", reference, "review.docx", cwd
        )
        start, end = xml.find(TABLE_START), xml.rfind(TABLE_END)
        element = xml[start : end + len(TABLE_END)]
        if start < 0 or xml.count(TABLE_START) != 1 or any(n in element for n in DOCX_NUMBERED):
            return None
        tables.append(element)
    return tables


def splice_docx(xml: str, tables: list[str]) -> str | None:
    """The book's ``word/document.xml`` (converted with the placeholders of
    :func:`split_large`) with each placeholder's ``<w:tbl>`` element replaced by its
    table's (:func:`docx_tables`); None if a marker is not in exactly one table."""
    pieces: list[str] = []
    pos = 0
    for n, table in enumerate(tables):
        marker = f"{MARKER}{n}"
        at = xml.find(marker, pos)
        if at < 0 or xml.find(marker, at + 1) >= 0:
            return None
        start = xml.rfind(TABLE_START, pos, at)
        end = xml.find(TABLE_END, at)
        if start < 0 or end < 0 or xml.find(TABLE_START, start + 1, end) >= 0:
            return None
        pieces += [xml[pos:start], table]
        pos = end + len(TABLE_END)
    pieces.append(xml[pos:])
    return "".join(pieces)

"""Plain table cells written as Typst strings: the same PDF from less of Typst's memory.

Typst's layout of a table costs about 19 KB a cell, and at 10,000 studies the PDF's
tables have some 200,000 cells (issue 19: the compile is most of ``render_book``'s
peak memory). A cell given as a content block, ``[GAD]``, is evaluated as markup; the
same text given as a string, ``"GAD"``, is one text element, which Typst lays out
with about a third less memory per cell (measured in ``benchmarks/results.md``,
session s8-mem) and into the same PDF, byte for byte.

:func:`plain_cells_as_strings` rewrites only cells that mean the same either way: a
cell written directly in a ``#table(`` (or its ``table.header(``) argument list whose
text has only letters, digits, spaces, line breaks and punctuation that markup never
reads as syntax (``. /`` only between two letters or digits, so no ``...``, ``//``
or ``1.`` list marker), no blank line, and no space at either end; its line breaks and
runs of spaces become one space, as markup reads them. A table whose source this
scanner does not follow (a string, raw text or comment in it, brackets that do not
balance, math) is left as written.
"""

from __future__ import annotations

import re

__all__ = ["plain_cells_as_strings"]

TABLE = "#table("
_PLAIN = re.compile(r"(?:[^\W_]|[ \n,;:()%&!?|]|(?<=[^\W_])[./](?=[^\W_]))+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_UNFOLLOWED = ('"', "`", "$", "//", "/*")
# What the scanner reads: an escape, brackets, parentheses and what starts _UNFOLLOWED.
_SIGNIFICANT = re.compile(r'[\\\[\]()"`$/]')


def plain_cells_as_strings(source: str) -> str:
    """``source`` (Typst, as Pandoc writes it) with each table's plain cells as strings."""
    out, pos = [], 0
    start = source.find(TABLE)
    while start >= 0:
        end, cells = _table_cells(source, start + len(TABLE))
        if end is None:  # not followed: this table stays as written
            start = source.find(TABLE, start + len(TABLE))
            continue
        for open_at, close_at in cells:
            text = source[open_at + 1 : close_at]
            if _is_plain(text):
                out += [source[pos:open_at], '"', " ".join(text.split()), '"']
                pos = close_at + 1
        start = source.find(TABLE, end)
    out.append(source[pos:])
    return "".join(out)


def _is_plain(text: str) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and _PLAIN.fullmatch(text) is not None
        and not _BLANK_LINE.search(text)
    )


def _table_cells(source: str, i: int) -> tuple[int | None, list[tuple[int, int]]]:
    """The end of the table whose argument list starts at ``i`` and the (``[``, ``]``)
    offsets of its cells, or ``(None, [])`` when the source is not followed.

    Only the characters that can change the reading (:data:`_SIGNIFICANT`) are looked
    at, found by the regular expression engine: a cell's letters are skipped in C, not
    one at a time in Python (0.19 s of a chapter edit's render at 1,000 studies)."""
    parens, brackets, cells = 1, 0, []
    opened = -1  # where the current top-level content block opened
    while True:
        found = _SIGNIFICANT.search(source, i)
        if found is None:
            return None, []
        i = found.start()
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if source.startswith(_UNFOLLOWED, i):
            return None, []
        if ch == "[":
            if brackets == 0:
                opened = i if _previous(source, i) in ("(", ",") else -1
            brackets += 1
        elif ch == "]":
            brackets -= 1
            if brackets < 0:
                return None, []
            if brackets == 0 and opened >= 0 and _next(source, i + 1) in (",", ")"):
                cells.append((opened, i))
        elif brackets == 0 and ch == "(":
            parens += 1
        elif brackets == 0 and ch == ")":
            parens -= 1
            if parens == 0:
                return i + 1, cells
        i += 1


def _previous(source: str, i: int) -> str:
    """The last character before ``i`` that is not white space."""
    j = i - 1
    while j >= 0 and source[j].isspace():
        j -= 1
    return source[j] if j >= 0 else ""


def _next(source: str, i: int) -> str:
    """The first character from ``i`` on that is not white space."""
    while i < len(source) and source[i].isspace():
        i += 1
    return source[i] if i < len(source) else ""

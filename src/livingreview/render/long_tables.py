"""Very long tables in print: their size and where the whole table is (issue 19).

A journal moves a table of thousands of rows to a supplementary file; a living
review at 10,000 studies has three such tables (the characteristics table, and
the records appendix's lists of included and excluded reports), which make a
PDF of well over a thousand pages and take Typst gigabytes to lay out (about
19 KB per table cell). In DOCX and PDF, a table with more rows than
``tables.print_rows`` (config/config.yaml, :data:`DEFAULT_TABLE_PRINT_ROWS`)
keeps its number, caption and column headings, and its rows give way to one
note in the table's footer: how many rows it has, that the website version
shows every one, and the data file it is made from when that file is published
with the website (the float's ``data-source``, see ``finish._provenance``).
When ``render.formats`` leaves out HTML there is no website: the note names the
data file alone. Print then cites only what it prints: :func:`print_chapters` gives
DOCX and PDF a copy of the chapters with those tables shortened, for a citeproc run
of their own, so their reference list leaves out the works only such a table cites
(at 10,000 studies every study: about 233 pages). The website always shows the
whole table. At or below the limit nothing
changes; ``0`` prints every row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..wording import join_words
from . import ast as A

if TYPE_CHECKING:
    from .book import BookModel

# config/README.md: tables.print_rows. Above every table of the shipped review and of
# a 1,000-study review (its characteristics table has about 1,010 rows).
DEFAULT_TABLE_PRINT_ROWS = 2000


def is_group_row(row: Any, ncols: int) -> bool:
    """A full-width one-cell body row: a group heading (characteristics table)."""
    cells = row[1]
    return ncols > 1 and len(cells) == 1 and cells[0][3] == ncols and bool(cells[0][4])


def data_rows(table: A.Element) -> int:
    """The body rows of a Pandoc ``Table``, group headings not counted."""
    ncols = len(table["c"][2])
    return sum(not is_group_row(r, ncols) for body in table["c"][4] for r in body[3])


def print_note(rows: int, data_files: Collection[str], website: bool = True) -> str:
    """What a printed table says instead of its ``rows`` rows (``data_files``: the
    files it is made from that the website publishes). Without a ``website`` (HTML
    left out of ``render.formats``) it names the data files alone."""
    note = f"This table has {rows:,} rows, too many to print."
    kind = "data file" if len(data_files) == 1 else "data files"
    names = file_names(sorted(data_files))
    if not website:
        return note + (f" It is made from the review's {kind} {names}." if data_files else "")
    note += " The website version of this review shows every row"
    if data_files:
        note += f" and publishes the {kind} it is made from, {names}"
    return note + "."


def file_names(files: Sequence[str]) -> str:
    """``files`` for a reader, by name as the website's Data list shows them (a
    project path is the build's): "studies.csv", "outcomes.csv and studies.csv"."""
    return join_words(f.rsplit("/", 1)[-1] for f in files)


def shorten_for_print(
    table: A.Element, most_rows: int, published: Collection[str], website: bool = True
) -> bool:
    """Replace the rows of ``table`` (a Pandoc ``Table``, changed in place) by a
    :func:`print_note` in its footer when it has more than ``most_rows`` rows
    (``0``: never); its id, caption, columns and head stay. ``published``: the
    files the website publishes (``project: resources:``); ``website``: whether the
    website is built beside the print formats. Call it before the table's
    ``data-source`` is taken off. Whether the table was shortened."""
    rows = data_rows(table)
    if not most_rows or rows <= most_rows:
        return False
    sources = (A.attr_get(table["c"][0], "data-source") or "").split()
    note = print_note(rows, [s for s in sources if s in published], website)
    ncols = len(table["c"][2])
    cell = [A.attr(), {"t": "AlignDefault"}, 1, ncols, [A.Plain(A.text_inlines(note))]]
    table["c"][4] = []
    table["c"][5] = [A.attr(), [[A.attr(), [cell]]]]
    return True


def print_chapters(model: BookModel) -> list[list[A.Element]] | None:
    """Each chapter's blocks as DOCX and PDF print them, a copy with every table over
    ``tables.print_rows`` shortened (:func:`shorten_for_print`), for a citeproc run of
    their own: the printed reference list then holds only the works cited in what
    is printed, numbered in their printed order. ``None`` when no table is that long
    (print and website share one citeproc run, as before)."""
    book = model.book
    most = book.table_print_rows
    long = [t for ch in model.chapters for t in _block_tables(ch.blocks) if data_rows(t) > most]
    if not most or not long:
        return None
    whole = [t["c"] for t in long]
    try:  # the tables hold their short form while the chapters are copied
        for table in long:
            short = {"t": "Table", "c": list(table["c"])}
            shorten_for_print(short, most, book.resources, book.website)
            table["c"] = short["c"]
        return A.clone([ch.blocks for ch in model.chapters])
    finally:
        for table, content in zip(long, whole, strict=True):
            table["c"] = content


def _block_tables(blocks: list[A.Element]) -> Iterator[A.Element]:
    """The tables among ``blocks`` and inside their divs and figures (floats), not
    looking into paragraphs or tables: a few steps however long the book."""
    for el in blocks:
        if el["t"] == "Table":
            yield el
        elif el["t"] == "Div":
            yield from _block_tables(el["c"][1])
        elif el["t"] == "Figure":
            yield from _block_tables(el["c"][2])

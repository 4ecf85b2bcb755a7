"""Split figures too long to print: a note in DOCX and PDF instead of their parts (issue 19).

A figure with a row per study is drawn in parts of ``figures.studies_per_part``
studies (:mod:`livingreview.figures.parts`). At 10,000 studies each such figure has
400 parts: five of them put 2,000 pictures in the DOCX (372 MB, near the most Word
opens) and as many pages in the PDF. As with a very long table
(:mod:`.long_tables`), a figure in more parts than ``figures.print_parts`` keeps its
number and caption in DOCX and PDF, and its parts give way to one note: how many
parts it has, and that the website version shows every part. The figure's rule marks
such a figure (:data:`~livingreview.figures.parts.PRINT_NOTE_CLASS`) and draws its
parts for the website alone; the marker exists only when the embedded renderer
builds the website, so the note can always point to it. The website shows every
part. A cross-reference to one part still lands on the figure: the parts' ids stay,
on the note.
"""

from __future__ import annotations

from ..figures.parts import PRINT_NOTE_CLASS
from . import ast as A
from .block_index import select
from .floats import PANEL, subfloats


def parts_note(parts: int) -> str:
    """What a printed figure says instead of its ``parts`` parts."""
    return (
        f"This figure has {parts:,} parts, too many to print. "
        "The website version of this review shows every part."
    )


def shorten_split_figures(blocks: list[A.Element], fmt: str) -> int:
    """:func:`shorten_parts_for_print` on every marked figure of ``blocks``, before
    the format's other rewrites (they would otherwise fit each part's picture to
    the page). How many were shortened."""
    marked = [f for f in select(blocks, ("Figure",)) if PRINT_NOTE_CLASS in f["c"][0][1]]
    return sum(shorten_parts_for_print(figure, fmt) for figure in marked)


def shorten_parts_for_print(figure: A.Element, fmt: str) -> bool:
    """Replace the parts of a marked split ``figure`` (a Pandoc ``Figure``, changed in
    place) by :func:`parts_note` for ``fmt`` (``docx`` or ``typst``), keeping its id,
    caption and the ids of its parts (Word bookmarks, Typst labels on the note).
    ``html`` keeps the parts and loses the marker. Whether the figure was shortened.
    A marked layout that is not alone in its figure is refused by ``check``
    (:func:`~.book_checks.split_figure_problems`)."""
    classes = figure["c"][0][1]
    if PRINT_NOTE_CLASS not in classes:
        return False
    classes.remove(PRINT_NOTE_CLASS)
    if fmt == "html":
        return False
    parts = subfloats(figure)
    anchors = [_anchor(part["c"][0][0], fmt) for part in parts if part["c"][0][0]]
    note = A.Para([*A.text_inlines(parts_note(len(parts))), *anchors])
    if fmt == "docx":  # a paragraph above the caption, not a layout table of one cell
        classes.remove(PANEL)
        figure["c"][2] = [note]
        return True
    row = figure["c"][2][0]  # the layout's first row and cell hold the note alone
    cell = row["c"][1][0]
    cell["c"][1] = [note]
    row["c"][1] = [cell]
    figure["c"][2] = [row]
    return True


def _anchor(ident: str, fmt: str) -> A.Element:
    """A place named ``ident`` that links can go to: a Word bookmark (an empty span
    with the id), or in Typst a labelled invisible element (Pandoc would write the
    bare label, which Typst attaches to what precedes it)."""
    if fmt == "typst":
        return A.RawInline("typst", f"#metadata(none)<{ident}>")
    return A.Span([], A.attr(ident))

"""Anchors for the study rows of the website's tables, so a link can name one study.

A table whose every body row (group headings aside) starts with a citation is a
table of studies: the characteristics table, whose Study cell is the study's label
and its citation ("Glue 2017" and the citation, see
:func:`livingreview.tables.characteristics.characteristics_table`), or an author's
own table that cites a study per row. Each such row gets an id made from the
label the reader sees, ``study-glue-2017`` (the citation's text when the cell
holds nothing else), never from the citation key; a label met twice on a page
gets ``-2``, ``-3``. The site search gives every row an entry that links to it
(:mod:`.search`), and pages.js shows the page of a paged table that holds the
row a link names. Only the website's HTML is changed; print has no use for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from . import ast as A
from .block_index import select
from .long_tables import is_group_row

PREFIX = "study-"


def study_label(cell: Any) -> str | None:
    """The label a study row's first cell shows: its text before the citation (the
    citation's own text when there is none), or None if the cell cites nothing."""
    for block in cell[4][:1]:
        if block["t"] not in ("Plain", "Para"):
            return None
        inlines = block["c"]
        at = next((i for i, el in enumerate(inlines) if el["t"] == "Cite"), None)
        if at is None:
            return None
        label = " ".join(A.stringify(inlines[:at]).split())
        return label or " ".join(A.stringify(inlines[at]).split())
    return None


def row_id(label: str) -> str:
    """``study-`` and the label in lower case, accents dropped and every run of other
    characters than letters and digits a hyphen: "Müller 2019a" -> study-muller-2019a."""
    folded = unicodedata.normalize("NFKD", label.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return PREFIX + (re.sub(r"[\W_]+", "-", folded).strip("-") or "row")


def mark_study_rows(blocks: list[A.Element], taken: Iterable[str]) -> int:
    """Give each study row of the tables in ``blocks`` (one website page, finished)
    an id (:func:`row_id`), unique among ``taken`` (the page's other ids) and each
    other. Returns how many rows were marked."""
    used = set(taken)
    marked = 0
    for table in select(blocks, ("Table",)):
        ncols = len(table["c"][2])
        rows = [r for body in table["c"][4] for r in body[3] if not is_group_row(r, ncols)]
        labels = [study_label(r[1][0]) if r[1] else None for r in rows]
        if not rows or None in labels:
            continue  # not a table of studies
        for row, label in zip(rows, labels, strict=True):
            if row[0][0]:
                used.add(row[0][0])
                continue
            base = ident = row_id(str(label))
            n = 1
            while ident in used:
                n += 1
                ident = f"{base}-{n}"
            used.add(ident)
            row[0][0] = ident
            marked += 1
    return marked

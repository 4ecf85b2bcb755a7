"""Included studies as readers see them: labels, years, display order and protocol codes."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from pylatexenc.latex2text import LatexNodes2Text

from ..bibliography import load_bibliography
from ..errors import DataError, Problem, raise_if_any

if TYPE_CHECKING:  # pandas is imported by the rules that build tables (cheap rule starts)
    import pandas as pd

_LATEX = LatexNodes2Text()  # the decoder bibtexparser's LatexDecodingMiddleware uses
# Text that LaTeX decoding leaves as it is: words of letters and digits, single spaces.
_PLAIN = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")


def _latex_text(text: str) -> str:
    """``text`` decoded from LaTeX; plain words are returned as they are, without
    starting the decoder (most names and years: 0.4 ms each, issue 19)."""
    return text if _PLAIN.fullmatch(text) else _LATEX.latex_to_text(text)


def study_labels(
    studies: pd.DataFrame | Mapping[str, Sequence[str]], bib_path: str | Path
) -> dict[str, str]:
    """Return ``{study_id: "First-author year"}`` from the bibliography.

    ``studies`` is the studies table, or any mapping of its ``study_id`` and
    ``bib_key`` columns to their values (the release pages pass one: no pandas).

    Labels that would be identical get a, b, ... in ``study_id`` order (as in
    "Glue 2020a"). A study whose entry lacks an author keeps its ``study_id``.
    """
    bib = bib_first_author_year(bib_path)
    base: dict[str, str] = {}
    for sid, key in zip(studies["study_id"], studies["bib_key"], strict=True):
        author, year = bib.get(key, (None, None))
        base[sid] = author_year_label(author, year, sid)
    return _disambiguate(base)


def author_year_label(author: str | None, year: int | None, fallback: str = "") -> str:
    """The label readers see for a work: "Glue 2017"; an undated work by its author alone
    ("Yermus", never "Yermus n.d."); ``fallback`` for a work without an author. The one
    place study labels and the labels of "Changes in this version" are made."""
    if not author:
        return fallback
    return f"{author} {year}" if year else author


def _disambiguate(labels: Mapping[str, str]) -> dict[str, str]:
    """``labels`` with identical labels told apart by a, b, ... in key order."""
    out = dict(labels)
    by_label: dict[str, list[str]] = {}
    for sid in sorted(labels):
        by_label.setdefault(labels[sid], []).append(sid)
    for label, sids in by_label.items():
        if len(sids) > 1:
            for i, sid in enumerate(sids):
                out[sid] = f"{label}{_letters(i)}"
    return out


disambiguated_labels = _disambiguate


def _letters(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: the suffix of the ``index``-th identical label
    (a study ID would reach readers, and 1,000 studies give more than 26 per year)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def bib_first_author_year(bib_path: str | Path) -> dict[str, tuple[str | None, int | None]]:
    """Return ``{bib key: (first author's family name, year)}`` from a BibTeX file.

    Missing authors or years are ``None``. Raises :class:`BibliographyError` if
    the file does not parse.
    """
    # Names are split before LaTeX is decoded: decoding drops the braces that
    # keep a group author ("{TPT Madras}") whole.
    library = load_bibliography(bib_path)
    result: dict[str, tuple[str | None, int | None]] = {}
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        result[entry.key] = (
            _first_family_name(fields.get("author", "")),
            _year(_latex_text(fields.get("year", ""))),
        )
    return result


def study_years(studies: pd.DataFrame, bib_path: str | Path) -> dict[str, int]:
    """Return ``{study_id: year}`` for studies whose bib entry has a year."""
    bib = bib_first_author_year(bib_path)
    years = {}
    for sid, key in zip(studies["study_id"], studies["bib_key"], strict=True):
        year = bib.get(key, (None, None))[1]
        if year is not None:
            years[sid] = year
    return years


def grouped_studies(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    *,
    years: Mapping[str, int] | None = None,
) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Return ``[(group code, group label, study records)]`` in display order.

    This is the one ordering shared by tables and figures: groups in protocol
    order (groups without studies left out), then year (from ``years``, else
    the ``publication_date`` column, else the bib key; undated last), then
    ``study_id``. Raises :class:`DataError`
    if a study's diagnosis group is not defined in the protocol.
    """
    check_protocol_codes(studies, "diagnosis_group", diagnosis_labels, "diagnosis_groups")
    records = studies.to_dict("records")
    groups = []
    for code, label in diagnosis_labels.items():
        members = sorted(
            (r for r in records if r["diagnosis_group"] == code),
            key=lambda r: _sort_key(r, years),
        )
        if members:
            groups.append((code, label, members))
    return groups


def _sort_key(record: Mapping[str, Any], years: Mapping[str, int] | None) -> tuple:
    year = years.get(record["study_id"]) if years is not None else None
    # fall back on the year in publication_date (YYYY or YYYY-MM), then in the bib key
    for fallback in ("publication_date", "bib_key"):
        if year is None:
            found = re.search(r"(?:19|20)\d\d", _text(record.get(fallback)))
            year = int(found.group()) if found else None
    # studies without a year sort after dated ones; study_id breaks ties stably
    return (year is None, year or 0, str(record["study_id"]))


def check_protocol_codes(
    studies: pd.DataFrame, column: str, labels: Mapping[str, str], protocol_key: str
) -> None:
    """Raise :class:`DataError` naming every row whose ``column`` code is not in ``labels``.

    Tables and figures group rows by protocol codes; checking first means an
    undefined code stops the build instead of silently dropping a study.
    """
    import pandas as pd  # loaded already: ``studies`` is a frame

    problems = []
    for _, row in studies.iterrows():
        code = row.get(column)
        if code not in labels:
            line = row.get("_line")
            problems.append(
                Problem(
                    STUDIES_FILE,
                    f"{column} code is not defined in {PROTOCOL_FILE}",
                    row=int(line) if line is not None and not pd.isna(line) else None,
                    column=column,
                    found=str(code),
                    expected="one of: " + ", ".join(labels),
                    fix=f"use a defined code or add it under '{protocol_key}:' in {PROTOCOL_FILE}",
                )
            )
    raise_if_any(problems, DataError, f"{STUDIES_FILE} does not match {PROTOCOL_FILE}")


def _first_family_name(authors: str) -> str | None:
    """The first author's family name from a raw (LaTeX) BibTeX ``author`` field.

    BibTeX's own rules split the names: "Smith, John", "John Smith" -> Smith;
    "Jean de la Fontaine" -> de la Fontaine; a braced group or corporate author
    ("{TPT Madras}", "{World Health Organization}") is kept whole.
    """
    persons = split_multiple_persons_names(authors.strip()) if authors.strip() else []
    if not persons:
        return None
    try:
        parts = parse_single_name_into_parts(persons[0], strict=False)
    except InvalidNameError:
        return None
    family = " ".join(parts.von + parts.last) or " ".join(parts.first)
    return _latex_text(family).strip() or None


def _year(text: str) -> int | None:
    found = re.search(r"\d{4}", text)
    return int(found.group()) if found else None


STUDIES_FILE = "data/studies.csv"


PROTOCOL_FILE = "data/protocol.yaml"


def _text(value: Any) -> str:
    """Cell text of one value: missing -> '', whole floats as integers, whitespace collapsed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())

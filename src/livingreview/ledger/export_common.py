"""The record shape every export reader returns, and the checks every format shares."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError
from .names import normalise_authors, normalise_journal

EXPORT_FIX = "export the search again from the database and import the new file"


@dataclass(slots=True)
class ExportRecord:
    """One record of a search export: where it starts and its bibliographic fields.

    ``fields`` holds the ledger's bibliographic columns; ``extra`` the abstract
    and keywords (they go on the screening sheet, not into the ledger) and, for
    decision exports, the decisions read.
    """

    line: int
    fields: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)


def clean(value: Any) -> str:
    """A cell as one line of text; lists joined with ``"; "``."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(clean(v) for v in value if clean(v))
    return " ".join(str(value).split())


def year_of(text: str) -> str:
    """The first plausible year in a date text (``"2019 Mar 4"`` -> ``"2019"``)."""
    match = re.search(r"\b(1[89]\d\d|20\d\d|2100)\b", text or "")
    return match.group(1) if match else ""


def first_of(entry: Mapping[str, Any], *keys: str) -> str:
    """The first non-empty value among ``keys``."""
    for key in keys:
        value = clean(entry.get(key))
        if value:
            return value
    return ""


def make_record(line: int, **values: Any) -> ExportRecord:
    """An :class:`ExportRecord` with names normalised to the ledger's format."""
    authors = values.get("authors") or []
    fields = {
        "title": clean(values.get("title")).rstrip(),
        "authors": normalise_authors(authors),
        "year": year_of(clean(values.get("year"))),
        "journal": normalise_journal(clean(values.get("journal"))),
        "doi": clean(values.get("doi")),
        "pmid": clean(values.get("pmid")),
        "url": clean(values.get("url")),
    }
    extra = {"abstract": clean(values.get("abstract")), "keywords": clean(values.get("keywords"))}
    extra.update({k: clean(v) for k, v in (values.get("extra") or {}).items()})
    return ExportRecord(line, fields, extra)


# --------------------------------------------------------------------------- #
# Checks shared by every format
# --------------------------------------------------------------------------- #


def check_not_empty_or_html(path: str | Path, text: str, kind: str, xml: bool = False) -> None:
    """Refuse an empty file and a web page (an error or login page saved as the export);
    with ``xml`` an XML declaration is expected, not refused."""
    if not text.strip():
        raise DataError.single(path, f"is empty: no {kind} records", row=1, fix=EXPORT_FIX)
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            pattern = r"\s*<(!doctype\s+html|html|head|body)\b" if xml else r"\s*<"
            if re.match(pattern, line, re.IGNORECASE):
                raise DataError.single(
                    path,
                    f"is a web page (HTML/XML), not a {kind} export",
                    row=number,
                    found=line.strip(),
                    fix="the site returned a page instead of the file (an error, a login "
                    "or a time-out); " + EXPORT_FIX,
                )
            return

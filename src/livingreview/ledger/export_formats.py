"""Readers for search exports (RIS, PubMed/MEDLINE, CSV) into one record shape."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rispy

from ..errors import DataError, Problem, raise_if_any
from ..io import read_text
from ..validation import read_csv_rows
from .fields import BIBLIO_FIELDS


@dataclass
class ExportRecord:
    """One record of a search export: where it starts and its bibliographic fields."""

    line: int
    fields: dict[str, str]


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_clean(v) for v in value if _clean(v))
    return " ".join(str(value).split())


def _year(text: str) -> str:
    match = re.search(r"\b(1[89]\d\d|20\d\d|2100)\b", text or "")
    return match.group(1) if match else ""


def _first(entry: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = _clean(entry.get(key))
        if value:
            return value
    return ""


def _record_starts(text: str, pattern: str) -> list[int]:
    """1-based lines where records start (``pattern`` matches the first line)."""
    rx = re.compile(pattern)
    return [i for i, line in enumerate(text.split("\n"), start=1) if rx.match(line)]


def read_ris(path: str | Path) -> list[ExportRecord]:
    """Parse a RIS file with ``rispy``; each record keeps the line of its ``TY`` tag."""
    text = read_text(path)
    try:
        entries = rispy.loads(text)
    except Exception as exc:  # rispy raises plain IOError/ValueError for bad files
        raise DataError.single(
            path, f"is not a RIS file ({exc})", fix="export the search again as RIS"
        ) from None
    starts = _record_starts(text, r"^TY  - ")
    out = []
    for i, entry in enumerate(entries):
        doi = _first(entry, "doi")
        pmid = ""
        for key in ("accession_number", "id", "notes"):
            value = _clean(entry.get(key))
            if re.fullmatch(r"(PMID:\s*)?\d{1,9}", value):
                pmid = value.split(":")[-1].strip()
                break
        urls = entry.get("urls") or []
        fields = {
            "title": _first(entry, "title", "primary_title"),
            "authors": _clean(entry.get("authors") or entry.get("first_authors")),
            "year": _year(_first(entry, "year", "publication_year", "date")),
            "journal": _first(entry, "journal_name", "secondary_title", "alternate_title3"),
            "doi": doi,
            "pmid": pmid,
            "url": _clean(urls[0]) if urls else "",
        }
        out.append(ExportRecord(starts[i] if i < len(starts) else 1, fields))
    return out


def read_pubmed(path: str | Path) -> list[ExportRecord]:
    """Parse PubMed's MEDLINE text format (``.nbib`` / ``.txt``): PMID, TI, AU, DP, JT, LID."""
    text = read_text(path)
    records: list[ExportRecord] = []
    tags: dict[str, list[str]] = {}
    start = 0
    last: str | None = None
    problems: list[Problem] = []

    def flush() -> None:
        if tags:
            records.append(ExportRecord(start, _medline_fields(tags)))

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        match = _MEDLINE_TAG.match(line)
        if match:
            tag, value = match.groups()
            if tag == "PMID":
                flush()
                tags, start = {}, number
            elif not tags:
                problems.append(
                    Problem(
                        str(path),
                        "record does not start with a PMID line",
                        row=number,
                        found=line[:40],
                        expected="PMID- <number>",
                        fix="export the search from PubMed as 'PubMed' (MEDLINE) format",
                    )
                )
                continue
            tags.setdefault(tag, []).append(value.strip())
            last = tag
        elif line.startswith("      ") and last and tags:
            tags[last][-1] += " " + line.strip()  # continuation of the previous tag
        else:
            problems.append(
                Problem(
                    str(path),
                    "line is neither a MEDLINE tag nor a continuation",
                    row=number,
                    found=line[:40],
                    expected="'TAG - value' or a line indented by six spaces",
                    fix="export the search from PubMed as 'PubMed' (MEDLINE) format",
                )
            )
    flush()
    raise_if_any(problems, DataError, f"{path} is not a PubMed (MEDLINE) export")
    return records


def _medline_fields(tags: Mapping[str, list[str]]) -> dict[str, str]:
    doi = ""
    for value in [*tags.get("LID", []), *tags.get("AID", [])]:
        if value.endswith("[doi]"):
            doi = value[: -len("[doi]")].strip()
            break
    return {
        "title": _clean(tags.get("TI", [""])[0]),
        "authors": "; ".join(tags.get("AU", [])),
        "year": _year(tags.get("DP", [""])[0]),
        "journal": _clean((tags.get("JT") or tags.get("TA") or [""])[0]),
        "doi": doi,
        "pmid": tags.get("PMID", [""])[0].strip(),
        "url": "",
    }


def read_csv_export(path: str | Path) -> list[ExportRecord]:
    """Read a CSV export with a header naming any of: title, authors, year, journal, doi,
    pmid, url (case-insensitive; other columns are ignored; ``title`` is required)."""
    header, rows = read_csv_rows(path)
    lower = {h.lower(): h for h in header}
    if "title" not in lower:
        raise DataError.single(
            path, "has no title column", row=1, column="title", fix="name the column 'title'"
        )
    return [
        ExportRecord(line, {f: row.get(lower[f], "") if f in lower else "" for f in BIBLIO_FIELDS})
        for line, row in rows
    ]


def detect_format(path: str | Path) -> str:
    """Format from the file extension: .ris, .nbib/.txt/.medline (PubMed), .csv."""
    suffix = Path(path).suffix.lower()
    formats = {".ris": "ris", ".nbib": "pubmed", ".txt": "pubmed", ".medline": "pubmed"}
    formats[".csv"] = "csv"
    if suffix not in formats:
        raise DataError.single(
            path,
            "cannot tell the export format from the file name",
            found=suffix or "(no extension)",
            expected=".ris, .nbib, .txt or .csv",
            fix="pass --format ris|pubmed|csv",
        )
    return formats[suffix]


def read_export(path: str | Path, fmt: str = "auto") -> list[ExportRecord]:
    """Records of an export file in file order (``fmt``: auto, ris, pubmed or csv)."""
    fmt = detect_format(path) if fmt == "auto" else fmt
    return READERS[fmt](path)


FORMATS = ("ris", "pubmed", "csv")


_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- (.*)$")


READERS: dict[str, Callable[[str | Path], list[ExportRecord]]] = {
    "ris": read_ris,
    "pubmed": read_pubmed,
    "csv": read_csv_export,
}

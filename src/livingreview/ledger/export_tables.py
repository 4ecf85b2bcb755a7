"""Tabular search exports: CSV (Scopus, ClinicalTrials.gov, WHO ICTRP, any CSV with a
title column) and tab-delimited text (Web of Science).

Columns are found by name, case-insensitively, through :data:`ALIASES`, so one
reader covers the column names each database uses. A row with the wrong number
of cells (a truncated file, an unclosed quote) is an error naming its line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import DataError, Problem, raise_if_any
from ..io import read_text
from .export_common import EXPORT_FIX, ExportRecord, check_not_empty_or_html, make_record

ALIASES: dict[str, tuple[str, ...]] = {
    # first name found wins
    "title": (
        "title",
        "article title",
        "ti",
        "study title",
        "public_title",
        "public title",
        "scientific_title",
        "scientific title",
    ),
    "authors": ("authors", "author", "au", "author names"),
    "year": (
        "year",
        "publication year",
        "published year",
        "py",
        "date_registration",
        "date registration",
        "first posted",
        "date_registration3",
        "start date",
        "date",
    ),
    "journal": (
        "journal",
        "source title",
        "so",
        "publication title",
        "journal/book",
        "secondary title",
    ),
    "doi": ("doi", "di"),
    "pmid": ("pmid", "pubmed id", "pm", "pubmed_id"),
    "url": ("url", "link", "study url", "web address", "web_address", "url of record"),
    "abstract": ("abstract", "ab", "brief summary", "brief_summary"),
    "keywords": ("keywords", "author keywords", "de", "conditions", "condition", "mesh terms"),
    "register_id": ("nct number", "trialid", "trial id", "trial_id"),
    # decision exports (see .decision_exports)
    "notes": ("notes",),
    "included": ("included",),
}

PASSED_ON = ("register_id", "notes", "included")
"""Columns kept in ``ExportRecord.extra`` as they are."""


def _split_authors(value: str) -> list[str]:
    """Scopus writes ``"Smith J., Jones K.L."`` (older) or ``"Smith J.; Jones K.L."``,
    Rayyan ``"Smith J. and Jones K.L."``."""
    if ";" in value:
        return [a for a in value.split(";") if a.strip()]
    if " and " in value:
        return [a for a in value.split(" and ") if a.strip()]
    parts = [p.strip() for p in value.split(",")]
    if len(parts) > 1 and all(re.search(r"\s(?:[A-Z]\.?-?){1,4}$", p) for p in parts if p):
        return parts
    return [value] if value.strip() else []


def _columns(header: Sequence[str]) -> dict[str, int]:
    lower = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    found = {}
    for name, aliases in ALIASES.items():
        for alias in aliases:
            if alias in lower:
                found[name] = lower[alias]
                break
    return found


def read_table(path: str | Path, delimiter: str = ",") -> list[ExportRecord]:
    """Read a CSV or tab-delimited export; ``title`` (under any alias) is required."""
    text = read_text(path)
    kind = "CSV" if delimiter == "," else "tab-delimited"
    check_not_empty_or_html(path, text, kind)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
        if delimiter == "\t" and header and not header[-1].strip():
            header = header[:-1]  # Web of Science ends every line with a tab
        columns = _columns(header)
        if "title" not in columns:
            raise DataError.single(
                path,
                "has no title column",
                row=1,
                found=", ".join(h for h in header[:8] if h),
                expected="a column named Title (or Article Title, Study Title, Public_title, TI)",
                fix="export with titles, or name the column 'title'",
            )
        records: list[ExportRecord] = []
        line = 1
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if delimiter == "\t" and len(cells) == len(header) + 1 and not cells[-1].strip():
                cells = cells[:-1]
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        str(path),
                        f"record {len(records) + 1} has {len(cells)} cells but the header has "
                        f"{len(header)} (a cut-off file or a stray {kind} separator)",
                        row=start,
                        found=cells[columns["title"]] if len(cells) > columns["title"] else "",
                        fix=EXPORT_FIX,
                    )
                )
                continue
            records.append(_table_record(start, cells, columns))
    except csv.Error as exc:
        problems.append(
            Problem(
                str(path),
                f"is not valid {kind} ({exc}): a quoted cell is not closed",
                row=reader.line_num,
                fix="the file may be cut off; " + EXPORT_FIX,
            )
        )
    raise_if_any(problems, DataError, f"{path} is not a complete {kind} export")
    return records


def _table_record(line: int, cells: Sequence[str], columns: Mapping[str, int]) -> ExportRecord:
    value = {name: cells[i].strip() for name, i in columns.items()}
    url = value.get("url", "")
    register_id = value.get("register_id", "")
    if register_id and not url and re.fullmatch(r"NCT\d{8}", register_id):
        url = f"https://clinicaltrials.gov/study/{register_id}"
    return make_record(
        line,
        title=value.get("title", ""),
        authors=_split_authors(value.get("authors", "")),
        year=value.get("year", ""),
        journal=value.get("journal", ""),
        doi=value.get("doi", ""),
        pmid=value.get("pmid", ""),
        url=url,
        abstract=value.get("abstract", ""),
        keywords=value.get("keywords", "").replace("|", "; "),
        extra={k: value[k] for k in PASSED_ON if value.get(k)},
    )


def read_csv_export(path: str | Path) -> list[ExportRecord]:
    """Read a CSV export (Scopus, ClinicalTrials.gov, WHO ICTRP CSV, any titled CSV)."""
    return read_table(path, ",")


def read_tab_export(path: str | Path) -> list[ExportRecord]:
    """Read a tab-delimited export (Web of Science 'Tab delimited file')."""
    return read_table(path, "\t")

"""Search updates: import a search export into the screening ledger, and screening sheets.

:func:`import_search` reads one export (RIS through ``rispy``, PubMed/MEDLINE
text, or CSV) with its source name, source type and search date, finds the
duplicates, appends every record to ``data/records.csv`` and writes a
screening sheet and a de-duplication report:

* a record that matches a ledger record is appended with ``duplicate_of``
  pointing at it (so PRISMA counts it as identified and removed as a
  duplicate); existing rows are never changed or reordered;
* a record that matches an earlier record of the same export is appended as
  its duplicate, and identifiers the kept record lacked (DOI, PMID, year,
  journal, authors, URL) are *merged* into it;
* every other record is new and goes on the screening sheet.

Matching, in this order: DOI (case-insensitive, resolver prefix removed), PMID,
then normalised title (accents, case, punctuation and spacing ignored) plus
year. Title matching is skipped when both records carry different DOIs or
different PMIDs, and needs a year on both sides.

:func:`apply_screening` reads a completed sheet back into the ledger,
checking every decision against ``records.schema.yaml`` and the exclusion
reasons of ``data/protocol.yaml``; every problem names the sheet, its line and
column. Only the decided rows of the ledger change; all other bytes stay.

The MEDLINE parser is written here (the format is a few tag rules) because the
only PyPI parser, ``nbib``, has not been released since 2021.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem, raise_if_any
from ..validation import load_schema, read_csv_rows
from .deduplicate import Outcome, deduplicate
from .export_formats import read_export
from .fields import BIBLIO_FIELDS, REPORT_COLUMNS, SOURCE_TYPES, Progress
from .ledger_file import _write_csv, append_rows
from .screening import write_screening_sheet

"""``progress(stage, done, total)``: called while parsing, matching and writing."""


# --------------------------------------------------------------------------- #
# Reading exports
# --------------------------------------------------------------------------- #


# --------------------------------------------------------------------------- #
# Normalising and matching
# --------------------------------------------------------------------------- #


def next_record_ids(existing: Iterable[str], count: int) -> list[str]:
    """``count`` new ids continuing the ledger's numbering (R030 -> R031, R032 ...)."""
    best: tuple[int, str, int] = (0, "R", 3)
    for rid in existing:
        match = re.fullmatch(r"([A-Za-z_-]*)(\d+)", rid)
        if match and int(match.group(2)) >= best[0]:
            best = (int(match.group(2)), match.group(1), len(match.group(2)))
    number, prefix, width = best
    taken = set(existing)
    out: list[str] = []
    while len(out) < count:
        number += 1
        rid = f"{prefix}{number:0{width}d}"
        if rid not in taken:
            out.append(rid)
    return out


# --------------------------------------------------------------------------- #
# Ledger text: append and replace rows without touching the others
# --------------------------------------------------------------------------- #


# --------------------------------------------------------------------------- #
# The import command
# --------------------------------------------------------------------------- #


@dataclass
class ImportResult:
    """What an import did: the rows appended and what happened to each export record."""

    rows: list[dict[str, str]]
    outcomes: list[Outcome]

    @property
    def new(self) -> list[Outcome]:
        """Records kept as new (they go on the screening sheet)."""
        return [o for o in self.outcomes if o.outcome == "new"]

    @property
    def duplicates(self) -> list[Outcome]:
        """Records appended as duplicates."""
        return [o for o in self.outcomes if o.outcome != "new"]

    def summary(self) -> str:
        """One line for the terminal."""
        ledger = sum(1 for o in self.duplicates if "ledger" in o.outcome)
        merged = sum(1 for o in self.duplicates if o.merged_fields)
        return (
            f"{len(self.outcomes)} records read: {len(self.new)} new, "
            f"{ledger} duplicates of ledger records, {len(self.duplicates) - ledger} "
            f"duplicates within the export ({merged} merged identifiers into the kept record)"
        )


def _check_arguments(source: str, source_type: str, search_date: str) -> None:
    problems = []
    if not source.strip():
        problems.append(Problem("--source", "is empty", fix="name the database, e.g. MEDLINE"))
    if source_type not in SOURCE_TYPES:
        problems.append(
            Problem(
                "--source-type",
                "unknown source type",
                found=source_type,
                expected=", ".join(SOURCE_TYPES),
            )
        )
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", search_date):
        problems.append(
            Problem("--search-date", "not a date", found=search_date, expected="YYYY-MM-DD")
        )
    raise_if_any(problems, DataError, "cannot import the search")


def import_search(
    records: str | Path,
    export: str | Path,
    *,
    source: str,
    source_type: str,
    search_date: str,
    sheet: str | Path,
    report: str | Path,
    fmt: str = "auto",
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``export`` into the ledger ``records``; write the sheet and the report.

    Every new row is checked against ``records.schema.yaml`` first; a problem
    names the export file, the line where its record starts and the ledger
    column, and nothing is written. The ledger is appended last (atomically).
    """
    _check_arguments(source, source_type, search_date)
    header, ledger = read_csv_rows(records)
    entries = read_export(export, fmt)
    if progress:
        progress("parsed", len(entries), len(entries))
    ids = next_record_ids([r["record_id"] for _, r in ledger], len(entries))
    rows, outcomes = deduplicate([r for _, r in ledger], entries, ids, progress)
    for row, outcome in zip(rows, outcomes, strict=True):
        row.update(source_type=source_type, source=source, search_date=search_date)
        row["notes"] = f"Imported from {Path(export).name} (line {outcome.export_line})"
        if outcome.matched_on:
            row["notes"] += f"; same {outcome.matched_on} as {outcome.matched_record}"
    _validate_new_rows(export, header, rows, outcomes)
    result = ImportResult(rows, outcomes)
    _write_csv(report, REPORT_COLUMNS, (o.row() for o in outcomes))
    kept = {o.record_id for o in result.new}
    write_screening_sheet(sheet, [r for r in rows if r["record_id"] in kept])
    append_rows(records, header, rows)
    if progress:
        progress("written", len(rows), len(rows))
    return result


def _validate_new_rows(
    export: str | Path, header: Sequence[str], rows: Sequence[dict[str, str]], outcomes
) -> None:
    """Check the cells an import fills against the ledger schema's rules for them.

    Only the bibliographic columns come from the export, so their schema rules
    (required title, DOI and PMID patterns, year range) are applied directly:
    a full JSON Schema pass per row would take minutes for 100,000 records.
    """
    missing = [c for c in ("record_id", *BIBLIO_FIELDS, "duplicate_of") if c not in header]
    if missing:
        raise DataError.single(
            export, "the ledger lacks columns the import fills", found=", ".join(missing)
        )
    props = load_schema("records")["properties"]
    patterns = {
        name: (re.compile(props[name]["pattern"]), props[name].get("x-pattern-hint", ""))
        for name in BIBLIO_FIELDS
        if "pattern" in props.get(name, {})
    }
    low, high = props["year"].get("minimum", 0), props["year"].get("maximum", 9999)
    problems = []
    for row, outcome in zip(rows, outcomes, strict=True):

        def problem(column: str, expected: str, found: str = "", line: int = outcome.export_line):
            problems.append(
                Problem(
                    str(export),
                    "value cannot enter the ledger",
                    row=line,
                    column=column,
                    found=found,
                    expected=expected,
                    fix="correct the export or the cell",
                )
            )

        if not row["title"]:
            problem("title", "a title (required)")
        for name, (pattern, hint) in patterns.items():
            if row.get(name) and not pattern.search(row[name]):
                problem(name, hint or pattern.pattern, row[name])
        year = row.get("year", "")
        if year and not (year.isdigit() and low <= int(year) <= high):
            problem("year", f"a year from {low} to {high}", year)
    raise_if_any(problems, DataError, f"{export}: records cannot enter the ledger")


# --------------------------------------------------------------------------- #
# Reading a completed sheet back
# --------------------------------------------------------------------------- #

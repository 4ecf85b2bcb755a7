"""Search updates: import a search export into the screening ledger, safely.

:func:`import_search` reads one export (see :data:`.export_formats.FORMATS`)
with its source name, source type and search date, finds the duplicates,
appends every record to ``data/records.csv`` and writes a screening sheet and a
de-duplication report for the batch:

* a batch is identified by its source, search date and the SHA-256 of the
  file's bytes, recorded in ``imports.csv`` beside the sheets; importing the
  same content again changes nothing and says so;
* another batch from the same source and date gets its own sheet and report
  (``2024-06-01_embase_2.csv``); no sheet or report that exists is ever
  overwritten;
* a record that matches a ledger record is appended with ``duplicate_of``
  pointing at it (so PRISMA counts it as identified and removed as a
  duplicate); existing rows are never changed or reordered;
* a record that matches an earlier record of the same export is appended as
  its duplicate, and identifiers the kept record lacked (DOI, PMID, year,
  journal, authors, URL) are *merged* into it;
* every other record is new and goes on the screening sheet.

A malformed export (see the readers) is an error naming the file, line and
record, raised before anything is written.

Matching, in this order: DOI (case-insensitive, resolver prefix removed), PMID,
then normalised title (accents, case, punctuation and spacing ignored) plus
year. Title matching is skipped when both records carry different DOIs or
different PMIDs, and needs a year on both sides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem, raise_if_any
from ..validation import load_schema, read_csv_rows
from .deduplicate import Outcome, deduplicate
from .export_formats import detect_format, read_export
from .fields import BIBLIO_FIELDS, IMPORT_LOG_COLUMNS, REPORT_COLUMNS, SOURCE_TYPES, Progress
from .ledger_file import append_log, append_rows, write_new_csv
from .screening import write_screening_sheet


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


@dataclass
class ImportResult:
    """What an import did: the rows appended and what happened to each export record.

    ``earlier`` is the import-log row of the batch with the same content when
    the import was skipped (nothing written).
    """

    rows: list[dict[str, str]]
    outcomes: list[Outcome]
    batch: str = ""
    sheet: Path | None = None
    report: Path | None = None
    earlier: dict[str, str] | None = None

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
        if self.earlier is not None:
            e = self.earlier
            return (
                f"already imported: this file has the same content as batch {e['batch']} "
                f"({e['file']}, {e['source']}, searched {e['search_date']}, "
                f"{e['records']} records); nothing changed"
            )
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


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (the identity of an imported batch)."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise DataError.single(path, "file not found", fix="correct the path") from None
    return digest.hexdigest()


def slug(text: str) -> str:
    """``"Embase (Ovid)"`` -> ``"embase_ovid"`` (for file names)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "source"


def read_import_log(path: str | Path) -> list[dict[str, str]]:
    """Rows of the import log; an absent log is empty."""
    if not Path(path).exists():
        return []
    return [row for _, row in read_csv_rows(path)[1]]


def _batch_name(folder: Path, log: Sequence[dict[str, str]], search_date: str, source: str) -> str:
    stem = f"{search_date}_{slug(source)}"
    taken = {row.get("batch", "") for row in log}
    name, n = stem, 1
    while (
        name in taken
        or (folder / f"{name}.csv").exists()
        or (folder / f"{name}_dedup.csv").exists()
    ):
        n += 1
        name = f"{stem}_{n}"
    return name


def refuse_existing(*paths: Path) -> None:
    """No command overwrites a sheet or report: an existing file is an error."""
    problems = [
        Problem(
            str(p),
            "already exists and is never overwritten",
            fix="choose another file name, or move the existing file away first",
        )
        for p in paths
        if p.exists()
    ]
    raise_if_any(problems, DataError, "nothing was written")


def import_search(
    records: str | Path,
    export: str | Path,
    *,
    source: str,
    source_type: str,
    search_date: str,
    folder: str | Path | None = None,
    sheet: str | Path | None = None,
    report: str | Path | None = None,
    log: str | Path | None = None,
    fmt: str = "auto",
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``export`` into the ledger ``records``; write the sheet, report and log row.

    ``folder`` holds the sheets, reports and ``imports.csv`` (default: the
    folder of ``sheet``, else ``screening/`` beside the ledger's folder). The
    sheet and report default to ``<date>_<source>[_N].csv`` and ``..._dedup.csv``
    there; given explicitly, they must not exist. Every new row is checked
    against ``records.schema.yaml`` first; a problem names the export file, the
    line where its record starts and the ledger column, and nothing is written.
    The ledger is appended after the sheet and report exist (atomically).
    """
    _check_arguments(source, source_type, search_date)
    if folder is None:
        folder = (
            Path(sheet).parent if sheet else Path(records).resolve().parent.parent / "screening"
        )
    folder = Path(folder)
    log_path = Path(log) if log else folder / "imports.csv"
    log_rows = read_import_log(log_path)
    digest = file_sha256(export)
    for row in log_rows:
        if row.get("sha256") == digest:
            return ImportResult([], [], batch=row.get("batch", ""), earlier=row)
    batch = _batch_name(folder, log_rows, search_date, source)
    sheet = Path(sheet) if sheet else folder / f"{batch}.csv"
    report = Path(report) if report else folder / f"{batch}_dedup.csv"
    refuse_existing(sheet, report)
    header, ledger = read_csv_rows(records)
    fmt = detect_format(export) if fmt == "auto" else fmt
    entries = read_export(export, fmt)
    if progress:
        progress("records read", len(entries), len(entries))
    ids = next_record_ids([r["record_id"] for _, r in ledger], len(entries))
    rows, outcomes = deduplicate([r for _, r in ledger], entries, ids, progress)
    for row, outcome in zip(rows, outcomes, strict=True):
        row.update(source_type=source_type, source=source, search_date=search_date)
        row["notes"] = (
            f"Imported in batch {batch} from {Path(export).name} (line {outcome.export_line})"
        )
        if outcome.matched_on:
            row["notes"] += f"; same {outcome.matched_on} as {outcome.matched_record}"
    _validate_new_rows(export, header, rows, outcomes)
    result = ImportResult(rows, outcomes, batch=batch, sheet=sheet, report=report)
    if progress:
        progress("duplicates found", len(result.duplicates), len(entries))
    kept = {o.record_id for o in result.new}
    extra = {rid: e.extra for rid, e in zip(ids, entries, strict=True) if rid in kept}
    del entries  # the rows hold what is written; free the parsed records first
    write_new_csv(report, REPORT_COLUMNS, (o.row() for o in outcomes))
    write_screening_sheet(
        sheet, ({**r, **extra[r["record_id"]]} for r in rows if r["record_id"] in kept)
    )
    append_rows(records, header, rows)
    entry = {
        "batch": batch,
        "source": source,
        "source_type": source_type,
        "search_date": search_date,
        "file": Path(export).name,
        "format": fmt,
        "sha256": digest,
        "records": str(len(rows)),
        "new": str(len(result.new)),
        "duplicates": str(len(result.duplicates)),
        "first_record": ids[0] if ids else "",
        "last_record": ids[-1] if ids else "",
        "sheet": sheet.name,
        "report": report.name,
    }
    append_log(log_path, IMPORT_LOG_COLUMNS, [entry])
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

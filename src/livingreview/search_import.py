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

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rispy

from .errors import DataError, Problem, raise_if_any
from .io import read_text, read_yaml, write_bytes, write_text
from .validation import load_schema, read_csv_rows, validate_rows

FORMATS = ("ris", "pubmed", "csv")
SOURCE_TYPES = ("database", "register", "website", "organisation", "citation_search")
BIBLIO_FIELDS = ("title", "authors", "year", "journal", "doi", "pmid", "url")
MERGE_FIELDS = ("doi", "pmid", "year", "journal", "authors", "url")
DECISION_FIELDS = (
    "screening",
    "screening_reason",
    "retrieval",
    "eligibility",
    "exclusion_reason",
    "study_id",
    "bib_key",
)
SHEET_COLUMNS = ("record_id", "source", *BIBLIO_FIELDS, *DECISION_FIELDS)
REPORT_COLUMNS = (
    "export_line",
    "record_id",
    "outcome",
    "matched_record",
    "matched_on",
    "matched_value",
    "merged_fields",
    "title",
)

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called while parsing, matching and writing."""


# --------------------------------------------------------------------------- #
# Reading exports
# --------------------------------------------------------------------------- #


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


_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- (.*)$")


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


READERS: dict[str, Callable[[str | Path], list[ExportRecord]]] = {
    "ris": read_ris,
    "pubmed": read_pubmed,
    "csv": read_csv_export,
}


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


# --------------------------------------------------------------------------- #
# Normalising and matching
# --------------------------------------------------------------------------- #


def bare_doi(value: str) -> str:
    """DOI without resolver or ``doi:`` prefix, as the ledger stores it."""
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.IGNORECASE)
    return value.strip()


def normalise_doi(value: str) -> str:
    """DOI for matching: bare and lower-case (``https://doi.org/10.1/AB`` -> ``10.1/ab``)."""
    return bare_doi(value).lower()


def normalise_title(value: str) -> str:
    """Title for matching: accents removed, case folded, only letters and digits kept."""
    if value.isascii():
        text = value.lower()
    else:
        text = unicodedata.normalize("NFKD", value)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass
class Outcome:
    """What happened to one export record (a row of the de-duplication report)."""

    export_line: int
    record_id: str
    outcome: str  # new | duplicate
    title: str
    matched_record: str = ""
    matched_on: str = ""  # doi | pmid | title+year
    matched_value: str = ""
    merged_fields: list[str] = field(default_factory=list)

    def row(self) -> dict[str, str]:
        """The report row as strings."""
        return {
            "export_line": str(self.export_line),
            "record_id": self.record_id,
            "outcome": self.outcome,
            "matched_record": self.matched_record,
            "matched_on": self.matched_on,
            "matched_value": self.matched_value,
            "merged_fields": ";".join(self.merged_fields),
            "title": self.title,
        }


class _Index:
    """DOI, PMID and title+year -> record id of the record that was kept."""

    def __init__(self) -> None:
        self.doi: dict[str, str] = {}
        self.pmid: dict[str, str] = {}
        self.title: dict[tuple[str, str], str] = {}
        self.ids: dict[str, tuple[str, str]] = {}  # record id -> (doi, pmid)

    def add(self, record_id: str, fields: Mapping[str, str]) -> None:
        doi, pmid = normalise_doi(fields.get("doi", "")), fields.get("pmid", "").strip()
        title = normalise_title(fields.get("title", ""))
        if doi:
            self.doi.setdefault(doi, record_id)
        if pmid:
            self.pmid.setdefault(pmid, record_id)
        if title and fields.get("year"):
            self.title.setdefault((title, str(fields["year"]).strip()), record_id)
        old_doi, old_pmid = self.ids.get(record_id, ("", ""))
        self.ids[record_id] = (old_doi or doi, old_pmid or pmid)

    def match(self, fields: Mapping[str, str]) -> tuple[str, str, str] | None:
        """``(record id, matched_on, matched value)`` of the first match, or None."""
        doi, pmid = normalise_doi(fields.get("doi", "")), fields.get("pmid", "").strip()
        if doi and doi in self.doi:
            return self.doi[doi], "doi", doi
        if pmid and pmid in self.pmid:
            return self.pmid[pmid], "pmid", pmid
        key = (normalise_title(fields.get("title", "")), str(fields.get("year", "")).strip())
        if key[0] and key[1] and key in self.title:
            target = self.title[key]
            their_doi, their_pmid = self.ids.get(target, ("", ""))
            if (doi and their_doi and doi != their_doi) or (
                pmid and their_pmid and pmid != their_pmid
            ):
                return None  # same title, different identifiers: distinct reports
            return target, "title+year", f"{key[0]} ({key[1]})"
        return None


def ledger_index(rows: Iterable[Mapping[str, str]]) -> _Index:
    """Index of a ledger; a duplicate row points at the record it duplicates."""
    index = _Index()
    for row in rows:
        index.add(row.get("duplicate_of") or row["record_id"], row)
    return index


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


def deduplicate(
    ledger_rows: Sequence[Mapping[str, str]],
    records: Sequence[ExportRecord],
    new_ids: Sequence[str],
    progress: Progress | None = None,
) -> tuple[list[dict[str, str]], list[Outcome]]:
    """Match export records against the ledger and each other.

    Returns the ledger rows to append (bibliographic fields and ``duplicate_of``;
    ``new_ids[i]`` is the id of ``records[i]``) and one :class:`Outcome` each.
    """
    index = ledger_index(ledger_rows)
    batch = _Index()
    rows: list[dict[str, str]] = []
    by_id: dict[str, dict[str, str]] = {}
    outcomes: list[Outcome] = []
    step = max(1, len(records) // 20)
    for i, (rec, rid) in enumerate(zip(records, new_ids, strict=True)):
        fields = {k: rec.fields.get(k, "") for k in BIBLIO_FIELDS}
        fields["doi"] = bare_doi(fields["doi"])
        row = {"record_id": rid, **fields, "duplicate_of": ""}
        outcome = Outcome(rec.line, rid, "new", fields["title"])
        hit = index.match(fields)
        where = "ledger"
        if hit is None:
            hit, where = batch.match(fields), "batch"
        if hit is None:
            batch.add(rid, fields)
            by_id[rid] = row
        else:
            target, outcome.matched_on, outcome.matched_value = hit
            row["duplicate_of"] = outcome.matched_record = target
            outcome.outcome = f"duplicate of {where} record"
            if where == "batch":
                outcome.merged_fields = _merge(by_id[target], fields)
            # the duplicate's identifiers now lead to the kept record as well
            (index if where == "ledger" else batch).add(target, fields)
        rows.append(row)
        outcomes.append(outcome)
        if progress and (i + 1) % step == 0:
            progress("matching", i + 1, len(records))
    return rows, outcomes


def _merge(kept: dict[str, str], other: Mapping[str, str]) -> list[str]:
    """Fill the kept record's empty identifier fields from its duplicate."""
    merged = []
    for name in MERGE_FIELDS:
        if not kept.get(name) and other.get(name):
            kept[name] = other[name]
            merged.append(name)
    return merged


# --------------------------------------------------------------------------- #
# Ledger text: append and replace rows without touching the others
# --------------------------------------------------------------------------- #


def split_csv_rows(text: str) -> tuple[str, list[tuple[dict[str, str], str]]]:
    """Split CSV text into its header text and ``(row, raw text of the row)`` pairs.

    The raw texts joined back give the input exactly, so a caller can change
    one row and keep every other byte.
    """
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    consumed: list[str] = []

    def feed() -> Iterable[str]:
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.reader(feed())
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    header_text = "".join(consumed)
    consumed.clear()
    out = []
    for fields in reader:
        raw = "".join(consumed)
        consumed.clear()
        out.append((dict(zip(header, (f.strip() for f in fields), strict=False)), raw))
    return header_text, out


def _csv_line(header: Sequence[str], row: Mapping[str, str], newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow([row.get(h, "") for h in header])
    return buffer.getvalue()


def append_rows(path: str | Path, header: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
    """Append rows to a CSV file atomically; the existing bytes are kept as they are."""
    raw = Path(path).read_bytes()
    newline = "\r\n" if b"\r\n" in raw else "\n"
    if raw and not raw.endswith(b"\n"):
        raw += newline.encode()
    added = "".join(_csv_line(header, r, newline) for r in rows)
    write_bytes(path, raw + added.encode("utf-8"))


def _write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: r.get(c, "") for c in columns} for r in rows)
    write_text(path, buffer.getvalue())


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


def write_screening_sheet(path: str | Path, rows: Iterable[Mapping[str, str]]) -> None:
    """Write a screening sheet: identifying columns plus empty decision columns."""
    _write_csv(
        path,
        SHEET_COLUMNS,
        ({k: r.get(k, "") for k in ("record_id", "source", *BIBLIO_FIELDS)} for r in rows),
    )


def pending_rows(rows: Iterable[Mapping[str, str]]) -> list[Mapping[str, str]]:
    """Ledger rows waiting for a screening decision (not removed, not yet screened)."""
    return [
        r
        for r in rows
        if not r.get("duplicate_of")
        and not r.get("removed")
        and not any(r.get(c) for c in ("screening", "retrieval", "eligibility"))
    ]


def write_pending_sheet(records: str | Path, sheet: str | Path) -> int:
    """Write a screening sheet of every ledger record still waiting for screening."""
    _, ledger = read_csv_rows(records)
    pending = pending_rows(r for _, r in ledger)
    write_screening_sheet(sheet, pending)
    return len(pending)


# --------------------------------------------------------------------------- #
# Reading a completed sheet back
# --------------------------------------------------------------------------- #


def apply_screening(records: str | Path, sheet: str | Path, protocol: str | Path) -> list[str]:
    """Copy the decisions of a completed sheet into the ledger; return the ids updated.

    Rows whose decision cells are all empty are skipped (not screened yet). A
    decision that contradicts one already in the ledger, an unknown record, a
    record removed before screening, a value the schema rejects or an exclusion
    reason the protocol does not define is reported with the sheet's line and
    column, and the ledger is left unchanged.
    """
    sheet_file = str(sheet)
    sheet_header, sheet_rows = read_csv_rows(sheet)
    protocol_data = read_yaml(protocol, DataError)
    reasons = list((protocol_data or {}).get("exclusion_reasons") or {})  # type: ignore[union-attr]
    read_text(records)  # reports a file that is not UTF-8, with its line
    text = Path(records).read_bytes().decode("utf-8")  # raw: CRLF and BOM kept as they are
    header_text, ledger = split_csv_rows(text)
    header = [h.strip().lstrip("\ufeff") for h in next(csv.reader([header_text]))]
    newline = "\r\n" if header_text.endswith("\r\n") else "\n"
    by_id = {row.get("record_id", ""): i for i, (row, _) in enumerate(ledger)}
    problems = [
        Problem(
            sheet_file,
            "column is not part of a screening sheet",
            row=1,
            column=c,
            expected=", ".join(SHEET_COLUMNS),
            fix="remove or rename the column",
        )
        for c in sheet_header
        if c not in SHEET_COLUMNS
    ]
    if "record_id" not in sheet_header:
        problems.append(Problem(sheet_file, "no record_id column", row=1, column="record_id"))
    raise_if_any(problems, DataError, f"{sheet_file} cannot be applied")
    updates: dict[int, tuple[int, dict[str, str]]] = {}
    for line, row in sheet_rows:
        decisions = {c: row[c] for c in DECISION_FIELDS if row.get(c)}
        if not decisions:
            continue
        problems += _sheet_row_problems(sheet_file, line, row, decisions, ledger, by_id, reasons)
        if row["record_id"] in by_id:
            index = by_id[row["record_id"]]
            merged = {**ledger[index][0], **decisions}
            updates[index] = (line, merged)
    schema = load_schema("records")
    _, schema_problems = validate_rows(sheet_file, header, list(updates.values()), schema)
    problems += [p for p in schema_problems if p.row != 1]
    raise_if_any(problems, DataError, f"{sheet_file} cannot be applied")
    parts = [header_text]
    for i, (_, raw) in enumerate(ledger):
        parts.append(_csv_line(header, updates[i][1], newline) if i in updates else raw)
    write_bytes(records, "".join(parts).encode("utf-8"))
    return [ledger[i][0]["record_id"] for i in sorted(updates)]


def _sheet_row_problems(
    sheet_file: str,
    line: int,
    row: Mapping[str, str],
    decisions: Mapping[str, str],
    ledger: Sequence[tuple[dict[str, str], str]],
    by_id: Mapping[str, int],
    reasons: Sequence[str],
) -> list[Problem]:
    rid = row.get("record_id", "")
    if rid not in by_id:
        return [
            Problem(
                sheet_file,
                "record is not in the ledger",
                row=line,
                column="record_id",
                found=rid,
                fix="keep the record_id the sheet was written with",
            )
        ]
    current = ledger[by_id[rid]][0]
    problems = []
    if current.get("duplicate_of") or current.get("removed"):
        problems.append(
            Problem(
                sheet_file,
                "record was removed before screening",
                row=line,
                column=next(iter(decisions)),
                found=rid,
                fix="leave the decisions of removed records empty",
            )
        )
    for column, value in decisions.items():
        if current.get(column) and current[column] != value:
            problems.append(
                Problem(
                    sheet_file,
                    "contradicts the decision already in the ledger",
                    row=line,
                    column=column,
                    found=value,
                    expected=current[column],
                    fix="change the ledger by hand if the decision was revised",
                )
            )
    reason = decisions.get("exclusion_reason")
    if reason and reason not in reasons:
        problems.append(
            Problem(
                sheet_file,
                "exclusion reason is not defined in data/protocol.yaml",
                row=line,
                column="exclusion_reason",
                found=reason,
                expected=f"one of: {', '.join(reasons)}",
                fix="use a defined code or add it under exclusion_reasons",
            )
        )
    return problems

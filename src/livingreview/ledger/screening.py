"""Screening sheets: written for reviewers, read back into the ledger as decisions."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..errors import DataError, Problem, raise_if_any
from ..io import read_text, read_yaml, write_bytes
from ..validation import load_schema, read_csv_rows, validate_rows
from .fields import BIBLIO_FIELDS, DECISION_FIELDS, SHEET_COLUMNS
from .ledger_file import _csv_line, _write_csv, split_csv_rows


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

"""Screening sheets: written for reviewers, read back into the ledger as staged decisions.

A sheet is written for one stage (title/abstract ``screening``, full-text
``retrieval``, ``eligibility``, ``linking`` to a study) and lists the records
waiting at it, with what a reviewer reads (title, authors, abstract, keywords,
a link), the stage's decision columns and ``reviewer``, ``decided_on`` and
``note``. Sheets are UTF-8 with a byte-order mark and CRLF line ends, so Excel
and LibreOffice open them correctly; no sheet that exists is ever overwritten.

:func:`apply_screening` reads any completed sheet back. Each stage applies on
its own: a record included at screening waits for retrieval, a retrieved
report for its eligibility decision, an included report for its study; none
of these states is an error. Every decision goes to the decision log with who,
when and the note (see :mod:`.reviewers`).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, Problem, raise_if_any
from ..io import read_text, read_yaml, write_bytes
from ..validation import load_schema, read_csv_rows, validate_rows
from .fields import (
    DECISION_LOG_COLUMNS,
    SHEET_COLUMNS,
    STAGE_FIELDS,
    STAGES,
    stage_sheet_columns,
)
from .ledger_file import _csv_line, append_log, split_csv_rows, write_new_csv
from .reviewers import DOUBLE_STAGES, find_conflicts, read_decision_log, settled
from .stages import DBR_SOURCES, awaiting_stage

CONFLICT_COLUMN = "disagreement"


def record_link(row: Mapping[str, str]) -> str:
    """Where a reviewer can read the record: its URL, DOI or PubMed page."""
    if row.get("url"):
        return row["url"]
    if row.get("doi"):
        return f"https://doi.org/{row['doi']}"
    if row.get("pmid"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/"
    return ""


def write_screening_sheet(
    path: str | Path,
    rows: Iterable[Mapping[str, str]],
    stage: str = "screening",
    reviewer: str = "",
) -> Path:
    """Write a new sheet for ``stage`` (refused if ``path`` exists)."""
    columns = stage_sheet_columns(stage)
    return write_new_csv(
        path,
        columns,
        ({**r, "link": record_link(r), "reviewer": reviewer} for r in rows),
        for_spreadsheets=True,
    )


def pending_rows(
    rows: Iterable[Mapping[str, str]], stage: str = "screening"
) -> list[Mapping[str, str]]:
    """Ledger rows waiting for the ``stage`` decision."""
    return [r for r in rows if awaiting_stage(r) == stage]


def write_pending_sheet(
    records: str | Path, sheet: str | Path, stage: str = "screening", reviewer: str = ""
) -> int:
    """Write a sheet of every ledger record waiting at ``stage``; return how many."""
    _, ledger = read_csv_rows(records)
    pending = pending_rows((r for _, r in ledger), stage)
    write_screening_sheet(sheet, pending, stage, reviewer)
    return len(pending)


@dataclass
class ApplyResult:
    """What applying a sheet did."""

    updated: list[str] = field(default_factory=list)
    logged: int = 0
    waiting: list[tuple[str, str]] = field(default_factory=list)
    conflicts: int = 0

    def summary(self) -> str:
        """One line for the terminal."""
        text = (
            f"{self.logged} decisions recorded; {len(self.updated)} records updated in the ledger"
        )
        if self.waiting:
            text += f"; {len(self.waiting)} wait for the second reviewer"
        if self.conflicts:
            text += f"; {self.conflicts} disagreements to resolve (see `livingreview conflicts`)"
        return text


def _today() -> str:
    return dt.date.today().isoformat()


def _row_decisions(row: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """``stage -> (decision, reason)`` filled in on a sheet row."""
    out = {}
    for stage, (decision, *rest) in STAGE_FIELDS.items():
        reason = row.get(rest[0], "") if rest else ""
        if row.get(decision) or reason:
            out[stage] = (row.get(decision, ""), reason)
    return out


def _ledger_values(stage: str, decision: str, reason: str) -> dict[str, str]:
    decision_col, *rest = STAGE_FIELDS[stage]
    values = {decision_col: decision}
    if rest:
        values[rest[0]] = reason
    return values


def apply_screening(
    records: str | Path,
    sheet: str | Path,
    protocol: str | Path,
    *,
    reviewer: str = "",
    decided_on: str = "",
    log: str | Path | None = None,
    reviewers: int | None = None,
) -> ApplyResult:
    """Record the decisions of a completed sheet; copy the settled ones into the ledger.

    Rows whose decision cells are all empty are skipped (not decided yet).
    ``reviewer``/``decided_on`` fill the sheet's empty ``reviewer``/``decided_on``
    cells (``decided_on`` defaults to today). ``log`` is the decision log
    (default ``decisions.csv`` beside the sheet); ``reviewers`` defaults to
    ``screening: reviewers`` of the protocol (1). A sheet with a
    ``disagreement`` column (written by :func:`write_conflicts_sheet`) records
    resolutions. An unknown or removed record, a decision for a stage the record
    has not reached, a decision that contradicts the ledger or the same
    reviewer's earlier one, a value the schema rejects or an undefined exclusion
    reason is reported with the sheet's line and column, and nothing changes.
    """
    sheet_file = str(sheet)
    sheet_header, sheet_rows = read_csv_rows(sheet)
    protocol_data = read_yaml(protocol, DataError) or {}
    reasons = list(protocol_data.get("exclusion_reasons") or {})  # type: ignore[union-attr]
    if reviewers is None:
        reviewers = int((protocol_data.get("screening") or {}).get("reviewers", 1))  # type: ignore[union-attr]
    log_path = Path(log) if log else Path(sheet).parent / "decisions.csv"
    old_log = read_decision_log(log_path)
    role = "resolution" if CONFLICT_COLUMN in sheet_header else "review"
    read_text(records)  # reports a file that is not UTF-8, with its line
    text = Path(records).read_bytes().decode("utf-8")  # raw: CRLF and BOM kept as they are
    header_text, ledger = split_csv_rows(text)
    header = [h.strip().lstrip("\ufeff") for h in next(csv.reader([header_text]))]
    newline = "\r\n" if header_text.endswith("\r\n") else "\n"
    by_id = {row.get("record_id", ""): i for i, (row, _) in enumerate(ledger)}
    allowed = (*SHEET_COLUMNS, "url", CONFLICT_COLUMN, "stage")
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
        if c not in allowed
    ]
    if "record_id" not in sheet_header:
        problems.append(Problem(sheet_file, "no record_id column", row=1, column="record_id"))
    raise_if_any(problems, DataError, f"{sheet_file} cannot be applied")
    new_log: list[dict[str, str]] = []
    lines: dict[tuple[str, str], int] = {}
    for line, row in sheet_rows:
        decisions = _row_decisions(row)
        if not decisions:
            continue
        who = row.get("reviewer") or reviewer
        problems += _sheet_row_problems(
            sheet_file, line, row, decisions, ledger, by_id, reasons, old_log, who, role
        )
        if reviewers >= 2 and not who and any(s in DOUBLE_STAGES for s in decisions):
            problems.append(
                Problem(
                    sheet_file,
                    "two reviewers decide independently, so every decision needs its reviewer",
                    row=line,
                    column="reviewer",
                    fix="fill in the reviewer column, or pass --reviewer NAME",
                )
            )
        for stage, (decision, reason) in decisions.items():
            entry = {
                "record_id": row["record_id"],
                "stage": stage,
                "decision": decision,
                "reason": reason,
                "reviewer": who,
                "decided_on": row.get("decided_on") or decided_on or _today(),
                "note": row.get("note", ""),
                "role": role,
                "sheet": Path(sheet).name,
            }
            if not any(_same(entry, old) for old in old_log):
                new_log.append(entry)
            lines[(row["record_id"], stage)] = line
    full_log = old_log + new_log
    updates: dict[int, tuple[int, dict[str, str]]] = {}
    updated_ids: list[str] = []
    by_key: dict[tuple[str, str], list[dict[str, str]]] = {}
    for entry in full_log:
        by_key.setdefault((entry["record_id"], entry["stage"]), []).append(entry)
    for (rid, stage), line in lines.items():
        if rid not in by_id:
            continue
        needed = reviewers if stage in DOUBLE_STAGES else 1
        final = settled(by_key[(rid, stage)], needed)
        if final is None:
            continue
        index = by_id[rid]
        base = updates[index][1] if index in updates else dict(ledger[index][0])
        values = _ledger_values(stage, *final)
        if any(base.get(c) and base[c] != v for c, v in values.items()):
            problems.append(
                Problem(
                    sheet_file,
                    "contradicts the decision already in the ledger",
                    row=line,
                    column=STAGE_FIELDS[stage][0],
                    found=final[0],
                    expected=base.get(STAGE_FIELDS[stage][0]) or None,
                    fix="change the ledger by hand if the decision was revised",
                )
            )
            continue
        updates[index] = (line, {**base, **{c: v for c, v in values.items() if v}})
        if rid not in updated_ids:
            updated_ids.append(rid)
    schema = load_schema("records")
    _, schema_problems = validate_rows(sheet_file, header, list(updates.values()), schema)
    problems += [p for p in schema_problems if p.row != 1]
    raise_if_any(problems, DataError, f"{sheet_file} cannot be applied")
    if updates:
        parts = [header_text]
        for i, (_, raw) in enumerate(ledger):
            parts.append(_csv_line(header, updates[i][1], newline) if i in updates else raw)
        write_bytes(records, "".join(parts).encode("utf-8"))
    if new_log:
        append_log(log_path, DECISION_LOG_COLUMNS, new_log)
    waiting = [
        key
        for key in lines
        if key[1] in DOUBLE_STAGES and reviewers >= 2 and key[0] not in updated_ids
    ]
    conflicts = {(c.record_id, c.stage) for c in find_conflicts(full_log)}
    return ApplyResult(
        updated=[rid for rid in updated_ids],
        logged=len(new_log),
        waiting=[k for k in waiting if k not in conflicts],
        conflicts=len(conflicts & set(lines)),
    )


def _same(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    keys = ("record_id", "stage", "decision", "reason", "reviewer", "role")
    return all(a.get(k, "") == b.get(k, "") for k in keys)


def _stage_reached(stage: str, row: Mapping[str, str]) -> str | None:
    """Why ``row`` cannot take a ``stage`` decision yet, or None when it can."""
    dbr = row.get("source_type") in DBR_SOURCES
    if stage == "retrieval" and dbr and row.get("screening") != "include":
        return "retrieval needs an 'include' at title/abstract screening first"
    if stage == "eligibility" and row.get("retrieval") != "retrieved":
        return "an eligibility decision needs retrieval = 'retrieved' first"
    if stage == "linking" and row.get("eligibility") != "include":
        return "a study can only be linked to a report included at full text"
    return None


def _sheet_row_problems(
    sheet_file: str,
    line: int,
    row: Mapping[str, str],
    decisions: Mapping[str, tuple[str, str]],
    ledger: Sequence[tuple[dict[str, str], str]],
    by_id: Mapping[str, int],
    reasons: Sequence[str],
    log: Sequence[Mapping[str, str]],
    reviewer: str,
    role: str,
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

    def problem(message: str, column: str, **more: object) -> None:
        problems.append(Problem(sheet_file, message, row=line, column=column, **more))  # type: ignore[arg-type]

    if current.get("duplicate_of") or current.get("removed"):
        problem(
            "record was removed before screening",
            STAGE_FIELDS[next(iter(decisions))][0],
            found=rid,
            fix="leave the decisions of removed records empty",
        )
        return problems
    # what the record would look like if this row's earlier stages were applied
    projected = dict(current)
    for stage in STAGES:
        if stage not in decisions:
            continue
        decision, reason = decisions[stage]
        column = STAGE_FIELDS[stage][0]
        if not decision:
            problem("a reason without a decision", column, fix=f"fill in {column}")
            continue
        why = _stage_reached(stage, projected)
        if why:
            problem(
                "record has not reached this stage",
                column,
                found=decision,
                fix=why,
            )
        for old in log:
            if (
                old.get("record_id") == rid
                and old.get("stage") == stage
                and old.get("role", "review") == role == "review"
                and old.get("reviewer", "") == reviewer
                and (old.get("decision"), old.get("reason", "")) != (decision, reason)
            ):
                problem(
                    f"reviewer {reviewer or '(unnamed)'} already recorded another decision",
                    column,
                    found=decision,
                    expected=old.get("decision"),
                    fix="record a revision as a resolution (livingreview conflicts), or "
                    "correct screening/decisions.csv by hand",
                )
                break
        projected.update(_ledger_values(stage, decision, reason))
    reason = decisions.get("eligibility", ("", ""))[1]
    if reason and reason not in reasons:
        problem(
            "exclusion reason is not defined in data/protocol.yaml",
            "exclusion_reason",
            found=reason,
            expected=f"one of: {', '.join(reasons)}",
            fix="use a defined code or add it under exclusion_reasons",
        )
    if decisions.get("eligibility", ("", ""))[0] == "exclude" and not reason:
        problem(
            "an exclusion at full text needs its reason",
            "exclusion_reason",
            expected=f"one of: {', '.join(reasons)}",
            fix="fill in exclusion_reason",
        )
    return problems


def write_conflicts_sheet(records: str | Path, log: str | Path, sheet: str | Path) -> int:
    """Write a sheet of every open disagreement (refused if ``sheet`` exists); return how many.

    It has the record's details, the ``stage``, the ``disagreement`` and empty
    decision columns; applied with :func:`apply_screening`, its rows are
    recorded as resolutions.
    """
    conflicts = find_conflicts(read_decision_log(log))
    _, ledger = read_csv_rows(records)
    by_id = {r["record_id"]: r for _, r in ledger}
    columns = (
        "record_id",
        "stage",
        CONFLICT_COLUMN,
        "title",
        "authors",
        "year",
        "link",
        *STAGE_FIELDS["screening"],
        *STAGE_FIELDS["eligibility"],
        "reviewer",
        "decided_on",
        "note",
    )
    rows = []
    for c in conflicts:
        base = by_id.get(c.record_id, {})
        rows.append(
            {
                **{k: base.get(k, "") for k in ("title", "authors", "year")},
                "record_id": c.record_id,
                "stage": c.stage,
                CONFLICT_COLUMN: c.describe(),
                "link": record_link(base),
            }
        )
    write_new_csv(sheet, columns, rows, for_spreadsheets=True)
    return len(rows)

"""Decisions made in screening tools (Rayyan, Covidence, ASReview) turned into sheets.

Each export is read like a search export, every record is matched to the
ledger (DOI, PMID, then title and year, as de-duplication does) and its
decisions are written to completed sheets for one stage, one sheet per
reviewer, which ``apply-screening`` then records like any other sheet:

* Rayyan CSV: the ``notes`` cell holds ``RAYYAN-INCLUSION: {"Ana"=>"Included",
  "Ben"=>"Excluded"}`` (one decision per reviewer; "Maybe" is not a decision)
  and ``RAYYAN-EXCLUSION-REASONS: ...``;
* ASReview CSV: the ``included`` column is 1 (relevant), 0 (irrelevant) or empty
  (not screened); the reviewer is given on the command line;
* Covidence CSV: Covidence exports one list per outcome ("included", "excluded"
  ...), so the decision of the whole file is given on the command line.

A record that matches nothing in the ledger is an error naming the export line,
and no sheet is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..errors import DataError, Problem, raise_if_any
from ..validation import read_csv_rows
from .deduplicate import ledger_index
from .export_common import ExportRecord
from .export_tables import read_csv_export
from .fields import STAGE_FIELDS
from .screening import write_screening_sheet
from .search_import import refuse_existing, slug

TOOLS = ("rayyan", "asreview", "covidence")

_RAYYAN = re.compile(r"RAYYAN-INCLUSION:\s*\{(.*?)\}")
_RAYYAN_VOTE = re.compile(r'"([^"]+)"\s*=>\s*"(Included|Excluded|Maybe)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_WORD = {"Included": "include", "Excluded": "exclude"}


def rayyan_votes(notes: str) -> tuple[dict[str, str], str]:
    """``({reviewer: include|exclude}, exclusion reasons)`` from a Rayyan notes cell."""
    votes = {}
    match = _RAYYAN.search(notes or "")
    if match:
        for who, word in _RAYYAN_VOTE.findall(match.group(1)):
            if word in _WORD:
                votes[who] = _WORD[word]
    reasons = _RAYYAN_REASONS.search(notes or "")
    return votes, (reasons.group(1).strip() if reasons else "")


def _votes(
    record: ExportRecord, tool: str, reviewer: str, decision: str
) -> tuple[dict[str, str], str]:
    if tool == "rayyan":
        return rayyan_votes(record.extra.get("notes", ""))
    if tool == "asreview":
        value = record.extra.get("included", "").strip()
        word = {"1": "include", "0": "exclude"}.get(value.split(".")[0] if value else "")
        return ({reviewer: word} if word else {}), ""
    return {reviewer: decision}, ""


def decisions_to_sheets(
    records: str | Path,
    export: str | Path,
    folder: str | Path,
    *,
    tool: str,
    stage: str = "screening",
    reviewer: str = "",
    decision: str = "",
) -> list[Path]:
    """Write one completed ``stage`` sheet per reviewer from a tool's export; return them.

    Sheets are named ``<export name>_<reviewer>.csv`` in ``folder`` and are
    never overwritten.
    """
    problems: list[Problem] = []
    if tool not in TOOLS:
        problems.append(Problem("--tool", "unknown tool", found=tool, expected=", ".join(TOOLS)))
    if stage not in ("screening", "eligibility"):
        problems.append(Problem("--stage", "tools decide screening or eligibility", found=stage))
    if tool == "covidence" and decision not in ("include", "exclude"):
        problems.append(
            Problem(
                "--decision",
                "a Covidence export is one list: say which",
                expected="include or exclude",
            )
        )
    if tool in ("asreview", "covidence") and not reviewer:
        problems.append(Problem("--reviewer", "say who screened", fix="pass --reviewer NAME"))
    raise_if_any(problems, DataError, "cannot read the decisions")
    _, ledger = read_csv_rows(records)
    index = ledger_index(r for _, r in ledger)
    by_reviewer: dict[str, list[Mapping[str, str]]] = {}
    by_id = {r["record_id"]: r for _, r in ledger}
    decision_col, reason_col = STAGE_FIELDS[stage]
    for record in read_csv_export(export):
        votes, reasons = _votes(record, tool, reviewer, decision)
        if not votes:
            continue
        hit = index.match(record.fields)
        if hit is None:
            problems.append(
                Problem(
                    str(export),
                    "record matches no ledger record (by DOI, PMID or title and year)",
                    row=record.line,
                    found=record.fields["title"],
                    fix="import the search the tool screened first, or remove the row",
                )
            )
            continue
        rid = hit[0]
        for who, word in votes.items():
            row = {
                **by_id[rid],
                "record_id": rid,
                decision_col: word,
                reason_col: reasons if word == "exclude" else "",
                "reviewer": who,
                "note": f"from {tool} export {Path(export).name}, line {record.line}",
            }
            by_reviewer.setdefault(who, []).append(row)
    raise_if_any(problems, DataError, f"{export}: decisions cannot be matched to the ledger")
    folder = Path(folder)
    paths = [folder / f"{Path(export).stem}_{slug(who)}.csv" for who in by_reviewer]
    refuse_existing(*paths)
    for path, (who, rows) in zip(paths, by_reviewer.items(), strict=True):
        write_screening_sheet(path, rows, stage, who)  # decisions filled in
    return paths

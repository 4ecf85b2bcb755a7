"""The review's to-do list: records waiting for a decision, included studies not complete.

For every record the stage it waits at (title/abstract screening, retrieval,
full-text eligibility, linking to its study; see
:mod:`livingreview.ledger.stages`); for every included study what it still
lacks: its row in ``data/studies.csv``, extraction values (an empty cell that
no ``extraction_sources`` row for that field explains), sources for the values
it has, outcome rows, a risk-of-bias judgement and its bibliography entries.
Disagreements between two reviewers are listed too.

The files are read as plain rows, not validated (``validate`` does that), so
the list can be made while the data are half entered; it reads the ledger
once and keeps only what it needs, so 100,000 records take about a second.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReviewError
from ..io import read_text
from ..ledger.reviewers import find_conflicts, read_decision_log, waiting_for_second
from ..ledger.stages import AWAITING_STAGES, awaiting_stage
from ..validation import read_csv_rows

if TYPE_CHECKING:  # validated data come from review_data, which imports pandas itself
    import pandas as pd

    from .review_data import ReviewData

DECISION_LOG = Path("screening") / "decisions.csv"
"""The reviewers' decision log, relative to the project folder."""

LACKS = ("study row", "extraction values", "sources", "outcomes", "risk of bias", "bib entry")
"""What an included study can lack, in the order the list shows them."""

STAGE_WORDS = {
    "screening": "title/abstract screening",
    "retrieval": "full-text retrieval",
    "eligibility": "full-text eligibility",
    "linking": "linking to its study",
}


@dataclass
class Status:
    """The to-do list. Empty lists everywhere means nothing is missing."""

    awaiting: dict[str, list[str]] = field(default_factory=dict)  # stage -> record ids
    studies: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # id -> lack -> detail
    included: int = 0
    conflicts: list[str] = field(default_factory=list)
    second_review: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when no record waits and no included study lacks anything."""
        return not (
            any(self.awaiting.values()) or self.studies or self.conflicts or self.second_review
        )

    def summary(self) -> str:
        """The one line ``validate``, ``status`` and the build print."""
        if self.complete:
            return (
                f"nothing to do: no record awaits a decision and all {self.included} "
                "included studies are complete"
            )
        parts = []
        waiting = sum(len(v) for v in self.awaiting.values())
        if waiting:
            stages = ", ".join(
                f"{STAGE_WORDS[s]} {len(ids)}" for s, ids in self.awaiting.items() if ids
            )
            parts.append(f"{waiting} records await a decision ({stages})")
        if self.second_review:
            parts.append(f"{len(self.second_review)} decisions await the second reviewer")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} disagreements to resolve")
        if self.studies:
            lacks = {lack: 0 for lack in LACKS}
            for missing in self.studies.values():
                for lack in missing:
                    lacks[lack] += 1
            what = ", ".join(f"{lack} {n}" for lack, n in lacks.items() if n)
            parts.append(
                f"{len(self.studies)} of {self.included} included studies are incomplete ({what})"
            )
        return "to do: " + "; ".join(parts)

    def lines(self) -> list[str]:
        """The full list, one line per record or study."""
        out = []
        for stage, ids in self.awaiting.items():
            for rid in ids:
                out.append(f"record {rid}: awaits {STAGE_WORDS[stage]}")
        for item in self.second_review:
            out.append(f"record {item}: awaits the second reviewer")
        for item in self.conflicts:
            out.append(f"record {item}: reviewers disagree (livingreview conflicts)")
        for sid, missing in self.studies.items():
            details = "; ".join(
                f"{lack}: {', '.join(d)}" if d else lack for lack, d in missing.items()
            )
            out.append(f"study {sid}: lacks {details}")
        if any("extraction values" in m for m in self.studies.values()):
            out.append(
                "(an empty value counts as done once data/extraction_sources.csv has a row for "
                "that study and field saying where it was looked for, e.g. 'not reported')"
            )
        return out


_KEEP = ("record_id", "source_type", "duplicate_of", "removed", "screening", "retrieval")
_KEEP += ("eligibility", "study_id", "bib_key")


def _ledger_rows(path: str | Path) -> Iterator[dict[str, str]]:
    """The ledger's rows, one at a time, with only the columns the stages need."""
    reader = csv.reader(io.StringIO(read_text(path)))
    header = [h.strip() for h in next(reader, [])]
    index = [(k, header.index(k)) for k in _KEEP if k in header]
    for cells in reader:
        if any(c.strip() for c in cells):
            yield {k: cells[i].strip() if i < len(cells) else "" for k, i in index}


def _validated_ledger_rows(records: pd.DataFrame) -> Iterator[dict[str, str]]:
    """:func:`_ledger_rows` of the validated ledger (empty cells are None there)."""
    keep = [k for k in _KEEP if k in records.columns]
    columns = [records[k].tolist() for k in keep]
    for values in zip(*columns, strict=True):
        yield {k: v or "" for k, v in zip(keep, values, strict=True)}


def _rows(path: str | Path | None) -> list[dict[str, str]]:
    if path is None or not Path(path).exists():
        return []
    return [row for _, row in read_csv_rows(path)[1]]


def _validated_rows(table: pd.DataFrame) -> list[dict[str, str]]:
    """:func:`_rows` of a validated table: every value as text, empty cells as ''."""
    from ..validation import frame_rows

    return [
        {k: "" if v is None else str(v) for k, v in row.items() if k != "_line"}
        for row in frame_rows(table)
    ]


def _bib_keys(path: str | Path | None) -> frozenset[str] | None:
    """Keys of the bibliography; None when it cannot be read (reported by validate)."""
    from ..bibliography import entry_keys, parse_bibliography

    if path is None or not Path(path).exists():
        return frozenset()
    try:
        library, _ = parse_bibliography(path)
    except ReviewError:
        return None
    return entry_keys(library)


def _study_lacks(
    study: Mapping[str, str] | None,
    reports: Iterable[Mapping[str, str]],
    sources: Mapping[str, set[str]],
    with_outcomes: set[str],
    with_rob: set[str],
    bib: frozenset[str] | None,
    sid: str,
) -> dict[str, list[str]]:
    lacks: dict[str, list[str]] = {}
    if study is None:
        lacks["study row"] = ["data/studies.csv"]
    else:
        fields = [c for c in study if c not in ("study_id", "bib_key")]
        covered = sources.get(sid, set())
        empty = [c for c in fields if not study[c] and c not in covered]
        if empty:
            lacks["extraction values"] = empty
        if "*" not in covered:
            unsourced = [c for c in fields if study[c] and c not in covered]
            if unsourced:
                lacks["sources"] = unsourced
    if sid not in with_outcomes:
        lacks["outcomes"] = []
    if sid not in with_rob:
        lacks["risk of bias"] = []
    keys = {r.get("bib_key", "") for r in reports} | {(study or {}).get("bib_key", "")}
    keys.discard("")
    if bib is not None:
        missing = sorted(k for k in keys if k not in bib)
        if missing:
            lacks["bib entry"] = missing
    return lacks


def review_status(
    records: str | Path,
    studies: str | Path | None = None,
    sources: str | Path | None = None,
    bibliography: str | Path | None = None,
    outcomes: str | Path | None = None,
    risk_of_bias: str | Path | None = None,
    decisions: str | Path | None = None,
) -> Status:
    """The to-do list of a review from its data files (absent optional files count as empty)."""
    return _status(
        _ledger_rows(records), _rows(studies), _rows(sources), _bib_keys(bibliography),
        outcomes, risk_of_bias, decisions,
    )  # fmt: skip


def validated_review_status(
    data: ReviewData,
    outcomes: str | Path | None = None,
    risk_of_bias: str | Path | None = None,
    decisions: str | Path | None = None,
) -> Status:
    """:func:`review_status` of data :func:`~livingreview.evidence.review_data.load_review_data`
    has validated: the ledger, studies, extraction sources and bibliography keys are
    taken from ``data`` instead of being read again (issue 19: ``validate_data``
    read the ledger and parsed the bibliography a second time for this line)."""
    return _status(
        _validated_ledger_rows(data.records), _validated_rows(data.studies),
        _validated_rows(data.sources), data.bib_keys, outcomes, risk_of_bias, decisions,
    )  # fmt: skip


def _status(
    ledger: Iterable[Mapping[str, str]],
    study_table: list[dict[str, str]],
    source_table: list[dict[str, str]],
    bib: frozenset[str] | None,
    outcomes: str | Path | None,
    risk_of_bias: str | Path | None,
    decisions: str | Path | None,
) -> Status:
    status = Status(awaiting={stage: [] for stage in AWAITING_STAGES})
    included: dict[str, list[Mapping[str, str]]] = {}
    for row in ledger:
        stage = awaiting_stage(row)
        if stage:
            status.awaiting[stage].append(row["record_id"])
        elif row["eligibility"] == "include" and row["study_id"]:
            included.setdefault(row["study_id"], []).append(row)
    study_rows = {r["study_id"]: r for r in study_table}
    for sid in study_rows:
        included.setdefault(sid, [])
    covered: dict[str, set[str]] = {}
    for src in source_table:
        covered.setdefault(src.get("study_id", ""), set()).add(src.get("field", ""))
    with_outcomes = {r.get("study_id", "") for r in _rows(outcomes)}
    with_rob = {r.get("study_id", "") for r in _rows(risk_of_bias)}
    status.included = len(included)
    for sid in sorted(included):
        lacks = _study_lacks(
            study_rows.get(sid), included[sid], covered, with_outcomes, with_rob, bib, sid
        )
        if lacks:
            status.studies[sid] = lacks
    log = read_decision_log(decisions)
    status.conflicts = [f"{c.record_id} ({c.stage})" for c in find_conflicts(log)]
    # one decision logged and the record still waiting at that stage: the second is due
    waiting_at = {rid: stage for stage, ids in status.awaiting.items() for rid in ids}
    status.second_review = [
        f"{r} ({s})" for r, s in waiting_for_second(log) if waiting_at.get(r) == s
    ]
    return status


def configured_status(project: str | Path, config: str | Path = "config/config.yaml") -> Status:
    """:func:`review_status` of the data files ``config`` names (:data:`DECISION_LOG`
    is the decision log)."""
    from .review_data import configured_data_files

    files = configured_data_files(project, config)
    return review_status(
        files["records"],
        files.get("studies"),
        files.get("extraction_sources"),
        files.get("bibliography"),
        files.get("outcomes"),
        files.get("risk_of_bias"),
        Path(project) / DECISION_LOG,
    )

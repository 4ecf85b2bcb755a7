"""PRISMA 2020 data model: the counts of every box, the previous version, the ledger view."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..ledger.stages import AWAITING_STAGES, awaiting_stage
from ..ledger.stages import DBR_SOURCES as DBR_SOURCES  # re-exported
from ..ledger.stages import OTHER_SOURCES as OTHER_SOURCES  # re-exported
from ..validation import frame_rows

if TYPE_CHECKING:  # the ledger arrives as a frame: whoever loaded it imported pandas
    import pandas as pd

RECORDS_FILE = "data/records.csv"


UNSPECIFIED_REASON = ""


@dataclass(frozen=True)
class PrismaCounts:
    """Every box of the PRISMA 2020 flow diagram (new and updated reviews).

    ``previous_*`` are ``None`` for a review that is not an update and
    ``total_*_ma`` are ``None`` when there is no meta-analysis box. The
    ``*_specific`` and ``*_excluded`` mappings are ordered ``name -> count``.
    """

    previous_studies: int | None
    previous_reports: int | None
    database_results: int
    database_specific: Mapping[str, int]
    register_results: int
    register_specific: Mapping[str, int]
    duplicates: int
    excluded_automatic: int
    excluded_other: int
    records_screened: int
    records_excluded: int
    dbr_sought_reports: int
    dbr_notretrieved_reports: int
    dbr_assessed: int
    dbr_excluded: Mapping[str, int]
    website_results: int
    organisation_results: int
    citations_results: int
    other_sought_reports: int
    other_notretrieved_reports: int
    other_assessed: int
    other_excluded: Mapping[str, int]
    new_studies: int
    new_reports: int
    total_studies: int
    total_reports: int
    total_studies_ma: int | None = None
    total_reports_ma: int | None = None
    dbr_assessed_full_text: int | None = None
    dbr_assessed_without_full_text: int | None = None
    other_assessed_full_text: int | None = None
    other_assessed_without_full_text: int | None = None
    """Of the reports assessed in each arm, how many were judged on their full text and
    how many without it (abstract, part of the text or trial registration only), from
    ``read_from`` in the ledger. ``None`` when the ledger does not record what was read
    (or the counts come from a PRISMA2020 template); reports whose row records nothing
    are in neither count."""
    withdrawn_studies: int | None = None
    withdrawn_reports: int | None = None
    withdrawn_reasons: Mapping[str, int] | None = None
    """An updated review whose decision on a record of the previous version changed:
    studies of the previous version no longer included, the previous version's reports
    no longer included, and those reports per reason (the reason of the current
    decision). ``None`` when there are none (and for a review that is not an update)."""
    reassessed_reports: int | None = None
    reassessed_studies: int | None = None
    """Records the previous version accounted for without including them (excluded,
    not retrieved ...) that are included now, on re-assessment, and the studies among
    theirs that the previous version did not include. ``None`` when there are none."""

    @property
    def is_update(self) -> bool:
        """True when the diagram has the "previous studies" column."""
        return self.previous_studies is not None or self.previous_reports is not None

    @property
    def dbr_identified(self) -> int:
        """Records identified from databases and registers (box2)."""
        return self.database_results + self.register_results

    @property
    def other_identified(self) -> int:
        """Records identified by other methods (box11)."""
        return self.website_results + self.organisation_results + self.citations_results

    @property
    def dbr_excluded_total(self) -> int:
        """Reports excluded at full text in the databases/registers arm (box9)."""
        return sum(self.dbr_excluded.values())

    @property
    def other_excluded_total(self) -> int:
        """Reports excluded at full text in the other-methods arm (box15)."""
        return sum(self.other_excluded.values())

    @property
    def has_dbr_arm(self) -> bool:
        """True when the databases/registers arm has anything to show."""
        return any(
            (self.dbr_identified, self.records_screened, self.dbr_sought_reports, self.dbr_assessed)
        )

    @property
    def has_other_arm(self) -> bool:
        """True when the other-methods arm has anything to show."""
        return any((self.other_identified, self.other_sought_reports, self.other_assessed))


@dataclass(frozen=True)
class PreviousVersion:
    """What a previous release of the review included and accounted for.

    ``study_ids``: studies included in that version; ``report_ids``: record ids
    of its included reports; ``record_ids``: every record id it accounted for
    (screened, excluded or included). ``record_ids`` always contains
    ``report_ids``; records listed in it are not counted again as new.
    """

    study_ids: frozenset[str] = frozenset()
    report_ids: frozenset[str] = frozenset()
    record_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable; store frozensets so the value is hashable and immutable.
        object.__setattr__(self, "study_ids", frozenset(self.study_ids))
        object.__setattr__(self, "report_ids", frozenset(self.report_ids))
        object.__setattr__(self, "record_ids", frozenset(self.record_ids) | self.report_ids)

    @classmethod
    def from_records(cls, records: pd.DataFrame) -> PreviousVersion:
        """Snapshot a ledger as it stood at a release: its included studies and reports."""
        ledger = _Ledger(records)
        included = [r for r in ledger.rows if r.get("eligibility") == "include"]
        return cls(
            study_ids=frozenset(r["study_id"] for r in included if r.get("study_id")),
            report_ids=frozenset(r["record_id"] for r in included),
            record_ids=frozenset(r["record_id"] for r in ledger.rows if r.get("record_id")),
        )


def _cell(value: Any) -> str:
    """Normalise a ledger cell: None, NaN and blanks all become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from pandas
        return ""
    return str(value).strip()


def _stripped_rows(records: pd.DataFrame) -> tuple[list[dict[str, str]], list[str]]:
    """Each row of ``records`` as a dict of :func:`_cell` values (without ``_line``),
    and each row's ``_line`` cell ('' without that column).

    Cells are normalised a column at a time and zipped into rows (issue 19: a
    100,000-record ledger is 1.6 million cells); plain strings, most cells, skip
    ``_cell``'s checks.
    """
    if any(dtype.kind != "O" for dtype in records.dtypes) or not records.columns.is_unique:
        raw = frame_rows(records)  # other column types: pandas's own rows
        rows = [{k: _cell(v) for k, v in r.items() if k != "_line"} for r in raw]
        return rows, [_cell(r.get("_line")) for r in raw]
    names = [c for c in records.columns if c != "_line"]
    columns = [
        [v.strip() if type(v) is str else _cell(v) for v in records[c].tolist()] for c in names
    ]
    rows = [dict(zip(names, cells, strict=True)) for cells in zip(*columns, strict=True)]
    if not names:
        rows = [{} for _ in range(len(records))]
    if "_line" not in records.columns:
        return rows, [""] * len(rows)
    return rows, [_cell(v) for v in records["_line"].tolist()]


class _Ledger:
    """Ledger rows as plain dicts of stripped strings, plus the line of each row.

    ``rows`` are the records the flow diagram counts; records still awaiting a
    decision (see :func:`awaiting_stage`) are kept apart in ``awaiting``, so a
    living review can be rebuilt while a new search is being screened.
    """

    def __init__(self, records: pd.DataFrame) -> None:
        self.rows: list[dict[str, str]] = []
        self.awaiting: list[dict[str, str]] = []
        self._lines: dict[int, int | None] = {}
        for row, line in zip(*_stripped_rows(records), strict=True):
            self._lines[id(row)] = int(float(line)) if line else None
            (self.awaiting if awaiting_stage(row) else self.rows).append(row)
        self.by_id = {r["record_id"]: r for r in self.rows + self.awaiting if r.get("record_id")}

    def line_of(self, row: dict[str, str]) -> int | None:
        """Line of ``row`` in the CSV file (None when the frame has no ``_line``)."""
        return self._lines[id(row)]


def as_ledger(records: pd.DataFrame | _Ledger) -> _Ledger:
    """``records`` as a :class:`_Ledger`; one already built is used as it is, so a caller
    that counts, checks and lists the same 100,000-record ledger builds it once (issue 19)."""
    return records if isinstance(records, _Ledger) else _Ledger(records)


def _is_removed(row: Mapping[str, str]) -> bool:
    """Removed before screening: a duplicate or removed by automation / other reason."""
    return bool(row.get("duplicate_of")) or bool(row.get("removed"))


BOX_OF_FIELD: dict[str, str] = {
    "previous_studies": "box1",
    "previous_reports": "box1",
    "database_results": "box2",
    "database_specific": "box2",
    "register_results": "box2",
    "register_specific": "box2",
    "duplicates": "box3",
    "excluded_automatic": "box3",
    "excluded_other": "box3",
    "records_screened": "box4",
    "records_excluded": "box5",
    "dbr_sought_reports": "box6",
    "dbr_notretrieved_reports": "box7",
    "dbr_assessed": "box8",
    "dbr_excluded": "box9",
    "new_studies": "box10",
    "new_reports": "box10",
    "website_results": "box11",
    "organisation_results": "box11",
    "citations_results": "box11",
    "other_sought_reports": "box12",
    "other_notretrieved_reports": "box13",
    "other_assessed": "box14",
    "other_excluded": "box15",
    "total_studies": "box16",
    "total_reports": "box16",
    "total_studies_ma": "box17",
    "total_reports_ma": "box17",
    "dbr_assessed_full_text": "box8",
    "dbr_assessed_without_full_text": "box8",
    "other_assessed_full_text": "box14",
    "other_assessed_without_full_text": "box14",
    # Not in the PRISMA 2020 template: drawn under "Previous studies" when a decision
    # on a record of the previous version changed (see flow_content).
    "withdrawn_studies": "previous_withdrawn",
    "withdrawn_reports": "previous_withdrawn",
    "withdrawn_reasons": "previous_withdrawn",
    "reassessed_reports": "reassessed",
    "reassessed_studies": "reassessed",
}

FULL_TEXT = "full_text"


def reading_counts(read_from: Iterable[str]) -> dict[str, int]:
    """How many assessments were made on the full text, without it, or with nothing recorded.

    ``read_from`` holds one ``read_from`` cell per assessed report (``abstract``,
    ``abstract+registration``, ``full_text`` ...): ``full_text`` counts reports
    whose cell names the full text, ``without_full_text`` those whose cell names
    only the abstract, part of the text, the registration or the bibliographic
    record, ``unrecorded`` those with an empty cell.
    """
    out = {FULL_TEXT: 0, "without_full_text": 0, "unrecorded": 0}
    for cell in read_from:
        parts = _cell(cell).split("+")
        if parts == [""]:
            out["unrecorded"] += 1
        else:
            out[FULL_TEXT if FULL_TEXT in parts else "without_full_text"] += 1
    return out


def awaiting_counts(records: pd.DataFrame | _Ledger) -> dict[str, int]:
    """Records awaiting each decision (not yet in the flow diagram), and their total."""
    ledger = as_ledger(records)
    counts = {stage: 0 for stage in AWAITING_STAGES}
    for row in ledger.awaiting:
        counts[str(awaiting_stage(row))] += 1
    return {**counts, "total": len(ledger.awaiting)}

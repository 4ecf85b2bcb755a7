"""PRISMA 2020 flow counts: derived from the screening ledger, checked, exchanged.

The counts are never typed by hand: :func:`derive_counts` computes every box of
the PRISMA 2020 flow diagram from ``data/records.csv`` (one row per record),
:func:`check_invariants` proves they add up, and the counts leave this module as

* a :class:`PrismaCounts` value for :mod:`livingreview.flow_diagram`,
* the 34-row CSV template of the PRISMA2020 R package / Shiny app
  (:func:`to_prisma2020_csv`, read back by :func:`from_prisma2020_csv`),
* a nested dict for Quarto's ``_variables.yml`` (:func:`counts_as_variables`),
* ``results/prisma/counts.json`` (:func:`derive_counts_from_files` writes it with
  the template; :func:`read_counts` reads it back for the drawing rule).

How the ledger maps to boxes
----------------------------
*Databases and registers arm* (``source_type`` database or register):
identified = every row; box3 removes rows with ``duplicate_of`` (duplicates),
then ``removed`` = automation / other; every remaining row is *screened*;
``screening`` exclude -> records excluded, include -> report sought;
``retrieval`` not_retrieved -> not retrieved, retrieved -> assessed;
``eligibility`` exclude -> excluded with its ``exclusion_reason``, include -> included.

*Other methods arm* (website, organisation, citation_search): identified = every
row. PRISMA 2020 has no screening box here, so a row goes straight to "reports
sought" unless it is a duplicate, removed, or screened out (``screening`` =
exclude); such rows are counted as identified but not sought. Retrieval and
eligibility then work as in the first arm.

*Studies and reports*: one ledger row is one report. Several reports may
describe one study (same ``study_id``). ``new_reports`` counts included rows;
``new_studies`` counts the distinct ``study_id`` of included rows that were not
already included in the previous version.

Updated reviews (:class:`PreviousVersion`)
------------------------------------------
A living review keeps earlier records in the ledger. Every row whose
``record_id`` is in ``previous.record_ids`` (all records the previous version
accounted for; its included reports at least) is *skipped* from both new arms,
so a record is counted once, in the version that first saw it. The previous
version contributes ``previous_studies = len(previous.study_ids)`` and
``previous_reports = len(previous.report_ids)``. A new report of a study that
was already included adds to ``new_reports`` and ``total_reports`` but not to
``new_studies``, so ``total_studies = previous_studies + new_studies`` counts
every study once.

Variables for the prose (:func:`counts_as_variables`)
-----------------------------------------------------
``records``
    ``identified_databases``, ``identified_registers``, ``identified_dbr``
    (databases + registers), ``identified_websites``, ``identified_organisations``,
    ``identified_citations``, ``identified_other`` (websites + organisations +
    citations), ``identified`` (both arms), ``duplicates``, ``removed_automation``,
    ``removed_other``, ``removed_before_screening`` (the three together),
    ``screened``, ``excluded``.
``reports``
    ``dbr_sought``, ``dbr_not_retrieved``, ``dbr_assessed``, ``dbr_excluded``,
    ``dbr_included``, ``other_sought``, ``other_not_retrieved``,
    ``other_assessed``, ``other_excluded``, ``other_included``, ``sought``,
    ``not_retrieved``, ``assessed``, ``excluded`` (both arms), ``new``,
    ``previous``, ``total``, ``meta_analysis``.
``studies``
    ``new``, ``previous``, ``total``, ``meta_analysis``.
``excluded_reasons`` / ``excluded_reasons_dbr`` / ``excluded_reasons_other``
    reports excluded per reason (both arms / one arm), keyed by the reason code
    from ``data/protocol.yaml`` when ``reason_labels`` is given, else by a
    snake_case slug of the label.
``databases`` / ``registers``
    records identified per named source, keyed by a snake_case slug of the name.

Values are plain integers. Keys whose box does not apply (``previous`` when the
review is not an update, ``meta_analysis`` when no meta-analysis) are left out,
so a chapter quoting them fails loudly instead of printing an empty value.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError, PrismaError, Problem, raise_if_any
from .io import read_text, read_yaml, write_text
from .validation import load_table

RECORDS_FILE = "data/records.csv"

DBR_SOURCES = ("database", "register")
OTHER_SOURCES = ("website", "organisation", "citation_search")

UNSPECIFIED_REASON = ""
"""Key of an exclusion count given without reasons (a template whose ``n`` is a number)."""


# --------------------------------------------------------------------------- #
# Counts
# --------------------------------------------------------------------------- #


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


# --------------------------------------------------------------------------- #
# Reading the ledger
# --------------------------------------------------------------------------- #


def _cell(value: Any) -> str:
    """Normalise a ledger cell: None, NaN and blanks all become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from pandas
        return ""
    return str(value).strip()


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
        for raw in records.to_dict(orient="records"):
            row = {k: _cell(v) for k, v in raw.items() if k != "_line"}
            line = _cell(raw.get("_line"))
            self._lines[id(row)] = int(float(line)) if line else None
            (self.awaiting if awaiting_stage(row) else self.rows).append(row)
        self.by_id = {r["record_id"]: r for r in self.rows + self.awaiting if r.get("record_id")}

    def line_of(self, row: dict[str, str]) -> int | None:
        """Line of ``row`` in the CSV file (None when the frame has no ``_line``)."""
        return self._lines[id(row)]


AWAITING_STAGES = ("screening", "retrieval", "eligibility")


def awaiting_stage(row: Mapping[str, str]) -> str | None:
    """The decision a record still waits for (``screening``, ``retrieval`` or
    ``eligibility``), or None once it has left the flow or been included.

    A record waits only when every earlier decision moved it on and the next
    one is blank (a new search result not yet screened, a report not yet
    assessed). Such records are not counted until decided; contradictory rows
    are still reported by :func:`check_invariants`.
    """
    kind = row.get("source_type")
    if kind not in DBR_SOURCES + OTHER_SOURCES:
        return None  # reported by check_invariants: counted in no box
    if _is_removed(row) or row.get("screening") == "exclude":
        return None
    dbr = kind in DBR_SOURCES
    if dbr and not row.get("screening"):
        return "screening" if not (row.get("retrieval") or row.get("eligibility")) else None
    if not row.get("retrieval"):
        return "retrieval" if not row.get("eligibility") else None
    if row.get("retrieval") == "retrieved" and not row.get("eligibility"):
        return "eligibility"
    return None


def awaiting_counts(records: pd.DataFrame) -> dict[str, int]:
    """Records awaiting each decision (not yet in the flow diagram), and their total."""
    ledger = _Ledger(records)
    counts = {stage: 0 for stage in AWAITING_STAGES}
    for row in ledger.awaiting:
        counts[str(awaiting_stage(row))] += 1
    return {**counts, "total": len(ledger.awaiting)}


def _is_removed(row: Mapping[str, str]) -> bool:
    """Removed before screening: a duplicate or removed by automation / other reason."""
    return bool(row.get("duplicate_of")) or bool(row.get("removed"))


@dataclass(frozen=True)
class _Arm:
    """The rows of one arm that reach each stage of the flow."""

    rows: list[dict[str, str]]
    kept: list[dict[str, str]]
    sought: list[dict[str, str]]
    not_retrieved: list[dict[str, str]]
    assessed: list[dict[str, str]]
    excluded: list[dict[str, str]]
    included: list[dict[str, str]]


def _walk(rows: list[dict[str, str]], has_screening: bool) -> _Arm:
    """Follow rows through the stages.

    In the databases/registers arm a kept record is sought only when screening
    included it; the other-methods arm has no screening box, so a kept record
    is sought unless it was explicitly screened out.
    """
    kept = [r for r in rows if not _is_removed(r)]
    if has_screening:
        sought = [r for r in kept if r.get("screening") == "include"]
    else:
        sought = [r for r in kept if r.get("screening") != "exclude"]
    assessed = [r for r in sought if r.get("retrieval") == "retrieved"]
    return _Arm(
        rows=rows,
        kept=kept,
        sought=sought,
        not_retrieved=[r for r in sought if r.get("retrieval") == "not_retrieved"],
        assessed=assessed,
        excluded=[r for r in assessed if r.get("eligibility") == "exclude"],
        included=[r for r in assessed if r.get("eligibility") == "include"],
    )


def _count_by(rows: Iterable[Mapping[str, str]], key: str) -> dict[str, int]:
    """Count rows per value of ``key``, in order of first appearance (the ledger's order)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.get(key, "")] = counts.get(row.get(key, ""), 0) + 1
    return counts


def _reason_counts(rows: list[dict[str, str]], reason_labels: Mapping[str, str]) -> dict[str, int]:
    """Excluded reports per reason label, in protocol order; unknown codes keep their code."""
    by_code = _count_by(rows, "exclusion_reason")
    ordered = [c for c in reason_labels if c in by_code] + [
        c for c in by_code if c not in reason_labels
    ]
    return {reason_labels.get(code, code or UNSPECIFIED_REASON): by_code[code] for code in ordered}


def _walk_ledger(
    records: pd.DataFrame, previous: PreviousVersion | None
) -> tuple[_Ledger, frozenset[str], _Arm, _Arm]:
    """The ledger, the record ids of the previous version, and the walk of each arm
    over the records that version did not account for."""
    ledger = _Ledger(records)
    seen = frozenset(previous.record_ids) if previous else frozenset()
    new_rows = [r for r in ledger.rows if r.get("record_id") not in seen]
    dbr = _walk([r for r in new_rows if r.get("source_type") in DBR_SOURCES], has_screening=True)
    other = _walk([r for r in new_rows if r.get("source_type") in OTHER_SOURCES], False)
    return ledger, seen, dbr, other


def derive_counts(
    records: pd.DataFrame,
    reason_labels: Mapping[str, str],
    previous: PreviousVersion | None = None,
    meta_analysis: tuple[int, int] | None = None,
    *,
    check: bool = True,
    records_file: str = RECORDS_FILE,
) -> PrismaCounts:
    """Count every PRISMA 2020 box from the screening ledger.

    ``records`` is ``data/records.csv`` as loaded by
    :func:`livingreview.validation.load_table` (a ``_line`` column is used in
    messages when present). ``reason_labels`` maps exclusion reason codes to
    the labels shown in the diagram. ``previous`` describes the last release
    (records it accounted for are skipped, see the module docstring).
    ``meta_analysis`` is ``(studies, reports)`` in the meta-analysis, if any.

    With ``check`` (the default) the result and the ledger are passed through
    :func:`check_invariants`, which raises :class:`PrismaError` listing every
    violation.
    """
    _, _, dbr, other = _walk_ledger(records, previous)

    dbr_removed = [r for r in dbr.rows if _is_removed(r)]
    databases = [r for r in dbr.rows if r["source_type"] == "database"]
    registers = [r for r in dbr.rows if r["source_type"] == "register"]
    included = dbr.included + other.included
    previous_studies = previous.study_ids if previous else frozenset()
    new_study_ids = {r["study_id"] for r in included if r.get("study_id")} - previous_studies

    n_prev_studies = len(previous.study_ids) if previous else None
    n_prev_reports = len(previous.report_ids) if previous else None
    counts = PrismaCounts(
        previous_studies=n_prev_studies,
        previous_reports=n_prev_reports,
        database_results=len(databases),
        database_specific=_count_by(databases, "source"),
        register_results=len(registers),
        register_specific=_count_by(registers, "source"),
        duplicates=sum(1 for r in dbr_removed if r.get("duplicate_of")),
        excluded_automatic=sum(
            1 for r in dbr_removed if not r.get("duplicate_of") and r["removed"] == "automation"
        ),
        excluded_other=sum(
            1 for r in dbr_removed if not r.get("duplicate_of") and r["removed"] == "other"
        ),
        records_screened=len(dbr.kept),
        records_excluded=sum(1 for r in dbr.kept if r.get("screening") == "exclude"),
        dbr_sought_reports=len(dbr.sought),
        dbr_notretrieved_reports=len(dbr.not_retrieved),
        dbr_assessed=len(dbr.assessed),
        dbr_excluded=_reason_counts(dbr.excluded, reason_labels),
        website_results=sum(1 for r in other.rows if r["source_type"] == "website"),
        organisation_results=sum(1 for r in other.rows if r["source_type"] == "organisation"),
        citations_results=sum(1 for r in other.rows if r["source_type"] == "citation_search"),
        other_sought_reports=len(other.sought),
        other_notretrieved_reports=len(other.not_retrieved),
        other_assessed=len(other.assessed),
        other_excluded=_reason_counts(other.excluded, reason_labels),
        new_studies=len(new_study_ids),
        new_reports=len(included),
        total_studies=(n_prev_studies or 0) + len(new_study_ids),
        total_reports=(n_prev_reports or 0) + len(included),
        total_studies_ma=meta_analysis[0] if meta_analysis else None,
        total_reports_ma=meta_analysis[1] if meta_analysis else None,
    )
    if check:
        check_invariants(
            counts,
            records,
            reason_labels=reason_labels,
            previous=previous,
            source=records_file,
            records_file=records_file,
        )
    return counts


@dataclass(frozen=True)
class FlowRecords:
    """The ledger rows behind the flow diagram, each new row in exactly one *exit* list.

    A record leaves the flow once: removed before screening, excluded at
    screening (in the other-methods arm: identified but not sought), not
    retrieved, excluded at full text, or included. ``previous`` holds the rows
    of the reports included in the previous version. Rows are plain dicts of
    stripped strings, in ledger order. The lists are the same walk
    :func:`derive_counts` counts, so their lengths are the diagram's numbers.
    """

    previous: list[dict[str, str]]
    dbr_removed: list[dict[str, str]]
    dbr_screened_out: list[dict[str, str]]
    dbr_not_retrieved: list[dict[str, str]]
    dbr_excluded: list[dict[str, str]]
    other_not_sought: list[dict[str, str]]
    other_not_retrieved: list[dict[str, str]]
    other_excluded: list[dict[str, str]]
    included: list[dict[str, str]]
    awaiting: list[dict[str, str]] = field(default_factory=list)
    """New records still awaiting a decision (not in the diagram yet)."""


def flow_records(records: pd.DataFrame, previous: PreviousVersion | None = None) -> FlowRecords:
    """Split the ledger into the records behind each exit of the PRISMA flow."""
    ledger, seen, dbr, other = _walk_ledger(records, previous)
    sought_ids = {id(r) for r in other.sought}
    report_ids = previous.report_ids if previous else frozenset()
    return FlowRecords(
        previous=[r for r in ledger.rows if r.get("record_id") in report_ids],
        dbr_removed=[r for r in dbr.rows if _is_removed(r)],
        dbr_screened_out=[r for r in dbr.kept if r.get("screening") == "exclude"],
        dbr_not_retrieved=dbr.not_retrieved,
        dbr_excluded=dbr.excluded,
        other_not_sought=[r for r in other.rows if id(r) not in sought_ids],
        other_not_retrieved=other.not_retrieved,
        other_excluded=other.excluded,
        included=dbr.included + other.included,
        awaiting=[r for r in ledger.awaiting if r.get("record_id") not in seen],
    )


# --------------------------------------------------------------------------- #
# Invariants
# --------------------------------------------------------------------------- #

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
}
"""PRISMA2020 template box id of every count field."""


def _box(name: str) -> str:
    """``box4 records_screened``: how messages name a box."""
    return f"{BOX_OF_FIELD[name]} {name}"


def _value(counts: PrismaCounts, name: str) -> int:
    value = getattr(counts, name)
    if isinstance(value, Mapping):
        return sum(value.values())
    return value or 0


def _equation_problem(
    counts: PrismaCounts, source: str, target: str, plus: list[str], minus: list[str]
) -> Problem | None:
    """Problem if ``target != sum(plus) - sum(minus)``, spelling out every term."""
    expected = sum(_value(counts, n) for n in plus) - sum(_value(counts, n) for n in minus)
    found = _value(counts, target)
    if found == expected:
        return None
    terms = " + ".join(f"{_box(n)} ({_value(counts, n)})" for n in plus)
    if minus:
        terms += " - " + " - ".join(f"{_box(n)} ({_value(counts, n)})" for n in minus)
    return Problem(
        source,
        f"{_box(target)} is {found} but {terms} = {expected}",
        column=target,
        found=str(found),
        expected=str(expected),
        fix="correct the counts so the flow adds up (derive them from data/records.csv)",
    )


def _at_most_problem(
    counts: PrismaCounts, source: str, small: str, large: str, what: str
) -> Problem | None:
    a, b = getattr(counts, small), getattr(counts, large)
    if a is None or b is None:
        return None
    a, b = _value(counts, small), _value(counts, large)
    if a <= b:
        return None
    return Problem(
        source,
        f"{_box(small)} ({a}) exceeds {_box(large)} ({b}): {what}",
        column=small,
        found=str(a),
        expected=f"at most {b}",
        fix="correct the counts",
    )


# target = sum(plus) - sum(minus); a mapping counts as the sum of its values.
EQUATIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "records_screened",
        ("database_results", "register_results"),
        ("duplicates", "excluded_automatic", "excluded_other"),
    ),
    ("dbr_assessed", ("dbr_sought_reports",), ("dbr_notretrieved_reports",)),
    ("other_assessed", ("other_sought_reports",), ("other_notretrieved_reports",)),
    ("new_reports", ("dbr_assessed", "other_assessed"), ("dbr_excluded", "other_excluded")),
    ("total_studies", ("previous_studies", "new_studies"), ()),
    ("total_reports", ("previous_reports", "new_reports"), ()),
)

# small <= large, with the reason shown to the user; skipped when either is None.
BOUNDS: tuple[tuple[str, str, str], ...] = (
    ("records_excluded", "records_screened", "more records excluded than screened"),
    ("dbr_excluded", "dbr_assessed", "the reasons add up to more reports than were assessed"),
    ("other_excluded", "other_assessed", "the reasons add up to more reports than were assessed"),
    ("new_studies", "new_reports", "every new study needs at least one included report"),
    ("total_studies", "total_reports", "every study needs at least one report"),
    ("previous_studies", "previous_reports", "every previous study needs at least one report"),
    ("total_studies_ma", "total_studies", "the meta-analysis cannot have more studies"),
    ("total_reports_ma", "total_reports", "the meta-analysis cannot have more reports"),
    ("total_studies_ma", "total_reports_ma", "every study needs at least one report"),
)


def _type_problems(counts: PrismaCounts, source: str) -> list[Problem]:
    """Every count (and every list entry) is a non-negative whole number or None."""
    problems = []
    for f in fields(counts):
        value = getattr(counts, f.name)
        items = value.items() if isinstance(value, Mapping) else [("", value)]
        for label, n in items:
            if n is None or (isinstance(n, int) and not isinstance(n, bool) and n >= 0):
                continue
            where = f" ({label!r})" if label else ""
            problems.append(
                Problem(
                    source,
                    f"{_box(f.name)}{where} must be a non-negative whole number",
                    column=f.name,
                    found=str(n),
                    fix="correct the count",
                )
            )
    return problems


def _count_problems(counts: PrismaCounts, source: str) -> list[Problem]:
    """Arithmetic relations between boxes (the reference list, plus sanity bounds)."""
    problems = _type_problems(counts, source)
    if problems:
        return problems  # arithmetic on malformed values would only add noise
    found = [_equation_problem(counts, source, t, list(p), list(m)) for t, p, m in EQUATIONS]
    # Per-source detail is optional; when given it must add up to its total.
    if counts.database_specific:
        found.append(
            _equation_problem(counts, source, "database_results", ["database_specific"], [])
        )
    if counts.register_specific:
        found.append(
            _equation_problem(counts, source, "register_results", ["register_specific"], [])
        )
    found += [_at_most_problem(counts, source, *bound) for bound in BOUNDS]
    problems = [p for p in found if p]
    problems += _both_or_neither(counts, source, "previous_studies", "previous_reports")
    problems += _both_or_neither(counts, source, "total_studies_ma", "total_reports_ma")
    return problems


def _both_or_neither(counts: PrismaCounts, source: str, a: str, b: str) -> list[Problem]:
    if (getattr(counts, a) is None) == (getattr(counts, b) is None):
        return []
    missing = a if getattr(counts, a) is None else b
    return [
        Problem(
            source,
            f"{_box(a)} and {_box(b)} must both be given or both be NA",
            column=missing,
            found="NA",
            fix=f"give {missing} or set both to NA",
        )
    ]


def _record_problem(
    file: str,
    ledger: _Ledger,
    row: dict[str, str],
    column: str,
    message: str,
    fix: str,
    found: str | None = None,
    expected: str | None = None,
) -> Problem:
    return Problem(
        file,
        f"record {row.get('record_id') or '?'}: {message}",
        row=ledger.line_of(row),
        column=column,
        found=found,
        expected=expected,
        fix=fix,
    )


def _ledger_problems(
    ledger: _Ledger,
    file: str,
    reason_labels: Mapping[str, str] | None,
    previous: PreviousVersion | None,
) -> list[Problem]:
    """Record-level rules that the counts alone cannot show."""
    problems: list[Problem] = []
    seen = previous.record_ids if previous else frozenset()
    for row in ledger.rows:
        if row.get("record_id") in seen:
            continue  # counted, and checked, by the version that first saw it
        problems += _row_problems(ledger, row, file, reason_labels)
    return problems


def _row_problems(
    ledger: _Ledger, row: dict[str, str], file: str, reason_labels: Mapping[str, str] | None
) -> list[Problem]:
    """Walk one record through the flow; report the first stage whose decision is wrong."""
    out: list[Problem] = []

    def problem(column: str, message: str, fix: str, **kw: str | None) -> list[Problem]:
        out.append(_record_problem(file, ledger, row, column, message, fix, **kw))
        return out

    kind = row.get("source_type", "")
    if kind not in DBR_SOURCES + OTHER_SOURCES:
        return problem(
            "source_type",
            "is counted in no PRISMA box",
            "use a known source_type",
            found=kind,
            expected=", ".join(DBR_SOURCES + OTHER_SOURCES),
        )
    dbr = kind in DBR_SOURCES
    screening, retrieval, eligibility = (
        row.get(c, "") for c in ("screening", "retrieval", "eligibility")
    )
    if _is_removed(row):
        return _removed_problems(ledger, row, file)
    if screening == "exclude":
        stray = "retrieval" if retrieval else "eligibility" if eligibility else None
        if stray:
            box = "box5 records_excluded" if dbr else "the other-methods arm (not sought)"
            problem(
                stray,
                f"was excluded at screening ({box}) but has a {stray} decision",
                f"clear {stray} or change the screening decision",
            )
        return out
    if dbr and not screening:
        return problem(
            "screening",
            "is counted in box4 records_screened but has no screening decision",
            "enter include or exclude (or mark the record as removed)",
        )
    sought = "box6 dbr_sought_reports" if dbr else "box12 other_sought_reports"
    if not retrieval:
        return problem(
            "retrieval",
            f"is counted in {sought} but has no retrieval decision",
            "enter retrieved or not_retrieved",
        )
    if retrieval == "not_retrieved":
        if eligibility:
            box = "box7 dbr_notretrieved_reports" if dbr else "box13 other_notretrieved_reports"
            problem(
                "eligibility",
                f"was not retrieved ({box}) but has an eligibility decision",
                "clear eligibility or set retrieval to retrieved",
            )
        return out
    assessed = "box8 dbr_assessed" if dbr else "box14 other_assessed"
    if not eligibility:
        return problem(
            "eligibility",
            f"is counted in {assessed} but has no eligibility decision",
            "enter include or exclude",
        )
    if eligibility == "exclude":
        out += _reason_problems(ledger, row, file, reason_labels, dbr)
    elif not row.get("study_id"):
        problem(
            "study_id",
            "is an included report (box10 new_reports) but maps to no study (box10 new_studies)",
            "enter the study_id of the study it reports",
        )
    return out


def _removed_problems(ledger: _Ledger, row: dict[str, str], file: str) -> list[Problem]:
    """A record removed before screening (box3) carries no later decision."""
    out: list[Problem] = []
    if row.get("duplicate_of"):
        out += _duplicate_problems(ledger, row, file)
        if row.get("removed"):
            out.append(
                _record_problem(
                    file,
                    ledger,
                    row,
                    "removed",
                    "is both a duplicate (box3 duplicates) and removed for another reason",
                    "keep duplicate_of or removed, not both",
                )
            )
        box = "box3 duplicates"
    else:
        box = {"automation": "box3 excluded_automatic"}.get(row["removed"], "box3 excluded_other")
    decided = [c for c in ("screening", "retrieval", "eligibility") if row.get(c)]
    if decided:
        out.append(
            _record_problem(
                file,
                ledger,
                row,
                decided[0],
                f"is removed before screening ({box}) but also has "
                f"a {decided[0]} decision, so it would also count as screened (box4 "
                "records_screened)",
                "clear the screening/retrieval/eligibility cells or the removal",
            )
        )
    return out


def _reason_problems(
    ledger: _Ledger,
    row: dict[str, str],
    file: str,
    reason_labels: Mapping[str, str] | None,
    dbr: bool,
) -> list[Problem]:
    box = "box9 dbr_excluded" if dbr else "box15 other_excluded"
    code = row.get("exclusion_reason", "")
    if not code:
        return [
            _record_problem(
                file,
                ledger,
                row,
                "exclusion_reason",
                f"is an excluded report ({box}) without an exclusion reason",
                "enter a reason code from data/protocol.yaml (exclusion_reasons)",
            )
        ]
    if reason_labels is not None and code not in reason_labels:
        return [
            _record_problem(
                file,
                ledger,
                row,
                "exclusion_reason",
                f"exclusion reason of an excluded report ({box}) is not "
                "defined in data/protocol.yaml",
                "use a defined code or add it under exclusion_reasons in data/protocol.yaml",
                found=code,
                expected="one of: " + ", ".join(reason_labels),
            )
        ]
    return []


def _duplicate_problems(ledger: _Ledger, row: dict[str, str], file: str) -> list[Problem]:
    target_id = row["duplicate_of"]
    target = ledger.by_id.get(target_id)
    message = None
    if target_id == row.get("record_id"):
        message = "is marked as a duplicate of itself (box3 duplicates)"
    elif target is None:
        message = "duplicate_of points to no record in the ledger (box3 duplicates)"
    elif _is_removed(target):
        chain = "a duplicate" if target.get("duplicate_of") else "removed before screening"
        message = f"duplicate_of points to record {target_id}, which is itself {chain}"
    if message is None:
        return []
    return [
        _record_problem(
            file,
            ledger,
            row,
            "duplicate_of",
            message,
            "point duplicate_of at the record that was kept and screened",
            found=target_id,
        )
    ]


def check_invariants(
    counts: PrismaCounts,
    records: pd.DataFrame | None = None,
    *,
    reason_labels: Mapping[str, str] | None = None,
    previous: PreviousVersion | None = None,
    source: str = RECORDS_FILE,
    records_file: str = RECORDS_FILE,
) -> None:
    """Raise :class:`PrismaError` listing every broken PRISMA 2020 relation.

    Count relations (box ids and field names in every message): screened =
    identified - duplicates - automation - other; assessed = sought - not
    retrieved in each arm; reasons add up to no more than assessed; new reports =
    assessed - excluded over both arms; totals = previous + new; specific
    databases/registers add up to their total; meta-analysis <= total; studies
    <= reports; every count a non-negative whole number. ``source`` names where
    the counts came from.

    With ``records`` (the ledger), also: every excluded report has a known
    reason (checked against ``reason_labels`` when given), every included
    report has a ``study_id``, no removed record also carries a decision, every
    ``duplicate_of`` points to a kept record, and every kept record has the
    decisions its stage needs. These name the record id and its line in
    ``records_file``. Rows accounted for by ``previous`` are not checked again.
    """
    problems = _count_problems(counts, source)
    if records is not None:
        problems += _ledger_problems(_Ledger(records), records_file, reason_labels, previous)
    raise_if_any(problems, PrismaError, "PRISMA 2020 counts do not add up")


# --------------------------------------------------------------------------- #
# PRISMA2020 R package / Shiny app CSV template
# --------------------------------------------------------------------------- #

TEMPLATE_HEADER = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

# The template exactly as PRISMA2020 ships it (inst/extdata/PRISMA.csv, with the
# meta-analysis rows of PR #75); the ``n`` column holds the package's defaults.
TEMPLATE_CSV = """\
data,node,box,description,boxtext,tooltips,url,n
NA,node4,prevstud,Grey title box; Previous studies,Previous studies,Grey title box; Previous studies,prevstud.html,0
previous_studies,node5,box1,Studies included in previous version of review,Studies included in previous version of review,Studies included in previous version of review,previous_studies.html,0
previous_reports,NA,box1,Reports of studies included in previous version of review,Reports of studies included in previous version of review,NA,previous_reports.html,0
NA,node6,newstud,Yellow title box; Identification of new studies via databases and registers,Identification of new studies via databases and registers,Yellow title box; Identification of new studies via databases and registers,newstud.html,0
database_results,node7,box2,Records identified from: Databases,Databases,Records identified from: Databases and Registers,database_results.html,0
database_specific_results,NA,box2,Records identified from: specific databases,Specific Databases,NA,database_results.html,"Database 1, xxx; Database 2, xxx; Database 3, xxx"
register_results,NA,box2,Records identified from: Registers,Registers,NA,NA,0
register_specific_results,NA,box2,Records identified from: specific registers,Specific Registers,NA,database_results.html,"Register 1, xxx; Register 2, xxx; Register 3, xxx"
NA,node16,othstud,Grey title box; Identification of new studies via other methods,Identification of new studies via other methods,Grey title box; Identification of new studies via other methods,othstud.html,0
website_results,node17,box11,Records identified from: Websites,Websites,"Records identified from: Websites, Organisations and Citation Searching",website_results.html,0
organisation_results,,box11,Records identified from: Organisations,Organisations,NA,NA,0
citations_results,NA,box11,Records identified from: Citation searching,Citation searching,NA,NA,0
duplicates,node8,box3,Duplicate records,Duplicate records,Duplicate records,duplicates.html,0
excluded_automatic,NA,box3,Records marked as ineligible by automation tools,Records marked as ineligible by automation tools,NA,NA,0
excluded_other,NA,box3,Records removed for other reasons,Records removed for other reasons,NA,NA,0
records_screened,node9,box4,Records screened (databases and registers),Records screened,Records screened (databases and registers),records_screened.html,0
records_excluded,node10,box5,Records excluded (databases and registers),Records excluded,Records excluded (databases and registers),records_excluded.html,0
dbr_sought_reports,node11,box6,Reports sought for retrieval (databases and registers),Reports sought for retrieval,Reports sought for retrieval (databases and registers),dbr_sought_reports.html,0
dbr_notretrieved_reports,node12,box7,Reports not retrieved (databases and registers),Reports not retrieved,Reports not retrieved (databases and registers),dbr_notretrieved_reports.html,0
other_sought_reports,node18,box12,Reports sought for retrieval (other),Reports sought for retrieval,Reports sought for retrieval (other),other_sought_reports.html,0
other_notretrieved_reports,node19,box13,Reports not retrieved (other),Reports not retrieved,Reports not retrieved (other),other_notretrieved_reports.html,0
dbr_assessed,node13,box8,Reports assessed for eligibility (databases and registers),Reports assessed for eligibility,Reports assessed for eligibility (databases and registers),dbr_assessed.html,0
dbr_excluded,node14,box9,"Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]",Reports excluded,Reports excluded (databases and registers),dbrexcludedrecords.html,"Reason1, xxx; Reason2, xxx; Reason3, xxx"
other_assessed,node20,box14,Reports assessed for eligibility (other),Reports assessed for eligibility,Reports assessed for eligibility (other),other_assessed.html,0
other_excluded,node21,box15,"Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]",Reports excluded,Reports excluded (other),other_excluded.html,"Reason1, xxx; Reason2, xxx; Reason3, xxx"
new_studies,node15,box10,New studies included in review,New studies included in review,New studies included in review,new_studies.html,0
new_reports,NA,box10,Reports of new included studies,Reports of new included studies,NA,NA,0
total_studies,node22,box16,Total studies included in review,Total studies included in review,Total studies included in review,total_studies.html,0
total_reports,NA,box16,Reports of total included studies,Reports of total included studies,NA,NA,0
identification,node1,identification,Blue identification box,Identification,Blue identification box,identification.html,0
screening,node2,screening,Blue screening box,Screening,Blue screening box,screening.html,0
included,node3,included,Blue included box,Included,Blue included box,included.html,0
total_studies_ma,node23,box17,Total studies included in meta-analysis,Total studies included in meta-analysis,Total studies included in meta-analysis,total_studies_meta_analysis.html,0
total_reports_ma,NA,box17,Reports of total included studies in meta-analysis,Reports of total included studies in meta-analysis,NA,NA,0
"""  # noqa: E501

TEMPLATE_ROWS: tuple[tuple[str, ...], ...] = tuple(
    tuple(row) for row in list(csv.reader(io.StringIO(TEMPLATE_CSV)))[1:]
)
"""The 34 template rows (8 fields each; the last is the default ``n``)."""

_FIELD_OF_DATA = {
    "database_specific_results": "database_specific",
    "register_specific_results": "register_specific",
}
_LIST_FIELDS = ("database_specific", "register_specific", "dbr_excluded", "other_excluded")
_OPTIONAL_FIELDS = ("previous_studies", "previous_reports", "total_studies_ma", "total_reports_ma")
_COUNT_FIELDS = tuple(f.name for f in fields(PrismaCounts))

# R's PRISMA2020 cuts a list item at its first comma, so a comma inside a name
# is written as U+201A (a look-alike) and turned back into a comma on import.
_COMMA_STAND_IN = "\u201a"


def _field_of(data_key: str) -> str | None:
    name = _FIELD_OF_DATA.get(data_key, data_key)
    return name if name in _COUNT_FIELDS else None


def _format_list(name: str, items: Mapping[str, int]) -> str:
    if not items:
        # A number is what R expects for "no reasons"; NA marks "no per-source detail".
        return "0" if name in ("dbr_excluded", "other_excluded") else "NA"
    if list(items) == [UNSPECIFIED_REASON]:
        return str(items[UNSPECIFIED_REASON])
    bad = [k for k in items if ";" in k or not k.strip()]
    if bad:
        raise PrismaError.single(
            "PRISMA CSV",
            f"{name}: a name cannot contain ';' or be blank in the PRISMA2020 template",
            found=bad[0],
            fix="reword the label (data/protocol.yaml or the source name in data/records.csv)",
        )
    return "; ".join(f"{k.replace(',', _COMMA_STAND_IN)}, {n}" for k, n in items.items())


def to_prisma2020_csv(counts: PrismaCounts) -> str:
    """Return the counts as the PRISMA2020 R package / Shiny app CSV template.

    Same 8 columns and 34 rows as the package's ``PRISMA.csv``; only ``n`` is
    filled. ``None`` counts are written ``NA`` (R then drops the previous-studies
    arm); lists are ``"Name, count; Name, count"``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_HEADER)
    for row in TEMPLATE_ROWS:
        name = _field_of(row[0])
        n = row[-1]
        if name is not None:
            value = getattr(counts, name)
            if name in _LIST_FIELDS:
                n = _format_list(name, value)
            else:
                n = "NA" if value is None else str(value)
        writer.writerow((*row[:-1], n))
    return out.getvalue()


_LIST_ITEM = re.compile(r"^(?P<name>.*?)\s*,\s*(?P<n>[0-9][0-9,]*|xxx)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^[0-9][0-9,]*$")
_MISSING = {"", "NA", "N/A"}


def _parse_number(text: str) -> int:
    if not _NUMBER.match(text):
        raise ValueError(text)
    return int(text.replace(",", ""))  # thousands separators, as R's scales::comma writes


def _parse_list(name: str, text: str) -> dict[str, int]:
    text = text.strip()
    if text.upper() in _MISSING:
        return {}
    if _NUMBER.match(text):
        if name in ("database_specific", "register_specific"):
            raise ValueError(text)
        n = _parse_number(text)
        return {UNSPECIFIED_REASON: n} if n else {}
    items: dict[str, int] = {}
    placeholders = 0
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _LIST_ITEM.match(part)
        if not match:
            raise ValueError(part)
        label = match["name"].replace(_COMMA_STAND_IN, ",")
        if match["n"].lower() == "xxx":
            placeholders += 1
            continue
        items[label] = items.get(label, 0) + _parse_number(match["n"])
    if placeholders and items:
        raise ValueError(text)
    return items  # all placeholders: the template's untouched default, i.e. no detail


def _read_template(text_or_path: str | Path) -> tuple[str, str]:
    """Return ``(file name for messages, CSV text)``."""
    if isinstance(text_or_path, Path) or "\n" not in text_or_path:
        return str(text_or_path), read_text(text_or_path, PrismaError)
    return "PRISMA CSV", text_or_path.lstrip("\ufeff")


def from_prisma2020_csv(text_or_path: str | Path) -> PrismaCounts:
    """Read a PRISMA2020 CSV template (ours or one filled in by hand) into counts.

    Rows are matched by their ``data`` key, so row order and the descriptive
    columns do not matter; only ``data`` and ``n`` are required. ``NA`` or an
    empty cell means 0, except for the previous-version and meta-analysis rows
    where it means "not applicable" (``None``). Counts may have thousands
    separators. Untouched ``xxx`` placeholders mean "no detail". The result is
    checked with :func:`check_invariants`; every problem is reported at once.
    """
    file, text = _read_template(text_or_path)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in ("data", "n") if c not in header]
    if missing:
        raise PrismaError.single(
            file,
            "is not a PRISMA2020 template",
            row=1,
            column=missing[0],
            expected=",".join(TEMPLATE_HEADER),
            fix="start from the PRISMA2020 package's PRISMA.csv",
        )
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        name = _field_of((row.get("data") or "").strip())
        if name is None:
            continue  # title boxes, side bands, unknown rows: no count
        if name in lines:
            problems.append(
                Problem(
                    file,
                    "row appears twice",
                    row=line,
                    column="data",
                    found=row["data"],
                    fix=f"keep one row for {row['data']}",
                )
            )
            continue
        lines[name] = line
        raw = (row.get("n") or "").strip()
        try:
            values[name] = _parse_value(name, raw)
        except ValueError:
            expected = "'Name, count; Name, count'" if name in _LIST_FIELDS else "a whole number"
            problems.append(
                Problem(
                    file,
                    f"{_box(name)}: cannot read the count",
                    row=line,
                    column="n",
                    found=raw,
                    expected=expected,
                    fix="enter the count (NA if not applicable)",
                )
            )
    for name in _COUNT_FIELDS:
        if name not in values and name not in _OPTIONAL_FIELDS:
            problems.append(
                Problem(
                    file,
                    f"row for {_box(name)} is missing",
                    column="data",
                    fix="add the row from the PRISMA2020 template",
                )
            )
    raise_if_any(problems, PrismaError, f"{file} cannot be read")
    counts = PrismaCounts(**{n: values.get(n) for n in _COUNT_FIELDS})
    check_invariants(counts, source=file)
    return counts


def _parse_value(name: str, raw: str) -> Any:
    if name in _LIST_FIELDS:
        return _parse_list(name, raw)
    if raw.upper() in _MISSING:
        return None if name in _OPTIONAL_FIELDS else 0
    return _parse_number(raw)


# --------------------------------------------------------------------------- #
# Variables for the manuscript
# --------------------------------------------------------------------------- #


def slugify(text: str) -> str:
    """snake_case key for a label: "Wrong population (adults)" -> ``wrong_population_adults``."""
    slug = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    if not slug:
        return "unspecified"
    return slug if slug[0].isalpha() else f"n_{slug}"


def _keyed(items: Mapping[str, int], key_of: Mapping[str, str]) -> dict[str, int]:
    """Re-key ``label -> n`` by code or slug; colliding slugs get ``_2``, ``_3`` ..."""
    out: dict[str, int] = {}
    for label, n in items.items():
        key = key_of.get(label) or slugify(label)
        base, i = key, 2
        while key in out:
            key, i = f"{base}_{i}", i + 1
        out[key] = n
    return out


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def counts_as_variables(
    counts: PrismaCounts, reason_labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return every box as a nested plain dict for Quarto's ``_variables.yml``.

    Key names are listed in the module docstring. With ``reason_labels``
    (code -> label, from ``data/protocol.yaml``) exclusion reasons are keyed by
    their code, otherwise by a slug of their label.
    """
    code_of = {label: code for code, label in (reason_labels or {}).items()}
    both: dict[str, int] = {}
    for label, n in [*counts.dbr_excluded.items(), *counts.other_excluded.items()]:
        both[label] = both.get(label, 0) + n
    dbr_included = counts.dbr_assessed - counts.dbr_excluded_total
    other_included = counts.other_assessed - counts.other_excluded_total
    removed = counts.duplicates + counts.excluded_automatic + counts.excluded_other
    return {
        "records": {
            "identified_databases": counts.database_results,
            "identified_registers": counts.register_results,
            "identified_dbr": counts.dbr_identified,
            "identified_websites": counts.website_results,
            "identified_organisations": counts.organisation_results,
            "identified_citations": counts.citations_results,
            "identified_other": counts.other_identified,
            "identified": counts.dbr_identified + counts.other_identified,
            "duplicates": counts.duplicates,
            "removed_automation": counts.excluded_automatic,
            "removed_other": counts.excluded_other,
            "removed_before_screening": removed,
            "screened": counts.records_screened,
            "excluded": counts.records_excluded,
        },
        "reports": _drop_none(
            {
                "dbr_sought": counts.dbr_sought_reports,
                "dbr_not_retrieved": counts.dbr_notretrieved_reports,
                "dbr_assessed": counts.dbr_assessed,
                "dbr_excluded": counts.dbr_excluded_total,
                "dbr_included": dbr_included,
                "other_sought": counts.other_sought_reports,
                "other_not_retrieved": counts.other_notretrieved_reports,
                "other_assessed": counts.other_assessed,
                "other_excluded": counts.other_excluded_total,
                "other_included": other_included,
                "sought": counts.dbr_sought_reports + counts.other_sought_reports,
                "not_retrieved": counts.dbr_notretrieved_reports
                + counts.other_notretrieved_reports,
                "assessed": counts.dbr_assessed + counts.other_assessed,
                "excluded": counts.dbr_excluded_total + counts.other_excluded_total,
                "new": counts.new_reports,
                "previous": counts.previous_reports,
                "total": counts.total_reports,
                "meta_analysis": counts.total_reports_ma,
            }
        ),
        "studies": _drop_none(
            {
                "new": counts.new_studies,
                "previous": counts.previous_studies,
                "total": counts.total_studies,
                "meta_analysis": counts.total_studies_ma,
            }
        ),
        "excluded_reasons": _keyed(both, code_of),
        "excluded_reasons_dbr": _keyed(counts.dbr_excluded, code_of),
        "excluded_reasons_other": _keyed(counts.other_excluded, code_of),
        "databases": _keyed(counts.database_specific, {}),
        "registers": _keyed(counts.register_specific, {}),
    }


# --------------------------------------------------------------------------- #
# Files (the adapters the Snakemake rules call)
# --------------------------------------------------------------------------- #


def counts_to_json(
    counts: PrismaCounts,
    reason_labels: Mapping[str, str] | None = None,
    awaiting: Mapping[str, int] | None = None,
) -> str:
    """Serialise counts as ``{"counts": {field: value}, "variables": {...}}`` (stable order).

    ``awaiting`` (see :func:`awaiting_counts`) becomes the ``awaiting`` variables.
    """
    data = {
        "counts": {f.name: _plain(getattr(counts, f.name)) for f in fields(counts)},
        "variables": counts_as_variables(counts, reason_labels),
    }
    if awaiting is not None:
        data["variables"]["awaiting"] = dict(awaiting)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


def read_counts(path: str | Path) -> PrismaCounts:
    """Read counts written by :func:`counts_to_json` (``results/prisma/counts.json``)."""
    try:
        data = json.loads(read_text(path, PrismaError))["counts"]
        counts = PrismaCounts(**{name: data[name] for name in _COUNT_FIELDS})
    except (ValueError, KeyError, TypeError) as exc:
        raise PrismaError.single(
            path, f"is not a counts file ({exc})", fix="rebuild it: snakemake derive_prisma_counts"
        ) from None
    check_invariants(counts, source=str(path))
    return counts


def read_reason_labels(protocol: str | Path) -> dict[str, str]:
    """``exclusion_reasons`` (code -> label) of ``data/protocol.yaml``; empty if it has none."""
    config = read_yaml(protocol, DataError)
    labels = config.get("exclusion_reasons") if isinstance(config, dict) else None
    return {str(code): str(label) for code, label in (labels or {}).items()}


def derive_counts_from_files(
    records: str | Path,
    protocol: str | Path,
    counts_json: str | Path,
    template_csv: str | Path,
    previous: PreviousVersion | None = None,
    counts_template: str | Path | None = None,
) -> PrismaCounts:
    """Derive and check the counts from ``data/records.csv`` and ``data/protocol.yaml``.

    With ``counts_template`` (a filled-in PRISMA2020 CSV template, for teams
    that only have counts) the counts are read from it instead of the ledger;
    the same invariants apply. Writes ``counts_json`` (counts + Quarto
    variables) and ``template_csv`` (the PRISMA2020 template). Nothing is
    written unless every check passes.
    """
    reason_labels = read_reason_labels(protocol)
    if counts_template is not None:
        counts = from_prisma2020_csv(Path(counts_template))
        awaiting = {stage: 0 for stage in AWAITING_STAGES} | {"total": 0}
    else:
        ledger = load_table(records, "records")
        counts = derive_counts(ledger, reason_labels, previous, records_file=str(records))
        awaiting = awaiting_counts(ledger)
        if awaiting["total"]:
            logging.getLogger("livingreview").warning(
                "%s: %d record(s) await a decision and are not in the flow diagram yet "
                "(screening %d, retrieval %d, eligibility %d); decide them with "
                "`livingreview screening-sheet` and `livingreview apply-screening`",
                records, awaiting["total"], awaiting["screening"], awaiting["retrieval"],
                awaiting["eligibility"],
            )  # fmt: skip
    json_text = counts_to_json(counts, reason_labels, awaiting)
    csv_text = to_prisma2020_csv(counts)
    write_text(counts_json, json_text)
    write_text(template_csv, csv_text)
    return counts

"""PRISMA 2020 flow counts: derived from the screening ledger, checked, exchanged.

The counts are never typed by hand: :func:`derive_counts` computes every box of
the PRISMA 2020 flow diagram from ``data/records.csv`` (one row per record),
:func:`check_invariants` proves they add up, and the counts leave this module as

* a :class:`PrismaCounts` value for :mod:`livingreview.prisma.flow_diagram`,
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
``new_studies``.

A decision on a record the previous version accounted for may change. Its
included reports that are no longer included are ``withdrawn_reports`` (per
reason of the current decision: ``withdrawn_reasons``), and its studies that no
longer have an included report are ``withdrawn_studies``. Its other records
(excluded, not retrieved ...) that are included now are ``reassessed_reports``;
they are included in this version, so they join ``new_reports``, and their
studies that the previous version did not include (``reassessed_studies``) join
``new_studies``. Hence ``new_studies`` is every included study the previous
version did not include, and::

    total_studies = previous_studies - withdrawn_studies + new_studies
    total_reports = previous_reports - withdrawn_reports + new_reports

which :func:`check_invariants` also checks against the studies and reports the
ledger includes, so the total is always the studies the current data include.

Variables for the prose (:func:`counts_as_variables`)
-----------------------------------------------------
``records``
    ``identified_databases``, ``identified_registers``, ``identified_dbr``
    (databases + registers), ``identified_websites``, ``identified_organisations``,
    ``identified_citations``, ``identified_other`` (websites + organisations +
    citations), ``identified`` (both arms), ``duplicates``, ``removed_automation``,
    ``removed_other``, ``removed_before_screening`` (the three together),
    ``screened_dbr``, ``excluded_dbr`` (the "Records screened" and "Records
    excluded" boxes, which count the databases-and-registers arm only; records
    found by other methods are screened too but PRISMA 2020 has no such box).
``reports``
    ``dbr_sought``, ``dbr_not_retrieved``, ``dbr_assessed``, ``dbr_excluded``,
    ``dbr_included``, ``other_sought``, ``other_not_retrieved``,
    ``other_assessed``, ``other_excluded``, ``other_included``, ``sought``,
    ``not_retrieved``, ``assessed``, ``excluded`` (both arms), ``new``,
    ``previous``, ``total``, ``meta_analysis``; and, when the ledger records
    what was read (``read_from``), ``dbr_assessed_full_text``,
    ``dbr_assessed_without_full_text``, ``other_assessed_full_text`` and
    ``other_assessed_without_full_text`` (reports of each arm judged on their
    full text, or on the abstract, part of the text or registration only); for
    an update also ``withdrawn`` (the previous version's reports no longer
    included) and ``reassessed`` (its other records included now; 0 when none).
``studies``
    ``new``, ``previous``, ``total``, ``meta_analysis``; for an update also
    ``withdrawn`` (studies of the previous version no longer included),
    ``carried`` (studies of the previous version still included) and
    ``reassessed`` (see above).
``withdrawn_reasons``
    for an update: the previous version's reports no longer included, per reason
    (keyed like ``excluded_reasons``; empty when none).
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

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError, PrismaError
from ..io import read_text, read_yaml, write_text
from ..validation import load_table
from .invariants import check_invariants
from .model import (
    AWAITING_STAGES,
    DBR_SOURCES,
    OTHER_SOURCES,
    RECORDS_FILE,
    UNSPECIFIED_REASON,
    PreviousVersion,
    PrismaCounts,
    _is_removed,
    _Ledger,
    as_ledger,
    awaiting_counts,
    reading_counts,
)
from .template import _COUNT_FIELDS, _OPTIONAL_FIELDS, from_prisma2020_csv, to_prisma2020_csv

if TYPE_CHECKING:  # the ledger frames come from load_table (the flow diagram reads none)
    import pandas as pd

"""Key of an exclusion count given without reasons (a template whose ``n`` is a number)."""


# --------------------------------------------------------------------------- #
# Counts
# --------------------------------------------------------------------------- #


# --------------------------------------------------------------------------- #
# Reading the ledger
# --------------------------------------------------------------------------- #


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


def _reading(assessed: list[dict[str, str]]) -> tuple[int | None, int | None]:
    """``(full text, without full text)`` of an arm's assessed reports; ``(None, None)``
    when none of them records what was read."""
    counts = reading_counts(r.get("read_from", "") for r in assessed)
    if counts["unrecorded"] == len(assessed):
        return None, None
    return counts["full_text"], counts["without_full_text"]


def _walk_ledger(
    records: pd.DataFrame | _Ledger, previous: PreviousVersion | None
) -> tuple[_Ledger, frozenset[str], _Arm, _Arm]:
    """The ledger, the record ids of the previous version, and the walk of each arm
    over the records that version did not account for."""
    ledger = as_ledger(records)
    seen = frozenset(previous.record_ids) if previous else frozenset()
    new_rows = [r for r in ledger.rows if r.get("record_id") not in seen]
    return ledger, seen, *_walk_arms(new_rows)


def _walk_arms(rows: list[dict[str, str]]) -> tuple[_Arm, _Arm]:
    """The walk of the databases/registers arm and of the other-methods arm over ``rows``."""
    dbr = _walk([r for r in rows if r.get("source_type") in DBR_SOURCES], has_screening=True)
    other = _walk([r for r in rows if r.get("source_type") in OTHER_SOURCES], False)
    return dbr, other


WITHDRAWN_UNDECIDED = "Awaiting a new decision"
WITHDRAWN_MISSING = "No longer in the records"


@dataclass(frozen=True)
class _Changed:
    """What became of the records of the previous version (see the module docstring)."""

    withdrawn: list[dict[str, str]]
    """The previous version's included reports no longer included (ledger order; a
    report no longer in the ledger is a row holding its ``record_id`` only)."""
    reassessed: list[dict[str, str]]
    """The previous version's other records, included now."""
    withdrawn_studies: frozenset[str]
    """Studies of the previous version that are no longer included."""
    included_studies: frozenset[str]
    """Every study the ledger includes now."""


def _changed(
    ledger: _Ledger, previous: PreviousVersion, new_included: list[dict[str, str]]
) -> _Changed:
    """Compare what the previous version included with what the ledger includes now."""
    earlier = [r for r in ledger.rows if r.get("record_id") in previous.record_ids]
    dbr, other = _walk_arms(earlier)
    included_earlier = dbr.included + other.included
    still = {r["record_id"] for r in included_earlier if r["record_id"] in previous.report_ids}
    gone = previous.report_ids - still
    withdrawn = [r for r in ledger.rows + ledger.awaiting if r.get("record_id") in gone]
    withdrawn += [{"record_id": i} for i in sorted(gone - {r["record_id"] for r in withdrawn})]
    included_now = {r["study_id"] for r in included_earlier + new_included if r.get("study_id")}
    return _Changed(
        withdrawn=withdrawn,
        reassessed=[r for r in included_earlier if r["record_id"] not in previous.report_ids],
        withdrawn_studies=previous.study_ids - included_now,
        included_studies=frozenset(included_now),
    )


def _withdrawal_reasons(
    rows: list[dict[str, str]], reason_labels: Mapping[str, str]
) -> dict[str, int]:
    """The previous version's reports no longer included, per reason of their decision now."""
    reasons: dict[str, int] = {}
    for row in rows:
        if len(row) == 1:  # only its record_id: the row left the ledger
            label = WITHDRAWN_MISSING
        elif row.get("eligibility") == "exclude":
            code = row.get("exclusion_reason", "")
            label = reason_labels.get(code, code) or UNSPECIFIED_REASON
        elif _is_removed(row) or row.get("screening") == "exclude":
            label = "Removed or excluded at screening"
        elif row.get("retrieval") == "not_retrieved":
            label = "Report not retrieved"
        else:
            label = WITHDRAWN_UNDECIDED
        reasons[label] = reasons.get(label, 0) + 1
    return reasons


def derive_counts(
    records: pd.DataFrame | _Ledger,
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
    messages when present), or that table already made a ``_Ledger``.
    ``reason_labels`` maps exclusion reason codes to the labels shown in the
    diagram. ``previous`` describes the last release
    (records it accounted for are skipped, see the module docstring).
    ``meta_analysis`` is ``(studies, reports)`` in the meta-analysis, if any.

    With ``check`` (the default) the result and the ledger are passed through
    :func:`check_invariants`, which raises :class:`PrismaError` listing every
    violation.
    """
    ledger, _, dbr, other = _walk_ledger(records, previous)

    dbr_removed = [r for r in dbr.rows if _is_removed(r)]
    databases = [r for r in dbr.rows if r["source_type"] == "database"]
    registers = [r for r in dbr.rows if r["source_type"] == "register"]
    arms_included = dbr.included + other.included
    changed = _changed(ledger, previous, arms_included) if previous else None
    reassessed = changed.reassessed if changed else []
    withdrawn = changed.withdrawn if changed else []
    has_withdrawn = bool(withdrawn or (changed and changed.withdrawn_studies))
    included = arms_included + reassessed
    previous_studies = previous.study_ids if previous else frozenset()
    included_studies = (
        changed.included_studies
        if changed
        else {r["study_id"] for r in included if r.get("study_id")}
    )
    new_study_ids = included_studies - previous_studies
    reassessed_studies = {r["study_id"] for r in reassessed if r.get("study_id")}
    reassessed_studies -= previous_studies

    dbr_full_text, dbr_without_full_text = _reading(dbr.assessed)
    other_full_text, other_without_full_text = _reading(other.assessed)
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
        total_studies=len(included_studies & previous_studies) + len(new_study_ids),
        total_reports=(n_prev_reports or 0) - len(withdrawn) + len(included),
        total_studies_ma=meta_analysis[0] if meta_analysis else None,
        total_reports_ma=meta_analysis[1] if meta_analysis else None,
        dbr_assessed_full_text=dbr_full_text,
        dbr_assessed_without_full_text=dbr_without_full_text,
        other_assessed_full_text=other_full_text,
        other_assessed_without_full_text=other_without_full_text,
        # None unless a decision on a record of the previous version changed
        withdrawn_studies=len(changed.withdrawn_studies) if has_withdrawn else None,
        withdrawn_reports=len(withdrawn) if has_withdrawn else None,
        withdrawn_reasons=_withdrawal_reasons(withdrawn, reason_labels) if has_withdrawn else None,
        reassessed_reports=len(reassessed) if reassessed else None,
        reassessed_studies=len(reassessed_studies) if reassessed else None,
    )
    if check:
        check_invariants(
            counts,
            ledger,
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
    of the reports included in the previous version; ``withdrawn`` those of them
    no longer included, and ``reassessed`` the previous version's other records
    included now (these are in ``included`` too: they are this version's new
    reports). Rows are plain dicts of stripped strings, in ledger order. The lists
    are the same walk :func:`derive_counts` counts, so their lengths are the
    diagram's numbers.
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
    withdrawn: list[dict[str, str]] = field(default_factory=list)
    """Reports of the previous version no longer included (their rows as they are now)."""
    reassessed: list[dict[str, str]] = field(default_factory=list)
    """Records the previous version accounted for without including them, included now."""


def flow_records(records: pd.DataFrame, previous: PreviousVersion | None = None) -> FlowRecords:
    """Split the ledger into the records behind each exit of the PRISMA flow."""
    ledger, seen, dbr, other = _walk_ledger(records, previous)
    sought_ids = {id(r) for r in other.sought}
    report_ids = previous.report_ids if previous else frozenset()
    changed = _changed(ledger, previous, dbr.included + other.included) if previous else None
    return FlowRecords(
        previous=[r for r in ledger.rows if r.get("record_id") in report_ids],
        dbr_removed=[r for r in dbr.rows if _is_removed(r)],
        dbr_screened_out=[r for r in dbr.kept if r.get("screening") == "exclude"],
        dbr_not_retrieved=dbr.not_retrieved,
        dbr_excluded=dbr.excluded,
        other_not_sought=[r for r in other.rows if id(r) not in sought_ids],
        other_not_retrieved=other.not_retrieved,
        other_excluded=other.excluded,
        included=dbr.included + other.included + (changed.reassessed if changed else []),
        awaiting=[r for r in ledger.awaiting if r.get("record_id") not in seen],
        withdrawn=changed.withdrawn if changed else [],
        reassessed=changed.reassessed if changed else [],
    )


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

    def update(n: int | None) -> int | None:
        """A count of an updated review's changed decisions: 0 when none, absent otherwise."""
        return (n or 0) if counts.is_update else None

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
            "screened_dbr": counts.records_screened,
            "excluded_dbr": counts.records_excluded,
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
                "dbr_assessed_full_text": counts.dbr_assessed_full_text,
                "dbr_assessed_without_full_text": counts.dbr_assessed_without_full_text,
                "other_assessed_full_text": counts.other_assessed_full_text,
                "other_assessed_without_full_text": counts.other_assessed_without_full_text,
                "excluded": counts.dbr_excluded_total + counts.other_excluded_total,
                "new": counts.new_reports,
                "previous": counts.previous_reports,
                "withdrawn": update(counts.withdrawn_reports),
                "reassessed": update(counts.reassessed_reports),
                "total": counts.total_reports,
                "meta_analysis": counts.total_reports_ma,
            }
        ),
        "studies": _drop_none(
            {
                "new": counts.new_studies,
                "previous": counts.previous_studies,
                "withdrawn": update(counts.withdrawn_studies),
                "carried": update((counts.previous_studies or 0) - (counts.withdrawn_studies or 0)),
                "reassessed": update(counts.reassessed_studies),
                "total": counts.total_studies,
                "meta_analysis": counts.total_studies_ma,
            }
        ),
        **(
            {"withdrawn_reasons": _keyed(counts.withdrawn_reasons or {}, code_of)}
            if counts.is_update
            else {}
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
        counts = PrismaCounts(
            **{
                name: data.get(name) if name in _OPTIONAL_FIELDS else data[name]
                for name in _COUNT_FIELDS
            }
        )
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
        ledger = _Ledger(load_table(records, "records"))  # built once for counts and checks
        counts = derive_counts(ledger, reason_labels, previous, records_file=str(records))
        awaiting = awaiting_counts(ledger)
        if awaiting["total"]:
            logging.getLogger("livingreview").warning(
                "%s: %d record(s) await a decision and are not in the flow diagram yet "
                "(screening %d, retrieval %d, eligibility %d, linking to a study %d); "
                "see `livingreview status`",
                records, awaiting["total"], awaiting["screening"], awaiting["retrieval"],
                awaiting["eligibility"], awaiting["linking"],
            )  # fmt: skip
    json_text = counts_to_json(counts, reason_labels, awaiting)
    csv_text = to_prisma2020_csv(counts)
    write_text(counts_json, json_text)
    write_text(template_csv, csv_text)
    return counts

"""PRISMA 2020 invariants: the boxes add up and every ledger row fits its box."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING

from ..errors import PrismaError, Problem, raise_if_any
from .model import (
    BOX_OF_FIELD,
    DBR_SOURCES,
    OTHER_SOURCES,
    RECORDS_FILE,
    PreviousVersion,
    PrismaCounts,
    _is_removed,
    _Ledger,
    as_ledger,
)

if TYPE_CHECKING:  # the ledger frames come from load_table (the flow diagram reads none)
    import pandas as pd

# --------------------------------------------------------------------------- #
# Invariants
# --------------------------------------------------------------------------- #

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
    (
        "new_reports",
        ("dbr_assessed", "other_assessed", "reassessed_reports"),
        ("dbr_excluded", "other_excluded"),
    ),
    ("total_studies", ("previous_studies", "new_studies"), ("withdrawn_studies",)),
    ("total_reports", ("previous_reports", "new_reports"), ("withdrawn_reports",)),
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
    ("withdrawn_studies", "previous_studies", "more previous studies withdrawn than there were"),
    ("withdrawn_reports", "previous_reports", "more previous reports withdrawn than there were"),
    ("reassessed_studies", "reassessed_reports", "every study needs at least one report"),
    ("reassessed_studies", "new_studies", "re-assessed studies are new studies of this version"),
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
    problems += _both_or_neither(counts, source, "withdrawn_studies", "withdrawn_reports")
    problems += _both_or_neither(counts, source, "reassessed_studies", "reassessed_reports")
    if counts.withdrawn_reasons:
        found = _equation_problem(counts, source, "withdrawn_reports", ["withdrawn_reasons"], [])
        problems += [found] if found else []
    if not counts.is_update:
        problems += [
            Problem(
                source,
                f"{_box(name)} is given but the review is not an update (no previous version)",
                column=name,
                found=str(getattr(counts, name)),
                fix=f"set {name} to NA or give the previous version's counts",
            )
            for name in ("withdrawn_studies", "reassessed_reports")
            if getattr(counts, name)  # 0 says nothing changed: harmless
        ]
    for arm in ("dbr", "other"):
        problems += _reading_problems(counts, source, arm)
    return problems


def _reading_problems(counts: PrismaCounts, source: str, arm: str) -> list[Problem]:
    """What was read (full text or not) is given for both or neither, and within the assessed."""
    full, without = f"{arm}_assessed_full_text", f"{arm}_assessed_without_full_text"
    problems = _both_or_neither(counts, source, full, without)
    if problems or getattr(counts, full) is None:
        return problems
    read = _value(counts, full) + _value(counts, without)
    assessed = _value(counts, f"{arm}_assessed")
    if read <= assessed:
        return []
    return [
        Problem(
            source,
            f"{_box(full)} + {without} ({read}) exceeds {arm}_assessed ({assessed}): "
            "more reports were read than assessed",
            column=full,
            found=str(read),
            expected=f"at most {assessed}",
            fix="correct the counts",
        )
    ]


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


def _included_problems(counts: PrismaCounts, ledger: _Ledger, file: str) -> list[Problem]:
    """The total box counts exactly the studies and reports the ledger includes now.

    Counted here from the ledger's decisions alone (every row whose eligibility is
    include), not from the walk the counts come from, so a version's arithmetic can
    never add up by coincidence while a study is counted twice or not at all."""
    included = [r for r in ledger.rows if r.get("eligibility") == "include"]
    studies = {r["study_id"] for r in included if r.get("study_id")}
    problems = []
    for name, expected, what in (
        ("total_studies", len(studies), "studies"),
        ("total_reports", len(included), "reports"),
    ):
        found = getattr(counts, name)
        if found == expected:
            continue
        problems.append(
            Problem(
                file,
                f"{_box(name)} is {found} but the records include {expected} {what} "
                "(rows with eligibility include)",
                column=name,
                found=str(found),
                expected=str(expected),
                fix="count every included study once: a study of the previous version "
                "that is no longer included, or an earlier record included now, must "
                "be counted in its box",
            )
        )
    return problems


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
    records: pd.DataFrame | _Ledger | None = None,
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
    assessed - excluded (+ re-assessed earlier records) over both arms; totals =
    previous - withdrawn + new; withdrawn reasons add up to the withdrawn reports; specific
    databases/registers add up to their total; meta-analysis <= total; studies
    <= reports; every count a non-negative whole number. ``source`` names where
    the counts came from.

    With ``records`` (the ledger), also: every excluded report has a known
    reason (checked against ``reason_labels`` when given), every included
    report has a ``study_id``, no removed record also carries a decision, every
    ``duplicate_of`` points to a kept record, every kept record has the
    decisions its stage needs, and the total box counts exactly the studies and
    reports the ledger includes. These name the record id and its line in
    ``records_file``. Rows accounted for by ``previous`` are not checked again.
    """
    problems = _count_problems(counts, source)
    if records is not None:
        ledger = as_ledger(records)
        problems += _ledger_problems(ledger, records_file, reason_labels, previous)
        if not problems:  # a wrong decision already explains a wrong total
            problems += _included_problems(counts, ledger, records_file)
    raise_if_any(problems, PrismaError, "PRISMA 2020 counts do not add up")

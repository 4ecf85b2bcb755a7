"""The numbers the prose quotes, computed from the data into ``_variables.yml``.

Chapters never type a number that the data hold; they write
``{{< var studies.included >}}`` and the renderer substitutes the value. Keys:

``studies``
    ``included`` (number of included studies), ``participants`` (sum of ``n``,
    the number enrolled or randomised, over studies that report it),
    ``participants_known_text`` (those studies in words, "4 studies"),
    ``participants_unknown`` (studies without ``n``), ``randomised`` and
    ``nonrandomised`` (by design class),
    ``single_dose`` and ``repeated_dose``, ``first_year`` / ``last_year`` (range
    of publication years of included reports). Each count also comes as
    ``<key>_words``, written as the prose writes a count in words ("one", "twelve",
    "1,204"; see :func:`livingreview.wording.number_word`): ``randomised_words``.
``anxiety_participants``
    participants contributing anxiety outcome data (``n_anxiety``), one count
    per denominator type, never added across types: ``enrolled`` and
    ``analysed`` (each with ``total`` and ``studies``) and ``unknown`` (studies
    with no distinct count). A total with no study is the dash, never 0. Each
    count of studies also comes in words for the prose, with its noun in the
    right number: ``enrolled.studies_text`` and ``analysed.studies_text``
    ("1 study", "3 studies") and ``unknown_text``.
``diagnosis.<code>``
    per diagnosis group of ``data/protocol.yaml``: ``label``, ``studies``,
    ``participants`` (the dash when no study of the group reports ``n``).
``design.<code>``
    per design class: ``label``, ``studies``.
``search``
    ``first_date`` / ``last_date``: earliest and latest search date in the ledger
    (ISO, for conditions); ``first_date_text`` / ``last_date_text``: the same dates as
    the prose writes them ("30 November 2026"); ``last_run_text``: the sentence on the
    last search (or that none is recorded).
``assessment``
    reports assessed for eligibility by what was read: ``full_text``,
    ``abstract_or_registration`` and ``unrecorded`` (see :func:`assessment_basis`), and
    ``statement``, the sentence the results quote (see :func:`assessment_sentence`).
``prisma``
    every box of the flow diagram (see :func:`livingreview.prisma.counts_as_variables`).
``cumulative``
    the same keys as ``prisma`` for the whole ledger, every version together
    (equal to ``prisma`` until the first update; see :func:`cumulative_counts`).
``release``
    ``version`` (the build stamp, ``2.0`` or ``2.0+draft``), ``label`` (page header),
    ``text`` (what readers see after "Version": ``2.0`` or "Draft after version 2.0 (not
    yet released)"), ``date``, ``status`` (released or draft), ``latest`` and
    ``search_date`` of the version the outputs carry (see :mod:`livingreview.living.releases`).
``synthesis``
    studies per combined direction of effect and outcome domain (see
    :func:`livingreview.synthesis.synthesis_variables`), when outcomes are given.
``rob``
    studies assessed per tool and overall judgement (see
    :func:`livingreview.evidence.risk_of_bias.rob_variables`), when judgements are given,
    with ``assessed_text`` and each tool's ``studies_text`` in words ("1 study"), and
    ``coverage_text``, how many included studies were assessed, as a sentence true
    at every count, none included too (:func:`rob_coverage_sentence`).

Numbers of 1,000 or more are written with thousands separators ("2,030"), as
the flow diagram prints them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError
from ..io import read_text, read_yaml, write_text, write_yaml
from ..markdown import MISSING
from ..prisma.model import reading_counts
from ..validation import load_table
from ..wording import counted, join_words, long_date, number_word

RANDOMISED = ("rct_parallel", "rct_crossover")


def _int(value: Any) -> int:
    return int(value) if value is not None and not pd.isna(value) else 0


def study_variables(studies: pd.DataFrame, protocol: dict[str, Any]) -> dict[str, Any]:
    """Counts of included studies and participants, overall and per group."""
    n = pd.to_numeric(studies["n"], errors="coerce") if "n" in studies else pd.Series(dtype=float)
    design = studies["design_class"] if len(studies) else pd.Series(dtype=object)
    dosing = studies["dosing"] if "dosing" in studies else pd.Series(dtype=object)
    totals = {
        "included": len(studies),
        "participants": _int(n.sum(min_count=1)) if len(n) else 0,
        "participants_unknown": int(n.isna().sum()),
        "participants_known_text": studies_in_words(int(n.notna().sum())),
        "randomised": int(design.isin(RANDOMISED).sum()),
        "nonrandomised": int((~design.isin(RANDOMISED)).sum()),
        "single_dose": int((dosing == "single").sum()),
        "repeated_dose": int((dosing == "repeated").sum()),
    }
    diagnosis = {}
    for code, label in protocol.get("diagnosis_groups", {}).items():
        rows = studies["diagnosis_group"] == code if len(studies) else pd.Series(dtype=bool)
        group_n = n[rows] if len(studies) else n
        known = group_n.dropna() if len(group_n) else group_n
        diagnosis[code] = {
            "label": label,
            "studies": int(rows.sum()),
            "participants": (
                _int(known.sum()) if len(known) else (MISSING if int(rows.sum()) else 0)
            ),
        }
    designs = {
        code: {"label": label, "studies": int((design == code).sum())}
        for code, label in protocol.get("design_classes", {}).items()
    }
    return {
        "studies": totals,
        "anxiety_participants": anxiety_participants(studies),
        "diagnosis": diagnosis,
        "design": designs,
    }


BASES = ("enrolled", "analysed")


def anxiety_participants(studies: pd.DataFrame) -> dict[str, Any]:
    """Participants contributing anxiety data, totalled per denominator type only.

    Enrolled and analysed counts measure different things and are never added;
    a study without ``n_anxiety`` is counted under ``unknown``, and a type no
    study reports has the dash as its total rather than 0.
    """
    out: dict[str, Any] = {}
    if "n_anxiety" in studies and len(studies):
        n = pd.to_numeric(studies["n_anxiety"], errors="coerce")
        basis = studies.get("n_anxiety_basis", pd.Series([None] * len(studies)))
    else:
        n = pd.Series([float("nan")] * len(studies), dtype=float)
        basis = pd.Series([None] * len(studies), dtype=object)
    for kind in BASES:
        rows = (basis == kind) & n.notna()
        out[kind] = {
            "total": _int(n[rows].sum()) if rows.any() else MISSING,
            "studies": int(rows.sum()),
            "studies_text": studies_in_words(int(rows.sum())),
        }
    out["unknown"] = int(n.isna().sum())
    out["unknown_text"] = studies_in_words(out["unknown"])
    return out


def studies_in_words(count: int) -> str:
    """A number of studies with its noun in the right number: "1 study", "3 studies"."""
    return counted(count, "study", "studies")


def with_count_words(counts: dict[str, Any]) -> dict[str, Any]:
    """``counts`` with ``<key>_words`` after every count (not a year): the count as the
    prose writes it in words, so a sentence can say "one randomised trial"."""
    out: dict[str, Any] = {}
    for key, value in counts.items():
        out[key] = value
        if isinstance(value, int) and not isinstance(value, bool) and not key.endswith("year"):
            out[f"{key}_words"] = number_word(value)
    return out


def with_study_counts_in_words(rob: dict[str, Any]) -> dict[str, Any]:
    """The risk-of-bias variables with ``assessed_text`` and each tool's ``studies_text``."""
    out = dict(rob, assessed_text=studies_in_words(rob["assessed"]))
    for key, value in rob.items():
        if isinstance(value, dict) and "studies" in value:
            out[key] = dict(value, studies_text=studies_in_words(value["studies"]))
    return out


def rob_coverage_sentence(assessed: int, included: int) -> str:
    """How many of the included studies were assessed for risk of bias, as a sentence
    that stays true at every count: with no included study it says so rather than
    claiming that "every" one (none) was assessed."""
    if included == 0:
        return "No study has been included yet, so none has been assessed for risk of bias."
    if assessed >= included:
        if included == 1:
            return "The included study was assessed for risk of bias."
        return f"All {included:,} included studies were assessed for risk of bias."
    studies = counted(included, "included study", "included studies")
    if assessed == 0:
        return f"None of the {studies} has been assessed for risk of bias yet."
    verb = "was" if assessed == 1 else "were"
    return f"{assessed:,} of the {studies} {verb} assessed for risk of bias."


def report_years(records: pd.DataFrame) -> dict[str, int | None]:
    """First and last publication year among included reports."""
    included = records[records.get("eligibility") == "include"] if len(records) else records
    years = pd.to_numeric(included.get("year"), errors="coerce").dropna()
    if years.empty:
        return {"first_year": None, "last_year": None}
    return {"first_year": int(years.min()), "last_year": int(years.max())}


def assessment_basis(records: pd.DataFrame) -> dict[str, int]:
    """Reports assessed for eligibility by what was read (``read_from``).

    ``full_text`` (the full text was read), ``abstract_or_registration`` (only
    the abstract, part of the text or the registration) and ``unrecorded``
    (no ``read_from``), so no count calls an abstract a full-text assessment.
    """
    if "retrieval" not in records or not len(records):
        return {"full_text": 0, "abstract_or_registration": 0, "unrecorded": 0}
    assessed = records[records["retrieval"] == "retrieved"]
    read = assessed.get("read_from", pd.Series([None] * len(assessed), index=assessed.index))
    counts = reading_counts(read)
    out = {
        "full_text": counts["full_text"],
        "abstract_or_registration": counts["without_full_text"],
        "unrecorded": counts["unrecorded"],
    }
    return out | {"statement": assessment_sentence(out)}


def assessment_sentence(counts: dict[str, int]) -> str:
    """What the reports assessed for eligibility were read from, in words that follow
    the counts: "all", "most", "half", "a minority" or "none" of them full texts.

    Every sentence starts with a word, never a digit.
    """
    full, partial, unrecorded = (
        counts[k] for k in ("full_text", "abstract_or_registration", "unrecorded")
    )
    total = full + partial + unrecorded
    if not total:
        return "No report was assessed for eligibility."
    reports = counted(total, "report", "reports")
    short = "the abstract, part of the text or the trial registration only"
    if full == total:
        return f"All {reports} assessed for eligibility were assessed on their full text."
    if partial == total:
        return (
            f"None of the {reports} assessed for eligibility was assessed on its full "
            f"text: all were assessed on {short}, so the reports the flow diagram counts "
            "as assessed are all abstracts, partial texts or registrations."
        )
    parts = [
        f"{full:,} {'was' if full == 1 else 'were'} assessed on the full text",
        f"{partial:,} on {short}",
    ]
    if unrecorded:
        parts.append(f"{unrecorded:,} without a record of what was read")
    text = f"Of the {reports} assessed for eligibility, {join_words(parts)}"
    if full * 2 > total:
        share = "most of the reports the flow diagram counts as assessed are full texts"
    elif full * 2 == total:
        share = "half of the reports the flow diagram counts as assessed are full texts"
    else:
        share = "most of the reports the flow diagram counts as assessed are not full texts"
    return f"{text}, so {share}."


def search_dates(records: pd.DataFrame) -> dict[str, str | None]:
    """Earliest and latest ``search_date`` of the ledger (ISO dates, and as the prose
    writes them, ``*_date_text``), and ``last_run_text``:
    the sentence saying when the last search ran, or that none is recorded yet (a new
    review's empty ledger), so a chapter never prints "was run on ."."""
    dates = sorted(str(d) for d in records.get("search_date", []) if d)
    first, last = (dates[0], dates[-1]) if dates else (None, None)
    return {
        "first_date": first,
        "last_date": last,
        "first_date_text": long_date(first) if first else None,
        "last_date_text": long_date(last) if last else None,
        "last_run_text": f"The last search was run on {long_date(last)}."
        if last
        else "No search is recorded in the screening ledger yet.",
    }


def format_numbers(value: Any, key: str = "") -> Any:
    """Counts of 1,000 or more as text with thousands separators, as in the figures.

    Years (keys ending in ``year``) are left as they are.
    """
    if isinstance(value, dict):
        return {k: format_numbers(item, str(k)) for k, item in value.items()}
    if key.endswith("year"):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
        return f"{value:,}"
    return value


def collect_variables(
    studies: pd.DataFrame,
    records: pd.DataFrame,
    protocol: dict[str, Any],
    prisma: dict[str, Any],
    *,
    outcomes: pd.DataFrame | None = None,
    risk_of_bias: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """All variables for ``_variables.yml``, in a stable key order."""
    from ..evidence.risk_of_bias import rob_variables
    from ..synthesis.narrative import synthesis_variables

    variables = study_variables(studies, protocol)
    variables["studies"] = with_count_words(variables["studies"] | report_years(records))
    variables["search"] = search_dates(records)
    variables["assessment"] = assessment_basis(records)
    variables["prisma"] = prisma
    if outcomes is not None:
        variables["synthesis"] = synthesis_variables(outcomes, studies)
    if risk_of_bias is not None:
        variables["rob"] = with_study_counts_in_words(rob_variables(risk_of_bias))
        variables["rob"]["coverage_text"] = rob_coverage_sentence(
            variables["rob"]["assessed"], variables["studies"]["included"]
        )
    return format_numbers(variables)


def meta_variables(
    analyses: dict[str, Any], snapshots: Sequence[str | Path] = ()
) -> dict[str, Any]:
    """``meta.<analysis id>.*``: the displayed results and the release-history sentence
    (every release that pooled the analysis, then this build if its result differs)."""
    from ..synthesis.release_history import (
        conclusion_sentence,
        current_point,
        meta_history,
        read_snapshots,
        with_current,
    )

    history = read_snapshots(list(snapshots))
    out = {}
    for key, value in analyses.items():
        points = with_current(meta_history(history, key), current_point(value["variables"]))
        directions = tuple(value.get("directions", ("Favours intervention", "Favours control")))
        out[key] = dict(value["variables"])
        out[key]["history"] = conclusion_sentence(points, value["measure"], directions)
    return out


def cumulative_counts(records: pd.DataFrame, protocol: str | Path) -> dict[str, Any]:
    """PRISMA counts of the whole ledger, every version together (no previous arm).

    After an update the ``prisma`` keys describe the flow diagram, whose arms
    count only the records new since the previous release; prose about the
    review as a whole quotes these ``cumulative`` keys instead.
    """
    from ..prisma.counts import counts_as_variables, derive_counts

    reasons = (read_yaml(protocol, DataError) or {}).get("exclusion_reasons") or {}  # type: ignore[union-attr]
    return counts_as_variables(derive_counts(records, reasons), reasons)


def write_variables(
    counts_json: str | Path,
    studies: str | Path,
    records: str | Path,
    protocol: str | Path,
    output: str | Path,
    *,
    outcomes: str | Path | None = None,
    risk_of_bias: str | Path | None = None,
    release: str | Path | None = None,
    decisions: str | Path | None = None,
    meta: str | Path | None = None,
    snapshots: Sequence[str | Path] = (),
    cumulative: str | Path | None = None,
    synthesis_output: str | Path | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Compute every variable from the data files and write ``_variables.yml`` atomically.

    ``synthesis_output`` (results/text/synthesis.json) receives the ``synthesis``
    keys alone, the only ones the generated sentences read: an edit that changes
    other numbers (a study's n) leaves its bytes, and so rule
    write_generated_text, alone (issue 19).

    ``cumulative`` (results/prisma/counts_cumulative.json, the counts of the whole
    ledger that rule derive_prisma_counts derived and checked) gives the
    ``cumulative.*`` keys; without it they are derived from ``records`` here
    (:func:`cumulative_counts`; at 100,000 records that was most of this step).

    ``decisions`` (screening/decisions.csv, when reviewers' decisions are logged)
    gives the agreement between reviewers in the ``screening.*`` keys; the
    screening mode comes from ``screening: reviewers`` in the protocol.

    ``release`` (results/releases/state.json) gives the ``release.*`` keys: the
    version and date the outputs carry (see :mod:`livingreview.living.releases`).

    ``outcomes`` and ``risk_of_bias`` (data/outcomes.csv, data/risk_of_bias.csv)
    are optional; their counts are added when given. ``meta`` (the results of the
    declared meta-analyses) adds the ``meta.<analysis id>.*`` keys; ``snapshots``
    (releases/*/release.yaml) add ``meta.<analysis id>.history``, the sentence on
    whether the pooled conclusion changed between releases.

    ``extra`` adds top-level keys a later stage derives (``eligibility.*``: the
    amendments to the criteria across releases, :mod:`livingreview.living.criteria`).
    """
    from ..evidence.outcomes import load_outcomes
    from ..evidence.risk_of_bias import load_risk_of_bias
    from ..ledger.reviewers import agreement_variables

    prisma = json.loads(read_text(counts_json))["variables"]
    study_table = load_table(studies, "studies")
    variables = collect_variables(
        study_table,
        load_table(records, "records"),
        read_yaml(protocol, DataError),  # type: ignore[arg-type]
        prisma,
        outcomes=None if outcomes is None else load_outcomes(outcomes, study_table),
        risk_of_bias=None if risk_of_bias is None else load_risk_of_bias(risk_of_bias, study_table),
    )
    if cumulative is not None:
        whole = json.loads(read_text(cumulative))["variables"]
    else:
        whole = cumulative_counts(load_table(records, "records"), protocol)
    variables["cumulative"] = format_numbers(whole)
    if meta is not None:  # results/synthesis/meta_analyses.json (rule run_meta_analyses)
        variables["meta"] = meta_variables(json.loads(read_text(meta)), snapshots)
    if release is not None:
        variables["release"] = json.loads(read_text(release))
    protocol_data = read_yaml(protocol, DataError) or {}
    reviewers = int((protocol_data.get("screening") or {}).get("reviewers", 1))  # type: ignore[union-attr]
    variables["screening"] = agreement_variables(decisions, reviewers, variables["assessment"])
    variables.update(extra or {})
    write_yaml(output, variables)
    if synthesis_output is not None:
        synthesis = variables.get("synthesis") or {}
        write_text(synthesis_output, json.dumps(synthesis, indent=2, sort_keys=True) + "\n")
    return variables

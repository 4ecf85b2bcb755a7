"""What a draft changes since the latest release: the data part of "Changes in this version".

The outputs are a draft when the data differ from what the latest release was made
from (:func:`livingreview.living.releases.release_state`). A reader of a draft then
sees, above the comparison of the released versions, what the draft changes in the
data since the latest release: studies added and removed, each with why (a new record,
an earlier record included on re-assessment, or the reason of the current decision on
the reports that are no longer included), studies whose key values changed, and the
counts that changed, the PRISMA counts over every version among them.

The draft's text is not compared with the release's: the draft's text exists only
once the review is rendered, and this page is part of that render, so the page says
that the text changes are shown when the draft is released.

Only ``csv`` and YAML are read here (no pandas): the rule runs on every data edit.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..io import read_text, read_yaml, write_text
from ..markdown import escape_markdown
from .criteria import compare_states, criteria_changes_lines, current_protocol, release_protocol
from .pages import _lookup, data_changes_lines, release_study_labels
from .releases import (
    DRAFT_SUFFIX,
    Release,
    Scope,
    frozen_numbers,
    load_releases,
    read_release_state,
    study_key_values,
)

DRAFT_NAME = "This draft"

# The PRISMA counts over every version (``cumulative.*``), compared between the latest
# release and the draft: unlike the updated-review diagram, whose boxes are relative to
# the version before, they mean the same in both.
PRISMA_NUMBERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Records identified (every version)", ("cumulative", "records", "identified")),
    ("Reports sought for retrieval (every version)", ("cumulative", "reports", "sought")),
    ("Reports not retrieved (every version)", ("cumulative", "reports", "not_retrieved")),
    ("Reports assessed for eligibility (every version)", ("cumulative", "reports", "assessed")),
    ("Reports excluded (every version)", ("cumulative", "reports", "excluded")),
    ("Reports of included studies (every version)", ("cumulative", "reports", "total")),
    ("Studies included (every version)", ("cumulative", "studies", "total")),
)


def _csv_rows(path: str | Path) -> list[dict[str, str]]:
    """The rows of a data file as stripped strings (what the validated build read)."""
    text = read_text(path).lstrip("\ufeff")
    return [
        {k: (v or "").strip() for k, v in row.items() if k is not None}
        for row in csv.DictReader(text.splitlines())
    ]


def draft_release(
    latest: Release,
    records: Sequence[Mapping[str, str]],
    studies: Sequence[Mapping[str, str]],
    variables: Mapping[str, Any],
) -> Release:
    """The draft as a snapshot would freeze it (without the parts only a release has:
    its date, note, scope and the records it accounted for)."""
    included = [r for r in records if r.get("eligibility") == "include"]
    study_ids = {r["study_id"] for r in included if r.get("study_id")}
    numbers = frozen_numbers(variables)
    return Release(
        version=latest.version + DRAFT_SUFFIX,
        date="",
        search_date=None,
        note="",
        scope=Scope(),
        inputs={},
        studies={s["study_id"]: study_key_values(s) for s in studies if s["study_id"] in study_ids},
        record_ids=(),
        report_ids=tuple(r["record_id"] for r in included),
        pending_ids=(),
        prisma=numbers.get("prisma") or {},
        variables=numbers,
    )


def _reason_words(label: str) -> str:
    return escape_markdown(label[:1].lower() + label[1:])


def why_studies_changed(
    latest: Release,
    draft: Release,
    records: Sequence[Mapping[str, str]],
    reason_labels: Mapping[str, str],
) -> dict[str, str]:
    """Why each study was added or removed since ``latest``, as words for readers."""
    seen = set(latest.record_ids)
    included = [r for r in records if r.get("eligibility") == "include"]
    why: dict[str, str] = {}
    for sid in sorted(set(draft.studies) - set(latest.studies)):
        earlier = {r.get("record_id") in seen for r in included if r.get("study_id") == sid}
        if earlier == {True}:
            why[sid] = (
                f"a record already assessed for version {latest.version}, included on re-assessment"
            )
        elif earlier == {False}:
            why[sid] = f"new records found since version {latest.version}"
        else:
            why[sid] = (
                f"new records found since version {latest.version}, and an earlier record "
                "included on re-assessment"
            )
    still = {r.get("record_id") for r in included}
    gone = [r for r in records if r.get("record_id") in set(latest.report_ids) - still]
    for sid in sorted(set(latest.studies) - set(draft.studies)):
        key = latest.studies[sid].get("bib_key")
        rows = [r for r in gone if r.get("study_id") == sid] or [
            r for r in gone if not r.get("study_id") and key and r.get("bib_key") == key
        ]
        reasons = []
        for row in rows:
            code = row.get("exclusion_reason", "")
            if row.get("eligibility") == "exclude" and code:
                reasons.append(_reason_words(reason_labels.get(code, code)))
            elif not row.get("eligibility"):
                reasons.append("awaiting a new decision")
        if reasons:
            why[sid] = "excluded on re-assessment: " + "; ".join(dict.fromkeys(reasons))
        else:
            why[sid] = "no longer included"
    return why


def _prisma_rows(latest: Release, draft: Release, reason_labels: Mapping[str, str]) -> list:
    """PRISMA counts over every version, the latest release's against the draft's (none
    when the release predates those counts)."""
    if not isinstance(latest.variables.get("cumulative"), Mapping):
        return []
    rows = [
        (label, _lookup(latest.variables, path), _lookup(draft.variables, path))
        for label, path in PRISMA_NUMBERS
    ]
    old = _lookup(latest.variables, ("cumulative", "excluded_reasons")) or {}
    new = _lookup(draft.variables, ("cumulative", "excluded_reasons")) or {}
    codes = [c for c in reason_labels if c in old or c in new]
    codes += [c for c in {**old, **new} if c not in codes]
    rows += [
        (
            f"Reports excluded: {reason_labels.get(c, c)} (every version)",
            old.get(c, 0),
            new.get(c, 0),
        )
        for c in codes
    ]
    return rows


def draft_changes_markdown(
    releases: Sequence[Release],
    state: Mapping[str, Any],
    records: Sequence[Mapping[str, str]],
    studies: Sequence[Mapping[str, str]],
    variables: Mapping[str, Any],
    reason_labels: Mapping[str, str],
    bibliography: str | Path | None = None,
    protocol: str | Path | None = None,
) -> str:
    """The section on what the draft changes (empty when the outputs are a release).

    With ``bibliography`` studies are named as in the tables ("Glue 2017"); without
    it, by their study id (tests). With ``protocol`` (the protocol file the draft
    reads) it first lists the eligibility criteria changed since the latest release."""
    if not releases or state.get("status") != "draft":
        return ""
    latest = releases[-1]
    draft = draft_release(latest, records, studies, variables)
    labels = release_study_labels([*releases, draft], bibliography) if bibliography else {}
    why = why_studies_changed(latest, draft, records, reason_labels)
    lines = [
        f"## This draft compared with version {latest.version} {{.unnumbered}}",
        "",
        f"This is a draft: its data differ from those of version {latest.version}, the "
        "latest released version. What the draft changes in the eligibility criteria and "
        "the data is listed here; the changes to its text are shown here when it is "
        "released as a version.",
        "",
    ]
    if protocol is not None:
        old, new = release_protocol(latest), current_protocol(protocol)
        lines += [
            "### Eligibility criteria {.unnumbered}",
            "",
            *criteria_changes_lines(old, new, compare_states(old, new)),
            "",
            "### Data {.unnumbered}",
            "",
        ]
    lines += [
        *data_changes_lines(
            latest, draft, labels, why, DRAFT_NAME, _prisma_rows(latest, draft, reason_labels)
        ),
    ]
    return "\n".join(lines) + "\n"


def write_changes_with_draft(
    snapshots: Sequence[str | Path],
    state_json: str | Path,
    variables_yml: str | Path,
    records: str | Path,
    studies: str | Path,
    protocol: str | Path,
    bibliography: str | Path | None,
    released_changes: str | Path,
    output: str | Path,
) -> None:
    """Write "Changes in this version": what a draft changes (if the outputs are a
    draft), then the comparison of the released versions (``released_changes``)."""
    releases = load_releases(snapshots)
    variables = read_yaml(variables_yml)
    config = read_yaml(protocol)
    reasons = (config.get("exclusion_reasons") if isinstance(config, Mapping) else None) or {}
    draft = draft_changes_markdown(
        releases,
        read_release_state(state_json),
        _csv_rows(records),
        _csv_rows(studies),
        variables if isinstance(variables, Mapping) else {},
        {str(code): str(label) for code, label in reasons.items()},
        bibliography,
        protocol,
    )
    released = read_text(released_changes)
    write_text(output, draft + ("\n" if draft else "") + released)

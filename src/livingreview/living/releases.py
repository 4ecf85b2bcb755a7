"""Versions of a living review: frozen snapshots and what the build derives from them.

A *release* freezes the evidence state as ``releases/<version>/release.yaml``
(a small YAML snapshot: included studies with their key values, the records the
version accounted for, the PRISMA counts and every generated number) next to
the PDF and DOCX rendered for that version. Snapshots are written once by
:func:`make_release` and never rewritten.

From the snapshots the build derives

* the PRISMA 2020 "previous studies" arm (:func:`previous_release`,
  :func:`write_previous_version`), fed to :func:`livingreview.prisma.counts.derive_counts`;
* the version stamp of every output (:func:`release_state`, ``release.*`` keys
  of ``_variables.yml``);
* "What's new" (:func:`whats_new_markdown`, the diff of the last two releases),
  the version history (:func:`history_markdown`, Cochrane-style What's new and
  History tables) and "Cite this version" (:func:`citation_markdown`).

Which release the build presents
--------------------------------
The outputs carry version *X* when every data file is byte-identical to what
release *X* (the latest) was made from (``inputs`` digests); otherwise they are
a draft after the latest release (build stamp ``X+draft``, which readers see as
"Draft after version X (not yet released)"). The PRISMA
previous-studies arm is the latest release, unless the ledger accounts for
exactly the records of the latest release (nothing new since), in which case it
is the release before it: the diagram then shows the update that brought the
latest release in.

Scope: releases made after the fact
-----------------------------------
A version can cover part of the ledger: ``--cutoff YYYY-MM`` keeps the records
published up to that month. Records carry a publication ``year`` only, so a
record of the cut-off year (when the cut-off is not December) or without a year
cannot be compared; each must be assigned by hand (``--assign
R011=in: reason``) and the assignments are stored in the snapshot and shown in
the version history. Nothing is guessed: an unassigned record stops the release.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, ReleaseError, raise_if_any
from ..evidence.review_data import ReviewData
from ..io import read_text, read_yaml, write_text
from ..prisma.model import PreviousVersion
from ..validation import frame_rows, schema_errors

if TYPE_CHECKING:  # the version stamp and release pages need no tables (cheap rule starts)
    import pandas as pd

RELEASES_DIR = "releases"
SNAPSHOT = "release.yaml"
ARTIFACTS = ("review.pdf", "review.docx")
KEY_FIELDS = (
    "bib_key",
    "diagnosis_group",
    "design_class",
    "n",
    "route",
    "dosing",
    "publication_date",
    "main_finding",
    "effect_duration",
)
"""Study values frozen in a snapshot and compared by What's new."""

FIELD_LABELS = {
    "bib_key": "main report",
    "diagnosis_group": "diagnostic group",
    "design_class": "design class",
    "n": "participants",
    "route": "route",
    "dosing": "dosing",
    "publication_date": "publication date",
    "main_finding": "main finding",
    "effect_duration": "duration of effect",
}
DRAFT_SUFFIX = "+draft"
DRAFT_TEXT = "Draft after version {version} (not yet released)"
"""What a reader sees after "Version" on a build made after release *version*."""
VERSION_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*$")
CUTOFF_PATTERN = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
# Generated or local folders never copied into the release build.
COPY_IGNORE = (
    ".git",
    ".venv",
    ".snakemake",
    ".quarto",
    "_book",
    "_book.*",
    "results",
    "logs",
    "_variables.yml",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.egg-info",
)


# --------------------------------------------------------------------------- #
# The snapshot
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Assignment:
    """A record placed in or out of a cut-off scope by hand, with the reason."""

    record_id: str
    in_scope: bool
    reason: str


@dataclass(frozen=True)
class Scope:
    """Which ledger records a version covers: all (``cutoff`` None) or up to a month."""

    cutoff: str | None = None
    assignments: tuple[Assignment, ...] = ()


@dataclass(frozen=True)
class Release:
    """One frozen version (the content of ``releases/<version>/release.yaml``)."""

    version: str
    date: str
    search_date: str | None
    note: str
    scope: Scope
    inputs: Mapping[str, str]
    studies: Mapping[str, Mapping[str, Any]]
    record_ids: tuple[str, ...]
    report_ids: tuple[str, ...]
    pending_ids: tuple[str, ...]
    prisma: Mapping[str, Any]
    variables: Mapping[str, Any]
    folder: Path | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[int, ...]:
        """The version as a tuple of integers, for ordering (1.10 after 1.9)."""
        return version_key(self.version)

    def previous_version(self) -> PreviousVersion:
        """What the PRISMA module needs to draw this release as the previous arm."""
        return PreviousVersion(
            study_ids=frozenset(self.studies),
            report_ids=frozenset(self.report_ids),
            record_ids=frozenset(self.record_ids),
        )

    def as_dict(self) -> dict[str, Any]:
        """The snapshot as plain data, keys in a fixed order (the YAML file)."""
        return {
            "version": self.version,
            "date": self.date,
            "search_date": self.search_date,
            "note": self.note,
            "scope": {
                "cutoff": self.scope.cutoff,
                "assignments": [
                    {"record_id": a.record_id, "in_scope": a.in_scope, "reason": a.reason}
                    for a in self.scope.assignments
                ],
            },
            "inputs": dict(self.inputs),
            "studies": {k: dict(v) for k, v in self.studies.items()},
            "record_ids": list(self.record_ids),
            "report_ids": list(self.report_ids),
            "pending_ids": list(self.pending_ids),
            "prisma": _plain(self.prisma),
            "variables": _plain(self.variables),
        }


def _plain(value: Any) -> Any:
    """Mappings and sequences as dicts and lists (what yaml.safe_dump accepts)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def study_key_values(study: Mapping[str, str]) -> dict[str, Any]:
    """The key values of a study (a row of studies.csv) as a snapshot freezes them."""
    values: dict[str, Any] = {}
    for name in KEY_FIELDS:
        value = study.get(name, "")
        values[name] = int(value) if name == "n" and value else (value or None)
    return values


def frozen_numbers(variables: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers a release freezes: not the ``release`` keys, and not the sentence on
    how each pooled estimate moved between releases (``meta.<id>.history``), which the
    releases themselves decide (it reads differently once this release exists)."""
    out = {k: v for k, v in variables.items() if k != "release"}
    if isinstance(out.get("meta"), Mapping):
        out["meta"] = {
            key: {k: v for k, v in entry.items() if k != "history"}
            if isinstance(entry, Mapping)
            else entry
            for key, entry in out["meta"].items()
        }
    return out


def version_key(version: str) -> tuple[int, ...]:
    """``"1.10"`` -> ``(1, 10)``; raises ValueError for anything but dotted integers."""
    if not VERSION_PATTERN.match(version):
        raise ValueError(version)
    return tuple(int(part) for part in version.split("."))


def schema_problems(data: Any, schema: str, file: str | Path, fix: str) -> list[Problem]:
    """Every difference between ``data`` (of ``file``) and the package's ``schema``, in
    document order, each with where it is and ``fix``."""
    return [
        Problem(
            str(file),
            err.message,
            column="/".join(str(p) for p in err.path) or "(top level)",
            fix=fix,
        )
        for err in sorted(schema_errors(data, schema, formats=True), key=lambda e: list(e.path))
    ]


def release_from_dict(data: Mapping[str, Any], file: str | Path) -> Release:
    """Check a snapshot against ``release.schema.yaml`` and return it as a :class:`Release`."""
    problems = schema_problems(
        data,
        "release",
        file,
        "restore the file from version control: snapshots are never edited by hand",
    )
    raise_if_any(problems, ReleaseError, f"{file} is not a valid release snapshot")
    scope = data["scope"]
    return Release(
        version=data["version"],
        date=data["date"],
        search_date=data["search_date"],
        note=data["note"],
        scope=Scope(
            scope["cutoff"],
            tuple(
                Assignment(a["record_id"], a["in_scope"], a["reason"]) for a in scope["assignments"]
            ),
        ),
        inputs=dict(data["inputs"]),
        studies={k: dict(v) for k, v in data["studies"].items()},
        record_ids=tuple(data["record_ids"]),
        report_ids=tuple(data["report_ids"]),
        pending_ids=tuple(data["pending_ids"]),
        prisma=data["prisma"],
        variables=data["variables"],
        folder=Path(file).parent,
    )


def read_release(path: str | Path) -> Release:
    """Read one ``release.yaml``; its folder name must be its version."""
    path = Path(path)
    data = read_yaml(path, ReleaseError)
    if not isinstance(data, dict):
        raise ReleaseError.single(path, "is not a YAML mapping", fix="restore it from git")
    release = release_from_dict(data, path)
    if path.parent.name != release.version:
        raise ReleaseError.single(
            path,
            "folder name and version differ",
            column="version",
            found=release.version,
            expected=path.parent.name,
            fix="restore the file from git (releases are never renamed)",
        )
    return release


def load_releases(paths: Iterable[str | Path]) -> list[Release]:
    """Read the given snapshots and return them oldest first (by version number)."""
    releases = [read_release(p) for p in paths]
    return sorted(releases, key=lambda r: r.key)


def find_snapshots(project: str | Path = ".") -> list[Path]:
    """Every ``releases/<version>/release.yaml`` of a project, sorted by path."""
    folder = Path(project) / RELEASES_DIR
    return sorted(folder.glob(f"*/{SNAPSHOT}")) if folder.is_dir() else []


# --------------------------------------------------------------------------- #
# Which records a version covers
# --------------------------------------------------------------------------- #


def parse_assignment(text: str) -> Assignment:
    """``"R011=in: reason"`` or ``"R029=out: reason"`` -> :class:`Assignment`."""
    match = re.match(r"^\s*([^=\s]+)\s*=\s*(in|out)\s*:\s*(\S.*)$", text, flags=re.DOTALL)
    if not match:
        raise ReleaseError.single(
            "--assign",
            "cannot read the assignment",
            found=text,
            expected="RECORD_ID=in: reason  or  RECORD_ID=out: reason",
            fix="give the record id, in or out, a colon and the reason",
        )
    record_id, where, reason = match.groups()
    return Assignment(record_id, where == "in", " ".join(reason.split()))


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """Rows of a loaded table as dicts of strings ('' for missing), ``_line`` kept."""
    return [{k: _cell(v) for k, v in row.items()} for row in frame_rows(frame)]


def _cutoff_verdict(year: str, cutoff: str) -> bool | None:
    """True/False when ``year`` is surely before/after the cut-off month, else None."""
    match = CUTOFF_PATTERN.match(cutoff)
    assert match is not None
    cut_year, cut_month = int(match.group(1)), int(match.group(2))
    if not year:
        return None
    if int(year) < cut_year or (int(year) == cut_year and cut_month == 12):
        return True
    if int(year) > cut_year:
        return False
    return None


def scope_record_ids(data: ReviewData, scope: Scope, records_file: str) -> list[str]:
    """Record ids a version with ``scope`` covers, in ledger order.

    Raises :class:`ReleaseError` naming every record whose date cannot be compared
    with the cut-off and that has no assignment, every assignment of an unknown
    record, and every included study whose main report is left out while another
    of its reports is in.
    """
    records = _rows(data.records)
    if scope.cutoff is None:
        if scope.assignments:
            raise ReleaseError.single(
                "--assign", "assignments need a cut-off", fix="add --cutoff YYYY-MM"
            )
        return [r["record_id"] for r in records]
    if not CUTOFF_PATTERN.match(scope.cutoff):
        raise ReleaseError.single(
            "--cutoff", "not a month", found=scope.cutoff, expected="YYYY-MM", fix="e.g. 2021-10"
        )
    by_id = {r["record_id"]: r for r in records}
    assigned = {a.record_id: a.in_scope for a in scope.assignments}
    problems = [
        Problem(
            "--assign",
            "record is not in the ledger",
            found=rid,
            expected=f"a record_id of {records_file}",
            fix="correct the id",
        )
        for rid in assigned
        if rid not in by_id
    ]
    kept: list[str] = []
    for row in records:
        verdict = assigned.get(row["record_id"], _cutoff_verdict(row["year"], scope.cutoff))
        if verdict is None:
            problems.append(
                Problem(
                    records_file,
                    f"cannot tell whether record {row['record_id']} was published by "
                    f"{scope.cutoff}",
                    row=int(row["_line"]),
                    column="year",
                    found=row["year"] or "(empty)",
                    expected=f"a year other than {scope.cutoff[:4]}, or an assignment",
                    fix=f"decide from its sources and pass --assign '{row['record_id']}=in: "
                    "reason' (or =out: reason)",
                )
            )
        elif verdict:
            kept.append(row["record_id"])
    problems += _main_report_problems(data, set(kept), records_file)
    raise_if_any(problems, ReleaseError, f"the records in scope of cut-off {scope.cutoff}")
    return kept


def _main_report_problems(data: ReviewData, kept: set[str], records_file: str) -> list[Problem]:
    """A study in scope needs its main report (its bib_key) in scope too."""
    problems = []
    main_key = {s["study_id"]: s["bib_key"] for s in _rows(data.studies)}
    included = [r for r in _rows(data.records) if r["eligibility"] == "include"]
    in_scope = {r["study_id"] for r in included if r["record_id"] in kept}
    for row in included:
        sid = row["study_id"]
        if sid in in_scope and row["bib_key"] == main_key.get(sid) and row["record_id"] not in kept:
            problems.append(
                Problem(
                    records_file,
                    f"study {sid} is in scope through another report, but its main report "
                    f"{row['record_id']} is not",
                    row=int(row["_line"]),
                    column="year",
                    found=row["year"] or "(empty)",
                    fix=f"assign {row['record_id']} in scope, or its other reports out",
                )
            )
    return problems


def accounted_record_ids(records: Iterable[Mapping[str, str]]) -> list[str]:
    """Records with a final outcome: removed, screened out, not retrieved or decided."""
    out = []
    for r in records:
        final = (
            r.get("duplicate_of")
            or r.get("removed")
            or r.get("screening") == "exclude"
            or r.get("retrieval") == "not_retrieved"
            or r.get("eligibility")
        )
        if final:
            out.append(r["record_id"])
    return out


def previous_release(releases: Sequence[Release], accounted: Iterable[str]) -> Release | None:
    """The release the PRISMA previous-studies arm shows (see the module docstring)."""
    if not releases:
        return None
    latest = releases[-1]
    if set(accounted) == set(latest.record_ids):
        return releases[-2] if len(releases) > 1 else None
    return latest


# --------------------------------------------------------------------------- #
# What the build derives
# --------------------------------------------------------------------------- #


def release_state(releases: Sequence[Release], digests: Mapping[str, str]) -> dict[str, Any]:
    """The ``release`` keys of ``_variables.yml``: which version the outputs show."""
    if not releases:
        return {
            "version": "draft",
            "label": "Draft",
            "text": "Draft (not yet released)",
            "date": "",  # a draft has no release date: the title block prints none
            "status": "draft",
            "latest": "",
            "search_date": "",
        }
    latest = releases[-1]
    released = dict(latest.inputs) == dict(digests)
    return {
        "version": latest.version if released else latest.version + DRAFT_SUFFIX,
        # the page header: "v2.0", or "Draft after v2.0" (never "vdraft")
        "label": f"v{latest.version}" if released else f"Draft after v{latest.version}",
        # the title block and book facts ("Version ..."): the build stamp "2.0+draft"
        # is for the machinery (make_release checks it) and never reaches a reader
        "text": latest.version if released else DRAFT_TEXT.format(version=latest.version),
        # a draft has no release date (its version says "not yet released"), and a build
        # date would make rebuilds differ: the title block then prints no date at all
        "date": latest.date if released else "",
        "status": "released" if released else "draft",
        "latest": latest.version,
        "search_date": latest.search_date or "",
    }


def write_release_state(
    releases: Sequence[Release], data_files: Mapping[str, str | Path], output: str | Path
) -> dict[str, Any]:
    """Write ``results/releases/state.json`` (the ``release`` variables) for the build,
    from the snapshots :func:`load_releases` read."""
    state = release_state(releases, file_digests(data_files))
    write_text(output, json.dumps(state, indent=2, ensure_ascii=False) + "\n")
    return state


def read_release_state(path: str | Path) -> dict[str, Any]:
    """Read ``results/releases/state.json``."""
    return json.loads(read_text(path, ReleaseError))


def previous_release_of(snapshots: Sequence[str | Path], records: pd.DataFrame) -> Release | None:
    """The release the PRISMA "previous studies" arm shows for this ledger (None if none)."""
    return previous_release(load_releases(snapshots), accounted_record_ids(_rows(records)))


def previous_version_of(
    snapshots: Sequence[str | Path], records: pd.DataFrame
) -> PreviousVersion | None:
    """:func:`previous_release_of` as the :class:`PreviousVersion` the PRISMA counts take."""
    release = previous_release_of(snapshots, records)
    if release is None:
        return None
    return PreviousVersion(
        sorted(release.studies), list(release.report_ids), list(release.record_ids)
    )


def write_previous_version(
    snapshots: Sequence[str | Path], records: str | Path, output: str | Path
) -> Release | None:
    """Write ``results/releases/previous.json``: the PRISMA previous arm (or null)."""
    from ..validation import load_table

    previous = previous_release_of(snapshots, load_table(records, "records"))
    data = None
    if previous is not None:
        data = {
            "version": previous.version,
            "study_ids": sorted(previous.studies),
            "report_ids": list(previous.report_ids),
            "record_ids": list(previous.record_ids),
        }
    write_text(output, json.dumps(data, indent=1) + "\n")
    return previous


def read_previous_version(path: str | Path) -> PreviousVersion | None:
    """The :class:`PreviousVersion` written by :func:`write_previous_version`, or None."""
    data = json.loads(read_text(path, ReleaseError))
    if data is None:
        return None
    return PreviousVersion(data["study_ids"], data["report_ids"], data["record_ids"])


def file_digests(paths: Mapping[str, str | Path]) -> dict[str, str]:
    """SHA-256 of each data file, keyed by its config name (protocol, records ...)."""
    return {key: hashlib.sha256(Path(paths[key]).read_bytes()).hexdigest() for key in sorted(paths)}

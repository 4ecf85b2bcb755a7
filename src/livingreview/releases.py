"""Versions of a living review: frozen snapshots and what the build derives from them.

A *release* freezes the evidence state as ``releases/<version>/release.yaml``
(a small YAML snapshot: included studies with their key values, the records the
version accounted for, the PRISMA counts and every generated number) next to
the PDF and DOCX rendered for that version. Snapshots are written once by
:func:`make_release` and never rewritten.

From the snapshots the build derives

* the PRISMA 2020 "previous studies" arm (:func:`previous_release`,
  :func:`write_previous_version`), fed to :func:`livingreview.prisma.derive_counts`;
* the version stamp of every output (:func:`release_state`, ``release.*`` keys
  of ``_variables.yml``);
* "What's new" (:func:`whats_new_markdown`, the diff of the last two releases),
  the version history (:func:`history_markdown`, Cochrane-style What's new and
  History tables) and "Cite this version" (:func:`citation_markdown`).

Which release the build presents
--------------------------------
The outputs carry version *X* when every data file is byte-identical to what
release *X* (the latest) was made from (``inputs`` digests); otherwise they are
a draft after the latest release (version ``X+draft``). The PRISMA
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
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import yaml

from .errors import Problem, ReleaseError, raise_if_any
from .evidence import ReviewData, load_configured_data
from .io import read_text, read_yaml, write_bytes, write_text
from .markdown import escape_markdown
from .prisma import PreviousVersion
from .validation import load_schema

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


def version_key(version: str) -> tuple[int, ...]:
    """``"1.10"`` -> ``(1, 10)``; raises ValueError for anything but dotted integers."""
    if not VERSION_PATTERN.match(version):
        raise ValueError(version)
    return tuple(int(part) for part in version.split("."))


def release_from_dict(data: Mapping[str, Any], file: str | Path) -> Release:
    """Check a snapshot against ``release.schema.yaml`` and return it as a :class:`Release`."""
    schema = load_schema("release")
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = [
        Problem(
            str(file),
            err.message,
            column="/".join(str(p) for p in err.path) or "(top level)",
            fix="restore the file from version control: snapshots are never edited by hand",
        )
        for err in sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    ]
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
    return [{k: _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]


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
# Freezing the evidence state
# --------------------------------------------------------------------------- #


def file_digests(paths: Mapping[str, str | Path]) -> dict[str, str]:
    """SHA-256 of each data file, keyed by its config name (protocol, records ...)."""
    return {key: hashlib.sha256(Path(paths[key]).read_bytes()).hexdigest() for key in sorted(paths)}


def _key_values(study: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in KEY_FIELDS:
        value = study.get(name, "")
        values[name] = int(value) if name == "n" and value else (value or None)
    return values


def _variables_without_release(variables: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in variables.items() if k != "release"}


def freeze(
    data: ReviewData,
    *,
    version: str,
    release_date: str,
    note: str,
    scope: Scope,
    releases: Sequence[Release],
    inputs: Mapping[str, str],
    records_file: str = "data/records.csv",
) -> Release:
    """The snapshot of the evidence state in ``scope``, before its numbers are known.

    Studies, records and search date come from ``data``; ``prisma`` and
    ``variables`` stay empty until :func:`with_numbers` adds the numbers the build
    generated. Raises :class:`ReleaseError` when records an earlier release
    accounted for are missing.
    """
    kept = set(scope_record_ids(data, scope, records_file))
    rows = [r for r in _rows(data.records) if r["record_id"] in kept]
    included = [r for r in rows if r["eligibility"] == "include"]
    study_ids = {r["study_id"] for r in included}
    studies = [s for s in _rows(data.studies) if s["study_id"] in study_ids]
    accounted = accounted_record_ids(rows)
    previous = releases[-1] if releases else None
    missing = sorted(set(previous.record_ids) - kept) if previous else []
    if previous and missing:
        raise ReleaseError.single(
            records_file,
            f"records that version {previous.version} accounted for are not in this version",
            found=", ".join(missing[:10]),
            fix="records are never deleted from the ledger; restore them or widen the scope",
        )
    dates = sorted(r["search_date"] for r in rows if r["search_date"])
    return Release(
        version=version,
        date=release_date,
        search_date=dates[-1] if dates else None,
        note=" ".join(note.split()),
        scope=scope,
        inputs=dict(inputs),
        studies={s["study_id"]: _key_values(s) for s in studies},
        record_ids=tuple(accounted),
        report_ids=tuple(r["record_id"] for r in included),
        pending_ids=tuple(r["record_id"] for r in rows if r["record_id"] not in set(accounted)),
        prisma={},
        variables={},
    )


def with_numbers(release: Release, variables: Mapping[str, Any]) -> Release:
    """``release`` with the generated numbers of its build (``_variables.yml`` content)."""
    numbers = _variables_without_release(variables)
    return replace(release, variables=numbers, prisma=numbers.get("prisma") or {})


def check_new_version(version: str, release_date: str, releases: Sequence[Release]) -> None:
    """Refuse a malformed, existing or out-of-order version or date."""
    problems = []
    if not VERSION_PATTERN.match(version):
        problems.append(
            Problem("--version", "not a version number", found=version, expected="e.g. 1.0 or 2.1")
        )
    try:
        date.fromisoformat(release_date)
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", release_date):
            raise ValueError(release_date)
    except ValueError:
        problems.append(Problem("--date", "not a date", found=release_date, expected="YYYY-MM-DD"))
    raise_if_any(problems, ReleaseError, "cannot make the release")
    for rel in releases:
        if rel.version == version:
            raise ReleaseError.single(
                rel.folder / SNAPSHOT if rel.folder else version,
                f"version {version} was already released; releases are never rewritten",
                fix="choose the next version number",
            )
    if releases and version_key(version) <= releases[-1].key:
        raise ReleaseError.single(
            "--version",
            "must be greater than the latest release",
            found=version,
            expected=f"more than {releases[-1].version}",
            fix="choose the next version number",
        )
    if releases and release_date < releases[-1].date:
        raise ReleaseError.single(
            "--date",
            "is before the latest release",
            found=release_date,
            expected=f"{releases[-1].date} or later",
            fix="give the release date (today)",
        )


# --------------------------------------------------------------------------- #
# Building the release's outputs
# --------------------------------------------------------------------------- #


class ReleaseBuild:
    """The review built in a temporary copy of the project (the project is not touched).

    Use as a context manager: :meth:`overlay` writes files into the copy (the
    scoped data, the snapshot) and :meth:`run` runs ``snakemake`` there with
    ``SOURCE_DATE_EPOCH`` set to the release date and returns the files asked for.
    """

    def __init__(self, project: Path, epoch: str) -> None:
        self.project, self.epoch = Path(project), epoch
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.copy = Path()

    def __enter__(self) -> ReleaseBuild:
        self._tmp = tempfile.TemporaryDirectory(prefix="livingreview-release-")
        self.copy = Path(self._tmp.name) / "review"
        shutil.copytree(self.project, self.copy, ignore=shutil.ignore_patterns(*COPY_IGNORE))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    def overlay(self, files: Mapping[str, bytes]) -> None:
        """Write ``{relative path: bytes}`` into the copy."""
        for rel, content in files.items():
            (self.copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.copy / rel).write_bytes(content)

    def run(self, wanted: Sequence[str], targets: Sequence[str] = ()) -> dict[str, bytes]:
        """Run ``snakemake [targets]``; return ``{name: bytes}`` of the ``wanted`` files."""
        env = {**os.environ, "SOURCE_DATE_EPOCH": self.epoch}
        proc = subprocess.run(
            [sys.executable, "-m", "snakemake", *targets],
            cwd=self.copy,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            raise ReleaseError.single(
                "snakemake",
                "the build of the release failed, so nothing was released",
                found=(proc.stdout + proc.stderr)[-3000:],
                fix="run `snakemake` and fix what it reports, then release again",
            )
        missing = [w for w in wanted if not (self.copy / w).is_file()]
        if missing:
            raise ReleaseError.single(
                "snakemake",
                "the build did not write every output of a release",
                found=", ".join(missing),
                fix="set render.formats to [html, docx, pdf] in config/config.yaml",
            )
        return {Path(w).name: (self.copy / w).read_bytes() for w in wanted}


def _epoch(release_date: str) -> str:
    """Midnight UTC of the release date: the timestamp inside the released PDF/DOCX."""
    moment = datetime.combine(date.fromisoformat(release_date), datetime.min.time(), UTC)
    return str(int(moment.timestamp()))


def _scoped_files(paths: Mapping[str, Path], root: Path, release: Release) -> dict[str, bytes]:
    """The data files of a scoped release as its build must see them: the ledger's rows
    in scope, and in every other CSV with a ``study_id`` column the rows of its studies."""
    from .search_import import split_csv_rows

    records = set(release.record_ids) | set(release.pending_ids)
    out = {}
    for key, path in paths.items():
        if Path(path).suffix != ".csv" or not Path(path).exists():
            continue
        header, rows = split_csv_rows(read_text(path))
        if key == "records":
            kept = [raw for row, raw in rows if row.get("record_id") in records]
        elif rows and "study_id" in rows[0][0]:
            kept = [raw for row, raw in rows if row.get("study_id") in release.studies]
        else:
            continue
        out[Path(path).resolve().relative_to(root).as_posix()] = (header + "".join(kept)).encode()
    return out


def _refuse_undecided_records(data: ReviewData, records_file: str) -> None:
    """A version is a finished state: every record must have its decisions."""
    from .prisma import awaiting_stage

    problems = []
    for row in data.records.to_dict("records"):
        plain = {k: "" if v is None else str(v) for k, v in row.items()}
        stage = awaiting_stage(plain)
        if stage:
            problems.append(
                Problem(
                    records_file,
                    f"record {plain['record_id']} still awaits its {stage} decision",
                    row=row.get("_line"),
                    column=stage,
                    fix="decide it (livingreview screening-sheet, then apply-screening) "
                    "before releasing",
                )
            )
    raise_if_any(problems, ReleaseError, "cannot release while records await a decision")


def make_release(
    project: str | Path,
    *,
    version: str,
    release_date: str,
    note: str,
    scope: Scope = Scope(),
    builder: type[ReleaseBuild] = ReleaseBuild,
) -> Path:
    """Freeze the evidence state as ``releases/<version>/`` and return that folder.

    Each step stops the release with a :class:`ReleaseError` or
    :class:`~livingreview.errors.DataError` before anything is written: the data
    pass :func:`livingreview.evidence.load_review_data`; the version is new and
    later than every release; the scope resolves every record; the review builds
    (``snakemake`` in a temporary copy with the scoped data and the new snapshot:
    first ``_variables.yml``, whose numbers the snapshot keeps, then everything)
    and the build carries the snapshot's numbers and version. Then the snapshot,
    the PDF and the DOCX appear together (one rename).
    """
    from .config import load_config

    root = Path(project).resolve()
    config = load_config(root / "config" / "config.yaml")
    paths = {k: root / v for k, v in config["data"].items()}
    data = load_configured_data(root)
    _refuse_undecided_records(data, config["data"]["records"])
    releases = load_releases(find_snapshots(root))
    check_new_version(version, release_date, releases)
    draft = freeze(
        data,
        version=version,
        release_date=release_date,
        note=note,
        scope=scope,
        releases=releases,
        inputs=file_digests(paths),
        records_file=config["data"]["records"],
    )
    overlay = _scoped_files(paths, root, draft) if scope.cutoff is not None else {}
    by_rel = {Path(v).as_posix(): k for k, v in config["data"].items()}
    digests = {**draft.inputs}
    digests.update({by_rel[rel]: hashlib.sha256(b).hexdigest() for rel, b in overlay.items()})
    draft = replace(draft, inputs=digests)
    snapshot_rel = f"{RELEASES_DIR}/{version}/{SNAPSHOT}"
    with builder(root, _epoch(release_date)) as build:
        build.overlay({**overlay, snapshot_rel: _snapshot_text(draft).encode()})
        numbers = build.run(["_variables.yml"], targets=["_variables.yml"])["_variables.yml"]
        final = with_numbers(draft, yaml.safe_load(numbers.decode("utf-8")) or {})
        snapshot = _snapshot_text(final)
        build.overlay({snapshot_rel: snapshot.encode()})
        built = build.run([*(f"_book/{name}" for name in ARTIFACTS), "_variables.yml"])
    _check_build_numbers(built["_variables.yml"], final)
    return _write_release_folder(root / RELEASES_DIR, version, snapshot, built)


def _snapshot_text(release: Release) -> str:
    header = (
        f"# Release {release.version} of the review, written by `livingreview release`.\n"
        "# Never edit or rewrite: later versions, What's new and the version history\n"
        "# are derived from it.\n"
    )
    body = yaml.safe_dump(release.as_dict(), sort_keys=False, allow_unicode=True, width=100)
    return header + body


def _check_build_numbers(variables_yml: bytes, release: Release) -> None:
    """The built ``_variables.yml`` must carry the snapshot's numbers and version."""
    built = yaml.safe_load(variables_yml.decode("utf-8")) or {}
    if _variables_without_release(built) != _plain(release.variables):
        raise ReleaseError.single(
            "_variables.yml",
            "the build's numbers differ from the snapshot's",
            fix="report this as a bug: the build and the release disagree on the data",
        )
    stamp = (built.get("release") or {}).get("version")
    if stamp != release.version:
        raise ReleaseError.single(
            "_variables.yml",
            "the build is not stamped with the new version",
            column="release.version",
            found=str(stamp),
            expected=release.version,
            fix="check that workflow/rules/releases.smk is included by the Snakefile",
        )


def _write_release_folder(
    folder: Path, version: str, snapshot: str, built: Mapping[str, bytes]
) -> Path:
    """Write snapshot and artifacts into a staging folder, then rename it into place."""
    target = folder / version
    staging = folder / f".{version}.staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        write_text(staging / SNAPSHOT, snapshot)
        for name in ARTIFACTS:
            write_bytes(staging / name, built[name])
        if target.exists():
            raise ReleaseError.single(target, "already exists; releases are never rewritten")
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


# --------------------------------------------------------------------------- #
# What the build derives
# --------------------------------------------------------------------------- #


def release_state(releases: Sequence[Release], digests: Mapping[str, str]) -> dict[str, Any]:
    """The ``release`` keys of ``_variables.yml``: which version the outputs show."""
    if not releases:
        return {
            "version": "draft",
            "date": "not released",
            "status": "draft",
            "latest": "",
            "search_date": "",
        }
    latest = releases[-1]
    released = dict(latest.inputs) == dict(digests)
    return {
        "version": latest.version if released else latest.version + DRAFT_SUFFIX,
        "date": latest.date if released else f"draft after version {latest.version}",
        "status": "released" if released else "draft",
        "latest": latest.version,
        "search_date": latest.search_date or "",
    }


def write_release_state(
    snapshots: Sequence[str | Path], data_files: Mapping[str, str | Path], output: str | Path
) -> dict[str, Any]:
    """Write ``results/releases/state.json`` (the ``release`` variables) for the build."""
    state = release_state(load_releases(snapshots), file_digests(data_files))
    write_text(output, json.dumps(state, indent=2, ensure_ascii=False) + "\n")
    return state


def read_release_state(path: str | Path) -> dict[str, Any]:
    """Read ``results/releases/state.json``."""
    return json.loads(read_text(path, ReleaseError))


def write_previous_version(
    snapshots: Sequence[str | Path], records: str | Path, output: str | Path
) -> Release | None:
    """Write ``results/releases/previous.json``: the PRISMA previous arm (or null)."""
    from .validation import load_table

    ledger = _rows(load_table(records, "records"))
    previous = previous_release(load_releases(snapshots), accounted_record_ids(ledger))
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


# --------------------------------------------------------------------------- #
# Markdown: What's new, version history, cite this version
# --------------------------------------------------------------------------- #


def _format_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _value(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    return escape_markdown(value)


KEY_NUMBERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Included studies", ("studies", "included")),
    ("Included reports", ("prisma", "reports", "total")),
    ("Participants in included studies", ("studies", "participants")),
    ("Studies without a participant count", ("studies", "participants_unknown")),
    ("Randomised studies", ("studies", "randomised")),
    ("Non-randomised studies", ("studies", "nonrandomised")),
    ("Single-dose studies", ("studies", "single_dose")),
    ("Repeated-dose studies", ("studies", "repeated_dose")),
)


def _lookup(variables: Mapping[str, Any], path: Sequence[str]) -> Any:
    value: Any = variables
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _number_rows(old: Release, new: Release) -> list[tuple[str, Any, Any]]:
    """Key numbers (overall, per diagnostic group and design) that differ."""
    rows = [
        (label, _lookup(old.variables, path), _lookup(new.variables, path))
        for label, path in KEY_NUMBERS
    ]
    for section, noun in (("diagnosis", "Studies"), ("design", "Studies")):
        groups = {**(old.variables.get(section) or {}), **(new.variables.get(section) or {})}
        for code, group in groups.items():
            label = f"{noun}: {group.get('label', code)}"
            rows.append(
                (
                    label,
                    _lookup(old.variables, (section, code, "studies")),
                    _lookup(new.variables, (section, code, "studies")),
                )
            )
    return [(label, a, b) for label, a, b in rows if a != b]


def study_changes(old: Release, new: Release) -> tuple[list[str], list[str], dict[str, list]]:
    """Studies added, removed, and changed (study_id -> [(field, old, new)])."""
    added = sorted(set(new.studies) - set(old.studies))
    removed = sorted(set(old.studies) - set(new.studies))
    changed: dict[str, list[tuple[str, Any, Any]]] = {}
    for sid in sorted(set(old.studies) & set(new.studies)):
        diffs = [
            (name, old.studies[sid].get(name), new.studies[sid].get(name))
            for name in KEY_FIELDS
            if old.studies[sid].get(name) != new.studies[sid].get(name)
        ]
        if diffs:
            changed[sid] = diffs
    return added, removed, changed


def _study_ref(release: Release, sid: str, labels: Mapping[str, str]) -> str:
    key = release.studies[sid].get("bib_key")
    name = escape_markdown(labels.get(sid, sid))
    return f"{name} [@{key}]" if key else name


def release_study_labels(releases: Sequence[Release], bibliography: str | Path) -> dict[str, str]:
    """Reader-facing labels ("Glue 2017") of every study in any release, from the bibliography."""
    from .figures import study_labels

    keys: dict[str, str] = {}
    for release in releases:
        for sid, values in release.studies.items():
            if values.get("bib_key"):
                keys[sid] = values["bib_key"]
    frame = pd.DataFrame({"study_id": list(keys), "bib_key": list(keys.values())})
    return study_labels(frame, bibliography) if keys else {}


def whats_new_markdown(releases: Sequence[Release], labels: Mapping[str, str] | None = None) -> str:
    """The "What's new" section: the diff of the last two releases, with the authors' note.

    ``labels`` maps study ids to reader-facing labels (see :func:`release_study_labels`);
    studies without one are shown by their id.
    """
    labels = labels or {}
    head = "## What's new {.unnumbered}\n\n"
    if not releases:
        return head + "No version of this review has been released yet.\n"
    new = releases[-1]
    lines = [
        f"## What's new in version {new.version} {{.unnumbered}}",
        "",
        f"*Released {_format_date(new.date)}.* {escape_markdown(new.note)}",
        "",
    ]
    if len(releases) == 1:
        lines.append(
            f"This is the first released version: it includes {len(new.studies)} "
            f"{'study' if len(new.studies) == 1 else 'studies'}."
        )
        return "\n".join(lines) + "\n"
    old = releases[-2]
    added, removed, changed = study_changes(old, new)
    lines.append(f"Compared with version {old.version} ({_format_date(old.date)}):")
    lines.append("")
    lines.append(_study_list("Studies added", [_study_ref(new, s, labels) for s in added]))
    lines.append(_study_list("Studies removed", [_study_ref(old, s, labels) for s in removed]))
    if changed:
        lines.append(f"- **Studies with changed values ({len(changed)}):**")
        for sid, diffs in changed.items():
            parts = "; ".join(f"{FIELD_LABELS[f]} {_value(a)} → {_value(b)}" for f, a, b in diffs)
            lines.append(f"  - {_study_ref(new, sid, labels)}: {parts}")
    else:
        lines.append("- **Studies with changed values:** none.")
    lines.append("")
    numbers = _number_rows(old, new)
    if numbers:
        lines += [
            "Counts that changed:",
            "",
            f"| | Version {old.version} | Version {new.version} |",
            "|:---|---:|---:|",
        ]
        lines += [f"| {escape_markdown(label)} | {a} | {b} |" for label, a, b in numbers]
    else:
        lines.append("No counts changed.")
    return "\n".join(lines) + "\n"


def _study_list(title: str, refs: list[str]) -> str:
    if not refs:
        return f"- **{title}:** none."
    return f"- **{title} ({len(refs)}):** " + "; ".join(refs) + "."


def _scope_text(release: Release) -> str:
    if release.scope.cutoff is None:
        return "every record in the ledger"
    cut = release.scope.cutoff
    month = date(int(cut[:4]), int(cut[5:]), 1).strftime("%B %Y")
    n = len(release.scope.assignments)
    extra = f"; {n} record{'s' if n != 1 else ''} assigned by hand" if n else ""
    return f"records published up to {month}{extra}"


def _event(old: Release | None, new: Release) -> str:
    if old is None:
        return "First version released"
    added, removed, _ = study_changes(old, new)
    if added or removed:
        return "New studies added" if added else "Studies removed"
    return "Updated, no change in included studies"


def history_markdown(releases: Sequence[Release], link_prefix: str = "") -> str:
    """Cochrane-style What's new and History tables, plus how each version was scoped.

    ``link_prefix`` leads from the page that includes the Markdown to the site
    root, where ``releases/<version>/review.pdf`` and ``.docx`` are published.
    """
    if not releases:
        return "No version of this review has been released yet.\n"
    lines = [
        "## What's new {.unnumbered}",
        "",
        "| Date | Event | Description |",
        "|:---|:---|:---|",
    ]
    for i in range(len(releases) - 1, -1, -1):
        old, new = (releases[i - 1] if i else None), releases[i]
        text = f"Version {new.version}. {escape_markdown(new.note)}"
        if old is not None:
            added, removed, changed = study_changes(old, new)
            text += (
                f" Studies added: {len(added)}, removed: {len(removed)}, "
                f"with changed values: {len(changed)}."
            )
        lines.append(f"| {new.date} | {_event(old, new)} | {text} |")
    lines += [
        "",
        "## History {.unnumbered}",
        "",
        "| Version | Released | Latest search | Covers | Studies | Reports | Downloads |",
        "|:---|:---|:---|:---|---:|---:|:---|",
    ]
    for rel in reversed(releases):
        base = f"{link_prefix}{RELEASES_DIR}/{rel.version}"
        links = f"[PDF]({base}/review.pdf), [DOCX]({base}/review.docx)"
        lines.append(
            f"| {rel.version} | {rel.date} | {rel.search_date or ''} | {_scope_text(rel)} | "
            f"{len(rel.studies)} | {len(rel.report_ids)} | {links} |"
        )
    scoped = [r for r in releases if r.scope.assignments]
    for rel in scoped:
        lines += [
            "",
            f"Records of version {rel.version} whose publication date could not be compared "
            f"with the cut-off, and how they were assigned:",
            "",
        ]
        lines += [
            f"- {escape_markdown(a.record_id)} ({'in' if a.in_scope else 'not in'} version "
            f"{rel.version}): {escape_markdown(a.reason)}"
            for a in rel.scope.assignments
        ]
    return "\n".join(lines) + "\n"


def _family_given(name: str) -> tuple[str, str]:
    """ "Helgi B. Schiöth" -> ("Schiöth", "Helgi B."): the last word is the family name."""
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if parts else ("", "")


def _initials(given: str) -> str:
    return "".join(p[0] for p in re.split(r"[\s.\-]+", given) if p)


def citation_markdown(
    title: str, authors: Sequence[str], releases: Sequence[Release], state: Mapping[str, Any]
) -> str:
    """The "Cite this version" block: a formatted reference and its BibTeX entry."""
    head = "## Cite this version {.unnumbered}\n\n"
    if not releases:
        return head + "No version of this review has been released yet, so there is none to cite.\n"
    latest = releases[-1]
    intro = ""
    if state.get("status") != "released":
        intro = (
            f"This is an unreleased draft made after version {latest.version}; "
            f"please cite version {latest.version}:\n\n"
        )
    names = [_family_given(a) for a in authors]
    formatted = ", ".join(f"{fam} {_initials(given)}".strip() for fam, given in names)
    text = (
        f"{escape_markdown(formatted)}. {escape_markdown(title)}. Version {latest.version}, "
        f"released {_format_date(latest.date)}."
    )
    key = re.sub(r"[^a-z0-9]", "", (names[0][0] if names else "review").lower())
    key = f"{key}{latest.date[:4]}v{latest.version.replace('.', '_')}"
    bib_authors = " and ".join(f"{fam}, {given}".strip(", ") for fam, given in names)
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  author = {{{bib_authors}}},",
            f"  title = {{{title}}},",
            f"  year = {{{latest.date[:4]}}},",
            f"  version = {{{latest.version}}},",
            f"  note = {{Version {latest.version}, released {latest.date}}}",
            "}",
        ]
    )
    return head + intro + text + "\n\n```bibtex\n" + bibtex + "\n```\n"


def write_release_pages(
    snapshots: Sequence[str | Path],
    state_json: str | Path,
    quarto: str | Path,
    whats_new: str | Path,
    history: str | Path,
    citation: str | Path,
    link_prefix: str = "",
    bibliography: str | Path | None = None,
) -> None:
    """Write What's new, the version history and Cite this version as Markdown.

    With ``bibliography``, studies in What's new are named as in the tables.
    """
    from .render.project import load_book

    releases = load_releases(snapshots)
    state = read_release_state(state_json)
    book = load_book(Path(quarto).resolve().parent)
    title = str(book.metadata.get("title") or "")
    if book.metadata.get("subtitle"):
        title = f"{title}: {book.metadata['subtitle']}"
    labels = release_study_labels(releases, bibliography) if bibliography else {}
    write_text(whats_new, whats_new_markdown(releases, labels))
    write_text(history, history_markdown(releases, link_prefix))
    write_text(citation, citation_markdown(title, [a.name for a in book.authors], releases, state))


__all__ = [
    "Assignment",
    "Release",
    "ReleaseBuild",
    "Scope",
    "accounted_record_ids",
    "citation_markdown",
    "find_snapshots",
    "freeze",
    "history_markdown",
    "load_releases",
    "make_release",
    "parse_assignment",
    "previous_release",
    "read_previous_version",
    "release_state",
    "release_study_labels",
    "whats_new_markdown",
    "with_numbers",
    "write_previous_version",
    "write_release_pages",
    "write_release_state",
]


def publish_release_files(
    files: Sequence[str | Path], book: str | Path, output: str | Path
) -> None:
    """Copy ``releases/<version>/review.{pdf,docx}`` to ``<book>/releases/<version>/``.

    The copies keep the paths of the repository, so each version's files have a
    stable URL on the website; ``output`` lists them with their SHA-256.
    """
    listing = {}
    for path in sorted(Path(f) for f in files):
        rel = Path(RELEASES_DIR) / path.parent.name / path.name
        content = path.read_bytes()
        write_bytes(Path(book) / rel, content)
        listing[rel.as_posix()] = hashlib.sha256(content).hexdigest()
    write_text(output, json.dumps(listing, indent=1, sort_keys=True) + "\n")

"""Freezing a release: build the review as it stood, check its numbers, write it out."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ReleaseError, raise_if_any
from ..evidence.review_data import ReviewData, load_configured_data
from ..io import read_text, write_bytes, write_text
from ..text.claims import ClaimChange
from ..workflow import CACHE_FOLDER
from .criteria import (
    PROTOCOL_COPY,
    compare_states,
    current_protocol,
    domain_words,
    release_protocol,
)
from .reader_words import project_reader_words
from .releases import (
    ARTIFACTS,
    COPY_IGNORE,
    RELEASES_DIR,
    SNAPSHOT,
    VERSION_PATTERN,
    Release,
    Scope,
    _plain,
    _rows,
    accounted_record_ids,
    file_digests,
    find_snapshots,
    frozen_numbers,
    load_releases,
    scope_record_ids,
    study_key_values,
    version_key,
)
from .version_diff import CHANGES, release_changes_docx

# --------------------------------------------------------------------------- #
# Freezing the evidence state
# --------------------------------------------------------------------------- #


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
        studies={s["study_id"]: study_key_values(s) for s in studies},
        record_ids=tuple(accounted),
        report_ids=tuple(r["record_id"] for r in included),
        pending_ids=tuple(r["record_id"] for r in rows if r["record_id"] not in set(accounted)),
        prisma={},
        variables={},
    )


def with_numbers(release: Release, variables: Mapping[str, Any]) -> Release:
    """``release`` with the generated numbers of its build (``_variables.yml`` content)."""
    numbers = frozen_numbers(variables)
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

    The copy takes the project's content-keyed caches (``results/cache/``: each entry
    is keyed by everything it was made from, the build date included), so figures,
    parses and validations the project's build already made are not made again.
    """

    def __init__(self, project: Path, epoch: str) -> None:
        self.project, self.epoch = Path(project), epoch
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.copy = Path()

    def __enter__(self) -> ReleaseBuild:
        self._tmp = tempfile.TemporaryDirectory(prefix="livingreview-release-")
        self.copy = Path(self._tmp.name) / "review"
        shutil.copytree(self.project, self.copy, ignore=shutil.ignore_patterns(*COPY_IGNORE))
        caches = self.project / CACHE_FOLDER
        if caches.is_dir():
            shutil.copytree(caches, self.copy / CACHE_FOLDER)
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
            reasons = _build_errors(proc.stdout + proc.stderr)
            raise ReleaseError.single(
                "snakemake",
                "the build of the release failed, so nothing was released"
                + (":\n" + reasons if reasons else ""),
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


def _build_errors(output: str, limit: int = 20) -> str:
    """The project's own error messages in a failed build's output (each rule logs
    ``ERROR The build stopped:``, a summary line and ``  - `` problem lines), so the user
    sees why without opening the temporary copy; else the output's last lines."""
    lines: list[str] = []
    state = 0  # 0 outside a message, 1 expecting its summary, 2 in its problem list
    for line in output.splitlines():
        if line.startswith("ERROR "):
            state = 1
        elif state == 1:
            state = 2
        elif state == 2 and not line.startswith("  - "):
            state = 0
        if state and line not in lines:
            lines.append(line)
    if not lines:
        lines = [line for line in output.splitlines() if line.strip()][-5:]
    return "\n".join(f"    {line}" for line in lines[:limit])


def _epoch(release_date: str) -> str:
    """Midnight UTC of the release date: the timestamp inside the released PDF/DOCX."""
    moment = datetime.combine(date.fromisoformat(release_date), datetime.min.time(), UTC)
    return str(int(moment.timestamp()))


def _scoped_files(paths: Mapping[str, Path], root: Path, release: Release) -> dict[str, bytes]:
    """The data files of a scoped release as its build must see them: the ledger's rows
    in scope, and in every other CSV with a ``study_id`` column the rows of its studies."""
    from ..ledger.ledger_file import split_csv_rows

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
    from ..prisma.model import awaiting_stage

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
                    column={"linking": "study_id"}.get(stage, stage),
                    fix="decide it (livingreview screening-sheet, then apply-screening) "
                    "before releasing",
                )
            )
    raise_if_any(problems, ReleaseError, "cannot release while records await a decision")


@dataclass(frozen=True)
class ReleaseCheck:
    """What a release would freeze: its numbers and how its checked claims fare.

    ``changed`` lists every claim whose truth value differs from the previous
    release (authors re-read exactly those sentences); ``false`` the claims that
    do not hold with this release's numbers (the release is refused while any
    does). ``previous`` is the version compared with (None for a first release).
    """

    version: str
    previous: str | None
    claims: int
    changed: tuple[ClaimChange, ...]
    false: tuple[Problem, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    """Studies added and removed since the previous release, each named with why
    (see :func:`study_set_changes`); listed before the claims."""
    criteria: tuple[str, ...] | None = ()
    """Eligibility criteria added, removed or reworded since the previous release
    ("P2 (population): reworded"); None when that cannot be known (the previous
    release did not keep its protocol file)."""

    def summary(self) -> str:
        """The list a user reads before freezing (and with ``--check``)."""
        lines = []
        if self.previous is not None:
            for title, studies in (("added", self.added), ("removed", self.removed)):
                head = f"Studies {title} since version {self.previous}"
                lines.append(f"{head} ({len(studies)}):" if studies else f"{head}: none.")
                lines += [f"  - {study}" for study in studies]
            head = f"Eligibility criteria changed since version {self.previous}"
            if self.criteria is None:
                lines.append(f"{head}: unknown (that version did not keep its protocol file).")
            else:
                lines.append(
                    f"{head} ({len(self.criteria)}):" if self.criteria else f"{head}: none."
                )
                lines += [f"  - {change}" for change in self.criteria]
        lines.append(f"{self.claims} checked claim(s) in the chapters.")
        if self.previous is None:
            lines.append("No previous release to compare the claims with.")
        elif self.changed:
            lines.append(
                f"Claims whose truth changed since version {self.previous} "
                f"({len(self.changed)}; re-read these sentences):"
            )
            lines += [f"  - {change}" for change in self.changed]
        else:
            lines.append(f"No claim changed its truth since version {self.previous}.")
        if self.false:
            lines.append(f"Claims that do not hold for version {self.version} ({len(self.false)}):")
            lines += [f"  - {problem}" for problem in self.false]
        return "\n".join(lines)


def _quiet(message: str) -> None:
    """Default progress reporter: say nothing."""


def make_release(
    project: str | Path,
    *,
    version: str,
    release_date: str,
    note: str,
    scope: Scope = Scope(),  # noqa: B008 (Scope is a frozen dataclass)
    builder: type[ReleaseBuild] = ReleaseBuild,
    check_only: bool = False,
    progress: Callable[[str], None] = _quiet,
) -> Path | ReleaseCheck:
    """Freeze the evidence state as ``releases/<version>/`` and return that folder.

    Each step stops the release with a :class:`ReleaseError` or
    :class:`~livingreview.errors.DataError` before anything is written: the data
    pass :func:`livingreview.evidence.load_review_data`; the version is new and
    later than every release; the scope resolves every record; the review builds
    (``snakemake`` in a temporary copy with the scoped data and the new snapshot:
    first ``_variables.yml``, whose numbers the snapshot keeps); every checked
    claim of the chapters holds with those numbers (the claims whose truth
    changed since the previous release are reported through ``progress``);
    everything builds and carries the snapshot's numbers and version. Then the
    snapshot, the PDF and the DOCX appear together (one rename).

    With ``check_only`` (``livingreview release --check``) it stops after the
    claims, writes nothing and returns the :class:`ReleaseCheck`.
    """
    from ..config import load_config

    root = Path(project).resolve()
    config = load_config(root / "config" / "config.yaml", root)
    paths = {k: root / v for k, v in config["data"].items()}
    progress("checking the data files")
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
    # the protocol as released (its SHA-256 is the snapshot's): later versions compare
    # their eligibility criteria with it
    protocol = paths["protocol"].read_bytes()
    with builder(root, _epoch(release_date)) as build:
        progress(f"computing the numbers of version {version} (in a temporary copy)")
        build.overlay(
            {
                **overlay,
                snapshot_rel: _snapshot_text(draft).encode(),
                f"{RELEASES_DIR}/{version}/{PROTOCOL_COPY}": protocol,
            }
        )
        numbers = build.run(["_variables.yml"], targets=["_variables.yml"])["_variables.yml"]
        variables = yaml.safe_load(numbers.decode("utf-8")) or {}
        progress("checking the claims in the chapters")
        check = check_claims_for_release(build.copy, version, variables, releases)
        check = replace(
            check,
            **study_set_changes(releases, draft, data, paths.get("bibliography")),
            criteria=criteria_changed(releases, paths["protocol"]),
        )
        progress(check.summary())
        if check_only:
            return check
        if check.false:
            raise ReleaseError(
                list(check.false),
                summary=f"cannot release {version}: {len(check.false)} checked claim(s) no "
                "longer hold; revise each sentence and its condition, then release again",
            )
        final = with_numbers(draft, variables)
        snapshot = _snapshot_text(final)
        build.overlay({snapshot_rel: snapshot.encode()})
        progress("building the website, PDF and DOCX of the release")
        built = build.run([*(f"_book/{name}" for name in ARTIFACTS), "_variables.yml"])
    _check_build_numbers(built["_variables.yml"], final)
    built[PROTOCOL_COPY] = protocol
    if releases:  # the text of this version against the previous one, as Word revisions
        previous = root / RELEASES_DIR / releases[-1].version / "review.docx"
        if previous.is_file():
            reader = project_reader_words(root, [*releases, final], paths.get("bibliography"))
            built[CHANGES] = release_changes_docx(previous, built["review.docx"], final, reader)
    progress(f"writing {RELEASES_DIR}/{version}/")
    return _write_release_folder(root / RELEASES_DIR, version, snapshot, built)


def study_set_changes(
    releases: Sequence[Release],
    new: Release,
    data: ReviewData,
    bibliography: str | Path | None,
) -> dict[str, tuple[str, ...]]:
    """``added`` and ``removed``: the studies ``new`` adds and removes since the latest
    release, each as "label (study id): why" (a new record, an earlier record included on
    re-assessment, or the reason of the current decision on its reports)."""
    if not releases:
        return {"added": (), "removed": ()}
    from .draft_changes import why_studies_changed
    from .pages import release_study_labels, study_changes

    latest = releases[-1]
    labels_of = data.protocol.get("exclusion_reasons") or {}
    reasons = {str(code): str(label) for code, label in labels_of.items()}
    why = why_studies_changed(latest, new, _rows(data.records), reasons)
    labels = release_study_labels([*releases, new], bibliography) if bibliography else {}
    added, removed, _ = study_changes(latest, new)

    def named(sid: str) -> str:
        label = labels.get(sid)
        return f"{label} ({sid}): {why[sid]}" if label else f"{sid}: {why[sid]}"

    return {"added": tuple(map(named, added)), "removed": tuple(map(named, removed))}


def criteria_changed(releases: Sequence[Release], protocol: Path) -> tuple[str, ...] | None:
    """The criteria ``protocol`` adds, removes or rewords since the latest release, as
    "id (domain): kind" (None when the latest release did not keep its protocol)."""
    if not releases:
        return ()
    old, new = release_protocol(releases[-1]), current_protocol(protocol)
    comparison = compare_states(old, new)
    if comparison is None:
        return None
    return tuple(
        f"{c.id} ({domain_words((c.new or c.old).domain)}): {c.kind}"  # type: ignore[union-attr]
        for c in comparison.changes
    )


def check_claims_for_release(
    root: Path, version: str, variables: Mapping[str, Any], releases: Sequence[Release]
) -> ReleaseCheck:
    """Judge the chapters' checked claims with the release's numbers and the previous ones."""
    from ..render.project import load_book
    from ..text.claims import changed_claims, claim_problems, file_claims, judge

    claims, problems = file_claims(root, load_book(root).files)
    false = problems + claim_problems(judge(claims, variables))
    previous = releases[-1] if releases else None
    changed = changed_claims(claims, previous.variables, variables) if previous else []
    return ReleaseCheck(
        version=version,
        previous=previous.version if previous else None,
        claims=len(claims),
        changed=tuple(changed),
        false=tuple(false),
    )


def rebuild_project(project: str | Path, progress: Callable[[str], None] = _quiet) -> None:
    """Run ``snakemake`` in the project so ``_book/`` shows the version just released."""
    progress("rebuilding _book/ with the new version")
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake"],
        cwd=Path(project),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ReleaseError.single(
            "snakemake",
            "the release was written, but rebuilding _book/ failed",
            found=(proc.stdout + proc.stderr)[-3000:],
            fix="run `snakemake` and fix what it reports; the release folder is complete",
        )


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
    if frozen_numbers(built) != _plain(release.variables):
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
            fix="check that the Snakefile has `use rule * from livingreview`",
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
        for name in (*ARTIFACTS, CHANGES, PROTOCOL_COPY):
            if name in built:
                write_bytes(staging / name, built[name])
        if target.exists():
            raise ReleaseError.single(target, "already exists; releases are never rewritten")
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target

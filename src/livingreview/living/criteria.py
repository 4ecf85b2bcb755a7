"""Amendments to the eligibility criteria between versions (PRISMA 2020 item 24c).

A release keeps the protocol file it was made from as ``releases/<version>/protocol.yaml``
(written by ``livingreview release``); its snapshot records the file's SHA-256
(``inputs.protocol``), so a copy added later, for a version released before copies
were kept, is accepted only when it is byte for byte the file that version was made
from. From these the build compares the criteria (``eligibility``: id, domain, text)

- of this build with the latest release ("This draft compared with version ..."),
- of the latest release with the one before ("Version ... compared with version ..."),
- over every version since the first, for the ``eligibility.*`` variables: how many
  criteria changed since the first release and a sentence saying when, which the
  prose quotes so that it never calls amended criteria pre-specified.

Criteria are matched by id: a criterion whose domain or wording (spacing aside)
differs is reworded; reordering alone changes no criterion but is reported, since
the criteria are applied in the order listed. When two versions' protocol files are
identical (same SHA-256) nothing changed, even without copies; when they differ and
a copy is missing, the change is unknown and the page says so instead of guessing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from ..errors import ReleaseError
from ..io import read_text
from ..markdown import escape_markdown
from ..tables.eligibility import DOMAIN_LABELS
from ..wording import join_words
from .releases import Release
from .word_diff import markdown_ops, word_diff

PROTOCOL_COPY = "protocol.yaml"  # releases/<version>/protocol.yaml
PROTOCOL_KEY = "protocol"  # its digest in the snapshot's inputs
KINDS = ("added", "removed", "reworded")


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion: its id, domain and wording (spacing normalised)."""

    id: str
    domain: str
    text: str


@dataclass(frozen=True)
class CriterionChange:
    """A criterion ``added``, ``removed`` or ``reworded`` (``old``/``new`` None when absent)."""

    kind: str
    old: Criterion | None
    new: Criterion | None

    @property
    def id(self) -> str:
        return (self.new or self.old).id  # type: ignore[union-attr]


@dataclass(frozen=True)
class CriteriaComparison:
    """How the criteria of one version differ from another's."""

    changes: tuple[CriterionChange, ...] = ()
    old_order: tuple[str, ...] = ()
    new_order: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> list[CriterionChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def reordered(self) -> bool:
        """Whether the criteria both versions have are listed in another order."""
        kept = set(self.old_order) & set(self.new_order)
        return [i for i in self.old_order if i in kept] != [i for i in self.new_order if i in kept]


@dataclass(frozen=True)
class ProtocolState:
    """A version's protocol: the file's SHA-256 and its criteria (None: not kept)."""

    name: str  # "version 2.0" or "this draft"
    digest: str | None
    criteria: tuple[Criterion, ...] | None


def criteria_of(protocol: Any) -> tuple[Criterion, ...]:
    """The criteria of a protocol (the parsed YAML), in the order listed."""
    items = protocol.get("eligibility") if isinstance(protocol, Mapping) else None
    return tuple(
        Criterion(
            str(item.get("id", "")),
            str(item.get("domain", "")),
            " ".join(str(item.get("text", "")).split()),
        )
        for item in items or []
        if isinstance(item, Mapping)
    )


def compare_criteria(old: Sequence[Criterion], new: Sequence[Criterion]) -> CriteriaComparison:
    """Criteria added, removed and reworded from ``old`` to ``new`` (matched by id), in
    the new order, removed ones last."""
    before = {c.id: c for c in old}
    after = {c.id: c for c in new}
    changes = []
    for criterion in new:
        was = before.get(criterion.id)
        if was is None:
            changes.append(CriterionChange("added", None, criterion))
        elif was != criterion:
            changes.append(CriterionChange("reworded", was, criterion))
    changes += [CriterionChange("removed", c, None) for c in old if c.id not in after]
    return CriteriaComparison(tuple(changes), tuple(before), tuple(after))


def compare_states(old: ProtocolState, new: ProtocolState) -> CriteriaComparison | None:
    """The comparison of two versions' criteria; None when it cannot be known (their
    protocol files differ and one of them was not kept)."""
    if old.criteria is not None and new.criteria is not None:
        return compare_criteria(old.criteria, new.criteria)
    if old.digest and old.digest == new.digest:  # the same file: nothing changed
        order = tuple(c.id for c in old.criteria or new.criteria or ())
        return CriteriaComparison((), order, order)
    return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_protocol(release: Release) -> ProtocolState:
    """The protocol ``release`` was made from, from its kept copy when there is one.

    Raises :class:`ReleaseError` when the copy is not the file the snapshot's
    SHA-256 names (a copy that could have been altered is never shown as released)."""
    digest = release.inputs.get(PROTOCOL_KEY)
    path = release.folder / PROTOCOL_COPY if release.folder else None
    if path is None or not path.is_file():
        return ProtocolState(f"version {release.version}", digest, None)
    data = path.read_bytes()
    if digest is None or _digest(data) != digest:
        raise ReleaseError.single(
            path,
            f"is not the protocol file version {release.version} was made from (its SHA-256 "
            "differs from the one in release.yaml, inputs: protocol)",
            found=_digest(data)[:16],
            expected=(digest or "(none recorded)")[:16],
            fix="restore the file from version control, or delete it: only the exact file "
            "a version was made from can stand for its criteria",
        )
    try:
        parsed = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ReleaseError.single(
            path, f"cannot be read as YAML ({exc})", fix="restore it from version control"
        ) from None
    return ProtocolState(f"version {release.version}", digest, criteria_of(parsed))


def current_protocol(path: str | Path, name: str = "this draft") -> ProtocolState:
    """The protocol this build reads (``data/protocol.yaml``)."""
    data = Path(path).read_bytes()
    return ProtocolState(name, _digest(data), criteria_of(yaml.safe_load(read_text(path))))


# --------------------------------------------------------------------------- #
# Words for readers
# --------------------------------------------------------------------------- #


def _ids(changes: Sequence[CriterionChange]) -> str:
    return join_words([c.id for c in changes])


def change_summary(comparison: CriteriaComparison) -> str:
    """``"criteria P2 and R1 were reworded"``, ``"criterion X1 was added and criterion D2
    was removed"`` ("" when nothing changed)."""
    parts = []
    for kind in KINDS:
        found = comparison.of_kind(kind)
        if found:
            one = len(found) == 1
            parts.append(
                f"{'criterion' if one else 'criteria'} {_ids(found)} "
                f"{'was' if one else 'were'} {kind}"
            )
    return join_words(parts)


def domain_words(domain: str) -> str:
    """A criterion's domain as the criteria table names it, in running text ("study
    design" for ``design``)."""
    return DOMAIN_LABELS.get(domain, domain.capitalize()).lower()


def _domain(change: CriterionChange) -> str:
    old, new = change.old, change.new
    if old and new and old.domain != new.domain:
        return f"{escape_markdown(domain_words(old.domain))} → " + escape_markdown(
            domain_words(new.domain)
        )
    return escape_markdown(domain_words((new or old).domain))  # type: ignore[union-attr]


def _wording(change: CriterionChange) -> str:
    if change.kind == "added":
        return markdown_ops([("+", change.new.text)])  # type: ignore[union-attr]
    if change.kind == "removed":
        return markdown_ops([("-", change.old.text)])  # type: ignore[union-attr]
    if change.old.text == change.new.text:  # type: ignore[union-attr]
        return escape_markdown(change.new.text) + " (wording unchanged)"  # type: ignore[union-attr]
    return markdown_ops(word_diff(change.old.text, change.new.text))  # type: ignore[union-attr]


def criteria_changes_lines(
    old: ProtocolState, new: ProtocolState, comparison: CriteriaComparison | None
) -> list[str]:
    """Markdown lines: every criterion added, removed or reworded from ``old`` to
    ``new`` with its id, domain and wording (word by word), or why none can be listed."""
    if comparison is None:
        missing = old if old.criteria is None else new
        return [
            f"The record of {missing.name} does not keep the wording of its eligibility "
            f"criteria, and the protocol of {new.name} is not the file {old.name} was "
            "made from, so whether a criterion changed cannot be shown here. The criteria "
            f"as released are in the criteria table of the PDF of {missing.name}.",
        ]
    if not comparison.changes and not comparison.reordered:
        return [f"No eligibility criterion changed: {new.name} applies those of {old.name}."]
    lines = []
    if comparison.changes:
        n = len(comparison.changes)
        lines += [
            f"{n} eligibility {'criterion' if n == 1 else 'criteria'} changed: the protocol "
            f"was amended after {old.name}. Words removed are struck through and words "
            "added are underlined.",
            "",
        ]
        lines += [
            f"- **{escape_markdown(c.id)}** ({_domain(c)}), {c.kind}: {_wording(c)}"
            for c in comparison.changes
        ]
        lines.append("")
    if comparison.reordered:
        lines.append(
            "The criteria, applied in the order listed, are now listed as "
            f"{escape_markdown(', '.join(comparison.new_order))} ({old.name}: "
            f"{escape_markdown(', '.join(comparison.old_order))})."
        )
    return lines


# --------------------------------------------------------------------------- #
# Over every version: the eligibility.* variables
# --------------------------------------------------------------------------- #


def _events(states: Sequence[ProtocolState]) -> list[tuple[ProtocolState, ProtocolState, Any]]:
    return [(a, b, compare_states(a, b)) for a, b in pairwise(states)]


def eligibility_variables(
    releases: Sequence[Release], protocol: str | Path, released: bool
) -> dict[str, Any]:
    """``eligibility.*``: the number of criteria, how many changed since the first
    release and since the latest (None when it cannot be known), and ``amendments_text``,
    a sentence saying which changed and when (plain text, for the abstract and methods).

    ``released`` is whether this build is the latest release (else a draft after it)."""
    now = current_protocol(protocol)
    out: dict[str, Any] = {"criteria": len(now.criteria or ())}
    if not releases:
        out |= {
            "changed_since_first": 0,
            "changed_since_latest": 0,
            "amendments_text": "No version of this review has been released yet, so its "
            "eligibility criteria have not been amended.",
        }
        return out
    states = [release_protocol(r) for r in releases]
    if not released:
        states.append(now)
    first = releases[0].version
    since_first = compare_states(states[0], states[-1])
    since_latest = compare_states(states[len(releases) - 1], states[-1])
    out["changed_since_first"] = None if since_first is None else len(since_first.changes)
    out["changed_since_latest"] = None if since_latest is None else len(since_latest.changes)
    changed, unknown = [], []
    for i, (old, new, comparison) in enumerate(_events(states)):
        if comparison is None:
            lacking = old if old.criteria is None else new
            unknown.append(
                f"whether the eligibility criteria changed between {old.name} and {new.name} "
                "cannot be shown, "
                f"because the record of {lacking.name} does not keep their wording"
            )
        elif comparison.changes:
            draft = not released and i == len(states) - 2
            when = f"after {old.name}, in this draft" if draft else f"in {new.name}"
            changed.append(f"{change_summary(comparison)} {when}")
    first_name = f"version {first}, the first released version"
    if changed:
        text = f"The eligibility criteria have been amended since {first_name}: " + (
            "; ".join(changed) + "."
        )
    elif unknown:
        text = ""
    else:
        text = f"The eligibility criteria have not changed since {first_name}."
    text += "".join(f" {c[:1].upper()}{c[1:]}." for c in unknown)
    out["amendments_text"] = text.strip()
    return out

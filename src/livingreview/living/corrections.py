"""Corrections to released versions: ``releases/corrections.yaml``.

A release is frozen (``releases/<version>/`` is never rewritten), so an error found
in a released PDF or DOCX cannot be fixed there. The review team records it in
``releases/corrections.yaml`` (schema ``corrections.schema.yaml``) and the version
history page prints every correction (:func:`.pages.corrections_markdown`), so readers of
the current build learn what the released files say wrongly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ReleaseError, raise_if_any
from ..io import read_yaml
from .releases import Release, schema_problems


@dataclass(frozen=True)
class Correction:
    """One entry of ``releases/corrections.yaml``."""

    versions: tuple[str, ...]
    date: str
    text: str


def read_corrections(path: str | Path, releases: Sequence[Release]) -> list[Correction]:
    """The corrections of ``path``, checked against the schema and ``releases`` (each
    correction names released versions only); every problem is reported at once."""
    data = read_yaml(path, ReleaseError)
    problems = schema_problems(
        data, "corrections", path, "see src/livingreview/schemas/corrections.schema.yaml"
    )
    raise_if_any(problems, ReleaseError, f"{path} is not a valid list of corrections")
    released = {r.version for r in releases}
    corrections = []
    for i, entry in enumerate(data["corrections"]):  # type: ignore[index]
        unknown = [v for v in entry["versions"] if v not in released]
        problems += [
            Problem(
                str(path),
                "a correction names a version that was not released",
                column=f"corrections/{i}/versions",
                found=v,
                expected=", ".join(sorted(released)) or "a released version",
                fix="name a folder of releases/",
            )
            for v in unknown
        ]
        corrections.append(Correction(tuple(entry["versions"]), entry["date"], entry["text"]))
    raise_if_any(problems, ReleaseError, f"{path} names versions that were not released")
    return corrections

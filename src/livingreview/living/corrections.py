"""Corrections to released versions: ``releases/corrections.yaml``.

A release is frozen (``releases/<version>/`` is never rewritten), so an error found
in a released PDF or DOCX cannot be fixed there. The review team records it in
``releases/corrections.yaml`` (schema ``corrections.schema.yaml``) and the version
history page prints every correction (:func:`.pages.corrections_markdown`), so readers of
the current build learn what the released files say wrongly; wherever the build links to
or cites a corrected version it says so (:func:`corrections_of`).

A correction's text is plain text that may cite works of the review's bibliography as
Pandoc does, ``[@key]`` or ``[@key1; @key2]``, so they appear in the review's own
citation style; everything else in it is shown literally (:func:`correction_markdown`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ReleaseError, raise_if_any
from ..io import read_yaml
from ..markdown import escape_inline, protect_line_start
from ..wording import long_dates_in
from .releases import Release, schema_problems


@dataclass(frozen=True)
class Correction:
    """One entry of ``releases/corrections.yaml``."""

    versions: tuple[str, ...]
    date: str
    text: str
    warning: str = ""  # shown beside each download of the versions' files


# A bracketed citation as Pandoc reads one: [@key] or [@key1; @key2]
CITATION = re.compile(r"\[@[^\s;\[\]@]+(?:\s*;\s*@[^\s;\[\]@]+)*\]")
CITED_KEY = re.compile(r"@([^\s;\[\]@]+)")


def cited_keys(text: str) -> list[str]:
    """The citation keys ``text`` cites (``[@key]``), in order."""
    return [key for cite in CITATION.findall(text) for key in CITED_KEY.findall(cite)]


def correction_markdown(text: str) -> str:
    """A correction's text as one line of Markdown: its citations kept, so the review
    numbers them in its own style; the rest literal, with dates written as in the rest
    of the page ("1 December 2026")."""
    parts = CITATION.split(" ".join(text.split()))
    cites = CITATION.findall(" ".join(text.split()))
    out = escape_inline(long_dates_in(parts[0]))
    for cite, part in zip(cites, parts[1:], strict=True):
        out += cite + escape_inline(long_dates_in(part))
    return protect_line_start(out)


def corrections_of(version: str, corrections: Sequence[Correction]) -> list[Correction]:
    """The corrections that apply to ``version``."""
    return [c for c in corrections if version in c.versions]


def read_corrections(
    path: str | Path,
    releases: Sequence[Release],
    known_keys: Collection[str] | None = None,
    bibliography: str = "the bibliography",
) -> list[Correction]:
    """The corrections of ``path``, checked against the schema and ``releases`` (each
    correction names released versions only) and, given ``known_keys`` (the keys of
    ``bibliography``), every key a correction cites; every problem is reported at once."""
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
        problems += [
            Problem(
                str(path),
                f"a correction cites a key that is not in {bibliography}",
                column=f"corrections/{i}/text",
                found=f"[@{key}]",
                expected=f"a key of {bibliography}",
                fix=f"add an entry with key '{key}' to {bibliography} or correct the key",
            )
            for key in cited_keys(entry["text"] + " " + entry.get("warning", ""))
            if known_keys is not None and key not in known_keys
        ]
        corrections.append(
            Correction(
                tuple(entry["versions"]), entry["date"], entry["text"], entry.get("warning", "")
            )
        )
    raise_if_any(problems, ReleaseError, f"{path} has corrections that cannot be shown")
    return corrections

"""A data edit reruns the rules after a gate only when the gate's output changed (issue 19).

`collect_variables` is a Snakemake checkpoint: once it has run, Snakemake plans
the readers of its outputs again from their inputs' dates and checksums
(`rerun-triggers` in profiles/default). So a value edit that leaves the version
(results/releases/state.json) and the synthesis variables
(results/text/synthesis.json) with the same bytes does not rerun the release pages
or the generated sentences, and an edit that changes them does. Dry runs still list
those rules (the plan is made before the gate runs), so these tests run the build.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from livingreview.text.sentences import GENERATED

from .test_build import snakemake

pytestmark = pytest.mark.workflow

GATED = {
    "write_release_pages": [
        "results/releases/whats_new.md",
        "results/releases/history.md",
        "results/releases/cite.md",
    ],
    "write_generated_text": [f"results/text/{name}.md" for name in GENERATED],
}


def _state(project: Path, rule: str) -> dict[str, tuple[int, str]]:
    """(modification time, digest) of each output of ``rule``."""
    found = {}
    for name in GATED[rule]:
        path = project / name
        found[name] = (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def _edit_csv(path: Path, column: str, pick, change) -> None:
    """Change ``column`` of the first row ``pick`` accepts to ``change(value)``."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if pick(r))
    row[column] = change(row[column])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _build(project: Path, *args: str) -> None:
    result = snakemake(project, *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _forced_digests(project: Path, rule: str) -> dict[str, str]:
    """The outputs ``rule`` writes when forced on the current data (no stale output)."""
    _build(project, "--forcerun", rule, "--", *GATED[rule])
    return {name: digest for name, (_, digest) in _state(project, rule).items()}


def test_a_sample_size_edit_reruns_neither_release_pages_nor_sentences(built_copy: Path) -> None:
    before = {rule: _state(built_copy, rule) for rule in GATED}
    table = built_copy / "results" / "tables" / "characteristics.md"
    table_before = table.read_bytes()
    _edit_csv(
        built_copy / "data" / "studies.csv",
        "n",
        lambda r: r["n"].strip().isdigit(),
        lambda v: str(int(v) + 1),
    )
    _build(built_copy)
    assert table.read_bytes() != table_before  # the edit reached the book
    for rule in GATED:
        assert _state(built_copy, rule) == before[rule], f"{rule} ran"
    for rule in GATED:  # and what they would write now is what they kept
        assert _forced_digests(built_copy, rule) == {
            name: digest for name, (_, digest) in before[rule].items()
        }


def test_an_edit_of_a_direction_reruns_the_sentences(built_copy: Path) -> None:
    synthesis = built_copy / "results" / "text" / "synthesis.json"
    synthesis_before = synthesis.read_bytes()
    before = _state(built_copy, "write_generated_text")
    _edit_csv(
        built_copy / "data" / "outcomes.csv",
        "direction",
        lambda r: r["domain"] == "anxiety" and r["direction"] == "benefit",
        lambda v: "harm",
    )
    _build(built_copy)
    assert synthesis.read_bytes() != synthesis_before
    after = _state(built_copy, "write_generated_text")
    assert after != before  # it ran ...
    # ... and wrote what a forced run writes on the edited data
    assert _forced_digests(built_copy, "write_generated_text") == {
        name: digest for name, (_, digest) in after.items()
    }

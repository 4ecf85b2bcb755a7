"""The studies key of a rule: what of data/studies.csv reruns it (livingreview.data_keys).

The effect direction plot shows a study's n only as the size class of its arrows, so
its key holds the class: correcting a sample size within its class keeps the key
(the plot is not redrawn), one that moves to another class changes it. The keys of
the rules that never read n do not move either way. The evidence map plots n itself
and reads no other descriptive column: its key moves with n, not with a main finding.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from livingreview.data_keys import (
    CLASSED_STUDY_COLUMNS,
    UNREAD_STUDY_COLUMNS,
    size_class_cell,
    studies_key,
)
from livingreview.synthesis.narrative import size_class

ROOT = Path(__file__).resolve().parents[2]
EFFECT = "draw_effect_direction_plot"
OVERVIEW = "draw_study_overview"


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _keys(path: Path, rows: list[dict[str, str]]) -> dict[str, str]:
    """The keys of every keyed rule but the evidence map, which plots n."""
    _write(path, rows)
    return {rule: studies_key(path, rule) for rule in UNREAD_STUDY_COLUMNS if rule != OVERVIEW}


@pytest.fixture
def studies(tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    with (ROOT / "data" / "studies.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tmp_path / "studies.csv", rows


def test_the_key_classes_n_as_the_plot_does() -> None:
    # one key class per arrow size class, for every n the plot can draw
    seen: dict[str, tuple[float, str]] = {}
    for n in range(0, 2000):
        drawn = size_class(n)
        assert seen.setdefault(size_class_cell(str(n)), drawn) == drawn, n
    assert len(set(seen.values())) == len(seen) == 3
    assert size_class_cell("") == ""
    assert size_class_cell("12.5") == "12.5"  # not a whole number: its text counts


@pytest.mark.parametrize(("old", "new"), [("209", "210"), ("12", "49"), ("301", "5000")])
def test_a_sample_size_within_its_class_keeps_every_key(studies, old: str, new: str) -> None:
    path, rows = studies
    rows[-1]["n"] = old
    before = _keys(path, rows)
    rows[-1]["n"] = new
    assert _keys(path, rows) == before


@pytest.mark.parametrize(("old", "new"), [("49", "50"), ("300", "301"), ("158", "")])
def test_a_sample_size_in_another_class_changes_the_plot_key_only(
    studies, old: str, new: str
) -> None:
    path, rows = studies
    rows[0]["n"] = old
    before = _keys(path, rows)
    rows[0]["n"] = new
    after = _keys(path, rows)
    assert after[EFFECT] != before[EFFECT]
    assert {r: k for r, k in after.items() if r != EFFECT} == {
        r: k for r, k in before.items() if r != EFFECT
    }


def test_a_column_the_plot_reads_changes_its_key(studies) -> None:
    path, rows = studies
    before = _keys(path, rows)
    rows[0]["publication_date"] = "1999"  # orders the plot's rows
    assert _keys(path, rows)[EFFECT] != before[EFFECT]


def test_classed_columns_are_not_also_unread() -> None:
    for rule, columns in CLASSED_STUDY_COLUMNS.items():
        assert not set(columns) & UNREAD_STUDY_COLUMNS[rule], rule


def test_the_evidence_map_key_follows_n_and_not_the_free_text(studies) -> None:
    path, rows = studies
    _write(path, rows)
    before = studies_key(path, OVERVIEW)
    rows[0]["main_finding"] += " (corrected)"
    rows[0]["dose"] = "0.5 mg/kg"
    _write(path, rows)
    assert studies_key(path, OVERVIEW) == before
    rows[-1]["n"] = str(int(rows[-1]["n"]) + 1)
    _write(path, rows)
    assert studies_key(path, OVERVIEW) != before


def _reference_key(path: Path, rule: str) -> str:
    """The key as its definition says, one cell at a time: the kept columns of every
    row (a short row's missing cells as NUL, a long row's extra cells kept), the
    classed columns by their class below the header, cells joined by US, rows by RS."""
    import hashlib

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [name.strip() for name in rows[0]]
    keep = [i for i, name in enumerate(header) if name not in UNREAD_STUDY_COLUMNS[rule]]
    classed = CLASSED_STUDY_COLUMNS.get(rule, {})
    digest = hashlib.sha256()
    for number, row in enumerate(rows):
        cells = []
        for i in keep:
            cell = row[i] if i < len(row) else "\x00"
            if number and header[i] in classed and i < len(row):
                cell = classed[header[i]](cell)
            cells.append(cell)
        cells += row[len(header) :]
        digest.update(("\x1f".join(cells) + "\x1e").encode())
    return digest.hexdigest()[:16]


def test_every_rule_s_key_is_the_defined_hash_of_its_columns(studies) -> None:
    """Rules that read the same columns share one computation (issue 19: the no-op);
    each key is still its own rule's, ragged rows included."""
    path, rows = studies
    _write(path, rows)
    text = path.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].rsplit(",", 4)[0]  # a short row
    text[3] += ",an extra cell"  # a long row
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    keys = {rule: studies_key(path, rule) for rule in UNREAD_STUDY_COLUMNS}
    assert keys == {rule: _reference_key(path, rule) for rule in UNREAD_STUDY_COLUMNS}
    assert len(set(keys.values())) == 3  # three column sets among the nine rules

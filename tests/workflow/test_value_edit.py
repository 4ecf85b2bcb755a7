"""A value edit reruns only the rules whose outputs it changes (issue 19).

Rules that read only some columns of data/studies.csv list it as ancient() and
rerun on a key of the columns they read (livingreview.data_keys). These tests
check both halves of that promise on the synthetic fixture review: editing the
columns a rule is said not to read plans none of those rules (and nothing after
them), and running those rules anyway on the edited data gives byte-identical
outputs, so no output can go stale. A column a rule reads only by class (a
study's n, which the effect direction plot shows as one of three arrow sizes) is
edited within its class, and across classes it must rerun the rule.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from livingreview.data_keys import CLASSED_STUDY_COLUMNS, UNREAD_STUDY_COLUMNS, size_class_cell
from livingreview.paths import figure_formats

from .test_build import planned_rules, snakemake, tree_digest

pytestmark = pytest.mark.workflow

OUTPUTS = {
    "draw_study_overview": ["results/figures/study_overview.md", "results/figures/study_overview"],
    "draw_effect_direction_plot": [
        "results/figures/effect_direction.md",
        "results/figures/effect_direction",
    ],
    "draw_onset_duration_plot": [
        "results/figures/onset_duration.md",
        "results/figures/onset_duration",
    ],
    "draw_risk_of_bias_traffic_light": [
        "results/figures/risk_of_bias_traffic_light.md",
        "results/figures/risk_of_bias_traffic_light",
    ],
    "draw_risk_of_bias_summary": ["results/figures/risk_of_bias_summary.{ext}"],
    "write_records_appendix": ["results/prisma/records.qmd", "results/prisma/records-data"],
    "draw_sensitivity_plot": ["results/figures/sensitivity.md", "results/figures/sensitivity"],
    "evaluate_sensitivity_analyses": [
        "results/tables/sensitivity.md",
        "results/tables/sensitivity_text.md",
        "results/tables/sensitivity.json",
    ],
    "run_meta_analyses": [
        "results/synthesis/meta_analyses.json",
        "results/figures/forest",
        "results/text/meta_analyses.md",
    ],
}
INTEGER_COLUMNS = {"n", "n_anxiety"}


def _within_class(value: str) -> str:
    """Another whole number in the same size class (what the effect direction plot shows)."""
    n = int(value)
    return str(n + 1 if size_class_cell(str(n + 1)) == size_class_cell(value) else n - 1)


def _edit_studies(project: Path, columns: set[str]) -> int:
    """Change every non-empty value of ``columns`` in data/studies.csv (still valid;
    whole numbers stay in their size class); return how many values changed."""
    path = project / "data" / "studies.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    changed = 0
    for row in rows:
        for column in columns & set(fields):
            value = row[column]
            if column in INTEGER_COLUMNS:
                if value.strip().isdigit():
                    row[column] = _within_class(value)
                    changed += 1
            else:
                row[column] = f"{value} (edited)" if value else "edited"
                changed += 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


def _renditions(project: Path, pattern: str) -> list[str]:
    """The files of an output pattern: one per figure rendition the book's formats show."""
    if "{ext}" not in pattern:
        return [pattern]
    return [pattern.format(ext=e) for e in figure_formats(project)]


def _digest(project: Path, rule: str) -> dict[str, str]:
    found = {}
    for pattern in OUTPUTS[rule]:
        for name in _renditions(project, pattern):
            path = project / name
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for f in files:
                found[str(f.relative_to(project))] = hashlib.sha256(f.read_bytes()).hexdigest()
    assert found, f"{rule} wrote nothing"
    return found


def test_every_rule_with_unread_columns_is_checked() -> None:
    assert set(OUTPUTS) == set(UNREAD_STUDY_COLUMNS)


def _unread_or_classed(rule: str) -> set[str]:
    return set(UNREAD_STUDY_COLUMNS[rule]) | set(CLASSED_STUDY_COLUMNS.get(rule, {}))


def test_editing_unread_study_values_plans_only_their_readers(built_copy: Path) -> None:
    unread = set.intersection(*(_unread_or_classed(rule) for rule in UNREAD_STUDY_COLUMNS))
    assert _edit_studies(built_copy, unread) > 0
    planned = planned_rules(built_copy)
    assert not planned & set(UNREAD_STUDY_COLUMNS), planned
    # the same file's other readers and the validation still run
    assert {"validate_data", "make_study_tables", "render_book"} <= planned


@pytest.mark.parametrize("edit", ["swap-rows", "new-column"])
def test_editing_what_a_rule_may_read_reruns_it(built_copy: Path, edit: str) -> None:
    path = built_copy / "data" / "studies.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    if edit == "swap-rows":  # the order of the studies (it can order a plot's rows)
        lines[1], lines[2] = lines[2], lines[1]
    else:  # a column no rule is said not to read counts by default
        lines = [lines[0] + ",notes"] + [line + ",x" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert set(UNREAD_STUDY_COLUMNS) <= planned_rules(built_copy)


def test_a_sample_size_edit_within_its_class_plans_only_the_rules_that_show_n(
    built_copy: Path,
) -> None:
    # a corrected sample size, the benchmark's everyday value edit (benchmarks/scale.py)
    assert _edit_studies(built_copy, {"n"}) > 0
    planned = planned_rules(built_copy)
    not_shown = {rule for rule in UNREAD_STUDY_COLUMNS if "n" in _unread_or_classed(rule)}
    assert "draw_effect_direction_plot" in not_shown
    assert not planned & not_shown, planned
    assert {"draw_study_overview", "make_study_tables", "render_book"} <= planned


# Rules that may ignore the same columns are checked together: one edit, one forced run.
GROUPS: dict[frozenset[str], list[str]] = {}
for _rule in sorted(OUTPUTS):
    GROUPS.setdefault(frozenset(_unread_or_classed(_rule)), []).append(_rule)


@pytest.mark.parametrize("rules", list(GROUPS.values()), ids=lambda rules: rules[0])
def test_rules_skipped_on_a_value_edit_would_write_the_same_bytes(
    built_copy: Path, rules: list[str]
) -> None:
    before = {rule: _digest(built_copy, rule) for rule in rules}
    assert _edit_studies(built_copy, _unread_or_classed(rules[0])) > 0
    targets = ["results/data/summary.json"]  # the edited data is still valid
    for rule in rules:
        for pattern in OUTPUTS[rule]:
            targets += _renditions(built_copy, pattern)
    result = snakemake(built_copy, "--forcerun", *rules, "--", *targets)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for rule in rules:
        assert _digest(built_copy, rule) == before[rule], (
            f"{rule} output changed: it reads an unread column"
        )


def test_a_sample_size_that_changes_class_redraws_the_effect_direction_plot(
    built_copy: Path,
) -> None:
    path = built_copy / "data" / "studies.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["n"].strip().isdigit())
    row["n"] = str(int(row["n"]) + 1000)  # beyond the largest bounded class
    assert size_class_cell(row["n"]) != size_class_cell(str(int(row["n"]) - 1000))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    planned = planned_rules(built_copy)
    assert "draw_effect_direction_plot" in planned, planned
    # the rules that never read n still do not run
    assert not planned & {r for r, unread in UNREAD_STUDY_COLUMNS.items() if "n" in unread}


def test_a_value_edit_renders_the_book_a_render_without_caches_renders(built_copy: Path) -> None:
    """The renderer's caches (finished blocks, Pandoc's answers, the fonts' code points)
    are kept by content: after a sample size edit every format that shows it changes,
    and rendering the edited review again with no cache at all gives the same bytes."""
    before = tree_digest(built_copy / "_book")
    assert _edit_studies(built_copy, {"n"}) > 0
    result = snakemake(built_copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    edited = tree_digest(built_copy / "_book")
    changed = {name for name, digest in edited.items() if before.get(name) != digest}
    assert {"review.pdf", "review.docx"} <= changed, changed
    assert any(name.endswith(".html") for name in changed), changed
    kept = built_copy / "results" / "cache"
    assert list((kept / "pandoc").glob("*.out")), "no Pandoc answer was kept"
    shutil.rmtree(kept)
    result = snakemake(built_copy, "--forcerun", "render_book")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert tree_digest(built_copy / "_book") == edited

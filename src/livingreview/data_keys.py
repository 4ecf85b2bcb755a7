"""Content keys of source data, so that a value edit reruns only the rules it changes.

Snakemake decides what to rerun before any job runs, by file: a newer
``data/studies.csv`` reruns every rule that lists it, and every rule downstream of
those, even when the edited value (a study's ``n``, say) is one the rule never
reads. Rewriting an output only when its bytes change does not help within one
run, because Snakemake has already scheduled the downstream jobs (issue 19).

So a rule that reads only some columns of the studies table lists the table as an
``ancient()`` input (its modification time never reruns the rule) and passes
:func:`studies_key` of the columns it reads as a param. Snakemake's ``params``
rerun trigger (on by default and in ``profiles/default``) reruns it when, and only
when, that key changes. The key covers every column except those the rule is
known not to read (``UNREAD_STUDY_COLUMNS``), so a column added later counts by
default. ``tests/workflow/test_value_edit.py`` edits every listed column and checks
that each rule's outputs keep their bytes, so a rule that starts reading one fails
there instead of going stale.

A rule that reads a column only through a coarse class of its values can key that
class instead of the value (``CLASSED_STUDY_COLUMNS``): the effect direction plot
shows a study's ``n`` only as the size of its arrows (three classes of Thomson and
Thomas 2013), so correcting a sample size within its class does not redraw it, and
a sample size that moves to another class does.

The validation of the whole file is not skipped: ``validate_data`` lists it as an
ordinary input, so a bad value in any column still stops the build.

Standard library only: the Snakefile imports this to build the DAG.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable
from functools import cache
from operator import itemgetter
from pathlib import Path

# Free-text and count columns of data/studies.csv that these rules do not read
# (enum and code columns are never listed: they group, label or sort studies).
_DESCRIPTIVE = frozenset(
    {
        "design",
        "blinding",
        "comparator",
        "n",
        "n_anxiety",
        "diagnosis",
        "refractory_definition",
        "route",
        "dose",
        "schedule",
        "anxiety_scales",
        "timepoints",
        "main_finding",
        "effect_duration",
        "adverse_effects",
    }
)

UNREAD_STUDY_COLUMNS: dict[str, frozenset[str]] = {
    "draw_effect_direction_plot": _DESCRIPTIVE - {"n"},  # n by its class, below
    "draw_study_overview": _DESCRIPTIVE - {"n"},  # the evidence map plots n itself
    "draw_onset_duration_plot": _DESCRIPTIVE,
    "draw_risk_of_bias_traffic_light": _DESCRIPTIVE,
    "draw_risk_of_bias_summary": _DESCRIPTIVE,
    "write_records_appendix": _DESCRIPTIVE,
    "draw_sensitivity_plot": _DESCRIPTIVE,
    "evaluate_sensitivity_analyses": _DESCRIPTIVE,
    "run_meta_analyses": _DESCRIPTIVE,
}


# Sample-size classes of Thomson and Thomas (2013): the largest n of each bounded
# class (n < 50, n 50-300; above that, n > 300). The effect direction plot draws a
# study's arrow by its class (livingreview.synthesis.narrative.SIZE_CLASSES).
SIZE_CLASS_LIMITS: tuple[int, ...] = (49, 300)


def size_class_cell(text: str) -> str:
    """What the effect direction plot can see of one ``n`` cell: its size class.
    Empty stays empty (the plot then takes the largest n of the study's results,
    from data/outcomes.csv, an ordinary input of the rule); a cell that is not a
    whole number keeps its text, so any edit of it counts."""
    value = text.strip()
    if not value:
        return ""
    if not value.isdigit():
        return text
    n = int(value)
    return f"class {sum(n > limit for limit in SIZE_CLASS_LIMITS)}"


# Columns a rule reads only through a class of their values: the key holds the
# class. Each such column must not also be in the rule's UNREAD_STUDY_COLUMNS.
CLASSED_STUDY_COLUMNS: dict[str, dict[str, Callable[[str], str]]] = {
    "draw_effect_direction_plot": {"n": size_class_cell},
}


def studies_key(path: str | Path, rule: str) -> str:
    """Hash of the columns of the studies table that ``rule`` reads (all but its
    ``UNREAD_STUDY_COLUMNS``, and the classes of its ``CLASSED_STUDY_COLUMNS``),
    with the header and the order of the rows."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return "missing"  # validate_data names the missing file
    return _key(str(path), stat.st_mtime_ns, stat.st_size, rule)


# Memory of a figure job with a row per study, declared as its `mem_mb` resource so
# that Snakemake does not run two large ones side by side under the profile's limit
# (issue 19). A figure is drawn in parts of at most `figures.studies_per_part`
# studies (figures/parts.py), each on its own 300-dpi canvas of 4 bytes a pixel,
# 1,890 px wide, so its canvas grows with the studies of one part, not of the whole
# review; the tables it reads and the figure's other state grow with every study.
# On top of about 150 MB of Python, pandas and matplotlib:
# - FIGURE_CANVAS_MB_PER_STUDY, a study row of the canvas: one image of the whole
#   figure at 1,000 studies (session s4-memory, benchmarks/results.md) peaked at
#   557 MB (sensitivity plot), 490 (traffic light), 418 (onset), 374 (effect
#   direction) and 371 (study overview): (peak - 150) / 1,000, rounded up;
# - FIGURE_DATA_MB_PER_STUDY, a study of the whole review: with parts of 25 studies
#   at 1,000 studies / 100,000 records the rules peaked at 278-283 MB (sensitivity),
#   239-280 (traffic light; the same code differed by 21 MB between two builds),
#   186-189 (onset), 196-198 (study overview) and 202-205 (effect direction)
#   (sessions scaleweb and s8-figs): (peak - 150 - 25 x canvas) / 1,000, rounded up
#   with 20-40 MB to spare at 1,000 studies. With parts turned off this counts the
#   tables twice (the canvas figures above include them), erring high.
FIGURE_BASE_MB = 150
FIGURE_CANVAS_MB_PER_STUDY = {
    "draw_sensitivity_plot": 0.41,
    "draw_risk_of_bias_traffic_light": 0.35,
    "draw_onset_duration_plot": 0.27,
    "draw_effect_direction_plot": 0.23,
    "draw_study_overview": 0.23,
}
FIGURE_DATA_MB_PER_STUDY = {
    "draw_sensitivity_plot": 0.16,
    "draw_risk_of_bias_traffic_light": 0.15,
    "draw_onset_duration_plot": 0.07,
    "draw_effect_direction_plot": 0.08,
    "draw_study_overview": 0.08,
}


def figure_mem_mb(
    path: str | Path, rule: str, per_part: int | None = None, limit: int | None = None
) -> int:
    """Estimated peak memory (MB) of figure ``rule`` with one row per study of the
    studies table at ``path``, drawn in parts of at most ``per_part`` studies
    (``None`` or 0: one image of every study), at most ``limit`` (a job asking more
    than the whole limit would never be scheduled)."""
    path = Path(path)
    try:
        studies = max(0, len(_rows(str(path), path.stat().st_mtime_ns)) - 1)
    except OSError:
        studies = 0  # validate_data names the missing file
    drawn = min(studies, per_part) if per_part else studies  # studies on one canvas
    estimate = int(
        FIGURE_BASE_MB
        + FIGURE_DATA_MB_PER_STUDY[rule] * studies
        + FIGURE_CANVAS_MB_PER_STUDY[rule] * drawn
    )
    return min(estimate, limit) if limit else estimate


# Memory of a job that loads the screening ledger (data/records.csv), declared as its
# `mem_mb` resource: validating it, or reading the validated frame and walking its
# rows, grows with the ledger's bytes. At 100,000 records (12.8 MB) validate_data
# peaked at 301 MB and derive_prisma_counts at 264; at 1,000,000 records (about
# 128 MB) they peaked at 2,664 and 2,867 MB, describe_previous_release at 2,750 and
# write_records_appendix at 1,920 (sessions s8 and s8-rules, benchmarks/results.md),
# so two of them side by side passed 4 GB. LEDGER_MB_PER_MB covers the highest of
# those, 22.4 MB per MB of ledger above the base, rounded up; it errs high for the
# rules that only read the cached frame.
LEDGER_BASE_MB = 100
LEDGER_MB_PER_MB = 23


def ledger_mem_mb(path: str | Path, limit: int | None = None) -> int:
    """Estimated peak memory (MB) of a job that loads the ledger at ``path``, from its
    size (nothing is read), at most ``limit`` (a job asking more than the whole limit
    would never be scheduled)."""
    try:
        megabytes = Path(path).stat().st_size / 1e6
    except OSError:
        megabytes = 0.0  # validate_data names the missing file
    estimate = int(LEDGER_BASE_MB + LEDGER_MB_PER_MB * megabytes)
    return min(estimate, limit) if limit else estimate


@cache
def _key(path: str, mtime_ns: int, size: int, rule: str) -> str:
    classed = CLASSED_STUDY_COLUMNS.get(rule, {})
    return _columns_key(
        path, mtime_ns, size, UNREAD_STUDY_COLUMNS[rule], tuple(sorted(classed.items()))
    )


@cache
def _columns_key(
    path: str,
    mtime_ns: int,
    size: int,
    unread: frozenset[str],
    classed_columns: tuple[tuple[str, Callable[[str], str]], ...],
) -> str:
    """The key of one set of columns, computed once per process for the rules that
    read the same columns (seven of the nine share one): the nine keys of a no-op took
    18 ms at 1,000 studies (issue 19)."""
    del mtime_ns, size  # part of the cache key only: a changed file is read again
    rows = _rows(path, os.stat(path).st_mtime_ns)
    if not rows:
        return hashlib.sha256(b"").hexdigest()[:16]
    classed = dict(classed_columns)
    width = len(rows[0])
    header = [name.strip() for name in rows[0]]
    keep = [i for i, name in enumerate(header) if name not in unread]
    # (position in the kept cells, column position, class function) of each classed column
    classes = [(k, i, classed[header[i]]) for k, i in enumerate(keep) if header[i] in classed]
    pick = itemgetter(*keep) if len(keep) > 1 else (lambda row: tuple(row[i] for i in keep))
    parts = []
    for number, row in enumerate(rows):
        if len(row) == width:
            cells = list(pick(row))
        else:  # a short row's missing cells are "\x00"; a long row's extra cells are kept
            cells = [row[i] if i < len(row) else "\x00" for i in keep] + row[width:]
        if number:  # the header row keeps its names
            for k, i, to_class in classes:
                if i < len(row):
                    cells[k] = to_class(cells[k])
        parts.append("\x1f".join(cells))
        parts.append("\x1e")
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]


@cache
def _rows(path: str, mtime_ns: int) -> list[list[str]]:
    del mtime_ns
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        # not readable as CSV: key the raw bytes; validate_data reports the problem
        return [[hashlib.sha256(Path(path).read_bytes()).hexdigest()]]

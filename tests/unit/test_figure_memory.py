"""The memory a figure with a row per study declares to Snakemake (issue 19)."""

from __future__ import annotations

from pathlib import Path

import yaml

from livingreview.data_keys import (
    FIGURE_BASE_MB,
    FIGURE_CANVAS_MB_PER_STUDY,
    FIGURE_DATA_MB_PER_STUDY,
    LEDGER_BASE_MB,
    figure_mem_mb,
    ledger_mem_mb,
)
from livingreview.figures.parts import DEFAULT_STUDIES_PER_PART

PROFILE = Path(__file__).resolve().parents[2] / "profiles/default/config.yaml"
SNAKEMAKE_MB = 130  # Snakemake's own process at 1,000 studies (benchmarks/results.md)
RULES = tuple(FIGURE_CANVAS_MB_PER_STUDY)
# Peak RSS (MB) of each rule in cold builds at 1,000 studies / 100,000 records, drawn
# in parts of 25 studies: the highest of sessions scaleweb and s8-figs
# (benchmarks/results.md).
MEASURED_IN_PARTS_AT_1000 = {
    "draw_sensitivity_plot": 283,
    "draw_risk_of_bias_traffic_light": 280,
    "draw_onset_duration_plot": 189,
    "draw_effect_direction_plot": 205,
    "draw_study_overview": 198,
}


def _studies(path: Path, n: int) -> Path:
    rows = ["study_id,bib_key"] + [f"s{i},k{i}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _limit() -> int:
    (entry,) = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))["resources"]
    name, value = entry.split("=")
    assert name == "mem_mb"
    return int(value)


def test_drawn_in_parts_the_canvas_is_that_of_one_part(tmp_path: Path) -> None:
    large = _studies(tmp_path / "large.csv", 1000)
    rule = "draw_sensitivity_plot"
    in_parts = figure_mem_mb(large, rule, per_part=25)
    expected = FIGURE_BASE_MB + 1000 * FIGURE_DATA_MB_PER_STUDY[rule]
    assert in_parts == int(expected + 25 * FIGURE_CANVAS_MB_PER_STUDY[rule])
    # one image of every study (splitting off, or no more studies than a part)
    whole = int(expected + 1000 * FIGURE_CANVAS_MB_PER_STUDY[rule])
    assert figure_mem_mb(large, rule, per_part=0) == whole
    assert figure_mem_mb(large, rule, per_part=None) == whole
    assert figure_mem_mb(large, rule, per_part=5000) == whole


def test_declared_memory_covers_the_measured_peak_at_1000_studies(tmp_path: Path) -> None:
    large = _studies(tmp_path / "large.csv", 1000)
    for rule, peak in MEASURED_IN_PARTS_AT_1000.items():
        declared = figure_mem_mb(large, rule, per_part=DEFAULT_STUDIES_PER_PART)
        assert peak <= declared <= peak + 60, rule  # covers it, without serialising


def test_under_the_profile_limit_figures_in_parts_run_side_by_side(tmp_path: Path) -> None:
    limit = _limit()
    small, large = _studies(tmp_path / "small.csv", 5), _studies(tmp_path / "large.csv", 1000)
    per_part = DEFAULT_STUDIES_PER_PART
    # A small review's figures all fit side by side (2 cores).
    assert 2 * max(figure_mem_mb(small, r, per_part) for r in RULES) <= limit
    # At 1,000 studies in parts any two fit too (the two largest were serialised
    # when the estimate counted the canvas of one image of every study) ...
    at_1000 = sorted(figure_mem_mb(large, r, per_part) for r in RULES)
    assert at_1000[-1] + at_1000[-2] <= limit
    # ... and stay under 1 GB with Snakemake's own process.
    assert at_1000[-1] + at_1000[-2] + SNAKEMAKE_MB <= 1000


def test_one_image_of_every_study_keeps_the_largest_figures_apart(tmp_path: Path) -> None:
    limit = _limit()
    large = _studies(tmp_path / "large.csv", 1000)
    at_1000 = {r: figure_mem_mb(large, r, per_part=0) for r in RULES}
    for rule in ("draw_sensitivity_plot", "draw_risk_of_bias_traffic_light"):
        others = [mb for r, mb in at_1000.items() if r != rule]
        assert at_1000[rule] + min(others) > limit
    # Any pair allowed to run together stays under 1 GB with Snakemake's own process.
    pairs = [a + b for a in at_1000.values() for b in at_1000.values() if a + b <= limit]
    assert max(pairs, default=0) + SNAKEMAKE_MB <= 1000


def test_memory_is_capped_at_the_limit_and_a_missing_file_is_not_an_error(
    tmp_path: Path,
) -> None:
    huge = _studies(tmp_path / "huge.csv", 10_000)
    assert figure_mem_mb(huge, "draw_study_overview", 25, limit=850) == 850
    assert figure_mem_mb(tmp_path / "missing.csv", "draw_study_overview", 25) == FIGURE_BASE_MB


# Peak RSS (MB) of the rules that load the ledger, by the ledger's size in MB
# (sessions s8 and s8-rules, benchmarks/results.md).
MEASURED_LEDGER_PEAKS = {
    12.8: {"validate_data": 301, "derive_prisma_counts": 264, "evaluate_sensitivity": 306},
    128.0: {"validate_data": 2664, "derive_prisma_counts": 2867, "describe_previous": 2750},
}


def _ledger(path: Path, megabytes: float) -> Path:
    with path.open("wb") as handle:
        handle.truncate(int(megabytes * 1e6))  # only the size is read
    return path


def test_ledger_rules_declare_at_least_their_measured_peak(tmp_path: Path) -> None:
    for megabytes, peaks in MEASURED_LEDGER_PEAKS.items():
        declared = ledger_mem_mb(_ledger(tmp_path / "records.csv", megabytes))
        assert declared >= max(peaks.values()), (megabytes, declared)


def test_two_ledger_rules_at_a_million_records_never_run_side_by_side(tmp_path: Path) -> None:
    records = _ledger(tmp_path / "records.csv", 128.0)
    assert ledger_mem_mb(records, limit=_limit()) == _limit()
    assert 2 * ledger_mem_mb(records) > 4000  # also under any limit up to 4 GB
    # at 100,000 records two of them, or one beside a figure, still run side by side
    small = _ledger(tmp_path / "small.csv", 12.8)
    assert 2 * ledger_mem_mb(small, limit=_limit()) <= _limit()
    figure = max(MEASURED_IN_PARTS_AT_1000.values())
    assert ledger_mem_mb(small, limit=_limit()) + figure <= _limit()
    assert ledger_mem_mb(tmp_path / "missing.csv") == LEDGER_BASE_MB


def test_every_rule_that_reads_the_ledger_declares_its_memory() -> None:
    """At 1,000,000 records a rule that loads the ledger peaks at 1.9-2.9 GB: one that
    declares nothing runs beside another and passes the 4 GB the build must stay in
    (add_draft_changes was added without it)."""
    import re
    from pathlib import Path

    import livingreview

    rules = Path(livingreview.__file__).parent / "pipeline" / "rules"
    undeclared = []
    for path in sorted(rules.glob("*.smk")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(
            r"^(?:rule|checkpoint) (\w+):\n(.*?)(?=^\S|\Z)", text, re.M | re.S
        ):
            name, body = match.groups()
            if 'get_data("records")' in body and "mem_mb=get_ledger_mem_mb()" not in body:
                undeclared.append(f"{path.name}: {name}")
    assert undeclared == []

"""The memory a figure with a row per study declares to Snakemake (issue 19)."""

from __future__ import annotations

from pathlib import Path

import yaml

from livingreview.data_keys import FIGURE_BASE_MB, FIGURE_MB_PER_STUDY, figure_mem_mb

PROFILE = Path(__file__).resolve().parents[2] / "profiles/default/config.yaml"
SNAKEMAKE_MB = 130  # Snakemake's own process at 1,000 studies (benchmarks/results.md)


def _studies(path: Path, n: int) -> Path:
    rows = ["study_id,bib_key"] + [f"s{i},k{i}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _limit() -> int:
    (entry,) = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))["resources"]
    name, value = entry.split("=")
    assert name == "mem_mb"
    return int(value)


def test_memory_grows_with_the_number_of_studies(tmp_path: Path) -> None:
    small = figure_mem_mb(_studies(tmp_path / "small.csv", 5), "draw_sensitivity_plot")
    large = figure_mem_mb(_studies(tmp_path / "large.csv", 1000), "draw_sensitivity_plot")
    assert small == int(FIGURE_BASE_MB + 5 * FIGURE_MB_PER_STUDY["draw_sensitivity_plot"])
    assert large == 560


def test_under_the_profile_limit_the_largest_figures_run_beside_no_other(tmp_path: Path) -> None:
    limit = _limit()
    small, large = _studies(tmp_path / "small.csv", 5), _studies(tmp_path / "large.csv", 1000)
    # A small review's figures all fit side by side (2 cores).
    assert 2 * max(figure_mem_mb(small, r) for r in FIGURE_MB_PER_STUDY) <= limit
    at_1000 = {r: figure_mem_mb(large, r) for r in FIGURE_MB_PER_STUDY}
    for rule in ("draw_sensitivity_plot", "draw_risk_of_bias_traffic_light"):
        others = [mb for r, mb in at_1000.items() if r != rule]
        assert at_1000[rule] + min(others) > limit
    # Any pair allowed to run together stays under 1 GB with Snakemake's own process.
    pairs = [a + b for a in at_1000.values() for b in at_1000.values() if a + b <= limit]
    assert max(pairs) + SNAKEMAKE_MB <= 1000


def test_memory_is_capped_at_the_limit_and_a_missing_file_is_not_an_error(
    tmp_path: Path,
) -> None:
    huge = _studies(tmp_path / "huge.csv", 10_000)
    assert figure_mem_mb(huge, "draw_study_overview", limit=850) == 850
    assert figure_mem_mb(tmp_path / "missing.csv", "draw_study_overview") == FIGURE_BASE_MB

"""The memory a figure with a row per study declares to Snakemake (issue 19)."""

from __future__ import annotations

from pathlib import Path

from livingreview.data_keys import FIGURE_BASE_MB, FIGURE_MB_PER_STUDY, figure_mem_mb


def _studies(path: Path, n: int) -> Path:
    rows = ["study_id,bib_key"] + [f"s{i},k{i}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_memory_grows_with_the_number_of_studies(tmp_path: Path) -> None:
    small = figure_mem_mb(_studies(tmp_path / "small.csv", 5))
    large = figure_mem_mb(_studies(tmp_path / "large.csv", 1000))
    assert small == int(FIGURE_BASE_MB + 5 * FIGURE_MB_PER_STUDY)
    assert large == int(FIGURE_BASE_MB + 1000 * FIGURE_MB_PER_STUDY)
    # Two figures of the shipped size fit under the profile's limit; two at 1,000 do not.
    assert 2 * small <= 1000 < 2 * large


def test_memory_is_capped_at_the_limit_and_a_missing_file_is_not_an_error(
    tmp_path: Path,
) -> None:
    assert figure_mem_mb(_studies(tmp_path / "huge.csv", 10_000), limit=1000) == 1000
    assert figure_mem_mb(tmp_path / "missing.csv") == FIGURE_BASE_MB


def test_the_default_profile_sets_the_limit_the_figures_are_sized_for() -> None:
    import yaml

    profile = Path(__file__).resolve().parents[2] / "profiles/default/config.yaml"
    assert "mem_mb=1000" in yaml.safe_load(profile.read_text(encoding="utf-8"))["resources"]

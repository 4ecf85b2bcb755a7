"""The memory a job reading the screening ledger declares to Snakemake (issue 19:
10,000 studies and 1,000,000 records in at most 4 GB for the whole process tree)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from livingreview.data_keys import (
    FIGURE_CANVAS_MB_PER_STUDY,
    LEDGER_BASE_MB,
    LEDGER_MB_PER_FILE_MB,
    figure_mem_mb,
    ledger_mem_mb,
)

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "src" / "livingreview" / "pipeline" / "rules"
PROFILE = ROOT / "profiles" / "default" / "config.yaml"
SNAKEMAKE_MB = 140  # Snakemake's own process at 10,000 studies (benchmarks/results.md)
TARGET_MB = 4000
# Peak RSS (MB) of the jobs that read the ledger in cold builds, by size of the
# synthetic ledger file (MB): 12.8 MB = 100,000 records (session s8, all six branches
# together), 129.6 MB = 1,000,000 records (session s8, the four branches together).
MEASURED = {
    12.8: {"validate_data": 301, "derive_prisma_counts": 264},
    129.6: {
        "derive_prisma_counts": 2867,
        "describe_previous_release": 2750,
        "validate_data": 2664,
        "write_records_appendix": 1920,
        "evaluate_sensitivity_analyses": 1824,
        "collect_variables": 1311,
    },
}


def _ledger(path: Path, megabytes: float) -> Path:
    with path.open("wb") as handle:
        handle.truncate(int(megabytes * 1e6))
    return path


def _limit() -> int:
    (entry,) = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))["resources"]
    name, value = entry.split("=")
    assert name == "mem_mb"
    return int(value)


def _rule_blocks() -> dict[str, str]:
    blocks = {}
    for path in sorted(RULES.glob("*.smk")):
        for block in re.split(r"(?m)^(?=(?:rule|checkpoint) )", path.read_text(encoding="utf-8")):
            match = re.match(r"(?:rule|checkpoint) (\w+):", block)
            if match:
                blocks[match.group(1)] = block
    return blocks


def test_every_job_that_reads_the_ledger_declares_its_memory() -> None:
    blocks = _rule_blocks()
    readers = {
        name
        for name, block in blocks.items()
        if 'get_data("records")' in block or "**get_data_files()" in block
    }
    assert set(MEASURED[129.6]) <= readers
    for name in readers:
        assert "mem_mb=get_ledger_mem_mb()" in blocks[name], name


def test_the_declaration_covers_every_measured_peak(tmp_path: Path) -> None:
    for megabytes, peaks in MEASURED.items():
        declared = ledger_mem_mb(_ledger(tmp_path / "records.csv", megabytes))
        assert declared == int(LEDGER_BASE_MB + LEDGER_MB_PER_FILE_MB * megabytes)
        assert all(declared >= peak for peak in peaks.values()), (megabytes, declared)


def test_at_100000_records_two_of_them_or_one_beside_a_figure_still_run_together(
    tmp_path: Path,
) -> None:
    """The 1,000-study build is scheduled as before (its figures declare at most 320 MB)."""
    limit = _limit()
    declared = ledger_mem_mb(_ledger(tmp_path / "records.csv", 12.8), limit)
    studies = tmp_path / "studies.csv"
    studies.write_text("study_id\n" + "".join(f"s{i}\n" for i in range(1000)), encoding="utf-8")
    largest_figure = max(figure_mem_mb(studies, r, 25, limit) for r in FIGURE_CANVAS_MB_PER_STUDY)
    assert 2 * declared <= limit
    assert declared + largest_figure <= limit


def test_at_1000000_records_no_two_of_them_run_side_by_side(tmp_path: Path) -> None:
    """Two of the measured peaks together would pass 4 GB: each asks for the whole limit."""
    limit = _limit()
    peaks = sorted(MEASURED[129.6].values())
    assert peaks[-1] + peaks[-2] + SNAKEMAKE_MB > TARGET_MB
    assert ledger_mem_mb(_ledger(tmp_path / "records.csv", 129.6), limit) == limit


def test_a_missing_ledger_declares_nothing(tmp_path: Path) -> None:
    assert ledger_mem_mb(tmp_path / "missing.csv", 850) == 0

"""benchmarks/scale.py --repeat: each no-op and edit timed several times, the median run
reported with the range (nothing is timed here: the runs are made-up figures)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _scale():
    sys.path.insert(0, str(ROOT))
    try:
        spec = importlib.util.spec_from_file_location("scale", ROOT / "benchmarks" / "scale.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT))


def _run(wall: float) -> dict:
    return {"wall": wall, "cpu": wall * 1.5, "peak_mb": 100.0, "load": 0.5, "rules": {}}


def test_the_median_run_is_reported_with_every_run_s_wall_time() -> None:
    scale = _scale()
    middle = scale.median_run([_run(5.3), _run(4.7), _run(4.9)])
    assert middle["wall"] == 4.9 and middle["cpu"] == 4.9 * 1.5  # one run's own figures
    assert middle["walls"] == [4.7, 4.9, 5.3]
    # an even count takes the lower of the two middle runs, never an average
    assert scale.median_run([_run(5.0), _run(4.0), _run(6.0), _run(4.5)])["wall"] == 4.5
    assert "walls" not in scale.median_run([_run(5.0)])


def test_the_report_gives_the_median_and_the_range() -> None:
    scale = _scale()
    runs = [_run(w) for w in (5.3, 4.7, 4.9)]
    cold = {**_run(40.0), "rules": {"render_book": 10.0}, "rule_rss_mb": {"render_book": 500.0}}
    cold |= {"snakemake_cpu": 1.0, "unattributed_cpu": 0.0}
    result = {
        "studies": 1000,
        "records": 100000,
        "shipped": False,
        "cold": cold,
        "sizes": {"website_mb": 1.0, "pdf_pages": 3, "docx_mb": 1.0},
        "chapter": scale.median_run(runs),
    }
    text = scale.report([result], "python benchmarks/scale.py --repeat 3")
    row = next(line for line in text.splitlines() if "one-chapter edit" in line)
    assert "| 4.9 (median of 3: 4.7-5.3) |" in row
    cold_row = next(line for line in text.splitlines() if "cold build" in line)
    assert "median" not in cold_row

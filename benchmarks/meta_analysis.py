"""Benchmark: a 1,000-study REML + HKSJ meta-analysis with its forest plot.

Usage (from the project root, in the project's environment):

    python benchmarks/meta_analysis.py               # k = 1000, median of 5 runs
    python benchmarks/meta_analysis.py --k 5000 --repeat 3

Compares the engine (livingreview.synthesis.meta_analysis.rma: REML, HKSJ interval,
Q-profile interval for tau2, prediction interval) with a floor written in plain
numpy (REML by Fisher scoring, HKSJ, no Q-profile), and times the forest plot
(SVG + paged PDF + PNG). SYNTHETIC DATA, generated here with a fixed seed.
Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def synthetic(k: int, seed: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.3, k)
    yi = rng.normal(-0.3, np.sqrt(vi + 0.1))
    return yi, vi


def numpy_floor(yi: np.ndarray, vi: np.ndarray) -> tuple[float, float, float, float]:
    """REML (Fisher scoring, as metafor) + HKSJ in plain numpy; no Q-profile, no checks."""
    from scipy import stats  # quantile only

    tau2 = max(0.0, float(np.var(yi)) - float(vi.mean()))
    for _ in range(100):
        w = 1 / (vi + tau2)
        mu = np.dot(w, yi) / w.sum()
        p_tr = w.sum() - np.dot(w, w) / w.sum()
        r = yi - mu
        score = np.dot(w * w, r * r) - p_tr
        info = (
            np.dot(w, w)
            - 2 * np.dot(w**3, np.ones_like(w)) / w.sum()
            + (np.dot(w, w) / w.sum()) ** 2
        )
        step = score / info
        tau2_new = max(0.0, tau2 + step)
        if abs(tau2_new - tau2) < 1e-10:
            tau2 = tau2_new
            break
        tau2 = tau2_new
    w = 1 / (vi + tau2)
    mu = np.dot(w, yi) / w.sum()
    q = np.dot(w, (yi - mu) ** 2) / (len(yi) - 1)
    se = np.sqrt(q / w.sum())
    crit = stats.t.ppf(0.975, len(yi) - 1)
    return float(mu), float(mu - crit * se), float(mu + crit * se), float(tau2)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=1000, help="number of studies")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args()

    from livingreview.figures.forest import forest_figure, forest_rows
    from livingreview.synthesis.analyses import StudyEffect
    from livingreview.synthesis.meta_analysis import rma

    yi, vi = synthetic(args.k)
    t_engine, res = timed(lambda: rma(yi, vi, method="REML", test="hksj"), args.repeat)
    t_floor, floor = timed(lambda: numpy_floor(yi, vi), args.repeat)
    effects = [StudyEffect(f"s{i}", f"Synthetic study {i}", yi[i], vi[i]) for i in range(args.k)]
    with tempfile.TemporaryDirectory(prefix="lr-forest-") as tmp:
        paths = [Path(tmp) / f"forest.{ext}" for ext in ("svg", "pdf", "png")]
        t_plot, _ = timed(
            lambda: forest_figure(forest_rows(effects, res), res, "SMD", *paths),
            max(1, args.repeat // 2),
        )
        sizes = {p.suffix: p.stat().st_size for p in paths}

    system = f"{platform.system()} {platform.release()}"
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {system}, {platform.processor()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}")
    print(f"studies: {args.k} (synthetic, seed 1000); median of {args.repeat} runs")
    ours = (res.estimate, res.ci_lb, res.ci_ub, res.tau2)
    for name, t, (mu, lo, hi, tau2) in (
        ("engine REML+HKSJ+Q-profile+PI", t_engine, ours),
        ("numpy floor REML+HKSJ", t_floor, floor),
    ):
        print(f"{name:30s} {t * 1000:8.2f} ms  mu={mu:.6f} [{lo:.6f}, {hi:.6f}] tau2={tau2:.6f}")
    print(f"engine / floor: {t_engine / t_floor:.1f}x")
    print(f"forest plot (SVG + paged PDF + PNG): {t_plot:.2f} s; bytes {sizes}")


if __name__ == "__main__":
    main()

"""The meta-analyses' normal, t and chi-squared tails (synthesis/distributions.py) give
scipy.stats's numbers bit for bit, inside and outside the domain (issue 19: the rule
run_meta_analyses imports scipy.special instead of scipy.stats)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from livingreview.synthesis import distributions

INF, NAN = math.inf, math.nan
PROBABILITIES = [0.0, 1e-300, 1e-12, 0.001, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95,
                 0.975, 0.995, 1 - 1e-12, 1.0, -0.1, 1.1, NAN]  # fmt: skip
VALUES = [-INF, -50.0, -3.0, -1.0, -0.0, 0.0, 1e-300, 0.5, 1.0, 1.96, 3.0, 10.0, 50.0, 400.0,
          INF, NAN]  # fmt: skip
DEGREES = [-1, 0, 0.5, 1, 2, 3, 5, 7, 12, 30, 100, 1e6, INF, NAN]


def identical(a: object, b: object) -> bool:
    """The same float64 bits (NaN matches NaN; -0.0 does not match 0.0), shape and type."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if type(a) is not type(b) or x.shape != y.shape:
        return False
    return bool(np.all((x.view(np.int64) == y.view(np.int64)) | (np.isnan(x) & np.isnan(y))))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(distributions.norm_ppf, stats.norm.ppf), (distributions.norm_isf, stats.norm.isf)],
)
def test_normal_quantiles(ours, theirs) -> None:
    for q in PROBABILITIES:
        assert identical(ours(q), theirs(q)), q
    array = np.array(PROBABILITIES)
    assert identical(ours(array), theirs(array))


def test_normal_tail() -> None:
    for x in VALUES:
        assert identical(distributions.norm_sf(x), stats.norm.sf(x)), x
    assert identical(distributions.norm_sf(np.array(VALUES)), stats.norm.sf(np.array(VALUES)))


@pytest.mark.parametrize(
    ("ours", "theirs", "grid"),
    [
        (distributions.t_sf, stats.t.sf, VALUES),
        (distributions.chi2_sf, stats.chi2.sf, VALUES),
        (distributions.t_ppf, stats.t.ppf, PROBABILITIES),
        (distributions.chi2_ppf, stats.chi2.ppf, PROBABILITIES),
    ],
)
def test_t_and_chi_squared(ours, theirs, grid) -> None:
    for df in DEGREES:
        for x in grid:
            assert identical(ours(x, df), theirs(x, df)), (x, df)
    assert identical(ours(np.array(grid), 4), theirs(np.array(grid), 4))


def test_the_meta_analyses_import_no_scipy_stats() -> None:
    import subprocess
    import sys

    code = (
        "import sys, livingreview.synthesis.analyses, livingreview.synthesis.meta_sensitivity\n"
        "print('scipy.stats' in sys.modules, 'scipy.special' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]

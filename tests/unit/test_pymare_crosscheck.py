"""Cross-check of the random-effects engine against PyMARE (issue 16, "Independence").

PyMARE (https://github.com/neurostuff/PyMARE, a test extra in pyproject.toml) is an
independent Python implementation of the same estimators. It is not a reference:
metafor is (tests/unit/test_meta_analysis.py). Where the two overlap they must agree:

- tau² by DerSimonian-Laird (``DerSimonianLaird``), REML and ML
  (``VarianceBasedLikelihoodEstimator``);
- the pooled estimate, its SE and 95% CI with the Wald (z) interval
  (``small_sample_correction="wald"``), Hartung-Knapp-Sidik-Jonkman
  (``"knapp-hartung"``, our ``test="hksj"``) and HKSJ with the ad hoc correction
  (``"knapp-hartung-conservative"``, which floors the scale factor at 1 as metafor's
  ``test="adhoc"`` does; our ``test="hksj-adhoc"``);
- Cochran's Q and the Q-based I² (PyMARE reports the Higgins-Thompson I² for every
  estimator, our ``I2_q``; our printed ``I2`` is the tau²-based one, as metafor's).

Data: the 13 BCG trials (dat.bcg, Colditz et al. 1994; counts in meta_fixtures.py)
as log risk ratios, and SYNTHETIC data sets generated below (seeded, labelled), from
homogeneous (tau² truncated at 0, HKSJ factor below 1) to very heterogeneous.

Largest differences measured on this machine (2026-11-30, PyMARE 0.0.13, over the
data sets and intervals below): DL 1.1e-16 on tau², 2.2e-16 on estimate/SE/CI (closed
form); REML 3.2e-8 on tau², 1.1e-8 on estimate/SE/CI; ML 9.5e-8 and 5.6e-8 (both
solve a one-dimensional optimisation, each to its own stopping rule). The tolerances
below (1e-12; 1e-6) leave room for those stopping rules and are 100 times tighter
than the 1e-4 the engine is held to against metafor.
"""

from __future__ import annotations

import numpy as np
import pytest
from meta_fixtures import BCG_CNEG, BCG_CPOS, BCG_TNEG, BCG_TPOS
from pymare import Dataset
from pymare.estimators import DerSimonianLaird, VarianceBasedLikelihoodEstimator

from livingreview.synthesis.effect_sizes import binary
from livingreview.synthesis.meta_analysis import rma

CORRECTIONS = {"z": "wald", "hksj": "knapp-hartung", "hksj-adhoc": "knapp-hartung-conservative"}
# absolute tolerances (tau², then estimate/SE/CI) per estimator: see the module docstring
TOLERANCE = {"DL": (1e-12, 1e-12), "REML": (1e-6, 1e-6), "ML": (1e-6, 1e-6)}


def _bcg() -> tuple[np.ndarray, np.ndarray]:
    e = binary("RR", BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    return np.asarray(e.yi, dtype=float), np.asarray(e.vi, dtype=float)


def _synthetic(seed: int, k: int, tau2: float) -> tuple[np.ndarray, np.ndarray]:
    """SYNTHETIC: k study effects around 0.3 with between-study variance tau2."""
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.3, k)
    yi = 0.3 + rng.normal(0, np.sqrt(tau2), k) + rng.normal(0, np.sqrt(vi))
    return yi, vi


DATASETS = {
    "bcg": _bcg(),
    "synthetic_k3_homogeneous": _synthetic(1, 3, 0.0),
    "synthetic_k5_moderate": _synthetic(2, 5, 0.05),
    "synthetic_k10_homogeneous": _synthetic(3, 10, 0.0),
    "synthetic_k20_high": _synthetic(4, 20, 0.5),
    "synthetic_k60_moderate": _synthetic(5, 60, 0.1),
}


def _pymare(method: str, test: str, yi: np.ndarray, vi: np.ndarray):
    correction = CORRECTIONS[test]
    if method == "DL":
        estimator = DerSimonianLaird(small_sample_correction=correction)
    else:
        estimator = VarianceBasedLikelihoodEstimator(
            method=method, small_sample_correction=correction
        )
    return estimator.fit_dataset(Dataset(y=yi, v=vi)).summary()


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("test", sorted(CORRECTIONS))
@pytest.mark.parametrize("method", ["DL", "REML", "ML"])
def test_random_effects_agree_with_pymare(method: str, test: str, name: str) -> None:
    yi, vi = DATASETS[name]
    ours = rma(yi, vi, method=method, test=test)
    summary = _pymare(method, test, yi, vi)
    fe = summary.get_fe_stats()
    het = summary.get_heterogeneity_stats()
    tol_tau2, tol = TOLERANCE[method]
    assert ours.tau2 == pytest.approx(float(np.ravel(summary.tau2)[0]), abs=tol_tau2)
    theirs = [float(np.ravel(fe[key])[0]) for key in ("est", "se", "ci_l", "ci_u")]
    assert [ours.estimate, ours.se, ours.ci_lb, ours.ci_ub] == pytest.approx(theirs, abs=tol)
    assert pytest.approx(float(np.ravel(het["Q"])[0]), rel=1e-10) == ours.Q
    assert ours.I2_q == pytest.approx(float(np.ravel(het["I^2"])[0]), abs=1e-8)


def test_synthetic_sets_cover_both_sides_of_the_adhoc_floor() -> None:
    """The ad hoc correction only matters where the HKSJ factor is below 1: at least
    one data set must have it there, or the hksj-adhoc comparison proves nothing."""
    below = []
    for yi, vi in DATASETS.values():
        knha, adhoc = rma(yi, vi, method="REML", test="hksj"), rma(yi, vi, "REML", "hksj-adhoc")
        below.append(adhoc.se > knha.se)
    assert any(below) and not all(below)

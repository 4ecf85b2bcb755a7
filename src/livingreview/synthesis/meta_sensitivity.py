"""Analyses built on a fitted model: leave-one-out, cumulative, subgroups, Egger's test.

Each mirrors the metafor function of the same purpose (``leave1out``, ``cumul``,
a subgroup comparison, ``regtest``).  Models are refitted with the same settings as
the overall analysis; the fitting function is passed in as ``fit`` so that the same
code serves inverse-variance, Mantel-Haenszel and Peto models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .distributions import chi2_sf, norm_ppf, norm_sf, t_ppf, t_sf
from .meta_analysis import MetaAnalysisError, MetaResult, _check, estimate_tau2, rma

#: Egger's test is only shown with at least this many studies (Cochrane Handbook 13.3.5.4).
EGGER_MIN_STUDIES = 10


def leave_one_out(fit: Callable[[np.ndarray], MetaResult], k: int) -> list[MetaResult]:
    """Refit the model k times, each time without one study (index i left out)."""
    if k < 3:
        raise MetaAnalysisError("leave-one-out needs at least 3 studies")
    idx = np.arange(k)
    return [fit(idx[idx != i]) for i in range(k)]


def cumulative(
    fit: Callable[[np.ndarray], MetaResult], order: Sequence, collapse: bool = False
) -> list[MetaResult]:
    """Refit the model adding studies one at a time in the given order.

    ``order`` holds a sort key per study (e.g. year).  With ``collapse=True`` studies
    sharing a key enter together (metafor ``cumul(..., collapse=TRUE)``).
    """
    keys = list(order)
    perm = sorted(range(len(keys)), key=lambda i: (keys[i], i))
    out = []
    for j in range(len(perm)):
        if collapse and j + 1 < len(perm) and keys[perm[j + 1]] == keys[perm[j]]:
            continue
        out.append(fit(np.array(perm[: j + 1])))
    return out


@dataclass(frozen=True)
class SubgroupResult:
    groups: dict[str, MetaResult]
    Q_between: float
    df: int
    p: float


def subgroups(
    yi, vi, labels: Sequence[str], method: str = "REML", test: str = "z", level: float = 0.95
) -> SubgroupResult:
    """Separate models per subgroup and the test for subgroup differences.

    As in RevMan and metafor (fit per subgroup, then a common-effect model of the
    subgroup estimates): Q_between = Σ (μ_g − μ̄)² / se_g², chi-squared with G−1 df.
    """
    y, v = _check(yi, vi)
    labels = [str(x) for x in labels]
    if len(labels) != y.size:
        raise MetaAnalysisError("one subgroup label is needed per study")
    groups: dict[str, MetaResult] = {}
    for g in sorted(set(labels)):
        sel = np.array([lab == g for lab in labels])
        groups[g] = rma(
            y[sel],
            v[sel],
            method=method if sel.sum() > 1 else "EE",
            test="z" if sel.sum() < 2 else test,
            level=level,
        )
    if len(groups) < 2:
        raise MetaAnalysisError("a subgroup analysis needs at least two subgroups")
    mu = np.array([r.estimate for r in groups.values()])
    se = np.array([r.se for r in groups.values()])
    fe = rma(mu, se**2, method="EE")
    df = len(groups) - 1
    return SubgroupResult(groups, fe.Q, df, float(chi2_sf(fe.Q, df)))


@dataclass(frozen=True)
class EggerResult:
    k: int
    stat: float  # z or t of the slope on the standard error
    df: int | None
    pval: float
    intercept: float  # limit estimate (as se -> 0)
    intercept_ci: tuple[float, float]
    model: str


def egger_test(
    yi,
    vi,
    model: str = "rma",
    method: str = "REML",
    test: str = "z",
    predictor=None,
    level: float = 0.95,
) -> EggerResult:
    """Regression test for funnel-plot asymmetry (metafor ``regtest``).

    ``model="rma"`` (metafor's default): meta-regression of yi on the standard error
    with τ² estimated by ``method``; z test, or t (k−2 df) with ``test="hksj"``.
    ``model="lm"``: Egger's classical weighted regression (t test, k−2 df).
    ``predictor`` replaces the standard error (e.g. 1/√n).
    """
    y, v = _check(yi, vi)
    k = y.size
    if k < 3:
        raise MetaAnalysisError("the regression test needs at least 3 studies")
    x = np.sqrt(v) if predictor is None else np.asarray(predictor, dtype=float)
    X = np.column_stack([np.ones(k), x])
    df = k - 2
    if model == "rma":
        t2 = estimate_tau2(y, v, method, X=X) if method != "EE" else 0.0
        w = 1 / (v + t2)
    elif model == "lm":
        t2 = 0.0
        w = 1 / v
    else:
        raise MetaAnalysisError(f"unknown regression model {model!r}; use rma or lm")
    XtW = X.T * w
    cov = np.linalg.inv(XtW @ X)
    b = cov @ (XtW @ y)
    r = y - X @ b
    if model == "lm" or test != "z":
        s2 = float(np.dot(w, r * r)) / df
        if model == "rma" and test == "hksj-adhoc":
            s2 = max(1.0, s2)
        cov = cov * s2
        se = np.sqrt(np.diag(cov))
        stat = b[1] / se[1]
        pval = float(2 * t_sf(abs(stat), df))
        crit = float(t_ppf(0.5 + level / 2, df))
        dfo: int | None = df
    else:
        se = np.sqrt(np.diag(cov))
        stat = b[1] / se[1]
        pval = float(2 * norm_sf(abs(stat)))
        crit = float(norm_ppf(0.5 + level / 2))
        dfo = None
    ci = (float(b[0] - crit * se[0]), float(b[0] + crit * se[0]))
    return EggerResult(k, float(stat), dfo, pval, float(b[0]), ci, model)

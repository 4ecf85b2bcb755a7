"""Meta-analysis models, computed as metafor's ``rma.uni``, ``rma.mh`` and ``rma.peto`` do.

* :func:`rma` — inverse-variance common-effect ("EE") and random-effects models with
  τ² by DerSimonian-Laird ("DL"), restricted maximum likelihood ("REML"),
  Paule-Mandel ("PM") or maximum likelihood ("ML"); Wald (``test="z"``) or
  Hartung-Knapp-Sidik-Jonkman (``test="hksj"``) inference, optionally with the ad hoc
  correction that keeps the HKSJ variance at least as large as the Wald one
  (``test="hksj-adhoc"``, metafor's ``test="adhoc"``); Q-profile confidence interval
  for τ² (and the I² and H² derived from it); prediction interval.
* :func:`mantel_haenszel` — MH risk ratio, odds ratio and risk difference.
* :func:`peto` — Peto's one-step odds ratio.

Heterogeneity: ``Q`` is Cochran's Q (inverse-variance weights).  ``I2`` is computed
from τ² as metafor and RevMan (since the Cochrane 2024 addendum) do:
I² = τ² / (τ² + s²) with s² the "typical" within-study variance; ``I2_q`` is
Higgins & Thompson's (Q − df)/Q.  For DL the two coincide.  For common-effect models
(EE, MH, Peto) ``I2`` is the Q-based value, as in metafor.

Numerical solutions (REML, ML, PM, Q-profile) use :func:`scipy.optimize.brentq` on
the estimating equation, to a tolerance far below the 1e-4 the tests require.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .distributions import chi2_ppf, chi2_sf, norm_ppf, norm_sf, t_ppf, t_sf

METHODS = ("EE", "DL", "REML", "PM", "ML")
TESTS = ("z", "hksj", "hksj-adhoc")
_XTOL = 1e-12


class MetaAnalysisError(ValueError):
    """Input a model cannot be fitted to (the caller adds file/row context)."""


@dataclass(frozen=True)
class MetaResult:
    """One fitted model. Estimates are on the analysis scale (log for ratios)."""

    method: str
    test: str
    k: int
    estimate: float
    se: float
    stat: float  # z or t
    pval: float
    ci_lb: float
    ci_ub: float
    df: int  # k - 1 (heterogeneity and t df)
    Q: float
    Qp: float
    tau2: float
    I2: float  # tau²-based (random effects) or Q-based (common effect), percent
    I2_q: float  # Higgins & Thompson (Q - df)/Q, percent
    H2: float
    pi_lb: float
    pi_ub: float
    weights: np.ndarray = field(repr=False)  # percent, sums to 100
    tau2_ci: tuple[float, float] | None = None
    I2_ci: tuple[float, float] | None = None
    H2_ci: tuple[float, float] | None = None
    level: float = 0.95

    @property
    def random(self) -> bool:
        return self.method in ("DL", "REML", "PM", "ML")


# --- helpers -------------------------------------------------------------------


def _check(yi, vi) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(yi, dtype=float).ravel()
    v = np.asarray(vi, dtype=float).ravel()
    if y.shape != v.shape:
        raise MetaAnalysisError("estimates and variances differ in length")
    if y.size == 0:
        raise MetaAnalysisError("no studies to pool")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v))):
        raise MetaAnalysisError("estimates and variances must be finite numbers")
    if np.any(v <= 0):
        raise MetaAnalysisError("sampling variances must be positive")
    return y, v


def _wls(y, v, tau2, X):
    """Weighted least squares at a given tau2: (beta, cov(beta), weights, residuals)."""
    w = 1.0 / (v + tau2)
    if X is None:
        sw = w.sum()
        b = np.array([np.dot(w, y) / sw])
        cov = np.array([[1.0 / sw]])
        r = y - b[0]
    else:
        XtW = X.T * w
        cov = np.linalg.inv(XtW @ X)
        b = cov @ (XtW @ y)
        r = y - X @ b
    return b, cov, w, r


def _q_gen(y, v, tau2, X=None) -> float:
    """Generalised Q: sum of w(tau2) * residual² (= y'P y)."""
    _, _, w, r = _wls(y, v, tau2, X)
    return float(np.dot(w, r * r))


def _trace_p(w, cov, X) -> float:
    if X is None:
        return float(w.sum() - np.dot(w, w) * cov[0, 0])
    XtW2X = (X.T * (w * w)) @ X
    return float(w.sum() - np.trace(cov @ XtW2X))


def _score(y, v, tau2, X, method) -> float:
    """Derivative of the (restricted) log-likelihood in tau2, times 2."""
    _, cov, w, r = _wls(y, v, tau2, X)
    wr2 = float(np.dot(w * w, r * r))
    if method == "ML":
        return wr2 - float(w.sum())
    return wr2 - _trace_p(w, cov, X)


def _upper_bracket(f, start: float) -> float:
    hi = max(start, 1e-4)
    for _ in range(200):
        if f(hi) < 0:
            return hi
        hi *= 2
    raise MetaAnalysisError("could not bracket the heterogeneity variance")


def estimate_tau2(yi, vi, method: str = "REML", X=None) -> float:
    """Between-study variance τ² by DL, REML, PM or ML (0 for EE)."""
    y, v = _check(yi, vi)
    k = y.size
    p = 1 if X is None else X.shape[1]
    if method == "EE" or k <= p:
        return 0.0
    if method == "DL":
        _, cov, w, _ = _wls(y, v, 0.0, X)
        Q = _q_gen(y, v, 0.0, X)
        return max(0.0, (Q - (k - p)) / _trace_p(w, cov, X))
    if method == "PM":

        def f(t):
            return _q_gen(y, v, t, X) - (k - p)

    elif method in ("REML", "ML"):

        def f(t):
            return _score(y, v, t, X, method)

    else:
        raise MetaAnalysisError(f"unknown tau2 method {method!r}; use one of {', '.join(METHODS)}")
    if f(0.0) <= 0:
        return 0.0
    hi = _upper_bracket(f, float(np.var(y)) + float(v.mean()))
    return _root(f, hi)


def _root(f, hi: float) -> float:
    """The root of ``f`` in [0, ``hi``] by :func:`scipy.optimize.brentq`, imported here:
    an estimate with τ² = 0 or a closed-form estimator needs none (issue 19)."""
    from scipy import optimize

    return float(optimize.brentq(f, 0.0, hi, xtol=_XTOL, rtol=1e-14, maxiter=500))


def typical_variance(vi) -> float:
    """metafor's "typical" within-study variance s² used for the τ²-based I²."""
    w = 1.0 / np.asarray(vi, dtype=float)
    k = w.size
    return float((k - 1) * w.sum() / (w.sum() ** 2 - np.dot(w, w)))


def q_profile_ci(yi, vi, level: float = 0.95, X=None) -> tuple[float, float]:
    """Q-profile confidence interval for τ² (Viechtbauer 2007; metafor ``confint``)."""
    y, v = _check(yi, vi)
    k = y.size
    p = 1 if X is None else X.shape[1]
    df = k - p
    if df < 1:
        return (float("nan"), float("nan"))
    alpha = 1 - level
    crit_lo = chi2_ppf(1 - alpha / 2, df)  # Q(tau2_lb) = upper quantile
    crit_hi = chi2_ppf(alpha / 2, df)
    q0 = _q_gen(y, v, 0.0, X)

    def solve(crit):
        if q0 < crit:
            return 0.0
        f = lambda t: _q_gen(y, v, t, X) - crit  # noqa: E731
        hi = _upper_bracket(f, float(np.var(y)) + float(v.mean()))
        return _root(f, hi)

    return (solve(crit_lo), solve(crit_hi))


# --- inverse-variance models ------------------------------------------------------


def rma(
    yi,
    vi,
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    pi_df: str = "model",
    tau2: float | None = None,
) -> MetaResult:
    """Fit a common-effect or random-effects model (intercept only).

    ``pi_df``: degrees of freedom of the prediction interval. ``"model"`` follows
    metafor's ``predict``: t with k−1 df under HKSJ, normal otherwise.  ``"k-2"`` is
    Higgins, Thompson & Spiegelhalter (2009), t with k−2 df.  ``"k-1"`` always t(k−1).
    ``tau2`` fixes τ² instead of estimating it.
    """
    if method not in METHODS:
        raise MetaAnalysisError(f"unknown model {method!r}; use one of {', '.join(METHODS)}")
    if test not in TESTS:
        raise MetaAnalysisError(f"unknown test {test!r}; use one of {', '.join(TESTS)}")
    y, v = _check(yi, vi)
    k = y.size
    df = k - 1
    t2 = (estimate_tau2(y, v, method) if method != "EE" else 0.0) if tau2 is None else float(tau2)
    b, cov, w, r = _wls(y, v, t2, None)
    est = float(b[0])
    se = float(np.sqrt(cov[0, 0]))
    if test != "z":
        if k < 2:
            raise MetaAnalysisError(
                "the Hartung-Knapp-Sidik-Jonkman method needs at least 2 studies"
            )
        s2w = float(np.dot(w, r * r)) / df
        if test == "hksj-adhoc":
            s2w = max(1.0, s2w)
        se = se * np.sqrt(s2w)
        crit = float(t_ppf(0.5 + level / 2, df))
        stat = est / se if se > 0 else float("nan")
        pval = float(2 * t_sf(abs(stat), df))
    else:
        crit = float(norm_ppf(0.5 + level / 2))
        stat = est / se
        pval = float(2 * norm_sf(abs(stat)))

    # heterogeneity: Cochran's Q with inverse-variance (tau2 = 0) weights
    w0 = 1.0 / v
    mu0 = np.dot(w0, y) / w0.sum()
    Q = float(max(0.0, np.dot(w0, (y - mu0) ** 2)))
    Qp = float(chi2_sf(Q, df)) if df > 0 else 1.0
    I2_q = float(max(0.0, 100 * (Q - df) / Q)) if (df > 0 and Q > 0) else 0.0
    tau2_ci = I2_ci = H2_ci = None
    if method == "EE":
        I2 = I2_q
        H2 = Q / df if df > 0 else float("nan")
    else:
        s2 = typical_variance(v) if k > 1 else float("nan")
        I2 = float(100 * t2 / (t2 + s2))
        H2 = float((t2 + s2) / s2)
        if k > 1:
            lo, hi = q_profile_ci(y, v, level)
            tau2_ci = (lo, hi)
            I2_ci = (100 * lo / (lo + s2), 100 * hi / (hi + s2))
            H2_ci = ((lo + s2) / s2, (hi + s2) / s2)

    pi_lb = pi_ub = float("nan")
    if pi_df == "model":
        pcrit = crit
    elif pi_df == "k-1":
        pcrit = float(t_ppf(0.5 + level / 2, k - 1)) if k > 1 else float("nan")
    elif pi_df == "k-2":
        pcrit = float(t_ppf(0.5 + level / 2, k - 2)) if k > 2 else float("nan")
    else:
        raise MetaAnalysisError(
            f"unknown prediction-interval rule {pi_df!r}; use model, k-1 or k-2"
        )
    half = pcrit * np.sqrt(se * se + t2)
    pi_lb, pi_ub = est - half, est + half

    return MetaResult(
        method=method,
        test=test,
        k=k,
        estimate=est,
        se=se,
        stat=float(stat),
        pval=pval,
        ci_lb=est - crit * se,
        ci_ub=est + crit * se,
        df=df,
        Q=Q,
        Qp=Qp,
        tau2=t2,
        I2=I2,
        I2_q=I2_q,
        H2=H2,
        pi_lb=float(pi_lb),
        pi_ub=float(pi_ub),
        weights=100 * w / w.sum(),
        tau2_ci=tau2_ci,
        I2_ci=I2_ci,
        H2_ci=H2_ci,
        level=level,
    )


# --- Mantel-Haenszel and Peto ------------------------------------------------------


def _counts(ai, bi, ci, di):
    a, b, c, d = (np.asarray(x, dtype=float).ravel() for x in (ai, bi, ci, di))
    if not (a.shape == b.shape == c.shape == d.shape):
        raise MetaAnalysisError("the four cell counts differ in length")
    if np.any(np.concatenate([a, b, c, d]) < 0):
        raise MetaAnalysisError("cell counts must not be negative")
    return a, b, c, d


def _fixed_result(method, k, est, se, level, Q, weights) -> MetaResult:
    """A common-effect result from an estimate and its SE (MH, Peto), with Q-based I²."""
    one = rma(np.array([est], dtype=float), np.array([se * se], dtype=float), "EE", level=level)
    df = k - 1
    I2 = float(max(0.0, 100 * (Q - df) / Q)) if (df > 0 and Q > 0) else 0.0
    return replace(
        one,
        method=method,
        k=k,
        df=df,
        Q=float(Q),
        Qp=float(chi2_sf(Q, df)) if df > 0 else 1.0,
        I2=I2,
        I2_q=I2,
        H2=float(Q / df) if df > 0 else float("nan"),
        weights=100 * weights / weights.sum(),
    )


def mantel_haenszel(measure: str, ai, bi, ci, di, level: float = 0.95) -> MetaResult:
    """Mantel-Haenszel common-effect model for "RR", "OR" or "RD" (metafor ``rma.mh``).

    Variances: Greenland & Robins (1985) for RR, Robins, Breslow & Greenland (1986) for
    OR, Sato, Greenland & Robins (1989) for RD.  Q uses the inverse-variance study
    estimates (0.5 added only to studies with a zero cell; double-zero studies left out).
    """
    from .effect_sizes import binary  # local import keeps module import light

    a, b, c, d = _counts(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    N = n1 + n2
    if measure == "OR":
        P, Qi, R, S = (a + d) / N, (b + c) / N, a * d / N, b * c / N
        Rs, Ss = R.sum(), S.sum()
        est = np.log(Rs / Ss)
        se = np.sqrt(
            0.5
            * ((P * R).sum() / Rs**2 + (P * S + Qi * R).sum() / (Rs * Ss) + (Qi * S).sum() / Ss**2)
        )
        weights = S
    elif measure == "RR":
        R, S = a * n2 / N, c * n1 / N
        Rs, Ss = R.sum(), S.sum()
        est = np.log(Rs / Ss)
        se = np.sqrt(((n1 / N) * (n2 / N) * (a + c) - (a / N) * c).sum() / (Rs * Ss))
        weights = S
    elif measure == "RD":
        wsum = (n1 * n2 / N).sum()
        est = (a * n2 / N - c * n1 / N).sum() / wsum
        num = (
            est
            * (c * (n1 / N) ** 2 - a * (n2 / N) ** 2 + (n1 / N) * (n2 / N) * (n2 - n1) / 2).sum()
        )
        num += (a * (n2 - c) / N + c * (n1 - a) / N).sum() / 2
        se = np.sqrt(num / wsum**2)
        weights = n1 * n2 / N
    else:
        raise MetaAnalysisError(f"Mantel-Haenszel measure must be RR, OR or RD, not {measure!r}")
    keep = ~(((a == 0) & (c == 0)) | ((b == 0) & (d == 0)))  # drop00 for the Q statistic
    es = binary(measure, a[keep], b[keep], c[keep], d[keep])
    Q = float(max(0.0, np.sum((es.yi - est) ** 2 / es.vi)))
    res = _fixed_result("MH", int(keep.sum()), est, se, level, Q, weights)
    return replace(res, k=a.size)


def peto(ai, bi, ci, di, level: float = 0.95) -> MetaResult:
    """Peto's one-step odds ratio (metafor ``rma.peto``)."""
    a, b, c, d = _counts(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    N = n1 + n2
    xt, yt = a + c, b + d
    E = xt * n1 / N
    V = xt * yt * (n1 / N) * (n2 / N) / (N - 1)
    if V.sum() == 0:
        raise MetaAnalysisError(
            "no events (or no non-events) in any study: Peto odds ratio undefined"
        )
    est = (a - E).sum() / V.sum()
    se = np.sqrt(1 / V.sum())
    pos = V > 0
    Q = float(max(0.0, np.sum((a - E)[pos] ** 2 / V[pos]) - (a - E).sum() ** 2 / V.sum()))
    res = _fixed_result("Peto", int(pos.sum()), est, se, level, Q, V)
    return replace(res, k=a.size)


def peto_effects(ai, bi, ci, di):
    """Per-study Peto log odds ratios and variances: (O − E)/V and 1/V."""
    a, b, c, d = _counts(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    N = n1 + n2
    xt, yt = a + c, b + d
    E = xt * n1 / N
    V = xt * yt * (n1 / N) * (n2 / N) / (N - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (a - E) / V, 1 / V

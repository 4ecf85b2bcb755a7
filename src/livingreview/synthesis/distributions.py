"""The normal, t and chi-squared tail functions the meta-analyses use, from
:mod:`scipy.special`.

``scipy.stats`` computes these with the same special functions (``ndtr``, ``ndtri``,
``stdtr``, ``stdtrit``, ``chdtrc``, ``gammaincinv``) behind its distribution objects,
whose import costs a job about a second of CPU more than ``scipy.special``'s (issue
19: ``run_meta_analyses`` paid it on every run). Each function below returns the
same number as its ``scipy.stats`` counterpart named in its docstring, bit for bit,
including the answer outside the domain (NaN, or the bound of the support);
``tests/unit/test_distributions.py`` compares them on a grid of arguments.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["chi2_ppf", "chi2_sf", "norm_isf", "norm_ppf", "norm_sf", "t_ppf", "t_sf"]


def norm_ppf(q):
    """``scipy.stats.norm.ppf(q)``."""
    return _quantile(q, special.ndtri(q), -np.inf, np.inf)


def norm_isf(q):
    """``scipy.stats.norm.isf(q)``."""
    return _quantile(q, -special.ndtri(q), np.inf, -np.inf)


def norm_sf(x):
    """``scipy.stats.norm.sf(x)``."""
    return special.ndtr(-np.asarray(x, dtype=float))[()]


def t_sf(x, df):
    """``scipy.stats.t.sf(x, df)``."""
    x, df = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(df, dtype=float))
    return np.where(df > 0, special.stdtr(df, -x), np.nan)[()]


def t_ppf(q, df):
    """``scipy.stats.t.ppf(q, df)``."""
    q, df = np.broadcast_arrays(np.asarray(q, dtype=float), np.asarray(df, dtype=float))
    return np.where(df > 0, _quantile(q, special.stdtrit(df, q), -np.inf, np.inf), np.nan)[()]


def chi2_sf(x, df):
    """``scipy.stats.chi2.sf(x, df)``."""
    x, df = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(df, dtype=float))
    inside = np.where(x > 0, special.chdtrc(df, x), np.where(np.isnan(x), np.nan, 1.0))
    inside = np.where(x == np.inf, 0.0, inside)
    return np.where(df > 0, inside, np.nan)[()]


def chi2_ppf(q, df):
    """``scipy.stats.chi2.ppf(q, df)``."""
    q, df = np.broadcast_arrays(np.asarray(q, dtype=float), np.asarray(df, dtype=float))
    return np.where(df > 0, _quantile(q, 2 * special.gammaincinv(df / 2, q), 0.0, np.inf), np.nan)[
        ()
    ]


def _quantile(q, inner, at_zero: float, at_one: float):
    """What ``rv_continuous.ppf``/``isf`` make of ``inner`` (the special function's
    value): itself times scale 1 plus loc 0 for 0 < q < 1 (which turns -0.0 into
    0.0), the support's bound at q = 0 and q = 1, NaN elsewhere."""
    q = np.asarray(q, dtype=float)
    value = np.asarray(inner, dtype=float) * 1.0 + 0.0
    value = np.where(q == 0, at_zero, np.where(q == 1, at_one, value))
    return np.where((q >= 0) & (q <= 1), value, np.nan)[()]

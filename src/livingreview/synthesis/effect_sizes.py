"""Effect sizes from arm-level data, computed as metafor's ``escalc`` does.

Every function returns an :class:`EffectSizes`: the study estimates ``yi`` on the
analysis scale (log scale for ratios, logit or double-arcsine for proportions, Fisher
z for correlations), their sampling variances ``vi`` and, per study, whether a
continuity correction was added.  The formulas follow metafor (Viechtbauer 2010,
``R/escalc.r``); the reference values that pin them down are cited in
``tests/unit/test_effect_sizes.py``.

Continuity correction (binary outcomes and proportions): as in metafor's default
(``add=1/2, to="only0"``), 0.5 is added to every cell of a study only when one of its
cells is zero; other studies are left untouched.  Which studies were corrected is
recorded in ``EffectSizes.corrected`` so that a report can state it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .distributions import norm_isf, norm_ppf

#: Measures whose analysis scale is the natural log of the effect.
RATIO_MEASURES = frozenset({"RR", "OR", "ROM", "PETO"})

#: Human-readable names of the measures (used in figure axes and text).
MEASURE_LABELS = {
    "RR": "Risk ratio",
    "OR": "Odds ratio",
    "PETO": "Peto odds ratio",
    "RD": "Risk difference",
    "MD": "Mean difference",
    "SMD": "Standardised mean difference (Hedges' g)",
    "ROM": "Ratio of means",
    "PLO": "Proportion",
    "PFT": "Proportion",
    "ZCOR": "Correlation",
    "GEN": "Effect",
}


@dataclass(frozen=True)
class EffectSizes:
    """Study-level estimates on the analysis scale."""

    measure: str
    yi: np.ndarray
    vi: np.ndarray
    corrected: np.ndarray  # bool per study: continuity correction added

    @property
    def sei(self) -> np.ndarray:
        return np.sqrt(self.vi)

    def ci(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Per-study Wald interval on the analysis scale."""
        crit = norm_ppf(0.5 + level / 2)
        return self.yi - crit * self.sei, self.yi + crit * self.sei


def _arr(x) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=float))


def _continuity(
    cells: list[np.ndarray], add: float, to: str
) -> tuple[list[np.ndarray], np.ndarray]:
    zero = np.zeros(cells[0].shape, dtype=bool)
    for c in cells:
        zero |= c == 0
    if to == "none" or add == 0:
        return cells, np.zeros_like(zero)
    if to == "all":
        return [c + add for c in cells], np.ones_like(zero)
    if to == "if0all":
        flag = np.full(zero.shape, bool(zero.any()))
    elif to == "only0":
        flag = zero
    else:
        raise ValueError(f"unknown continuity rule {to!r}; use only0, all, if0all or none")
    return [np.where(flag, c + add, c) for c in cells], flag


def binary(measure: str, ai, bi, ci, di, add: float = 0.5, to: str = "only0") -> EffectSizes:
    """Log risk ratio ("RR"), log odds ratio ("OR") or risk difference ("RD").

    ``ai``/``bi``: events/non-events in the treatment arm; ``ci``/``di`` in the control arm.
    """
    ai, bi, ci, di = (_arr(x) for x in (ai, bi, ci, di))
    (a, b, c, d), flag = _continuity([ai, bi, ci, di], add, to)
    n1, n2 = a + b, c + d
    p1, p2 = a / n1, c / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log(p1) - np.log(p2)
            vi = 1 / a - 1 / n1 + 1 / c - 1 / n2
        elif measure == "OR":
            yi = np.log(p1 / (1 - p1)) - np.log(p2 / (1 - p2))
            vi = 1 / a + 1 / b + 1 / c + 1 / d
        elif measure == "RD":
            yi = p1 - p2
            vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
        else:
            raise ValueError(f"binary measure must be RR, OR or RD, not {measure!r}")
    return EffectSizes(measure, yi, vi, flag)


def hedges_correction(m) -> np.ndarray:
    """Exact small-sample bias correction c(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2))."""
    m = _arr(m)
    return np.exp(special.gammaln(m / 2) - 0.5 * np.log(m / 2) - special.gammaln((m - 1) / 2))


def continuous(measure: str, m1, sd1, n1, m2, sd2, n2, correct: bool | None = None) -> EffectSizes:
    """Mean difference ("MD"), Hedges' g ("SMD") or log ratio of means ("ROM").

    SMD uses the pooled SD and the exact correction (metafor ``vtype="LS"``:
    vi = 1/n1 + 1/n2 + g²/(2(n1+n2))).  ROM is log(m1/m2) with the delta-method
    variance; ``correct=True`` adds Lajeunesse's (2015) bias correction.
    """
    m1, sd1, n1, m2, sd2, n2 = (_arr(x) for x in (m1, sd1, n1, m2, sd2, n2))
    if np.any(sd1 < 0) or np.any(sd2 < 0):
        raise ValueError("standard deviations must not be negative")
    if np.any(n1 <= 0) or np.any(n2 <= 0):
        raise ValueError("group sizes must be positive")
    if measure == "MD":
        yi = m1 - m2
        vi = sd1**2 / n1 + sd2**2 / n2
    elif measure == "SMD":
        mi = n1 + n2 - 2
        sdp = np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / mi)
        cmi = hedges_correction(mi) if (correct is None or correct) else np.ones_like(mi)
        yi = cmi * (m1 - m2) / sdp
        vi = 1 / n1 + 1 / n2 + yi**2 / (2 * (n1 + n2))
    elif measure == "ROM":
        if np.any(m1 <= 0) or np.any(m2 <= 0):
            raise ValueError("ratio of means needs positive means in both groups")
        yi = np.log(m1 / m2)
        if correct:
            yi = yi + 0.5 * (sd1**2 / (n1 * m1**2) - sd2**2 / (n2 * m2**2))
        vi = sd1**2 / (n1 * m1**2) + sd2**2 / (n2 * m2**2)
    else:
        raise ValueError(f"continuous measure must be MD, SMD or ROM, not {measure!r}")
    return EffectSizes(measure, yi, vi, np.zeros(yi.shape, dtype=bool))


def proportion(measure: str, xi, ni, add: float | None = None, to: str = "only0") -> EffectSizes:
    """Single proportions: logit ("PLO") or Freeman-Tukey double arcsine ("PFT").

    PLO adds 0.5 to events and non-events of a study with 0 or all events (metafor's
    default); PFT needs no correction (metafor sets ``add=0`` for it).
    """
    xi, ni = _arr(xi), _arr(ni)
    if np.any(xi < 0) or np.any(xi > ni):
        raise ValueError("events must lie between 0 and the sample size")
    if measure == "PLO":
        (x, m), flag = _continuity([xi, ni - xi], 0.5 if add is None else add, to)
        with np.errstate(divide="ignore"):
            yi = np.log(x / m)
            vi = 1 / x + 1 / m
    elif measure == "PFT":
        flag = np.zeros(xi.shape, dtype=bool)
        yi = 0.5 * (np.arcsin(np.sqrt(xi / (ni + 1))) + np.arcsin(np.sqrt((xi + 1) / (ni + 1))))
        vi = 1 / (4 * ni + 2)
    else:
        raise ValueError(f"proportion measure must be PLO or PFT, not {measure!r}")
    return EffectSizes(measure, yi, vi, flag)


def correlation(ri, ni) -> EffectSizes:
    """Fisher's r-to-z transformed correlation ("ZCOR"), vi = 1/(n−3)."""
    ri, ni = _arr(ri), _arr(ni)
    if np.any(np.abs(ri) >= 1):
        raise ValueError("correlations must lie strictly between -1 and 1")
    if np.any(ni <= 3):
        raise ValueError("Fisher's z needs more than 3 participants per study")
    return EffectSizes("ZCOR", np.arctanh(ri), 1 / (ni - 3), np.zeros(ri.shape, dtype=bool))


def from_ci(estimate, lower, upper, ratio: bool = False, level: float = 0.95) -> EffectSizes:
    """Generic inverse variance: an estimate and its (symmetric) confidence interval.

    For ratios (``ratio=True``) the estimate and bounds are given on the natural
    scale and converted to logs; SE = (upper − lower) / (2 z).
    """
    est, lo, hi = _arr(estimate), _arr(lower), _arr(upper)
    if ratio:
        if np.any(est <= 0) or np.any(lo <= 0) or np.any(hi <= 0):
            raise ValueError("ratio estimates and bounds must be positive")
        est, lo, hi = np.log(est), np.log(lo), np.log(hi)
    if np.any(hi <= lo):
        raise ValueError("upper bound must exceed lower bound")
    z = norm_ppf(0.5 + level / 2)
    se = (hi - lo) / (2 * z)
    return EffectSizes("GEN", est, se**2, np.zeros(est.shape, dtype=bool))


def from_p(estimate, p, ratio: bool = False) -> EffectSizes:
    """Generic inverse variance from an estimate and its two-sided p value.

    SE = |estimate| / z(1 − p/2) (Cochrane Handbook 6.3.2).
    """
    est, p = _arr(estimate), _arr(p)
    if ratio:
        est = np.log(est)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("p values must lie strictly between 0 and 1")
    se = np.abs(est) / norm_isf(p / 2)
    return EffectSizes("GEN", est, se**2, np.zeros(est.shape, dtype=bool))


# --- back-transformations ---------------------------------------------------------


def ipft(y, ni) -> np.ndarray:
    """Inverse Freeman-Tukey transformation (Miller 1978), metafor ``transf.ipft``."""
    y, ni = _arr(y), _arr(ni)
    s = np.sin(2 * y)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = 0.5 * (1 - np.sign(np.cos(2 * y)) * np.sqrt(1 - (s + (s - 1 / s) / ni) ** 2))
    lo = 0.5 * (np.arcsin(0.0) + np.arcsin(np.sqrt(1 / (ni + 1))))
    hi = 0.5 * (np.arcsin(np.sqrt(1 / (ni + 1) * ni)) + np.arcsin(1.0))
    z = np.where(y > hi, 1.0, np.where(y < lo, 0.0, z))
    return z


def ipft_hm(y, ni_all) -> np.ndarray:
    """Inverse Freeman-Tukey using the harmonic mean of the study sizes (``transf.ipft.hm``)."""
    nhm = 1 / np.mean(1 / _arr(ni_all))
    return ipft(y, np.full(_arr(y).shape, nhm))


def back_transform(measure: str, y, ni_all=None) -> np.ndarray:
    """Map values on the analysis scale back to the scale a reader sees."""
    y = _arr(y)
    if measure in RATIO_MEASURES:
        return np.exp(y)
    if measure == "PLO":
        return special.expit(y)
    if measure == "PFT":
        if ni_all is None:
            raise ValueError("the double arcsine back-transformation needs the study sizes")
        return ipft_hm(y, ni_all)
    if measure == "ZCOR":
        return np.tanh(y)
    return y

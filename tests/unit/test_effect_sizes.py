"""Effect sizes equal metafor's escalc (values cited as in test_meta_analysis.py).

MF = metafor, github.com/wviechtb/metafor at commit 71ae8f5a, tests/testthat/<file>:<line>
"""

import numpy as np
import pytest
from meta_fixtures import (
    BCG_CNEG,
    BCG_CPOS,
    BCG_TNEG,
    BCG_TPOS,
    EGGER_AI,
    EGGER_CI,
    EGGER_N1,
    EGGER_N2,
    MCDANIEL_N,
    MCDANIEL_R,
    MILLER_N,
    MILLER_X,
    NIELWEISE_AI,
    NIELWEISE_CI,
    NIELWEISE_N1,
    NIELWEISE_N2,
    NORMAND,
    close,
)

from livingreview.synthesis import effect_sizes as es
from livingreview.synthesis.meta_analysis import rma


def test_log_risk_ratio():
    e = es.binary("RR", BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    # MF test_misc_escalc.r:11-12
    close([e.yi[0], e.vi[0]], [-0.8893, 0.3256])
    # ../shared/reference/metafor_bcg.md (metafor README.md:111-123, yi and vi of all 13 trials)
    close(
        e.yi,
        [
            -0.8893,
            -1.5854,
            -1.3481,
            -1.4416,
            -0.2175,
            -0.7861,
            -1.6209,
            0.0120,
            -0.4694,
            -1.3713,
            -0.3394,
            0.4459,
            -0.0173,
        ],
    )
    close(
        e.vi,
        [
            0.3256,
            0.1946,
            0.4154,
            0.0200,
            0.0512,
            0.0069,
            0.2230,
            0.0040,
            0.0564,
            0.0730,
            0.0124,
            0.5325,
            0.0714,
        ],
    )
    # MF test_misc_escalc.r:362 (summary: zi, sei, ci.lb, ci.ub of trial 1)
    lo, hi = e.ci()
    close([e.yi[0] / e.sei[0], e.sei[0], lo[0], hi[0]], [-1.5586, 0.5706, -2.0077, 0.2290])
    assert not e.corrected.any()


def test_log_odds_ratio_summary():
    e = es.binary("OR", BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    lo, hi = e.ci()
    # MF test_misc_escalc.r:363
    close([e.yi[0] / e.sei[0], e.sei[0], lo[0], hi[0]], [-1.5708, 0.5976, -2.1100, 0.2326])


def test_continuity_correction_only_where_a_cell_is_zero():
    e = es.binary("OR", EGGER_AI, EGGER_N1 - EGGER_AI, EGGER_CI, EGGER_N2 - EGGER_CI)
    assert list(np.flatnonzero(e.corrected)) == [7]  # Bertschat 1989: 0 events with magnesium
    close(e.yi[7], np.log((0.5 / 22.5) / (1.5 / 20.5)), tol=1e-12)
    close(e.vi[7], 1 / 0.5 + 1 / 22.5 + 1 / 1.5 + 1 / 20.5, tol=1e-12)
    close(e.yi[0], np.log((1 / 39) / (2 / 34)), tol=1e-12)  # untouched
    rd = es.binary("RD", [0, 3], [10, 7], [2, 3], [8, 7])
    close(rd.yi[0], 0.5 / 11 - 2.5 / 11, tol=1e-12)
    assert list(rd.corrected) == [True, False]


def normand(measure):
    cols = ("m1", "sd1", "n1", "m2", "sd2", "n2")
    return es.continuous(measure, *(NORMAND[c] for c in cols))


def test_standardised_mean_difference_hedges_exact():
    # MF test_misc_escalc.r:61-63
    e = normand("SMD")
    close(e.yi, [-0.3552, -0.3479, -2.3176, -1.8880])
    close(e.vi, [0.0131, 0.0645, 0.0458, 0.1606])
    # MF test_misc_rma_uni.r:41 (REML tau2 of these four SMDs)
    close(rma(e.yi, e.vi).tau2, 1.0090)
    # exact correction, not the 1 - 3/(4m - 1) approximation
    m = 2 * 18 - 2
    assert es.hedges_correction(m)[0] != pytest.approx(1 - 3 / (4 * m - 1), abs=1e-6)


def test_ratio_of_means():
    # MF test_misc_escalc.r:69-71 (classic log ratio; correct=True adds Lajeunesse's term)
    e = normand("ROM")
    close(e.yi, [-0.3102, -0.0715, -0.6202, -0.7303])
    close(e.vi, [0.0094, 0.0028, 0.0018, 0.0119])


def test_mean_difference():
    e = normand("MD")
    close(e.yi, [-20, -2, -55, -71], tol=1e-12)
    close(e.vi[0], 47**2 / 155 + 64**2 / 156, tol=1e-12)


def test_fisher_z_correlation():
    # MF test_misc_escalc.r:180-182
    e = es.correlation(MCDANIEL_R, MCDANIEL_N)
    close(e.yi, [0.0000, 0.7250, 2.6467, -0.1307])
    close(e.vi, [0.0083, 0.0833, 0.3333, 0.0263])
    close(es.back_transform("ZCOR", e.yi), MCDANIEL_R, tol=1e-12)


def test_freeman_tukey_and_back_transformation():
    e = es.proportion("PFT", MILLER_X, MILLER_N)
    # MF test_analysis_example_miller1978.r:17-18 (x2, x4: Miller defines it twice as large)
    close(2 * e.yi, [1.1391, 1.2888, 1.5253, 0.9515])
    close(4 * e.vi, [0.0870, 0.0571, 0.0465, 0.1538])
    r = rma(e.yi, e.vi, method="EE")
    # MF miller1978.r:39 and :42
    close(2 * r.estimate, 1.3093)
    close(es.back_transform("PFT", r.estimate, MILLER_N), 0.3595)
    # MF miller1978.r:61-75
    xi, ni = [0, 4, 9, 16, 20], [10, 10, 15, 20, 20]
    e2 = es.proportion("PFT", xi, ni)
    close(es.ipft(e2.yi, ni), [0.0, 0.4, 0.6, 0.8, 1.0], tol=1e-9)
    r2 = rma(e2.yi, e2.vi, method="EE")
    close(es.ipft_hm([r2.estimate, r2.ci_lb, r2.ci_ub], ni), [0.6886, 0.5734, 0.7943])
    # MF test_misc_transf.r:16 (transf.pft(.1, 10))
    close(es.proportion("PFT", [1], [10]).yi, [0.373394], tol=1e-6)


def test_logit_proportions_with_zero_events():
    # MF test_analysis_example_stijnen2010.r:17-23 and 28-34 (rma(measure="PLO"), REML)
    for x, n, expect in (
        (NIELWEISE_CI, NIELWEISE_N2, [-3.3018, 0.2378, 0.6629, 0.0355, 0.0226, 0.0554]),
        (NIELWEISE_AI, NIELWEISE_N1, [-4.2604, 0.2589, 0.3928, 0.0139, 0.0084, 0.0229]),
    ):
        e = es.proportion("PLO", x, n)
        assert e.corrected.sum() == sum(1 for v in x if v == 0)
        r = rma(e.yi, e.vi)
        close(
            [r.estimate, r.se, r.tau2, *es.back_transform("PLO", [r.estimate, r.ci_lb, r.ci_ub])],
            expect,
        )


def test_generic_inverse_variance_round_trips():
    # Cochrane Handbook 6.3.1/6.3.2: SE from a 95% CI (width / 3.92) and from a p value.
    e = es.binary("RR", BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    lo, hi = e.ci()
    g = es.from_ci(np.exp(e.yi), np.exp(lo), np.exp(hi), ratio=True)
    close(g.yi, e.yi, tol=1e-12)
    close(g.vi, e.vi, tol=1e-12)
    from scipy import stats

    p = 2 * stats.norm.sf(np.abs(e.yi / e.sei))
    close(es.from_p(e.yi, p).vi, e.vi, tol=1e-10)
    with pytest.raises(ValueError, match="upper bound"):
        es.from_ci([1.0], [2.0], [0.5])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: es.binary("XX", [1], [1], [1], [1]), "RR, OR or RD"),
        (lambda: es.continuous("SMD", [1], [-1], [5], [1], [1], [5]), "negative"),
        (lambda: es.proportion("PLO", [6], [5]), "between 0"),
        (lambda: es.correlation([1.0], [10]), "strictly"),
    ],
)
def test_bad_effect_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()

"""Published data sets used as reference inputs for the meta-analysis tests.

These are not review data: they are the example data sets that metafor's own tests
use, transcribed from the R package metadat (github.com/wviechtb/metadat,
``data-raw/dat.*.txt``, commit 0cb96ce4) and, for the inline ones, from metafor's test
files (github.com/wviechtb/metafor, commit 71ae8f5a, ``tests/testthat/``).  Each
block names the original publication.
"""

import numpy as np
import pytest

TOL = 1e-4


def close(actual, expected, tol=TOL):
    """|actual - expected| <= tol elementwise (metafor prints 4 decimals)."""
    actual = np.atleast_1d(np.asarray(actual, dtype=float))
    expected = np.atleast_1d(np.asarray(expected, dtype=float))
    assert actual == pytest.approx(expected, abs=tol)


# dat.bcg (= dat.colditz1994): 13 trials of the BCG vaccine against tuberculosis.
# Colditz GA et al. Efficacy of BCG vaccine in the prevention of tuberculosis.
# JAMA 1994;271(9):698-702. doi:10.1001/jama.1994.03510330076038.
# Also in ../shared/reference/metafor_bcg.md.
BCG_AUTHOR = [
    "Aronson", "Ferguson & Simes", "Rosenthal et al", "Hart & Sutherland",
    "Frimodt-Moller et al", "Stein & Aronson", "Vandiviere et al", "TPT Madras",
    "Coetzee & Berjak", "Rosenthal et al", "Comstock et al", "Comstock & Webster",
    "Comstock et al",
]  # fmt: skip
BCG_YEAR = [1948, 1949, 1960, 1977, 1973, 1953, 1973, 1980, 1968, 1961, 1974, 1969, 1976]
BCG_TPOS = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
BCG_TNEG = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886])
BCG_CPOS = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
BCG_CNEG = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])
BCG_ALLOC = ["random"] * 4 + ["alternate"] * 2 + ["random"] * 3 + ["systematic"] * 4

# dat.normand1999, rows 1-4 (stroke-unit length of stay).
# Normand SLT. Meta-analysis: formulating, evaluating, combining, and reporting.
# Stat Med 1999;18:321-359.
NORMAND = {
    "n1": [155, 31, 75, 18], "m1": [55, 27, 64, 66], "sd1": [47, 7, 17, 20],
    "n2": [156, 32, 71, 18], "m2": [75, 29, 119, 137], "sd2": [64, 4, 29, 48],
}  # fmt: skip

# dat.mcdaniel1994, rows 1, 13, 33, 102 (interview validity correlations).
# McDaniel MA et al. J Appl Psychol 1994;79:599-616.
MCDANIEL_R = [0.00, 0.62, 0.99, -0.13]
MCDANIEL_N = [123, 15, 6, 41]

# Miller JJ. The inverse of the Freeman-Tukey double arcsine transformation.
# Am Stat 1978;32:138 (inline in metafor test_analysis_example_miller1978.r).
MILLER_X = [3, 6, 10, 1]
MILLER_N = [11, 17, 21, 6]

# dat.nielweise2007: catheter-related bloodstream infections (zero cells included).
# Niël-Weise BS, Stijnen T, van den Broek PJ. Intensive Care Med 2007;33:2058-2068.
NIELWEISE_CI = [3, 3, 9, 7, 6, 4, 3, 2, 19, 2, 7, 1, 5, 11, 0, 1, 3, 1]
NIELWEISE_N2 = [117, 35, 195, 136, 157, 139, 177, 39, 103, 122, 64, 58, 175, 180, 105, 262, 362, 69]
NIELWEISE_AI = [0, 1, 2, 0, 5, 1, 1, 1, 1, 1, 0, 0, 3, 6, 0, 0, 1, 4]
NIELWEISE_N1 = [116, 44, 208, 130, 151, 98, 174, 74, 97, 113, 66, 70, 188, 187, 118, 252, 345, 64]

# dat.egger2001: intravenous magnesium after myocardial infarction (one zero cell).
# Egger M, Davey Smith G, Altman DG (eds). Systematic Reviews in Health Care. BMJ 2001.
EGGER_AI = np.array([1, 9, 2, 1, 10, 1, 1, 0, 6, 1, 2, 5, 4, 90, 4, 2216])
EGGER_N1 = np.array([40, 135, 200, 48, 150, 59, 25, 22, 76, 27, 89, 23, 130, 1159, 107, 29011])
EGGER_CI = np.array([2, 23, 7, 1, 8, 9, 3, 1, 11, 7, 12, 13, 8, 118, 17, 2103])
EGGER_N2 = np.array([36, 135, 200, 46, 148, 56, 23, 21, 75, 27, 80, 33, 122, 1157, 108, 29039])

# dat.raudenbush1985: teacher expectancy (standardised mean differences, yi and vi).
# Raudenbush SW. J Educ Psychol 1984;76:85-97.
RAUDENBUSH_YI = np.array(
    [
        0.03,
        0.12,
        -0.14,
        1.18,
        0.26,
        -0.06,
        -0.02,
        -0.32,
        0.27,
        0.80,
        0.54,
        0.18,
        -0.02,
        0.23,
        -0.18,
        -0.06,
        0.30,
        0.07,
        -0.07,
    ]
)
RAUDENBUSH_VI = np.array(
    [
        0.0156,
        0.0216,
        0.0279,
        0.1391,
        0.1362,
        0.0106,
        0.0106,
        0.0484,
        0.0269,
        0.0630,
        0.0912,
        0.0497,
        0.0835,
        0.0841,
        0.0253,
        0.0279,
        0.0193,
        0.0088,
        0.0303,
    ]
)

# CLASP example (inline in metafor test_analysis_example_dersimonian2007.r).
# DerSimonian R, Kacker R. Contemp Clin Trials 2007;28:105-114.
CLASP_N1 = np.array([156, 303, 565, 1570, 103, 4659])
CLASP_N2 = np.array([74, 303, 477, 1565, 105, 4650])
CLASP_AI = np.array([5, 5, 12, 69, 9, 313])
CLASP_CI = np.array([8, 17, 9, 94, 11, 352])

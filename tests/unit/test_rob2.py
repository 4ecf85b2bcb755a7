"""RoB 2 domain algorithms, case by case from the decision tables of the RoB 2 guidance (2019)."""

from __future__ import annotations

import pytest

from livingreview.evidence.rob2 import (
    domain1,
    domain2,
    domain3,
    domain4,
    domain5,
    domain_s,
    judge,
    overall_allowed,
    parse_signalling,
)

L, S, H = "Low", "Some concerns", "High"


def answers(text: str) -> dict[str, str]:
    parsed, errors = parse_signalling(text)
    assert errors == []
    return parsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.1=Y; 1.2=Y; 1.3=N", L),
        ("1.1=NI; 1.2=PY; 1.3=NI", L),
        ("1.1=N; 1.2=Y; 1.3=N", S),  # non-random sequence but concealed: some concerns
        ("1.1=Y; 1.2=Y; 1.3=Y", S),  # baseline imbalance
        ("1.1=NI; 1.2=NI; 1.3=PN", S),  # "randomised", nothing more reported
        ("1.1=Y; 1.2=NI; 1.3=PY", H),
        ("1.1=Y; 1.2=N; 1.3=N", H),  # allocation not concealed
    ],
)
def test_domain1_randomisation(text: str, expected: str) -> None:
    assert domain1(answers(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.1=N; 2.2=N; 2.6=Y", L),  # blinded, appropriate analysis
        ("2.1=Y; 2.2=Y; 2.3=N; 2.6=PY", L),  # aware, no deviations from trial context
        ("2.1=Y; 2.2=NI; 2.3=NI; 2.6=Y", S),
        ("2.1=Y; 2.2=Y; 2.3=Y; 2.4=N; 2.6=Y", S),
        ("2.1=Y; 2.2=Y; 2.3=Y; 2.4=Y; 2.5=Y; 2.6=Y", S),  # deviations balanced
        ("2.1=Y; 2.2=Y; 2.3=Y; 2.4=NI; 2.5=N; 2.6=Y", H),
        ("2.1=N; 2.2=N; 2.6=N; 2.7=N", S),  # inappropriate analysis, little impact
        ("2.1=N; 2.2=N; 2.6=NI; 2.7=NI", H),  # inappropriate analysis, possibly large impact
    ],
)
def test_domain2_deviations_effect_of_assignment(text: str, expected: str) -> None:
    assert domain2(answers(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.1=Y", L),
        ("3.1=N; 3.2=Y", L),
        ("3.1=NI; 3.2=N; 3.3=N", L),
        ("3.1=N; 3.2=N; 3.3=PY; 3.4=PN", S),
        ("3.1=N; 3.2=PN; 3.3=NI; 3.4=NI", H),
        ("3.1=N; 3.2=N; 3.3=Y; 3.4=Y", H),
    ],
)
def test_domain3_missing_outcome_data(text: str, expected: str) -> None:
    assert domain3(answers(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.1=Y", H),  # inappropriate measurement
        ("4.1=N; 4.2=Y", H),  # measured differently between groups
        ("4.1=N; 4.2=N; 4.3=N", L),  # assessors blinded
        ("4.1=N; 4.2=N; 4.3=Y; 4.4=N", L),
        ("4.1=NI; 4.2=N; 4.3=N", S),
        ("4.1=N; 4.2=NI; 4.3=N", S),
        ("4.1=N; 4.2=N; 4.3=Y; 4.4=PY; 4.5=PN", S),
        ("4.1=N; 4.2=N; 4.3=Y; 4.4=Y; 4.5=NI", H),
    ],
)
def test_domain4_measurement(text: str, expected: str) -> None:
    assert domain4(answers(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.1=Y; 5.2=N; 5.3=N", L),
        ("5.1=NI; 5.2=N; 5.3=N", S),  # no pre-specified plan seen
        ("5.1=Y; 5.2=NI; 5.3=N", S),
        ("5.1=Y; 5.2=Y; 5.3=N", H),
        ("5.1=Y; 5.2=N; 5.3=PY", H),
    ],
)
def test_domain5_selection_of_reported_result(text: str, expected: str) -> None:
    assert domain5(answers(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S.1=Y; S.3=Y", L),
        ("S.1=N; S.2=Y; S.3=PY", L),
        ("S.1=N; S.2=N; S.3=Y", S),
        ("S.1=Y; S.3=NI", S),
        ("S.1=Y; S.3=N", H),  # washout too short for the effect to disappear
    ],
)
def test_crossover_domain_s_period_and_carryover(text: str, expected: str) -> None:
    assert domain_s(answers(text)) == expected


def test_overall_is_worst_domain_and_crossover_adds_domain_s() -> None:
    low = (
        "1.1=Y; 1.2=Y; 1.3=N; 2.1=N; 2.2=N; 2.6=Y; 3.1=Y; 4.1=N; 4.2=N; 4.3=N; 5.1=Y; 5.2=N; 5.3=N"
    )
    assert judge(answers(low))["overall"] == L
    assert "DS" not in judge(answers(low))
    crossover = judge(answers(low + "; S.1=Y; S.3=N"), crossover=True)
    assert (crossover["DS"], crossover["overall"]) == (H, H)
    assert overall_allowed({"D1": L, "D2": S, "D3": S}) == (S, H)
    assert overall_allowed({"D1": L, "D2": S}) == (S,)


def test_bad_signalling_text_is_reported_not_guessed() -> None:
    parsed, errors = parse_signalling("1.1=Y; 1.9=N; 2.1=maybe; 3.1")
    assert parsed == {"1.1": "Y"}
    assert errors == ["1.9=N", "2.1=maybe", "3.1"]


# --------------------------------------------------------------------------- #
# Domain 1 against the published criteria, every combination of answers.
# The criteria below are transcribed from the RoB 2 guidance (22 August 2019) as
# reproduced in Table 2 of Systematic Reviews 2021;10:171 (doi 10.1186/s13643-021-01722-5,
# https://pmc.ncbi.nlm.nih.gov/articles/PMC8191126/table/Tab2), "Bias arising from the
# randomisation process": written independently of rob2.domain1, so the two can disagree.
# --------------------------------------------------------------------------- #

YES_, NO_, NI_ = ("Y", "PY"), ("N", "PN"), ("NI",)


def domain1_from_published_table(random: str, concealed: str, baseline: str) -> str:
    """1.1 random sequence, 1.2 concealment, 1.3 baseline differences suggesting a problem."""
    baseline_ok = baseline in NO_  # "compatible with chance"
    baseline_problem = baseline in YES_
    # High: not concealed; or no information on concealment and a baseline problem.
    if concealed in NO_ or (concealed in NI_ and baseline_problem):
        return H
    # Low: concealed AND (baseline compatible with chance OR no information on baseline)
    # AND (random OR no information on randomness).
    if concealed in YES_ and not baseline_problem and random not in NO_:
        return L
    # Some concerns: concealed and (not random or baseline problem); no information on
    # concealment with baseline compatible with chance; or no information at all. The
    # remaining combination (no information on concealment or baseline) is the "no
    # information" case of the table's last line.
    assert (concealed in YES_ and (random in NO_ or baseline_problem)) or (
        concealed in NI_ and (baseline_ok or baseline in NI_)
    )
    return S


@pytest.mark.parametrize("random", ["Y", "PY", "PN", "N", "NI"])
@pytest.mark.parametrize("concealed", ["Y", "PY", "PN", "N", "NI"])
@pytest.mark.parametrize("baseline", ["Y", "PY", "PN", "N", "NI"])
def test_domain1_matches_the_published_criteria(random: str, concealed: str, baseline: str) -> None:
    given = {"1.1": random, "1.2": concealed, "1.3": baseline}
    assert domain1(given) == domain1_from_published_table(random, concealed, baseline)

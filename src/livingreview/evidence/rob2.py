"""RoB 2 judgements derived from signalling-question answers, by the tool's own algorithm.

RoB 2 (Sterne et al. 2019) judges each domain of a randomised trial as Low,
Some concerns or High from the answers to its signalling questions (Y, PY,
PN, N, NI for "no information", NA when a question is not reached). "No
information" is an answer, never a domain judgement. This module encodes the
decision algorithms of the RoB 2 guidance (version of 22 August 2019) for the
effect of assignment to intervention (domain 2, "intention to treat"). Domains
1-5 are checked, for every combination of answers, against the decision tables
of the official RoB 2 Excel tool for individually randomised parallel-group
trials (``tests/unit/test_rob2.py`` names the sources). Domain S is *not*
verified: the official crossover template (2021) was not reached, so its rule
here is provisional.

- Domain 1, randomisation process (1.1-1.3);
- Domain 2, deviations from intended interventions (2.1-2.7; part 2.1-2.5 and
  part 2.6-2.7, the worse of the two);
- Domain 3, missing outcome data (3.1-3.4);
- Domain 4, measurement of the outcome (4.1-4.5);
- Domain 5, selection of the reported result (5.1-5.3);
- Domain S of the crossover variant, period and carryover effects (S.1-S.3).

The overall judgement is Low when every domain is Low, High when any is High
and otherwise Some concerns; the guidance lets assessors raise Some concerns
in several domains to High, so High is also accepted when at least two
domains have Some concerns.

In ``data/risk_of_bias.csv`` the answers of a RoB 2 row are kept in its
``signalling`` cell as ``1.1=Y; 1.2=NI; ...``; :func:`signalling_problems`
checks that every domain judgement of the row is the one its answers give.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Problem

LOW, SOME, HIGH = "Low", "Some concerns", "High"
ANSWERS = ("Y", "PY", "PN", "N", "NI", "NA")
YES = ("Y", "PY")
NO = ("N", "PN")
ORDER = {LOW: 0, SOME: 1, HIGH: 2}

QUESTIONS: dict[str, tuple[str, ...]] = {
    "D1": ("1.1", "1.2", "1.3"),
    "DS": ("S.1", "S.2", "S.3"),
    "D2": ("2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"),
    "D3": ("3.1", "3.2", "3.3", "3.4"),
    "D4": ("4.1", "4.2", "4.3", "4.4", "4.5"),
    "D5": ("5.1", "5.2", "5.3"),
}


def _worst(*judgements: str) -> str:
    return max(judgements, key=ORDER.__getitem__)


def domain1(a: Mapping[str, str]) -> str:
    """Randomisation process: concealment (1.2) first, then baseline imbalance (1.3)."""
    if a.get("1.2") in NO:
        return HIGH
    imbalance = a.get("1.3") in YES
    if a.get("1.2") in YES:
        if imbalance:
            return SOME
        return SOME if a.get("1.1") in NO else LOW
    # 1.2 no information
    return HIGH if imbalance else SOME


def domain2(a: Mapping[str, str]) -> str:
    """Deviations from intended interventions (effect of assignment)."""
    if (a.get("2.1") in NO and a.get("2.2") in NO) or a.get("2.3") in NO:
        part1 = LOW
    elif a.get("2.3") in YES:
        # not likely to have affected the outcome (2.4), or balanced between groups (2.5)
        part1 = SOME if a.get("2.4") in NO or a.get("2.5") in YES else HIGH
    else:  # 2.3 no information
        part1 = SOME
    if a.get("2.6") in YES:
        part2 = LOW
    elif a.get("2.7") in NO:
        part2 = SOME
    else:
        part2 = HIGH
    return _worst(part1, part2)


def domain3(a: Mapping[str, str]) -> str:
    """Missing outcome data."""
    if a.get("3.1") in YES or a.get("3.2") in YES:
        return LOW
    if a.get("3.3") in NO:
        return LOW
    return SOME if a.get("3.4") in NO else HIGH


def domain4(a: Mapping[str, str]) -> str:
    """Measurement of the outcome.

    An appropriate method (4.1 N/PN, or no information on it) measured alike in
    both groups (4.2 N/PN) can be Low; no information on 4.2 caps the domain at
    Some concerns.
    """
    if a.get("4.1") in YES or a.get("4.2") in YES:
        return HIGH
    base = LOW if a.get("4.2") in NO else SOME
    if a.get("4.3") in NO or a.get("4.4") in NO:
        return base
    return SOME if a.get("4.5") in NO else HIGH


def domain5(a: Mapping[str, str]) -> str:
    """Selection of the reported result."""
    if a.get("5.2") in YES or a.get("5.3") in YES:
        return HIGH
    if a.get("5.2") in NO and a.get("5.3") in NO:
        return LOW if a.get("5.1") in YES else SOME
    return SOME


def domain_s(a: Mapping[str, str]) -> str:
    """Crossover variant, period and carryover effects.

    S.1 equal (or nearly equal) numbers in each sequence; S.2 period effects
    accounted for in the analysis; S.3 enough time for carryover to disappear
    before the second period's outcome. No sufficient washout (S.3 N/PN) is
    High; a sufficient washout with balanced sequences or a period-adjusted
    analysis is Low; anything else Some concerns.
    """
    if a.get("S.3") in NO:
        return HIGH
    balanced = a.get("S.1") in YES or a.get("S.2") in YES
    return LOW if balanced and a.get("S.3") in YES else SOME


DOMAINS = {
    "D1": domain1,
    "DS": domain_s,
    "D2": domain2,
    "D3": domain3,
    "D4": domain4,
    "D5": domain5,
}


def judge(answers: Mapping[str, str], crossover: bool = False) -> dict[str, str]:
    """Every domain judgement and the overall one for a set of answers."""
    out = {domain: rule(answers) for domain, rule in DOMAINS.items() if crossover or domain != "DS"}
    out["overall"] = _worst(*out.values())
    return out


def overall_allowed(domains: Mapping[str, str]) -> tuple[str, ...]:
    """Overall judgements the guidance allows for these domain judgements."""
    proposed = _worst(*domains.values())
    somes = sum(v == SOME for v in domains.values())
    return (proposed, HIGH) if proposed == SOME and somes >= 2 else (proposed,)


def parse_signalling(text: str) -> tuple[dict[str, str], list[str]]:
    """``"1.1=Y; 1.2=NI"`` -> ({"1.1": "Y", "1.2": "NI"}, errors)."""
    answers: dict[str, str] = {}
    errors: list[str] = []
    known = {q for qs in QUESTIONS.values() for q in qs}
    for part in (p.strip() for p in str(text or "").split(";")):
        if not part:
            continue
        question, sep, answer = (s.strip() for s in part.partition("="))
        if not sep or question not in known or answer not in ANSWERS:
            errors.append(part)
            continue
        answers[question] = answer
    return answers, errors


def signalling_problems(row: Mapping[str, Any], crossover: bool, file: str) -> list[Problem]:
    """Problems of one RoB 2 row: unparsable answers, or judgements the answers do not give."""
    line = row.get("_line")
    text = row.get("signalling")
    if not text:
        return [
            Problem(
                file,
                "RoB 2 judgements need the signalling-question answers they come from",
                row=line,
                column="signalling",
                fix="give the answers as '1.1=Y; 1.2=NI; ...' (Y, PY, PN, N, NI, NA)",
            )
        ]
    answers, errors = parse_signalling(str(text))
    problems = [
        Problem(
            file,
            "not a RoB 2 signalling answer",
            row=line,
            column="signalling",
            found=bad,
            expected="question=answer, for example 1.2=NI (answers Y, PY, PN, N, NI, NA)",
            fix="correct the question number or the answer",
        )
        for bad in errors
    ]
    if errors:
        return problems
    wanted = judge(answers, crossover)
    columns = {"D1": "D1", "D2": "D2", "D3": "D3", "D4": "D4", "D5": "D5"}
    if crossover:
        columns["DS"] = "DS"
    for domain, column in columns.items():
        if row.get(column) != wanted[domain]:
            problems.append(
                Problem(
                    file,
                    f"{column} does not follow from the signalling answers by the RoB 2 algorithm",
                    row=line,
                    column=column,
                    found=row.get(column),
                    expected=wanted[domain],
                    fix="correct the judgement or the answers",
                )
            )
    domains = {d: wanted[d] for d in columns}
    allowed = overall_allowed(domains)
    if row.get("overall") not in allowed:
        problems.append(
            Problem(
                file,
                "overall judgement does not follow from the domain judgements",
                row=line,
                column="overall",
                found=row.get("overall"),
                expected=" or ".join(allowed),
                fix="use the worst domain judgement (or High for several with some concerns)",
            )
        )
    return problems


__all__ = [
    "ANSWERS",
    "DOMAINS",
    "QUESTIONS",
    "domain1",
    "domain2",
    "domain3",
    "domain4",
    "domain5",
    "domain_s",
    "judge",
    "overall_allowed",
    "parse_signalling",
    "signalling_problems",
]

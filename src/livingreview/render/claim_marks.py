"""Checked claims in the rendered book: reported by ``check``, rendered plainly or marked.

The claims themselves and their condition language live in
:mod:`livingreview.text.claims`. Here the book model is judged against
``_variables.yml``:

- a claim whose condition cannot be evaluated is always a problem;
- a false claim is a problem (the build stops), unless ``on_false`` is ``mark``
  and the build is a draft (``release.status`` is ``draft``): then it is a
  warning and the claim is rendered with a visible "Needs revision" marker;
- a true claim renders as its plain text (the span or div is unwrapped, which
  reads the same as Quarto's plain ``<span class="claim">``).
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from ..text.claims import (
    CLAIM_CLASS,
    CONDITION_ATTR,
    NEEDS_REVISION,
    ON_FALSE,
    ConditionError,
    Verdict,
    find_claims,
    holds,
    judge,
    verdict_problem,
)
from . import ast as A
from .block_index import rewrite

MARK_CLASS = "claim-needs-revision"


def marks_false_claims(variables: dict[str, Any], on_false: str) -> bool:
    """True when false claims are marked rather than stopping the build."""
    if on_false not in ON_FALSE:
        raise ValueError(f"on_false must be one of {ON_FALSE}, not {on_false!r}")
    status = (variables.get("release") or {}).get("status")
    return on_false == "mark" and status == "draft"


def judge_chapters(
    chapters: list[Any], variables: dict[str, Any]
) -> tuple[list[Verdict], list[Problem]]:
    """Every claim of the expanded chapters judged (with file and line of its source)."""
    verdicts: list[Verdict] = []
    problems: list[Problem] = []
    for chapter in chapters:
        if not chapter.source.lines:
            continue
        claims, bad = find_claims(chapter.source.lines, chapter.source.origins)
        problems += bad
        verdicts += judge(claims, variables)
    return verdicts, problems


def claim_findings(
    chapters: list[Any], variables: dict[str, Any], on_false: str
) -> tuple[list[Problem], list[Problem]]:
    """``(problems, warnings)`` of the book's claims: warnings are false claims a draft marks."""
    verdicts, problems = judge_chapters(chapters, variables)
    mark = marks_false_claims(variables, on_false)
    warnings = []
    for verdict in verdicts:
        if verdict.holds is True:
            continue
        if verdict.holds is False and mark:
            warnings.append(verdict_problem(verdict))
        else:
            problems.append(verdict_problem(verdict))
    return problems, warnings


def _claim_state(a: A.Attr, variables: dict[str, Any]) -> bool | None:
    if CLAIM_CLASS not in a[1]:
        return None
    try:
        return holds(A.attr_get(a, CONDITION_ATTR) or "", variables)
    except ConditionError:
        return True  # reported as a problem by claim_findings; render the text as written


def render_claims(
    blocks: list[A.Element],
    variables: dict[str, Any],
    mark: bool,
    found: list[A.Element] | None = None,
) -> list[A.Element]:
    """Unwrap true claims; false ones get the "Needs revision" marker when ``mark``.
    Each claim met (the only elements whose rendering reads ``variables``) is added
    to ``found`` when given."""

    def visit(el: A.Element) -> Any:
        if el["t"] not in ("Span", "Div"):
            return None
        state = _claim_state(el["c"][0], variables)
        if state is None:
            return None
        if found is not None:
            found.append(el)
        content = el["c"][1]
        if state or not mark:
            return list(content)
        label = A.Strong(A.text_inlines(f"[{NEEDS_REVISION}]"))
        if el["t"] == "Span":
            return [A.Span([label, A.Space(), *content], A.attr("", [MARK_CLASS]))]
        return [A.Div([A.Para([label]), *content], A.attr("", [MARK_CLASS]))]

    out = list(blocks)
    rewrite(out, ("Span", "Div"), visit)
    return out

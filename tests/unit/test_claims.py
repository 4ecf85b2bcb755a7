"""Checked claims: the condition language, finding claims in chapters, judging and rendering."""

from __future__ import annotations

import pytest

from livingreview.render import ast as A
from livingreview.render.claim_marks import claim_findings, render_claims
from livingreview.render.shortcodes import Expanded
from livingreview.text.claims import (
    ConditionError,
    changed_claims,
    condition_names,
    find_claims,
    holds,
    judge,
    parse_condition,
)

VARIABLES = {
    "studies": {"included": 4, "randomised": 1, "participants": "2,030"},
    "synthesis": {"anxiety": {"studies": 4, "benefit": 3, "harm": 0}},
    "diagnosis": {"a": {"studies": 1}, "b": {"studies": 0}, "c": {"studies": 3}},
    "search": {"last_date": "2026-11-01"},
    "release": {"status": "draft"},
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        pytest.param("studies.included == 4", True, id="equal"),
        pytest.param("synthesis.anxiety.benefit == synthesis.anxiety.studies", False, id="every"),
        pytest.param("studies.randomised <= 1 and studies.included > 3", True, id="and"),
        pytest.param("studies.randomised > 1 or synthesis.anxiety.harm == 0", True, id="or"),
        pytest.param("not studies.included == 4", False, id="not"),
        pytest.param("synthesis.anxiety.benefit > synthesis.anxiety.studies / 2", True, id="div"),
        pytest.param("(studies.included - 1) * 2 == 6", True, id="arithmetic"),
        pytest.param("-studies.included < 0", True, id="unary-minus"),
        pytest.param("studies.participants > 2000", True, id="thousands-text"),
        pytest.param("count(diagnosis.*.studies > 0) == 2", True, id="count-true"),
        pytest.param("count(diagnosis) == 3", True, id="count-mapping"),
        pytest.param("sum(diagnosis.*.studies) == studies.included", True, id="sum"),
        pytest.param(
            "max(diagnosis.*.studies) == 3 and min(diagnosis.*.studies) == 0", True, id="min-max"
        ),
        pytest.param("all(diagnosis.*.studies >= 0)", True, id="all"),
        pytest.param("any(diagnosis.*.studies > 5)", False, id="any"),
        pytest.param("search.last_date == '2026-11-01'", True, id="string"),
        pytest.param("true", True, id="literal"),
    ],
)
def test_conditions(condition: str, expected: bool) -> None:
    assert holds(condition, VARIABLES) is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("studies.included", "not true or false", id="not-boolean"),
        pytest.param("studies.missing == 1", "unknown variable 'studies.missing'", id="unknown"),
        pytest.param("studies.included == 4 == 4", "cannot be chained", id="chained"),
        pytest.param("studies.included ==", "ends too early", id="truncated"),
        pytest.param("(studies.included == 4", r"ends too early \(expected '\)'\)", id="unclosed"),
        pytest.param("studies.included = 4", "cannot read", id="single-equals"),
        pytest.param("__import__('os') == 1", "unknown function", id="python-call"),
        pytest.param("studies.included.__class__ == 1", "has no '__class__'", id="attribute"),
        pytest.param("studies.included / 0 == 1", "division by zero", id="division-by-zero"),
        pytest.param("studies.included and true", "joins true/false", id="and-number"),
        pytest.param("search.last_date > 3", "needs numbers", id="compare-text"),
        pytest.param("studies.included == 4 extra", "unexpected 'extra'", id="trailing"),
    ],
)
def test_bad_conditions_are_reported_not_run(condition: str, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        holds(condition, VARIABLES)


def test_condition_names_in_order() -> None:
    node = parse_condition("count(diagnosis.*.studies > 0) == studies.included and true")
    assert condition_names(node) == ["diagnosis.*.studies", "studies.included"]


CHAPTER = """\
# Results

Anxiety [improved in
every study [@x]]{.claim when="synthesis.anxiety.benefit == synthesis.anxiety.studies"}.
A [plain span]{.smallcaps} and a [link](https://example.org).

::: {.claim when="studies.randomised == 1"}
Only one trial was randomised.

::: {.callout-note}
Nested.
:::
:::

```markdown
[not a claim]{.claim when="nonsense"}
```

`[inline code]{.claim when="x"}` and [no condition]{.claim}.
"""


def test_find_claims_with_file_and_line() -> None:
    claims, problems = find_claims(CHAPTER.splitlines(), "manuscript/03-results.qmd")
    assert [(c.line, c.kind, c.condition) for c in claims] == [
        (3, "span", "synthesis.anxiety.benefit == synthesis.anxiety.studies"),
        (7, "div", "studies.randomised == 1"),
    ]
    assert claims[0].excerpt() == "improved in every study [@x]"
    assert "Only one trial was randomised." in claims[1].text
    assert [(p.row, p.message) for p in problems] == [(19, "checked claim without a condition")]


def test_judge_and_changes_between_two_sets_of_values() -> None:
    claims, _ = find_claims(CHAPTER.splitlines(), "ch.qmd")
    before = {**VARIABLES, "synthesis": {"anxiety": {"studies": 3, "benefit": 3}}}
    verdicts = judge(claims, VARIABLES)
    assert [v.holds for v in verdicts] == [False, True]
    assert verdicts[0].values == "synthesis.anxiety.benefit = 3, synthesis.anxiety.studies = 4"
    changes = changed_claims(claims, before, VARIABLES)
    assert [(c.claim.line, c.before, c.after) for c in changes] == [(3, True, False)]
    assert "ch.qmd:3:" in str(changes[0]) and "was true, is now false" in str(changes[0])


class _Chapter:
    def __init__(self, text: str) -> None:
        lines = text.splitlines()
        self.source = Expanded(lines, [("ch.qmd", n) for n in range(1, len(lines) + 1)])


@pytest.mark.parametrize(
    ("on_false", "status", "problems", "warnings"),
    [
        pytest.param("stop", "draft", 1, 0, id="stop"),
        pytest.param("mark", "draft", 0, 1, id="mark-draft"),
        pytest.param("mark", "released", 1, 0, id="mark-never-in-a-release"),
    ],
)
def test_false_claim_stops_or_is_marked(
    on_false: str, status: str, problems: int, warnings: int
) -> None:
    variables = {**VARIABLES, "release": {"status": status}}
    found, marked = claim_findings([_Chapter(CHAPTER)], variables, on_false)
    assert (len(found), len(marked)) == (problems + 1, warnings)  # +1: claim without condition
    assert any("claim no longer holds" in p.message for p in found + marked)


def _claim_span(condition: str) -> A.Element:
    return A.Span(A.text_inlines("every study"), A.attr("", ["claim"], {"when": condition}))


def test_true_claims_render_plainly_false_ones_carry_a_marker() -> None:
    true_span = _claim_span("studies.included == 4")
    false_span = _claim_span("studies.included == 5")
    blocks = [A.Para([true_span, A.Space(), false_span])]
    plain = render_claims(blocks, VARIABLES, mark=False)
    assert plain == [
        A.Para([*A.text_inlines("every study"), A.Space(), *A.text_inlines("every study")])
    ]
    blocks = [A.Para([_claim_span("studies.included == 5")])]
    marked = render_claims(blocks, VARIABLES, mark=True)
    assert A.stringify(marked) == "[Needs revision] every study"
    assert marked[0]["c"][0]["c"][0][1] == ["claim-needs-revision"]

"""One way to list words for a reader ("a, b and c"), used by every module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from livingreview.wording import join_words, long_date_range

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "livingreview"


@pytest.mark.parametrize(
    ("items", "word", "expected"),
    [
        pytest.param([], "and", "", id="none"),
        pytest.param(["a"], "and", "a", id="one"),
        pytest.param(["a", "b"], "and", "a and b", id="two"),
        pytest.param(["a", "b", "c"], "and", "a, b and c", id="three"),
        pytest.param(("a", "b", "c"), "or", "a, b or c", id="or"),
    ],
)
def test_join_words(items, word, expected) -> None:
    assert join_words(items, word) == expected
    assert join_words(iter(items), word) == expected


# A hand-made list joiner: the last item split off with ``[:-1]``/``[-1]`` and
# joined with " and " (or " {word} "), or " and ".join(...) of prose.
HAND_MADE = re.compile(r"""\[:-1\]\)\s*\+\s*f?["'] (and|or|\{\w+\}) ["']|["'] and ["']\.join\(""")


def test_no_module_joins_a_list_by_hand() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "wording.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_MADE.search(line)
    ]
    # BibTeX separates authors with " and " whatever their number: syntax, not prose.
    allowed = {"living/pages.py"}
    assert [f for f in found if f.split(":")[0] not in allowed] == []


def test_counted_puts_the_noun_in_the_right_number():
    from livingreview.wording import counted

    assert counted(1, "study", "studies") == "1 study"
    assert counted(0, "study", "studies") == "0 studies"
    assert counted(1204, "record", "records") == "1,204 records"


def test_counts_of_1000_or_more_read_back_from_the_variables_text() -> None:
    """_variables.yml writes 1,501 as "1,501"; the Methods sentence on what was read
    crashed the build at 1,000 studies (int("1,501"))."""
    from livingreview.ledger.reviewers import assessment_words
    from livingreview.wording import count_value

    assert count_value("1,501") == 1501 and count_value(7) == 7 and count_value(None) == 0
    words = assessment_words({"full_text": 0, "abstract_or_registration": "1,501", "unrecorded": 0})
    assert words.endswith("(no full text was read)")


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        ("2026-11-01", "2026-11-30", "1 to 30 November 2026"),
        ("2026-10-28", "2026-11-30", "28 October to 30 November 2026"),
        ("2025-12-30", "2026-01-02", "30 December 2025 to 2 January 2026"),
        ("2026-03-01", "2026-03-01", "1 March 2026"),
    ],
)
def test_a_period_names_its_shared_month_and_year_once(first: str, last: str, text: str) -> None:
    assert long_date_range(first, last) == text


def test_search_methods_without_databases_is_one_sentence_naming_the_other_methods() -> None:
    import pandas as pd

    from livingreview.text.sentences import search_methods_paragraph

    records = pd.DataFrame(
        {
            "source_type": ["citation_search"] * 3,
            "source": ["Checking of known studies"] * 3,
            "search_date": ["2026-11-01", "2026-11-30", "2026-11-15"],
        }
    )
    assert search_methods_paragraph(records) == (
        "No bibliographic database or trial register was searched; all 3 records were "
        "identified through other methods (citation searching): Checking of known studies "
        "(1 to 30 November 2026; 3 records).\n"
    )

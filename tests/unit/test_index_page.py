"""The book's index page (shipped and `livingreview init`'s): its own prose comes first,
the generated What's new and Cite this version sections last."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INDEX_PAGES = [ROOT / "index.qmd", ROOT / "src" / "livingreview" / "project_template" / "index.qmd"]
WHATS_NEW = "{{< include results/releases/whats_new.md >}}"


@pytest.mark.parametrize("index", INDEX_PAGES, ids=["shipped", "template"])
def test_whats_new_follows_the_page_s_own_prose(index: Path) -> None:
    # What's new opens with a level-2 heading: prose after it would read as part of it
    text = index.read_text(encoding="utf-8")
    after = text[text.index(WHATS_NEW) + len(WHATS_NEW) :]
    assert [line for line in after.splitlines() if line.strip()] == [
        "{{< include results/releases/cite.md >}}"
    ]


def test_the_review_it_is_based_on_is_the_first_work_cited() -> None:
    # numbered citations follow first mention: What's new (which cites the studies it
    # lists) must not make the original review reference 2
    text = (ROOT / "index.qmd").read_text(encoding="utf-8")
    first = re.search(r"@[\w:.-]+", text)
    assert first is not None and first.group() == "@tully2022"
    assert first.start() < text.index(WHATS_NEW)

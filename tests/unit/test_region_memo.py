"""What the workflow's chapter memo keeps below a chapter (render/chapter_memo.py,
render/chapter_source.py): a large included file's parse by its text, so a new
process given an edit of the prose around it does not parse it again; and a
chapter without a checked claim is not parsed again when only the variables
changed. Each build's findings equal a build without any memo's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_chapter_memo import FIXTURE, edit, state

from livingreview.render import chapter_source, pandoc
from livingreview.render.book import BookModel, build_book
from livingreview.render.chapter_memo import stored_memo
from livingreview.workflow import PARSE_CACHE_ENV

RESULTS = "manuscript/03-results.qmd"
INTRO = "manuscript/01-introduction.qmd"
TABLE = "results/tables/rows.md"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture book with a 30-row table included on its own in the results, parsed
    apart from the chapter (over ``LARGE_INCLUDE``), and the workflow's cache folder."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURE, book)
    rows = ["| Study | n | Source |", "|---|---:|---|"]
    rows += [f"| Study {i} | {i} | [@smith2020] |" for i in range(30)]
    (book / TABLE).write_text("\n".join(rows) + "\n\n: Rows of studies {#tbl-rows}\n")
    edit(
        book,
        RESULTS,
        "# Results {#sec-results}\n",
        "# Results {#sec-results}\n\nAs @tbl-rows shows.\n\n{{< include ../" + TABLE + " >}}\n",
    )
    monkeypatch.setattr(chapter_source, "LARGE_INCLUDE", 400)
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache" / "pandoc"))
    return book


@pytest.fixture
def region_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts parsed as included files on their own, in every build after this."""
    seen: list[str] = []
    real = chapter_source._markdown_to_ast_by_rows

    def counting(text: str, what: str) -> dict:
        seen.append(text)
        return real(text, what)

    monkeypatch.setattr(chapter_source, "_markdown_to_ast_by_rows", counting)
    return seen


def new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process starts without: the parses kept in memory."""
    monkeypatch.setattr(chapter_source, "_PARSED", {})
    monkeypatch.setattr(chapter_source, "_REGIONS", {})
    monkeypatch.setattr(pandoc, "_PARSED", {})


def workflow_build(root: Path) -> tuple[BookModel, list[tuple[str, str]]]:
    with stored_memo(root) as memo:
        return build_book(root, memo=memo), list(memo.ran)


def fresh(root: Path, monkeypatch: pytest.MonkeyPatch) -> BookModel:
    monkeypatch.delenv(PARSE_CACHE_ENV)
    try:
        return build_book(root)
    finally:
        monkeypatch.setenv(PARSE_CACHE_ENV, str(root.parent / "cache" / "pandoc"))


def test_an_unchanged_included_table_is_not_parsed_again_after_a_prose_edit(
    root: Path, region_parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, _ = workflow_build(root)
    assert len(region_parses) == 1 and "Study 29" in region_parses[0]  # parsed on its own
    assert state(model) == state(fresh(root, monkeypatch))

    new_process(monkeypatch)
    edit(root, RESULTS, "The forest plot is @fig-forest.", "The forest plot is @fig-forest, here.")
    region_parses.clear()
    model, ran = workflow_build(root)
    assert ("local", RESULTS) in ran  # the chapter was parsed again ...
    assert region_parses == []  # ... but not the table it includes
    assert state(model) == state(fresh(root, monkeypatch))


def test_a_changed_included_table_is_parsed_again_and_its_error_reported_at_its_line(
    root: Path, region_parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, _ = workflow_build(root)
    assert model.problems == []

    new_process(monkeypatch)
    edit(root, TABLE, "| Study 7 | 7 |", "| Study 7, see @tbl-nothing | 7 |")
    region_parses.clear()
    model, ran = workflow_build(root)
    assert len(region_parses) == 1 and "@tbl-nothing" in region_parses[0]
    expected = fresh(root, monkeypatch)
    assert state(model) == state(expected)
    [problem] = model.problems
    assert str(problem) == str(expected.problems[0])
    assert (problem.file, problem.row) == (TABLE, 10)  # the row's line in the included file
    assert "tbl-nothing" in str(problem)

    new_process(monkeypatch)  # reported again by a build that parses nothing
    region_parses.clear()
    model, ran = workflow_build(root)
    assert ran == [] and region_parses == []
    assert [str(p) for p in model.problems] == [str(problem)]


def test_a_value_edit_parses_again_only_chapters_with_a_checked_claim(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variables are read by a chapter's parse stage only through its checked
    claims: a changed value the text does not show leaves the others as kept."""
    edit(
        root,
        INTRO,
        "\n",
        '\n\n[Most studies were small.]{.claim when="counts.screened > 100"}\n\n',
    )
    workflow_build(root)
    variables = root / "_variables.yml"
    variables.write_text(variables.read_text().replace("screened: 345", "screened: 346"))
    new_process(monkeypatch)
    model, ran = workflow_build(root)
    assert ("local", INTRO) in ran  # its claim reads the variables
    assert ("local", RESULTS) not in ran and ("local", "index.qmd") not in ran
    assert state(model) == state(fresh(root, monkeypatch))

    # the claim turns false: reported, as a build without a memo reports it
    variables.write_text(variables.read_text().replace("screened: 346", "screened: 99"))
    new_process(monkeypatch)
    model, ran = workflow_build(root)
    expected = fresh(root, monkeypatch)
    assert state(model) == state(expected)
    assert any("Most studies were small" in str(p) for p in model.problems)

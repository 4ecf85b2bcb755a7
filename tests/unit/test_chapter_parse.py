"""A large included file parsed on its own (render/chapter_source.py): the chapter's
parse is the same as Pandoc's parse of the whole text, or the shortcut is not taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.render import chapter_source
from livingreview.render.chapter_source import _parse_in_parts, include_paths, parsed
from livingreview.render.pandoc import markdown_to_ast
from livingreview.render.shortcodes import Context, expand_file


def table(rows: int) -> str:
    lines = ["| Study | n | Source |", "|---|---:|---|"]
    lines += [f"| Study {i} | {i} | [@key{i}]; see ![x](fig{i}.png) |" for i in range(rows)]
    return "\n".join(lines) + "\n"


def chapter(tmp_path: Path, before: str, included: str, after: str) -> str:
    """The expanded text of a chapter that includes ``included`` from another folder."""
    (tmp_path / "results").mkdir(exist_ok=True)
    (tmp_path / "manuscript").mkdir(exist_ok=True)
    (tmp_path / "results" / "table.md").write_text(included, encoding="utf-8")
    path = tmp_path / "manuscript" / "01-a.qmd"
    path.write_text(
        f"{before}\n\n::: {{#tbl-x}}\n{{{{< include ../results/table.md >}}}}\n\n"
        f"Caption [@cap].\n:::\n\n{after}\n",
        encoding="utf-8",
    )
    return expand_file(path, Context(tmp_path, {}, {}), []).text


def whole(text: str) -> tuple[list, dict]:
    doc = markdown_to_ast(text)
    return include_paths(doc["blocks"]), doc.get("meta", {})


@pytest.fixture(autouse=True)
def small_includes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chapter_source, "LARGE_INCLUDE", 200)
    monkeypatch.setattr(chapter_source, "_PARSED", {})
    monkeypatch.setattr(chapter_source, "_REGIONS", {})


@pytest.mark.parametrize(
    "before",
    ["# A {#sec-a}\n\nProse [@a; @b] and @c.", "# A\n\nNo citation before the table."],
)
def test_a_large_include_parsed_alone_gives_pandocs_parse(tmp_path: Path, before: str) -> None:
    text = chapter(tmp_path, before, table(20), "After [-@d] and [see @e, p. 3].")
    in_parts = _parse_in_parts(text, "test")
    assert in_parts is not None  # the shortcut was taken
    assert in_parts == whole(text)  # citations numbered through, image paths moved
    assert parsed(text, "test") == whole(text)
    edited = text.replace("After", "An edit [@f]. After")
    assert _parse_in_parts(edited, "test") == whole(edited)


@pytest.mark.parametrize(
    "included",
    [
        pytest.param(table(20) + "\n## A header in it\n", id="header"),
        pytest.param(table(20) + "\nA note.[^1]\n\n[^1]: The note.\n", id="footnote"),
        pytest.param(table(20) + "\n[link]: https://example.org\n", id="reference-link"),
        pytest.param(table(20) + "\nSee [a].\n", id="implicit-header-link"),
        pytest.param(table(2), id="small"),
    ],
)
def test_an_include_tied_to_its_chapter_is_parsed_with_it(tmp_path: Path, included: str) -> None:
    text = chapter(tmp_path, "# A\n\nProse [@a].", included, "After.")
    assert _parse_in_parts(text, "test") is None
    assert parsed(text, "test") == whole(text)


def grid_table(rows: int) -> str:
    """A grid table with a header, a group row spanning every column and ``rows`` rows."""
    border = "+----------+-----+--------------------------------+"
    lines = [border, "| Study    | n   | Source                         |"]
    lines += ["+==========+=====+================================+"]
    lines += ["| **A group of studies**                          |", border]
    for i in range(rows):
        lines += [f"| Study {i:<3}| {i:<4}| [@key{i}]; ![x](fig{i}.png)".ljust(50) + "|", border]
    return "\n".join(lines) + "\n"


def test_a_long_grid_table_is_parsed_in_parts_as_pandoc_parses_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chapter_source, "GRID_ROWS_PER_PARSE", 4)
    text = chapter(tmp_path, "# A\n\nProse [@a].", grid_table(11), "After [@z].")
    rows_per_parse: list[int] = []
    real = chapter_source.markdown_to_ast

    def counting(text: str, what: str = "markdown") -> dict:
        rows_per_parse.append(text.count("[@key"))
        return real(text, what=what)

    monkeypatch.setattr(chapter_source, "markdown_to_ast", counting)
    assert _parse_in_parts(text, "test") == whole(text)  # rows joined, citations renumbered
    assert max(rows_per_parse) == 4  # no Pandoc parse saw more rows than that

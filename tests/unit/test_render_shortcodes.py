"""Shortcode expansion and the line map, without running Pandoc."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.render.shortcodes import (
    INCLUDE_DIR_MARK,
    PAGEBREAK_MARKER,
    Context,
    expand_file,
    expand_inline,
    lookup,
)
from livingreview.render.syntax import scan


def ctx(tmp_path: Path) -> Context:
    return Context(
        tmp_path.resolve(),
        {"n": 12, "a": {"b": "deep", "flag": True}},
        {"title": "The review", "book": {"title": "Book"}},
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("{{< var n >}} studies", "12 studies", id="number"),
        pytest.param("{{< var a.b >}}", "deep", id="nested"),
        pytest.param("{{< var a.flag >}}", "true", id="bool"),
        pytest.param("{{<var n>}}", "12", id="no-spaces"),
        pytest.param(
            "{{< meta title >}} / {{< meta book.title >}}", "The review / Book", id="meta"
        ),
        pytest.param("{{{< var n >}}}", "{{< var n >}}", id="escaped"),
        pytest.param("a {{< pagebreak >}} b", f"a {PAGEBREAK_MARKER} b", id="pagebreak"),
    ],
)
def test_expand_inline(tmp_path: Path, text: str, expected: str) -> None:
    problems: list = []
    assert expand_inline(text, "x.qmd", 1, ctx(tmp_path), problems) == expected
    assert problems == []


# Quarto reads a shortcode only from "{{<" (lpegshortcode.lua: "{{<", any space, the
# arguments, any space, ">}}"); anything else naming a shortcode is printed as text.
@pytest.mark.parametrize(
    ("text", "column", "found"),
    [
        pytest.param("We found {{ var n >}} studies.", 10, "{{ var n >}}", id="no-opening-angle"),
        pytest.param("We found {{ var n }} studies.", 10, "{{ var n }}", id="no-angles"),
        pytest.param("We found {{ < var n >}}.", 10, "{{ < var n >}}", id="space-in-opener"),
        pytest.param("We found {< var n >} studies.", 10, "{< var n >}", id="single-braces"),
        pytest.param("Twelve >}} studies.", 8, ">}}", id="stray-closer"),
        pytest.param("A {{< var n >}} and {{ meta title >}}", 21, "{{ meta title >}}", id="second"),
    ],
)
def test_a_shortcode_not_opened_with_its_angle_bracket_is_an_error(
    tmp_path: Path, text: str, column: int, found: str
) -> None:
    problems: list = []
    assert found in expand_inline(text, "x.qmd", 4, ctx(tmp_path), problems)
    assert [(p.row, p.column, p.found) for p in problems] == [(4, str(column), found)]
    assert "not opened with '{{<'" in problems[0].message and problems[0].fix


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Jinja writes {{ name }} here.", id="not-a-shortcode-name"),
        pytest.param("Write `{{ var n }}` to show it.", id="inline-code"),
        pytest.param("{{{< var n >}}}", id="escaped"),
        pytest.param("{{<var n>}} and {{<  meta   title  >}}", id="spacing-quarto-accepts"),
    ],
)
def test_text_quarto_reads_is_not_reported(tmp_path: Path, text: str) -> None:
    problems: list = []
    expand_inline(text, "x.qmd", 1, ctx(tmp_path), problems)
    assert problems == []


def test_unknown_variable_is_an_error_not_blank(tmp_path: Path) -> None:
    problems: list = []
    out = expand_inline("x {{< var a.c >}}", "ch.qmd", 7, ctx(tmp_path), problems)
    assert "{{< var a.c >}}" in out
    assert [(p.file, p.row, p.column) for p in problems] == [("ch.qmd", 7, "3")]


def test_lookup() -> None:
    assert lookup({"a": {"b": 1}}, "a.b") == (True, 1)
    assert lookup({"a": {"b": 1}}, "a.c") == (False, None)


def test_line_map_through_nested_includes(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "ch.qmd").write_text("one\n\n{{< include sub/_a.md >}}\n\nlast {{< var n >}}\n")
    # as in Quarto, a nested include is relative to the chapter, not to the including file
    (tmp_path / "sub" / "_a.md").write_text("a1\n{{< include sub/_b.md >}}\na3\n")
    (tmp_path / "sub" / "_b.md").write_text("b1 {{< var a.b >}}\n")
    problems: list = []
    out = expand_file(tmp_path / "ch.qmd", ctx(tmp_path), problems)
    assert problems == []
    kept = [
        (line, origin)
        for line, origin in zip(out.lines, out.origins, strict=True)
        if line and INCLUDE_DIR_MARK not in line  # marks around files from other folders
    ]
    assert kept == [
        ("one", ("ch.qmd", 1)),
        ("a1", ("sub/_a.md", 1)),
        ("b1 deep", ("sub/_b.md", 1)),
        ("a3", ("sub/_a.md", 3)),
        ("last 12", ("ch.qmd", 5)),
    ]
    assert out.lines[2] == f"<!-- {INCLUDE_DIR_MARK}sub -->"


@pytest.mark.parametrize(
    "written", ["sub/_b.md", "/sub/_b.md", '"sub/_b.md"', "sub/_b.md fixup=true"]
)
def test_nested_include_paths_resolve_as_in_quarto(tmp_path: Path, written: str) -> None:
    """Relative to the chapter (not to sub/_a.md), from the project with /, quoted or not."""
    (tmp_path / "chapters" / "sub").mkdir(parents=True)
    (tmp_path / "sub").mkdir()
    (tmp_path / "chapters" / "ch.qmd").write_text("{{< include sub/_a.md >}}\n")
    (tmp_path / "chapters" / "sub" / "_a.md").write_text(f"{{{{< include {written} >}}}}\n")
    (tmp_path / "chapters" / "sub" / "_b.md").write_text("b1\n")
    (tmp_path / "sub" / "_b.md").write_text("b1\n")
    if written.startswith("/"):
        (tmp_path / "chapters" / "sub" / "_b.md").unlink()
    else:
        (tmp_path / "sub" / "_b.md").unlink()
    problems: list = []
    out = expand_file(tmp_path / "chapters" / "ch.qmd", ctx(tmp_path), problems)
    assert problems == []
    assert [line for line in out.lines if line and INCLUDE_DIR_MARK not in line] == ["b1"]


def test_nested_include_relative_to_the_including_file_is_not_found(tmp_path: Path) -> None:
    """Quarto resolves ``_b.md`` in ``sub/_a.md`` against the chapter: it is missing."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "ch.qmd").write_text("{{< include sub/_a.md >}}\n")
    (tmp_path / "sub" / "_a.md").write_text("{{< include _b.md >}}\n")
    (tmp_path / "sub" / "_b.md").write_text("b1\n")
    problems: list = []
    expand_file(tmp_path / "ch.qmd", ctx(tmp_path), problems)
    assert [(p.file, p.row, p.message, p.expected) for p in problems] == [
        ("sub/_a.md", 1, "included file not found", "_b.md")
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "a\n<!--\n{{< include missing.md >}}\n::: {.column-margin}\n-->\nb\n", id="block"
        ),
        pytest.param("a\n<!-- {{< var nope >}} --> \nb\n", id="inline"),
    ],
)
def test_html_comments_are_ignored(tmp_path: Path, text: str) -> None:
    (tmp_path / "ch.qmd").write_text(text)
    problems: list = []
    out = expand_file(tmp_path / "ch.qmd", ctx(tmp_path), problems)
    assert problems == [] and scan(out) == []
    assert [line for line in out.lines if line] == ["a", "b"]
    assert out.origins[-1] == ("ch.qmd", len(text.splitlines()))


def test_html_comment_inside_code_is_kept(tmp_path: Path) -> None:
    (tmp_path / "ch.qmd").write_text("```html\n<!-- kept -->\n```\n")
    out = expand_file(tmp_path / "ch.qmd", ctx(tmp_path), [])
    assert out.lines == ["```html", "<!-- kept -->", "```"]


def test_include_must_be_on_its_own_line(tmp_path: Path) -> None:
    problems: list = []
    expand_inline("text {{< include x.md >}}", "ch.qmd", 2, ctx(tmp_path), problems)
    assert problems[0].message == "include must stand on a line of its own"


def test_syntax_scan_ignores_code_blocks(tmp_path: Path) -> None:
    (tmp_path / "ch.qmd").write_text(
        "````markdown\n```{python}\n::: {.panel-tabset}\n````\n\n::: {.column-margin}\nx\n:::\n"
    )
    problems: list = []
    out = expand_file(tmp_path / "ch.qmd", ctx(tmp_path), problems)
    found = scan(out)
    assert [(p.row, p.message) for p in found] == [
        (6, "'.column-margin' is not supported by the embedded renderer")
    ]


def test_meta_of_a_list_is_refused_or_written_as_quarto_writes_it(tmp_path: Path) -> None:
    """A one-item list gives its item (as Quarto); a longer list is refused, or with
    ``--lenient`` written as Quarto's ``?invalid meta type:key`` with a warning."""
    meta = {"one": ["only"], "pairs": [[1, 2]]}
    strict = Context(tmp_path, {}, meta)
    problems: list = []
    assert expand_inline("{{< meta one >}}", "ch.qmd", 3, strict, problems) == "only"
    assert problems == []
    out = expand_inline("x {{< meta pairs >}}", "ch.qmd", 4, strict, problems)
    assert out == "x {{< meta pairs >}}"
    assert [(p.file, p.row, p.column) for p in problems] == [("ch.qmd", 4, "3")]
    lenient = Context(tmp_path, {}, meta, lenient=True)
    problems = []
    out = expand_inline("x {{< meta pairs >}}", "ch.qmd", 4, lenient, problems)
    assert out == "x **?invalid meta type:pairs**"
    assert problems == [] and [w.row for w in lenient.warnings] == [4]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("a\n\n::: {.callout-note}\nb\n", [(3, "the div opened at line 3")], id="div"),
        pytest.param(
            ":::: {#a}\n::: {.b}\nc\n:::\n", [(1, "the div opened at line 1")], id="outer-div"
        ),
        pytest.param("a\n\n:::\n", [(3, "this ':::' closes no div")], id="stray-close"),
        pytest.param("a\n\n````\n```\n", [(3, "the code block opened at line 3")], id="code"),
    ],
)
def test_a_div_or_code_block_left_open_is_reported_where_it_opens(
    tmp_path: Path, text: str, found: list[tuple[int, str]]
) -> None:
    """Pandoc would take the rest of the chapter into it (or print a stray ::: as text)."""
    (tmp_path / "ch.qmd").write_text(text)
    problems = scan(expand_file(tmp_path / "ch.qmd", ctx(tmp_path), []))
    assert [p.row for p in problems] == [row for row, _ in found]
    assert all(m in p.message and p.fix for p, (_, m) in zip(problems, found, strict=True))


def test_balanced_divs_and_colons_in_code_are_not_reported(tmp_path: Path) -> None:
    text = ":::: {#a}\n::: {.b}\nc\n:::\n::::\n\n```\n:::\n::: {.x}\n```\n"
    (tmp_path / "ch.qmd").write_text(text)
    assert scan(expand_file(tmp_path / "ch.qmd", ctx(tmp_path), [])) == []

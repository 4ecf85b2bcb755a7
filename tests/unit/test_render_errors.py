"""Every manuscript problem is reported with the file and line where it was written.

Each case overwrites files of a copy of the fixture book and checks the
problem that ``check_manuscript`` reports (no rendering needed), plus that a
failing ``render_book`` leaves the previous ``_book/`` untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.errors import ConfigError, ManuscriptError
from livingreview.render import check_manuscript, check_manuscript_or_raise, render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
METHODS = "manuscript/02-methods.qmd"


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def chapter(*lines: str) -> str:
    return "# Methods {#sec-methods}\n\n" + "\n".join(lines) + "\n"


CASES = [
    pytest.param(
        {METHODS: chapter("Text {{< var counts.nope >}} here.")},
        METHODS,
        3,
        "unknown var 'counts.nope'",
        id="unknown-var",
    ),
    pytest.param(
        {METHODS: chapter("Text {{< var counts >}}.")},
        METHODS,
        3,
        "var 'counts' is a dict",
        id="var-not-a-value",
    ),
    pytest.param(
        {"results/tables/_characteristics_table.md": "| A |\n|---|\n| {{< var missing.key >}} |\n"},
        "results/tables/_characteristics_table.md",
        3,
        "unknown var 'missing.key'",
        id="unknown-var-in-nested-include",
    ),
    pytest.param(
        {
            METHODS: chapter("", "{{< include _a.md >}}", ""),
            "manuscript/_a.md": "A\n\n{{< include _b.md >}}\n",
            "manuscript/_b.md": "B\n{{< include _a.md >}}\n",
        },
        "manuscript/_b.md",
        2,
        "include cycle",
        id="include-cycle",
    ),
    pytest.param(
        {METHODS: chapter("", "{{< include ../../outside.md >}}", "")},
        METHODS,
        4,
        "include points outside the project",
        id="include-outside",
    ),
    pytest.param(
        {METHODS: chapter("", "{{< include _nothere.md >}}", "")},
        METHODS,
        4,
        "included file not found",
        id="include-missing",
    ),
    pytest.param(
        {METHODS: chapter("See @fig-nothere for details.")},
        METHODS,
        3,
        "unresolved cross-reference '@fig-nothere'",
        id="unresolved-fig",
    ),
    pytest.param(
        {METHODS: chapter("", "As [-@tbl-gone] shows.")},
        METHODS,
        4,
        "unresolved cross-reference '@tbl-gone'",
        id="unresolved-tbl",
    ),
    pytest.param(
        {METHODS: chapter("Known [@smith2020] and unknown [@nobody1999].")},
        METHODS,
        3,
        "unknown citation key '@nobody1999'",
        id="unknown-citation",
    ),
    pytest.param(
        {METHODS: chapter("", "![A figure](../results/figures/absent){#fig-absent}")},
        METHODS,
        4,
        "image not found",
        id="missing-image",
    ),
    pytest.param(
        {METHODS: chapter("", "```{python}", "x = 1", "```")},
        METHODS,
        4,
        "executable code cell '{python}'",
        id="code-cell",
    ),
    pytest.param(
        {METHODS: chapter("Inline `{r} 1 + 1` value.")},
        METHODS,
        3,
        "inline code cell '{r}'",
        id="inline-code-cell",
    ),
    pytest.param(
        {METHODS: chapter("", "::: {.panel-tabset}", "## A", ":::")},
        METHODS,
        4,
        "'.panel-tabset' is not supported",
        id="tabset",
    ),
    pytest.param(
        {METHODS: chapter("", "{{< embed notebook.ipynb#cell >}}")},
        METHODS,
        4,
        "shortcode 'embed' is not supported",
        id="embed",
    ),
    pytest.param(
        {METHODS: chapter("Press {{< kbd Ctrl-C >}}.")},
        METHODS,
        3,
        "shortcode 'kbd' is not supported",
        id="unknown-shortcode",
    ),
    pytest.param(
        {METHODS: chapter("", "::: {.callout-danger}", "x", ":::")},
        METHODS,
        4,
        "'.callout-danger' is not supported",
        id="unknown-callout",
    ),
    pytest.param(
        {METHODS: chapter("See [there](99-missing.qmd).")},
        METHODS,
        3,
        "link to a file that is not a chapter",
        id="link-not-chapter",
    ),
    pytest.param(
        {
            METHODS: chapter(
                "", "See [@fig-flow; @smith2020].", "", "![F](../results/figures/flow){#fig-flow}"
            )
        },
        METHODS,
        4,
        "a cross-reference and a citation share",
        id="mixed-brackets",
    ),
    pytest.param(
        {
            METHODS: chapter(
                "",
                "![F](../results/figures/flow){#fig-flow}",
                "",
                "![G](../results/figures/forest){#fig-flow}",
            )
        },
        METHODS,
        6,
        "duplicate cross-reference id 'fig-flow'",
        id="duplicate-id",
    ),
]


@pytest.mark.parametrize(("files", "file", "line", "message"), CASES)
def test_problem_names_file_and_line(
    tmp_path: Path, files: dict[str, str], file: str, line: int, message: str
) -> None:
    problems = check_manuscript(project(tmp_path, files))
    matching = [p for p in problems if message in p.message]
    assert matching, [str(p) for p in problems]
    assert (matching[0].file, matching[0].row) == (file, line), str(matching[0])
    assert matching[0].fix


def test_unknown_var_in_metadata_names_quarto_yml(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    config = (root / "_quarto.yml").read_text()
    (root / "_quarto.yml").write_text(config.replace("counts.included", "counts.nope"))
    problems = check_manuscript(root)
    assert [(p.file, p.row, p.message) for p in problems] == [
        ("_quarto.yml", 34, "unknown var 'counts.nope'")
    ]


def test_fixture_book_is_clean(tmp_path: Path) -> None:
    assert check_manuscript(project(tmp_path, {})) == []


def test_all_problems_reported_together(tmp_path: Path) -> None:
    root = project(tmp_path, {METHODS: chapter("{{< var a >}} @fig-x [@nobody]")})
    with pytest.raises(ManuscriptError) as info:
        check_manuscript_or_raise(root)
    text = str(info.value)
    assert "unknown var 'a'" in text and "@fig-x" in text and "@nobody" in text
    assert f"{METHODS}:3" in text


def test_failed_render_keeps_previous_book(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    render_book(root, backend="embedded", formats=["html"])
    previous = root / "_book"
    before = (previous / "index.html").read_bytes()
    (root / METHODS).write_text(chapter("See @fig-nothere."))
    with pytest.raises(ManuscriptError):
        render_book(root, backend="embedded", formats=["html"])
    assert (previous / "index.html").read_bytes() == before
    assert not (root / "_book.staging").exists()


def test_missing_chapter_and_bad_config(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    (root / METHODS).unlink()
    problems = check_manuscript(root)
    assert any(p.file == "_quarto.yml" and p.found == METHODS for p in problems)
    (root / "_quarto.yml").write_text("project:\n  type: book\nbook:\n  title: x\n")
    with pytest.raises(ConfigError, match=r"book\.chapters"):
        check_manuscript(root)


def test_cli_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {})
    assert main(["--project", str(root), "check"]) == 0
    (root / METHODS).write_text(chapter("See @fig-nothere."))
    assert main(["--project", str(root), "check"]) == 1
    err = capsys.readouterr().err
    assert f"{METHODS}:3" in err and "fig-nothere" in err

"""`livingreview init`: the files of a new project, and the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from livingreview.cli import main
from livingreview.errors import ProjectError
from livingreview.living.new_project import create_project, template_files


def test_every_template_file_is_written_with_dot_names(tmp_path: Path) -> None:
    files = create_project(tmp_path / "review", title="My review")
    names = {p.as_posix() for p in files}
    assert {
        ".gitignore",
        ".github/workflows/build.yml",
        "Snakefile",
        "refs/reference.docx",
    } <= names
    assert len(files) == len(template_files()) + 1
    assert not any("dot-" in name for name in names)
    for name in names:
        assert (tmp_path / "review" / name).is_file()
    assert not [p for p in tmp_path.iterdir() if p.name != "review"]  # no staging left


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Plain title", id="plain"),
        pytest.param('A "quoted": title # not a comment', id="yaml-specials"),
        pytest.param("Ünïcode – dash", id="unicode"),
    ],
)
def test_title_reaches_quarto_and_readme(tmp_path: Path, title: str) -> None:
    project = tmp_path / "review"
    create_project(project, title=title)
    quarto = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    assert quarto["book"]["title"] == title
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {title}\n")


def test_data_files_are_headers_only(tmp_path: Path) -> None:
    project = tmp_path / "review"
    create_project(project)
    for name in ("records", "studies", "extraction_sources", "outcomes", "risk_of_bias"):
        lines = (project / "data" / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1 and "," in lines[0], name


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys) -> None:
    (tmp_path / "chapter.qmd").write_text("mine", encoding="utf-8")
    with pytest.raises(ProjectError, match="not empty"):
        create_project(tmp_path)
    assert main(["init", str(tmp_path)]) == 1
    assert "Fix:" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["chapter.qmd"]


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "review").mkdir()
    create_project(tmp_path / "review")
    assert (tmp_path / "review" / "Snakefile").is_file()


def test_refuses_a_multiline_title(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="one non-empty line"):
        create_project(tmp_path / "review", title="two\nlines")
    assert not (tmp_path / "review").exists()


def test_template_chapters_hold_checked_claims_and_variables(tmp_path: Path) -> None:
    """Issue 17: the template chapters come "with their claims and variables", so a
    team sees both written as the build checks them (whether each claim holds in the
    new review is checked by tests/workflow/test_init.py, which runs `check`)."""
    from livingreview.text.claims import find_claims

    project = tmp_path / "review"
    create_project(project)
    claims, variables = [], 0
    for chapter in sorted((project / "manuscript").glob("*.qmd")):
        text = chapter.read_text(encoding="utf-8")
        found, problems = find_claims(text.splitlines(), chapter.name)
        assert problems == [], chapter.name
        claims += found
        variables += text.count("{{< var ")
    assert claims and variables

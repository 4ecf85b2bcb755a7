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


# --------------------------------------------------------------------------- #
# requirements.txt: livingreview from the source it was installed from
# --------------------------------------------------------------------------- #

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("direct_url", "line", "local"),
    [
        pytest.param(
            {
                "url": "https://example.org/team/livingreview.git",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"},
            },
            f"livingreview @ git+https://example.org/team/livingreview.git@{COMMIT}",
            False,
            id="vcs-pinned-to-commit",
        ),
        pytest.param(
            {"url": "file:///home/me/livingreview", "dir_info": {"editable": True}},
            "livingreview @ file:///home/me/livingreview",
            True,
            id="local-folder",
        ),
        pytest.param(
            {
                "url": "https://example.org/livingreview-0.1.0.tar.gz",
                "archive_info": {"hash": "sha256=abc"},
            },
            "livingreview @ https://example.org/livingreview-0.1.0.tar.gz#sha256=abc",
            False,
            id="remote-archive",
        ),
    ],
)
def test_requirement_line_is_the_recorded_source(direct_url, line, local) -> None:
    import json

    from livingreview.living.package_origin import origin_from_direct_url

    origin = origin_from_direct_url(json.dumps(direct_url), "0.1.0")
    requirements = origin.requirement_text().splitlines()
    assert [r for r in requirements if not r.startswith("#")] == [line]
    assert origin.local_only is local
    assert ("only" in origin.readme_note()) is local
    assert (origin.warning() is not None) is local


@pytest.mark.parametrize("direct_url", [None, "", "not json", '{"dir_info": {}}'])
def test_unknown_origin_leaves_no_requirement_that_pip_would_look_up(direct_url) -> None:
    from livingreview.living.package_origin import origin_from_direct_url

    origin = origin_from_direct_url(direct_url, "0.1.0")
    requirements = origin.requirement_text().splitlines()
    assert all(r.startswith("#") for r in requirements)  # no bare name for pip to look up
    assert "unknown" in origin.requirement_text() and "unknown" in origin.warning()
    assert "requirements.txt" in origin.readme_note()


def test_new_project_installs_from_an_existing_source_and_names_no_pypi(tmp_path: Path) -> None:
    from livingreview.living.package_origin import Origin

    origin = Origin(f"livingreview @ git+https://example.org/team/livingreview.git@{COMMIT}")
    project = tmp_path / "review"
    create_project(project, origin=origin)
    requirements = (project / "requirements.txt").read_text(encoding="utf-8")
    assert [r for r in requirements.splitlines() if r and not r.startswith("#")] == [
        origin.requirement
    ]
    for name in ("README.md", ".github/workflows/build.yml", "requirements.txt"):
        text = (project / name).read_text(encoding="utf-8")
        assert "pypi" not in text.lower(), name
        assert "__" not in text, name  # every placeholder filled
    assert "-r requirements.txt" in (project / ".github/workflows/build.yml").read_text("utf-8")


def test_init_warns_when_requirements_are_valid_only_here(tmp_path: Path, capsys) -> None:
    """This test environment installs livingreview from its folder (pip install -e .)."""
    from livingreview.living.package_origin import package_origin

    origin = package_origin()
    assert main(["init", str(tmp_path / "review")]) == 0
    requirements = (tmp_path / "review" / "requirements.txt").read_text(encoding="utf-8")
    assert origin.requirement_text() in requirements
    if origin.warning():
        assert origin.warning() in capsys.readouterr().err


def test_a_new_projects_profile_reruns_and_shares_memory_as_this_ones(tmp_path: Path) -> None:
    """A new review decides reruns (triggers, checksums of large inputs) and holds its
    jobs' memory as this project's profile does; only the comments differ."""
    create_project(tmp_path / "review", title="My review")
    root = Path(__file__).resolve().parents[2]
    ours = yaml.safe_load((root / "profiles/default/config.yaml").read_text(encoding="utf-8"))
    new = yaml.safe_load(
        (tmp_path / "review/profiles/default/config.yaml").read_text(encoding="utf-8")
    )
    assert new == ours

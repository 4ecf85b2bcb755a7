"""No configuration can destroy the project or publish files from outside it.

Each hostile ``_quarto.yml`` or file layout is tried on a copy of the fixture book
(with a sibling folder standing for "the rest of the machine"). The render must
refuse with a message naming ``_quarto.yml`` and the key, and afterwards every
file of the project and the sibling must be byte-identical to before.

The swap of the output folder is then interrupted at every step (failing
renames and deletions, and a Ctrl-C at each one); a rerun must always leave a
complete output identical to a clean build, with no manual step.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from test_render_errors import FIXTURE

from livingreview import paths
from livingreview.cli import main
from livingreview.errors import ConfigError, RenderError, ReviewError
from livingreview.render import check_manuscript, render_book

HTML = ["html"]


def snapshot(folder: Path) -> dict[str, str]:
    """``{relative path: sha256 or 'dir'/'link'}`` of everything under ``folder``."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture
def machine(tmp_path: Path) -> tuple[Path, Path]:
    """(project, outside): a copy of the fixture book and a sibling folder with a secret."""
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("private, not part of any review\n")
    (outside / "notes.qmd").write_text("# Private notes\n\nNot for publication.\n")
    return root, outside


def set_quarto(root: Path, change) -> None:
    config = yaml.safe_load((root / "_quarto.yml").read_text())
    change(config)
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def assert_refused(root: Path, outside: Path, key: str, error: type[ReviewError] = ConfigError):
    before = snapshot(root.parent)
    with pytest.raises(error) as caught:
        render_book(root, backend="embedded", formats=HTML)
    assert "_quarto.yml" in str(caught.value) and key in str(caught.value), str(caught.value)
    assert snapshot(root.parent) == before
    assert (outside / "secret.txt").exists()
    return str(caught.value)


OUTPUT_DIRS = [
    pytest.param(".", "project folder itself", id="project-root"),
    pytest.param("./", "project folder itself", id="project-root-slash"),
    pytest.param("..", "outside the project", id="parent"),
    pytest.param("../outside", "outside the project", id="sibling"),
    pytest.param("/tmp", "absolute path", id="absolute"),
    pytest.param("manuscript", "sources or records", id="chapters-folder"),
    pytest.param("refs", "sources or records", id="refs-folder"),
    pytest.param("data", "sources or records", id="data-name"),
    pytest.param("releases", "sources or records", id="releases-name"),
    pytest.param("results", "sources or records", id="results-folder"),
    pytest.param("manuscript/site", "sources or records", id="inside-chapters"),
    pytest.param("notes", "did not make", id="unmarked-folder"),
    pytest.param("", "empty path", id="empty"),
    pytest.param("index.qmd", "file, not a folder", id="a-file"),
]


@pytest.mark.parametrize(("output_dir", "message"), OUTPUT_DIRS)
def test_output_dir_that_would_destroy_sources_is_refused(
    machine: tuple[Path, Path], output_dir: str, message: str
) -> None:
    root, outside = machine
    (root / "notes").mkdir()
    (root / "notes" / "ideas.md").write_text("not generated")
    set_quarto(root, lambda c: c["project"].__setitem__("output-dir", output_dir))
    text = assert_refused(root, outside, "project.output-dir")
    assert message in text


def test_check_refuses_the_output_dir_too(
    machine: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = machine
    set_quarto(root, lambda c: c["project"].__setitem__("output-dir", "."))
    assert main(["--project", str(root), "check"]) == 1
    assert "project.output-dir" in capsys.readouterr().err


def test_folder_with_tracked_files_is_refused(machine: tuple[Path, Path]) -> None:
    root, outside = machine
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("hand-written page")
    (site / "site_libs").mkdir()
    (site / "site_libs" / "x.css").write_text("")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "site/index.html"], check=True)
    subprocess.run([*git, "commit", "-qm", "page"], check=True)
    set_quarto(root, lambda c: c["project"].__setitem__("output-dir", "site"))
    assert "tracked by git" in assert_refused(root, outside, "project.output-dir")


def test_new_or_marked_output_folders_are_used(machine: tuple[Path, Path]) -> None:
    root, _ = machine
    set_quarto(root, lambda c: c["project"].__setitem__("output-dir", "build/site"))
    render_book(root, backend="embedded", formats=HTML)
    site = root / "build" / "site"
    assert (site / "index.html").is_file() and paths.is_output_folder(site)
    (root / "keep.txt").write_text("mine")
    render_book(root, backend="embedded", formats=HTML)  # replaces its own folder
    assert (root / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in (root / "build").iterdir()) == ["site"]


def test_unmarked_folder_is_never_deleted(machine: tuple[Path, Path]) -> None:
    root, outside = machine
    mine = root / "_book"
    mine.mkdir()
    (mine / "thesis.docx").write_text("months of work")
    assert "did not make" in assert_refused(root, outside, "project.output-dir")


CHAPTER_ENTRIES = [
    pytest.param("../outside/notes.qmd", "outside the project", id="dotdot"),
    pytest.param("{outside}/notes.qmd", "absolute path", id="absolute"),
    pytest.param("linked.qmd", "through a symbolic link", id="symlink"),
    pytest.param("manuscript", "folder, not a file", id="folder"),
]


@pytest.mark.parametrize(("entry", "message"), CHAPTER_ENTRIES)
def test_chapters_must_be_files_inside_the_project(
    machine: tuple[Path, Path], entry: str, message: str
) -> None:
    root, outside = machine
    (root / "linked.qmd").symlink_to(outside / "notes.qmd")
    entry = entry.format(outside=outside)
    set_quarto(root, lambda c: c["book"]["chapters"].append(entry))
    assert message in assert_refused(root, outside, "book.chapters")
    assert any(p.column == "book.chapters" and message in p.message for p in _problems(root))


def _problems(root: Path):
    try:
        return check_manuscript(root)
    except ReviewError as exc:
        return exc.problems


RESOURCES = [
    pytest.param(["../outside/secret.txt"], "outside the project", id="dotdot"),
    pytest.param(["{outside}/secret.txt"], "absolute path", id="absolute"),
    pytest.param(["data/secret.txt"], "through a symbolic link", id="symlink-in-data"),
    pytest.param(5, "list of file names", id="a-number"),
    pytest.param(["results"], "folder, not a file", id="folder"),
]


@pytest.mark.parametrize(("resources", "message"), RESOURCES)
def test_resources_cannot_publish_files_from_outside(
    machine: tuple[Path, Path], resources: object, message: str
) -> None:
    root, outside = machine
    (root / "data").mkdir()
    (root / "data" / "secret.txt").symlink_to(outside / "secret.txt")
    if isinstance(resources, list):
        resources = [r.format(outside=outside) for r in resources]
    set_quarto(root, lambda c: c["project"].__setitem__("resources", resources))
    assert message in assert_refused(root, outside, "project.resources")


BOMB = "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" if i else "l0: &l0 [x, x, x, x, x]\n"
    for i in range(10)
)


def test_alias_bomb_in_quarto_yml_is_refused_at_once(machine: tuple[Path, Path]) -> None:
    root, outside = machine
    text = (root / "_quarto.yml").read_text()
    (root / "_quarto.yml").write_text(
        text + "\nbomb:\n" + "".join(f"  {x}" for x in BOMB.splitlines(True))
    )
    message = assert_refused(root, outside, "")
    assert "expands to more than" in message


def test_duplicate_key_names_both_lines(machine: tuple[Path, Path]) -> None:
    root, outside = machine
    text = (root / "_quarto.yml").read_text()
    lines = text.splitlines()
    (root / "_quarto.yml").write_text(text + "project:\n  output-dir: .\n")
    message = assert_refused(root, outside, "")
    assert f"lines 2 and {len(lines) + 1}" in message and "'project' appears twice" in message


# ---------------------------------------------------------------- the swap, interrupted


class Stop(BaseException):
    """Stands for Ctrl-C (KeyboardInterrupt) or a signal at one step of the swap."""


def built_output(root: Path) -> dict[str, str]:
    return snapshot(root / "_book")


@pytest.fixture
def clean_reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("ref") / "book"
    shutil.copytree(FIXTURE, root)
    render_book(root, backend="embedded", formats=HTML)
    return built_output(root)


FAULTS = [
    pytest.param("os.replace", 1, OSError(13, "Permission denied"), id="rename-aside-fails"),
    pytest.param("os.replace", 2, OSError(28, "No space left on device"), id="rename-in-fails"),
    pytest.param("os.replace", 1, Stop(), id="stop-at-rename-aside"),
    pytest.param("os.replace", 2, Stop(), id="stop-between-renames"),
    pytest.param("rmdir", 1, OSError(13, "Permission denied"), id="delete-old-fails"),
    pytest.param("rmdir", 1, Stop(), id="stop-while-deleting-old"),
    pytest.param("rmtree", 1, Stop(), id="stop-in-rmtree"),
]


@pytest.mark.parametrize(("target", "nth", "fault"), FAULTS)
def test_swap_interrupted_at_any_step_recovers_on_rerun(
    machine: tuple[Path, Path],
    clean_reference: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    nth: int,
    fault: BaseException,
) -> None:
    root, _ = machine
    render_book(root, backend="embedded", formats=HTML)  # a previous complete site
    intro = root / "manuscript" / "01-introduction.qmd"
    intro.write_text(intro.read_text() + "\nA paragraph added since the last build.\n")
    real = {"os.replace": os.replace, "rmdir": Path.rmdir, "rmtree": shutil.rmtree}[target]
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            raise fault
        return real(*args, **kwargs)

    if target == "os.replace":
        monkeypatch.setattr(paths.os, "replace", failing)
    elif target == "rmdir":
        monkeypatch.setattr(Path, "rmdir", failing)
    else:
        monkeypatch.setattr(paths.shutil, "rmtree", failing)
    with pytest.raises((RenderError, Stop)):
        render_book(root, backend="embedded", formats=HTML)
    monkeypatch.undo()
    site = root / "_book"
    # whatever happened, a complete site (old or new) is live or is restored next run
    assert (site / "index.html").exists() or (root / "_book.old" / "index.html").exists()
    (root / "manuscript" / "01-introduction.qmd").write_text(
        (FIXTURE / "manuscript" / "01-introduction.qmd").read_text()
    )
    render_book(root, backend="embedded", formats=HTML)
    assert built_output(root) == clean_reference
    leftovers = sorted(p.name for p in root.iterdir() if p.name.startswith("_book."))
    assert leftovers == []


def test_failed_delete_of_old_output_is_reported(
    machine: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = machine
    render_book(root, backend="embedded", formats=HTML)
    real_rmdir = Path.rmdir

    def refuse(self: Path) -> None:
        if self.name == "_book.old":
            raise PermissionError(13, "Permission denied", str(self))
        real_rmdir(self)

    monkeypatch.setattr(Path, "rmdir", refuse)
    with pytest.raises(RenderError, match=r"Permission denied.*Fix: check the folder"):
        render_book(root, backend="embedded", formats=HTML)
    assert (root / "_book" / "index.html").exists()  # the new site is live and complete

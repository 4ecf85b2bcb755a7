"""One guard for every path the build reads or publishes, and for the output folder.

Every path a user can write into a configuration file (chapters, includes,
images, resources, bibliography, data files, config overrides, release files)
goes through :func:`inside_project`: it is resolved with symlinks followed and
must stay inside the project folder. A path that leaves it is an error naming
the file and key, never a silent read of a file elsewhere on the machine.

The output folder (``project: output-dir:`` of ``_quarto.yml``, ``_book`` by
default) is replaced whole on every render, so :func:`output_dir_problems`
allows only a folder the build made itself: a new folder, or one that holds
the marker file :data:`OUTPUT_MARKER` written in every folder the build
creates. The project root, its ancestors, source folders and folders holding
files tracked by git are refused.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import subprocess
from pathlib import Path

from .errors import Problem, ReviewError
from .io import read_yaml

log = logging.getLogger(__name__)

OUTPUT_MARKER = ".livingreview-output"
"""File written in every output folder the build creates; only such folders are ever removed."""

# Folders of a review project that hold sources or the build's own records: never
# an output folder, whatever git says.
SOURCE_FOLDERS = (
    ".git",
    ".snakemake",
    ".venv",
    "benchmarks",
    "config",
    "data",
    "examples",
    "logs",
    "manuscript",
    "profiles",
    "refs",
    "releases",
    "results",
    "screening",
    "src",
    "tests",
    "workflow",
)


def path_problem(root: Path, value: object, *, file: str, key: str) -> Problem | None:
    """The problem with ``value`` as a path inside ``root``, or None if it is fine.

    Absolute paths, ``..`` that climbs out and symlinks that lead out are refused.
    """
    text = str(value)
    root = Path(root).resolve()
    if not text.strip():
        return Problem(file, "is an empty path", column=key, fix="name a file in the project")
    if "\x00" in text:
        return Problem(
            file, "contains a NUL character", column=key, found=text, fix="retype the path"
        )
    candidate = Path(text)
    if candidate.is_absolute():
        return Problem(
            file,
            "is an absolute path; the build only reads and writes inside the project",
            column=key,
            found=text,
            fix="give a path relative to the project folder",
        )
    try:
        resolved = (root / candidate).resolve()
        resolved.exists()  # raises for names the file system cannot hold
    except (OSError, ValueError) as exc:
        return Problem(
            file,
            f"cannot be used as a path ({getattr(exc, 'strerror', None) or exc})",
            column=key,
            found=text,
            fix="use a shorter path of ordinary file names",
        )
    if not resolved.is_relative_to(root):
        via = " through a symbolic link" if ".." not in candidate.parts else ""
        return Problem(
            file,
            f"leads outside the project folder{via}",
            column=key,
            found=text,
            fix="copy the file into the project and name it relative to the project folder",
        )
    return None


def inside_project(
    root: Path, value: object, *, file: str, key: str, error: type[ReviewError]
) -> Path:
    """``root / value`` resolved; ``error`` if it leaves the project (see :func:`path_problem`)."""
    problem = path_problem(root, value, file=file, key=key)
    if problem is not None:
        raise error([problem])
    return (Path(root).resolve() / str(value)).resolve()


def _tracked_files(root: Path, folder: Path) -> list[str]:
    """Files under ``folder`` that git tracks (empty when ``root`` is not a git checkout)."""
    if not (root / ".git").exists():
        return []
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", str(folder.relative_to(root))],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [p for p in out.stdout.decode("utf-8", "replace").split("\0") if p]


def output_dir_problems(root: Path, output_dir: object, *, file: str, key: str) -> list[Problem]:
    """Why ``output_dir`` may not be the folder the build replaces (empty list: it may)."""
    root = Path(root).resolve()
    fix = "use a new folder for the output, such as _book"
    problem = path_problem(root, output_dir, file=file, key=key)
    if problem is not None:  # the output is written, not read: no file to copy in
        return [dataclasses.replace(problem, fix=f"{fix}, inside the project folder")]
    target = (root / str(output_dir)).resolve()
    if target == root:
        return [
            Problem(
                file,
                "is the project folder itself: rendering would replace the whole project",
                column=key,
                found=str(output_dir),
                fix=fix,
            )
        ]
    top = target.relative_to(root).parts[0]
    if top in SOURCE_FOLDERS:
        return [
            Problem(
                file,
                f"is inside '{top}/', which holds the review's sources or records",
                column=key,
                found=str(output_dir),
                fix=fix,
            )
        ]
    if target.exists() and not target.is_dir():
        return [
            Problem(file, "names a file, not a folder", column=key, found=str(output_dir), fix=fix)
        ]
    tracked = _tracked_files(root, target)
    if tracked:
        return [
            Problem(
                file,
                f"holds {len(tracked)} file(s) tracked by git (for example {tracked[0]}); "
                "rendering would delete them",
                column=key,
                found=str(output_dir),
                fix=fix,
            )
        ]
    if (
        target.is_dir()
        and any(target.iterdir())
        and not (target / OUTPUT_MARKER).exists()
        and not made_by_earlier_build(root, target)
    ):
        return [
            Problem(
                file,
                "is an existing folder that the build did not make "
                f"(it has no {OUTPUT_MARKER} file); rendering would delete its contents",
                column=key,
                found=str(output_dir),
                fix=f"{fix}, or delete that folder yourself if it is an old output",
            )
        ]
    return []


def made_by_earlier_build(root: Path, target: Path) -> bool:
    """True if ``target`` looks like a book website made before output folders had the marker.

    That is: an ``index.html`` beside a ``site_libs/`` folder (the layout both the
    embedded backend and Quarto write), and no file in it tracked by git.
    """
    target = Path(target)
    return (
        (target / "index.html").is_file()
        and (target / "site_libs").is_dir()
        and not _tracked_files(Path(root).resolve(), target.resolve())
    )


def adopt_earlier_output(root: Path, target: Path) -> bool:
    """Mark an unmarked output of an earlier build (see :func:`made_by_earlier_build`)."""
    if target.is_dir() and not is_output_folder(target) and made_by_earlier_build(root, target):
        (target / OUTPUT_MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return True
    return False


MARKER_TEXT = (
    "Made by livingreview. The build replaces this folder whole; do not keep files here.\n"
)


def make_output_folder(path: Path) -> Path:
    """Create the new folder ``path`` with the marker that lets the build remove it later."""
    path = Path(path)
    path.mkdir(parents=True)
    (path / OUTPUT_MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return path


def is_output_folder(path: Path) -> bool:
    """True if ``path`` is a folder the build made (it holds the marker)."""
    return Path(path).is_dir() and (Path(path) / OUTPUT_MARKER).is_file()


def remove_output_folder(path: Path) -> None:
    """Delete a folder the build made; the marker goes last, so an interrupted
    removal leaves a folder that is still recognised (and removed) next time.

    Raises :class:`PermissionError` or :class:`OSError` from the file system, and
    :class:`ValueError` for a folder without the marker (never deleted).
    """
    path = Path(path)
    if path.is_dir() and not any(path.iterdir()):
        path.rmdir()  # empty: an earlier removal stopped after the marker; nothing to lose
        return
    if not is_output_folder(path):
        raise ValueError(f"{path} was not made by the build (no {OUTPUT_MARKER}); not deleting it")
    for child in path.iterdir():
        if child.name == OUTPUT_MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (path / OUTPUT_MARKER).unlink()
    path.rmdir()


def leftover_folders(target: Path) -> tuple[Path, Path]:
    """The staging and set-aside folders that belong to the output folder ``target``."""
    target = Path(target)
    return target.with_name(target.name + ".staging"), target.with_name(target.name + ".old")


def recover_output(target: Path, root: Path) -> list[str]:
    """Finish or undo a swap that an earlier run left half done; return what was done.

    * ``target`` missing but its set-aside copy present (interrupted between the two
      renames): the set-aside copy is put back, so the last complete site is live.
    * A leftover staging or set-aside folder made by the build is removed.
    * A leftover without the marker is never touched: it raises :class:`ValueError`.
    """
    target = Path(target)
    staging, old = leftover_folders(target)
    done = []
    if adopt_earlier_output(Path(root), target):
        done.append(f"marked {target.name}/ as the build's output (made by an earlier version)")
    if not target.exists() and is_output_folder(old):
        os.replace(old, target)
        done.append(
            f"restored the previous {target.name}/ from {old.name}/ (a build stopped mid-swap)"
        )
    for leftover in (old, staging):
        if leftover.exists():
            remove_output_folder(leftover)
            done.append(f"removed {leftover.name}/ left by an earlier build")
    for message in done:
        log.warning("%s", message)
    return done


def swap_in(staging: Path, target: Path) -> None:
    """Put the complete ``staging`` folder in place of ``target``.

    ``target`` is renamed aside, ``staging`` renamed into place, and only then is
    the old copy deleted. An interruption at any point leaves either the old or
    the new complete folder, or the old one set aside, which
    :func:`recover_output` puts back on the next run. A rename that fails puts
    the old folder back before raising.
    """
    staging, target = Path(staging), Path(target)
    _, old = leftover_folders(target)
    had_target = target.exists()
    if had_target:
        if not is_output_folder(target):
            raise ValueError(
                f"{target} was not made by the build (no {OUTPUT_MARKER}); not replacing it"
            )
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if had_target and not target.exists():
            os.replace(old, target)
        raise
    if had_target:
        remove_output_folder(old)


# ``settings`` of book_resources and figure_formats: _quarto.yml not read yet, or not
# readable (read_book_settings)
READ_NOW = object()
UNREADABLE = object()


def read_book_settings(root: Path | str = ".") -> object:
    """The parsed ``_quarto.yml`` of the book at ``root``, or :data:`UNREADABLE` when it
    cannot be read or parsed (``livingreview check`` and the render report it with
    file and line). The Snakefile reads it once for :func:`figure_formats` and
    :func:`book_resources` (each parse took 4-6 ms of a no-op, issue 19)."""
    try:
        return read_yaml(Path(root) / "_quarto.yml")
    except ReviewError:
        return UNREADABLE


def book_resources(root: Path | str = ".", settings: object = READ_NOW) -> list[str]:
    """The files ``project: resources:`` of ``_quarto.yml`` publishes, for the workflow's inputs.

    ``settings`` is the file as :func:`read_book_settings` gave it (read now if not
    given). Unreadable or invalid entries are left out here: ``livingreview check``
    and the render report them with file and key.
    """
    root = Path(root)
    raw = read_book_settings(root) if settings is READ_NOW else settings
    if raw is UNREADABLE:
        return []
    project = raw.get("project") if isinstance(raw, dict) else None
    resources = project.get("resources") if isinstance(project, dict) else None
    if isinstance(resources, str):
        resources = [resources]
    if not isinstance(resources, list):
        return []
    return [
        r
        for r in resources
        if isinstance(r, str)
        and path_problem(root, r, file="_quarto.yml", key="project.resources") is None
        and not (root / r).is_dir()
    ]


# What each output format takes for an image path written without an extension
# when _quarto.yml gives no ``default-image-extension`` (the embedded renderer's and
# Quarto's default for these formats).
DEFAULT_IMAGE_EXTENSION = {"html": "png", "docx": "png", "typst": "png"}
FIGURE_FORMATS = ("svg", "pdf", "png")


def figure_formats(
    root: Path | str = ".",
    settings: object = READ_NOW,
    outputs: tuple[str, ...] = tuple(DEFAULT_IMAGE_EXTENSION),
) -> tuple[str, ...]:
    """The renditions (of ``svg``, ``pdf``, ``png``) a figure needs for this book: the
    ``default-image-extension`` of each output format in ``_quarto.yml``, so no build
    draws a rendition that no format shows (issue 19: the PDF of a figure cost a
    fifth of its time and nothing used it). An unreadable ``_quarto.yml``, or an
    extension that is none of the three, gives all three: ``check`` reports it.
    ``settings`` is the file as :func:`read_book_settings` gave it (read now if not
    given); ``outputs`` the output formats asked about (``("html",)``: the website's).
    """
    raw = read_book_settings(root) if settings is READ_NOW else settings
    if raw is UNREADABLE:
        return FIGURE_FORMATS
    formats = raw.get("format") if isinstance(raw, dict) else None
    formats = formats if isinstance(formats, dict) else {}
    top = raw.get("default-image-extension") if isinstance(raw, dict) else None
    wanted = set()
    for fmt in outputs:
        default = DEFAULT_IMAGE_EXTENSION[fmt]
        options = formats.get(fmt) if isinstance(formats.get(fmt), dict) else {}
        ext = options.get("default-image-extension", top or default)
        wanted.add(str(ext).lstrip(".").lower())
    if not wanted <= set(FIGURE_FORMATS):
        return FIGURE_FORMATS
    return tuple(f for f in FIGURE_FORMATS if f in wanted)


def render_backend(backend: str) -> str:
    """The renderer a build uses for ``render.backend`` (config/config.yaml): ``auto``
    is Quarto when ``quarto`` is on PATH, else the embedded renderer."""
    if backend == "auto":
        return "quarto" if shutil.which("quarto") else "embedded"
    return backend

"""``livingreview init``: a new review project from the template shipped in the package.

The template (``livingreview/project_template/``) is the layout of this
repository with an empty ledger: the Snakefile that loads the package's
workflow module, config, profile, a commented protocol skeleton, data files
with their header rows only, template chapters that quote every count as a
variable, a README for the team and a CI workflow. It builds at once: a review
with zero studies.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from ..errors import ProjectError
from ..render import write_reference_docx
from .package_origin import Origin, package_origin

TEMPLATE = Path(__file__).resolve().parents[1] / "project_template"
TITLE = "__REVIEW_TITLE__"
REQUIREMENT = "__REQUIREMENT__"
INSTALL_NOTE = "__INSTALL_NOTE__"
# Hidden files are stored without their dot (package data globs skip them).
DOT_PREFIX = "dot-"


def _target_name(relative: Path) -> Path:
    return Path(
        *(p.replace(DOT_PREFIX, ".", 1) if p.startswith(DOT_PREFIX) else p for p in relative.parts)
    )


def _fill(text: str, name: str, title: str, origin: Origin) -> str:
    if name == "_quarto.yml":
        # a JSON string is a valid double-quoted YAML scalar, whatever the title holds
        return text.replace(f'"{TITLE}"', json.dumps(title, ensure_ascii=False))
    if name == "requirements.txt":
        return text.replace(REQUIREMENT, origin.requirement_text())
    if name == "README.md":
        text = text.replace(INSTALL_NOTE, origin.readme_note())
    return text.replace(TITLE, title)


def template_files() -> list[Path]:
    """Every file of the project template, relative to the template folder."""
    return sorted(
        p.relative_to(TEMPLATE)
        for p in TEMPLATE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


def create_project(
    dest: str | Path, title: str = "A living systematic review", origin: Origin | None = None
) -> list[Path]:
    """Write a new review project into ``dest`` (absent or empty) and return its files.

    ``requirements.txt`` installs livingreview from ``origin`` (by default where
    the running package was installed from, :func:`package_origin`). The files
    are written into a temporary folder next to ``dest`` and moved into place
    at the end, so a failure leaves nothing half-made.
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ProjectError.single(
            dest,
            "the folder already exists and is not empty",
            fix="name a new folder, or an empty one, for the review project",
        )
    if "\n" in title or not title.strip():
        raise ProjectError.single(
            dest, "the title must be one non-empty line", found=title, fix="pass --title 'Title'"
        )
    origin = origin or package_origin()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        written = []
        for relative in template_files():
            target = staging / _target_name(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = TEMPLATE / relative
            if source.suffix in {".csl", ".csv"}:
                shutil.copyfile(source, target)
            else:
                text = source.read_text(encoding="utf-8")
                target.write_text(_fill(text, relative.name, title, origin), encoding="utf-8")
            written.append(_target_name(relative))
        write_reference_docx(staging / "refs" / "reference.docx")
        written.append(Path("refs/reference.docx"))
        if dest.exists():
            dest.rmdir()
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(written)

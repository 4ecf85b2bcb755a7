"""Safety guarantees with hostile input: no shell, no code from config, no reads outside.

* no shell command anywhere: every subprocess gets an argument list (no
  ``shell=True``, no ``os.system``), and no Snakemake rule has a ``shell:`` or
  ``run:`` block, so no data-derived string is ever parsed by a shell;
* YAML is only read with the safe loader, and config/config.yaml is not read
  through Snakemake's ``configfile:`` (its YTE templating evaluates Python);
* chapter includes cannot read outside the project, whatever the path or symlink.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from test_render_errors import chapter, project

from livingreview.config import load_config
from livingreview.errors import ConfigError, ManuscriptError, ReviewError
from livingreview.io import read_yaml
from livingreview.render import check_manuscript, check_manuscript_or_raise

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "src" / "livingreview" / "pipeline"  # the workflow module (rules, scripts)
PYTHON_FILES = sorted((ROOT / "src" / "livingreview").rglob("*.py"))
SNAKEMAKE_FILES = [
    ROOT / "Snakefile",
    PIPELINE / "Snakefile",
    *sorted((PIPELINE / "rules").glob("*.smk")),
    ROOT / "src" / "livingreview" / "project_template" / "Snakefile",
]
METHODS = "manuscript/02-methods.qmd"


def calls(path: Path) -> list[tuple[str, ast.Call]]:
    """Every call in ``path`` with its dotted name (``subprocess.run``, ``yaml.load`` ...)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            out.append((ast.unparse(node.func), node))
    return out


def test_the_scan_sees_the_package() -> None:
    names = {p.name for p in PYTHON_FILES}
    assert {"pandoc.py", "workflow.py", "io.py", "render_book.py"} <= names
    assert {"render.smk", "releases.smk"} <= {p.name for p in SNAKEMAKE_FILES}
    assert any(name == "subprocess.run" for p in PYTHON_FILES for name, _ in calls(p))


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shell_and_no_unsafe_yaml(path: Path) -> None:
    for name, call in calls(path):
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        assert name not in ("os.system", "os.popen", "eval", "exec"), where
        assert name not in ("yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.full_load"), (
            where
        )
        if name.startswith("subprocess."):
            shell = [k for k in call.keywords if k.arg == "shell"]
            assert not shell or (
                isinstance(shell[0].value, ast.Constant) and shell[0].value.value is False
            ), f"{where}: shell=True"
            first = call.args[0] if call.args else None
            assert not isinstance(first, ast.Constant | ast.JoinedStr), (
                f"{where}: a command string; pass an argument list"
            )


@pytest.mark.parametrize("path", SNAKEMAKE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rules_run_scripts_not_shell_commands(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^\s+(shell|run):", text, flags=re.M), path.name
    assert not re.search(r"yaml\.(load|full_load|unsafe_load)\(", text), path.name
    assert not re.search(r"^configfile:", text, flags=re.M), (
        "config/config.yaml must be read with livingreview.config.load_config, "
        "not Snakemake's configfile: (YTE evaluates Python in it)"
    )


# --------------------------------------------------------------------------- #
# Config and YAML cannot run code
# --------------------------------------------------------------------------- #


def test_python_tags_in_yaml_do_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "protocol.yaml"
    path.write_text(f"question: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ReviewError, match=r"protocol\.yaml:1 \[\d+\]: is not valid YAML"):
        read_yaml(path)
    assert not marker.exists()


def test_yte_expressions_in_config_do_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    config = {
        "__use_yte__": True,
        "data": dict.fromkeys(
            ["protocol", "records", "studies", "extraction_sources", "bibliography"], "x"
        ),
        "render": {
            "backend": f'?__import__("pathlib").Path("{marker}").touch() or "auto"',
            "formats": ["html"],
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ConfigError, match=r"\[__use_yte__\]: unknown setting"):
        load_config(path)
    assert not marker.exists()


# --------------------------------------------------------------------------- #
# Includes stay inside the project
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("../../secret.md", id="relative-escape"),
        pytest.param("{secret}", id="absolute-path"),
        pytest.param("../link/secret.md", id="symlinked-folder"),
        pytest.param("../secret-link.md", id="symlinked-file"),
    ],
)
def test_includes_cannot_read_outside_the_project(tmp_path: Path, target: str) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("TOP SECRET CONTENT\n")
    root = project(tmp_path, {METHODS: chapter(f"{{{{< include {target} >}}}}")})
    (root / "link").symlink_to(tmp_path, target_is_directory=True)
    (root / "secret-link.md").symlink_to(secret)
    chapter_text = (root / METHODS).read_text().replace("{secret}", str(secret))
    (root / METHODS).write_text(chapter_text)
    problems = check_manuscript(root)
    # a leading / starts from the project (Quarto's rule), so an absolute path
    # names a file inside the project, which does not exist
    message = "included file not found" if target.startswith("{") else "outside the project"
    outside = [p for p in problems if message in p.message]
    assert [(p.file, p.row) for p in outside] == [(METHODS, 3)], [str(p) for p in problems]
    with pytest.raises(ManuscriptError) as caught:
        check_manuscript_or_raise(root)
    assert "TOP SECRET" not in str(caught.value)

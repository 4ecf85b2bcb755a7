"""The package's folders are the review's stages, and imports point one way.

A module may import from its own stage or from an earlier one, never from a later
one: ledger -> evidence -> PRISMA -> synthesis -> figures and tables -> text ->
render -> living -> command line. The foundation modules (errors, io,
validation, config, markdown, wording, workflow, bibliography) come before every stage.
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "livingreview"

FOUNDATION = {
    "errors",
    "io",
    "paths",
    "validation",
    "fast_validation",
    "config",
    "markdown",
    "workflow",
    "job_process",
    "data_keys",
    "bibliography",
    "wording",
    "build_log",
    "png",
}
STAGES = [
    {"ledger"},
    {"evidence"},
    {"prisma"},
    {"synthesis"},
    {"figures", "tables"},
    {"text"},
    {"render"},
    {"living"},
    {"cli", "__main__", "pipeline"},
]


def stage_rank(top: str) -> int:
    """Rank of a top-level module or subpackage name; foundation is 0."""
    if top in FOUNDATION or top in {"", "__init__", "schemas"}:
        return 0
    for rank, names in enumerate(STAGES, start=1):
        if top in names:
            return rank
    raise AssertionError(f"{top!r} is in no stage: add it to tests/test_layering.py")


def module_parts(path: Path, package: Path = PACKAGE) -> list[str]:
    parts = list(path.relative_to(package).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_tops(path: Path, package_dir: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, top-level name inside livingreview) of every package import in ``path``."""
    parts = module_parts(path, package_dir)
    package = parts if path.name == "__init__.py" else parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
                names = [[*target, a.name] for a in node.names] if not target else [target]
            elif node.module and node.module.split(".")[0] == "livingreview":
                target = node.module.split(".")[1:]
                names = [[*target, a.name] for a in node.names] if not target else [target]
            else:
                continue
            found += [(node.lineno, n[0]) for n in names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "livingreview" and "." in alias.name:
                    found.append((node.lineno, alias.name.split(".")[1]))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def later_stage_imports(path: Path, package_dir: Path = PACKAGE) -> list[str]:
    """One line per import of ``path`` that reaches a later stage than its own."""
    parts = module_parts(path, package_dir)
    own_rank = stage_rank(parts[0] if parts else "")
    return [
        f"line {line}: imports livingreview.{top} (stage {stage_rank(top)} > {own_rank})"
        for line, top in imported_tops(path, package_dir)
        if stage_rank(top) > own_rank
    ]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_to_earlier_stages(path: Path) -> None:
    wrong = later_stage_imports(path)
    assert not wrong, f"{path.relative_to(PACKAGE)} imports a later stage:\n" + "\n".join(wrong)


def test_every_subpackage_says_what_it_owns() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.parent.name}/__init__.py needs a docstring"


def test_the_check_can_fail(tmp_path: Path) -> None:
    """A lower stage importing a higher one is caught (the test is not vacuous)."""
    package_dir = tmp_path / "livingreview"
    probe = package_dir / "ledger" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(
        "from ..errors import ReviewError\n"
        "def f():\n    from livingreview.living.releases import Release\n"
    )
    assert later_stage_imports(probe, package_dir) == [
        "line 3: imports livingreview.living (stage 8 > 1)"
    ]

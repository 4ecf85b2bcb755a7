"""Every third-party module the package imports is a declared runtime dependency.

The README's build command installs only the runtime dependencies (not the
test extra), so a module that the test extra happens to bring in (lxml via
python-docx, for example) would pass the tests and still break a user's build.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src" / "livingreview").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"livingreview"}


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in project["dependencies"]
    }


def test_every_imported_module_is_a_declared_dependency() -> None:
    owners = packages_distributions()
    declared = declared_distributions()
    undeclared = {}
    for module in sorted(imported_top_level_modules()):
        distributions = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
        if not distributions & declared:
            undeclared[module] = sorted(distributions)
    assert not undeclared, f"imported but not in [project].dependencies: {undeclared}"


def test_every_data_file_of_the_package_is_installed() -> None:
    """A file under src/livingreview that no package-data pattern names is missing from
    a wheel (a non-editable install), though every test of an editable one passes."""
    package = ROOT / "src" / "livingreview"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["livingreview"]
    installed = {path for pattern in patterns for path in package.glob(pattern)}
    data = {
        path
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }
    missing = sorted(str(path.relative_to(package)) for path in data - installed)
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"

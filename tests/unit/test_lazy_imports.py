"""Cheap rule starts (issue 19): a rule imports only the libraries it uses.

Each rule is a new Python process, so a module that imports matplotlib or pandas
at the top makes every rule that touches it pay for them. Each check runs in a
fresh interpreter so modules already imported by other tests do not hide one.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# module -> heavy libraries importing it must not load
LIGHT = {
    "livingreview.workflow": ("matplotlib", "pandas", "jsonschema"),
    # what the Snakefile imports to build the DAG: every snakemake run, a no-op too
    "livingreview.config": ("matplotlib", "pandas"),
    "livingreview.validation": ("matplotlib", "pandas"),
    "livingreview.data_keys": ("matplotlib", "pandas", "jsonschema"),
    "livingreview.paths": ("matplotlib", "pandas"),
    "livingreview.tables.eligibility": ("matplotlib", "pandas"),
    "livingreview.render": ("matplotlib", "pandas"),
    "livingreview.bibliography": ("matplotlib", "pandas"),
    # the rules write_release_pages and write_changes_page read no table (issue 19)
    "livingreview.living.releases": ("matplotlib", "pandas"),
    "livingreview.living.pages": ("matplotlib", "pandas"),
    "livingreview.living.version_diff": ("matplotlib", "pandas"),
    "livingreview.evidence.studies": ("matplotlib", "pandas"),
    "livingreview.evidence.review_data": ("matplotlib", "pandas"),
    "livingreview.prisma.model": ("matplotlib", "pandas"),
    "livingreview.prisma.records_appendix": ("matplotlib",),
    "livingreview.prisma.counts": ("matplotlib",),
    "livingreview.text.variables": ("matplotlib",),
    "livingreview.tables.characteristics": ("matplotlib",),
}


@pytest.mark.parametrize("module", sorted(LIGHT))
def test_lightweight_modules_do_not_import_heavy_libraries(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())
    assert module in loaded
    assert not [lib for lib in LIGHT[module] if lib in loaded]


def test_the_check_can_fail() -> None:
    code = "import sys, livingreview.prisma.flow_diagram as f, livingreview.figures.common; "
    code += "print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "matplotlib" in result.stdout.split()  # the figure modules do import it

"""Cheap rule starts (issue 19): a rule imports only the libraries it uses.

Each rule is a new Python process, so a module that imports matplotlib or pandas
at the top makes every rule that touches it pay for them. Each check runs in a
fresh interpreter so modules already imported by other tests do not hide one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import livingreview

# module -> heavy libraries importing it must not load
LIGHT = {
    "livingreview.workflow": ("matplotlib", "pandas", "jsonschema"),
    # what the Snakefile imports to build the DAG: every snakemake run, a no-op too
    "livingreview.config": ("matplotlib", "pandas", "jsonschema"),
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
    # the flow diagram reads the counts, no table (issue 19)
    "livingreview.prisma.records_appendix": ("matplotlib", "pandas", "jsonschema"),
    "livingreview.prisma.counts": ("matplotlib", "pandas"),
    # the meta-analyses' tails come from scipy.special (synthesis/distributions.py)
    "livingreview.synthesis.meta_analysis": ("scipy.stats", "scipy.optimize", "pandas"),
    "livingreview.synthesis.meta_sensitivity": ("scipy.stats", "pandas"),
    "livingreview.synthesis.analyses": ("scipy.stats",),
    "livingreview.text.variables": ("matplotlib",),
    "livingreview.tables.characteristics": ("matplotlib",),
}


def python_output(code: str) -> str:
    """What a fresh interpreter running ``code`` prints (it must exit cleanly)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


# The start of what the param tests run: Snakemake's param serializer, patched.
SERIALIZER = (
    "from livingreview.workflow import compare_params_without_pandas\n"
    "compare_params_without_pandas()\n"
    "from snakemake.persistence.file import FilePersistence\n"
    "store = FilePersistence.__new__(FilePersistence)  # what a run uses\n"
)


@pytest.mark.parametrize("module", sorted(LIGHT))
def test_lightweight_modules_do_not_import_heavy_libraries(module: str) -> None:
    loaded = set(
        python_output(f"import sys, {module}; print(' '.join(sorted(sys.modules)))").split()
    )
    assert module in loaded
    assert not [lib for lib in LIGHT[module] if lib in loaded]


def test_the_check_can_fail() -> None:
    code = "import sys, livingreview.prisma.flow_diagram as f, livingreview.figures.common; "
    code += "print(' '.join(sorted(sys.modules)))"
    assert "matplotlib" in python_output(code).split()  # the figure modules do import it


def test_snakemake_compares_params_without_importing_pandas() -> None:
    """A no-op plans every job and compares its params; with pandas installed,
    Snakemake imported it for that (0.35-0.4 CPU s of a 1.4-s no-op, issue 19)."""
    code = (
        "import sys\n"
        + SERIALIZER
        + "values = ['a1b2', ['svg', 'png'], {'n': 'Participants'}, 25, None]\n"
        "plain = [store._serialize_param_builtin(v) for v in values]\n"
        "assert [store._serialize_param_pandas(v) for v in values] == plain\n"
        "print('pandas' in sys.modules)\n"
    )
    assert python_output(code).split() == ["False"]


def test_params_holding_pandas_objects_are_still_hashed() -> None:
    code = (
        "import pandas as pd\n"
        + SERIALIZER
        + "print(store._serialize_param_pandas(pd.Series([1, 2])))\n"
    )
    assert python_output(code).startswith("[")  # pandas' hash of the rows, not unrepresentable


# Snakemake's object for a rule's script, made as a run makes it, with the patch.
SCRIPT_OBJECT = (
    "import sys\n"
    "from livingreview.workflow import store_script_params_without_pandas\n"
    "store_script_params_without_pandas()\n"
    "from snakemake.iocontainers import InputFiles, Log, OutputFiles, Params, ResourceList\n"
    "from snakemake.iocontainers import Snakemake, Wildcards\n"
    "def script_object(values, names):\n"
    "    params = Params(toclone=values)\n"
    "    for index, name in enumerate(names):\n"
    "        params._add_name(name)\n"
    "        params._set_name(name, index)\n"
    "    return Snakemake(InputFiles(), OutputFiles(), params, Wildcards(), 1,\n"
    "                     ResourceList(), Log(), {}, 'rule', None)\n"
)


def test_snakemake_hands_params_to_scripts_without_importing_pandas() -> None:
    """Before a script job Snakemake stored its params after importing pandas, numpy
    and polars, to convert their objects (0.13 s before each build's first job)."""
    code = (
        SCRIPT_OBJECT
        + "job = script_object(['a1b2', ['svg'], {'n': 1}], ['code', 'formats', 'labels'])\n"
        "print(job.params.code, job.params.formats, job.params.labels, job.params[0])\n"
        "print('pandas' in sys.modules, 'numpy' in sys.modules)\n"
    )
    assert python_output(code).split("\n")[:2] == ["a1b2 ['svg'] {'n': 1} a1b2", "False False"]


def test_script_params_holding_pandas_objects_are_still_converted() -> None:
    code = (
        "import pandas as pd\n"
        + SCRIPT_OBJECT
        + "job = script_object([pd.Series([1, 2], name='n')], ['counts'])\n"
        "print(type(job._params_store[0]).__name__, type(job.params.counts).__name__)\n"
    )
    assert python_output(code).split() == ["dict", "Series"]


SCRIPTS = Path(livingreview.__file__).parent / "pipeline" / "scripts"
HEAVY = ("pandas", "matplotlib", "scipy", "jsonschema")
# rule -> what its script's imports (all but its last line, the step) must not load;
# the step imports what its work needs, if it needs it (issue 19: about 0.7 CPU s for
# pandas, 0.9 for matplotlib's pyplot, 0.2 for jsonschema, 1.7 for scipy.stats,
# at load 8, per job)
LIGHT_RULES = {
    "add_draft_changes": HEAVY,
    "derive_prisma_counts": HEAVY,
    "describe_previous_release": HEAVY,
    "draw_flow_diagram": HEAVY,
    "render_book": HEAVY,
    "validate_data": HEAVY,
    "write_changes_page": HEAVY,
    "write_eligibility_criteria": HEAVY,
    "write_records_appendix": HEAVY,
    "write_release_pages": HEAVY,
    "run_meta_analyses": ("scipy.stats", "scipy.optimize"),
}


def script_imports(rule: str) -> str:
    """The import statements of a rule's script, as code."""
    tree = ast.parse((SCRIPTS / f"{rule}.py").read_text())
    return "\n".join(
        ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
    )


def test_every_light_rule_has_a_script() -> None:
    assert set(LIGHT_RULES) <= {path.stem for path in SCRIPTS.glob("*.py")}


@pytest.mark.parametrize("rule", sorted(LIGHT_RULES))
def test_light_rules_import_no_heavy_library_before_their_step(rule: str) -> None:
    code = script_imports(rule) + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    loaded = set(python_output(code).split())
    assert "livingreview.workflow" in loaded  # the imports ran
    assert not [lib for lib in LIGHT_RULES[rule] if lib in loaded]


def test_the_script_check_can_fail() -> None:
    code = script_imports("draw_study_overview") + "\nimport sys\nprint('pandas' in sys.modules)"
    assert python_output(code).split() == ["True"]  # a figure of the studies table does

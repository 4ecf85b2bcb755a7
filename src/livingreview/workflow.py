"""Glue between Snakemake rules and the package.

Each rule's script is a few lines that call :func:`run_step` with one function of
the package. ``run_step`` sends log messages to the rule's ``log:`` file and turns
a :class:`~livingreview.errors.ReviewError` into a readable message on stderr and
a non-zero exit, so Snakemake stops the build and shows the user which file to
fix, without a Python traceback.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from .errors import REPORTED_EXIT, ReviewError
from .job_process import exit_without_teardown, resume_collection

log = logging.getLogger("livingreview")


def reproducible_environment(root: str | Path = ".") -> dict[str, str]:
    """Environment settings that make every output independent of the machine.

    Time zone and locale are fixed, and ``SOURCE_DATE_EPOCH`` (honoured by
    Pandoc, Typst and matplotlib) is the time of the last commit, or 0 outside
    a git checkout, unless the caller already set it.
    """
    env = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or _last_commit_time(Path(root)) or "0"
    env["SOURCE_DATE_EPOCH"] = epoch
    return env


# Content-keyed caches under results/cache/ (see livingreview.validation.load_table and
# livingreview.render.pandoc.cached_run); unset outside the workflow.
TABLE_CACHE_ENV = "LIVINGREVIEW_TABLE_CACHE"
PARSE_CACHE_ENV = "LIVINGREVIEW_PANDOC_CACHE"
FIGURE_CACHE_ENV = "LIVINGREVIEW_FIGURE_CACHE"
CACHE_FOLDER = Path("results") / "cache"  # relative to the project root
SCHEMA_CACHE_ENV = "LIVINGREVIEW_SCHEMA_CHECKS"


def cache_environment(root: str | Path = ".") -> dict[str, str]:
    """Environment that makes jobs validate each table, check each document against
    its schema, parse each chapter and draw each figure once per content."""
    cache = Path(root).resolve() / CACHE_FOLDER
    return {
        TABLE_CACHE_ENV: str(cache / "tables"),
        SCHEMA_CACHE_ENV: str(schema_check_folder(root)),
        PARSE_CACHE_ENV: str(cache / "pandoc"),
        FIGURE_CACHE_ENV: str(cache / "figures"),
    }


def schema_check_folder(root: str | Path = ".") -> Path:
    """Folder remembering the documents that matched their schema
    (:func:`livingreview.validation.schema_errors`): the config, the protocol, the
    release snapshots. The Snakefile names it when it checks the config, before it sets
    :func:`cache_environment` for the jobs."""
    return Path(root).resolve() / CACHE_FOLDER / "schema"


def _last_commit_time(root: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = result.stdout.strip()
    return value if result.returncode == 0 and value.isdigit() else None


PACKAGE = Path(__file__).resolve().parent


def module_snakefile() -> str:
    """Path of the workflow's Snakefile shipped inside the package.

    A review project's Snakefile loads it as a Snakemake module
    (``module livingreview: snakefile: module_snakefile()``) and uses every
    rule from it, so upgrading the package upgrades the rules.
    """
    return str(PACKAGE / "pipeline" / "Snakefile")


SHARED_MODULES = ("errors", "io", "validation", "markdown", "workflow")


def code_version(*modules: str) -> str:
    """A short hash of the package code a rule runs.

    Rules pass it as a ``params:`` value, so Snakemake reruns a rule when the
    code behind it changes (by default it notices only a changed script).
    ``modules`` are module names (``"tables"``) or subpackage names
    (``"render"``, every file in it, templates included); the shared modules
    every rule uses are always included.
    """
    digest = hashlib.sha256()
    for name in sorted(set(modules) | set(SHARED_MODULES)):
        digest.update(_module_digest(name))
    digest.update(_module_digest("schemas"))
    return digest.hexdigest()[:16]


@cache
def _module_digest(name: str) -> bytes:
    """Hash of a module or subpackage's files (names and bytes), read once per process:
    the rules ask for 23 code versions that share most stages (issue 19: no-op)."""
    target = PACKAGE / name
    files = (
        sorted(p for p in target.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        if target.is_dir()
        else [target.with_suffix(".py")]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


def compare_params_without_pandas() -> None:
    """Let Snakemake compare the jobs' params without importing pandas.

    The ``params`` rerun trigger (profiles/default) serializes every job's params,
    and when pandas is installed Snakemake imports it first, to hash any DataFrame a
    param might hold: 0.35-0.4 CPU s of a no-op of about 1.4 (issue 19). No param
    can be a pandas object while pandas is not imported in this process (these
    rules' params are strings, numbers, lists and dicts), so until then Snakemake's
    serializer for plain values gives the same text. Nothing is changed if this
    Snakemake has no such methods.
    """
    try:
        from snakemake.persistence import PersistenceBase as Persistence
    except ImportError:
        return
    with_pandas = getattr(Persistence, "_serialize_param_pandas", None)
    plain = getattr(Persistence, "_serialize_param_builtin", None)
    if with_pandas is None or plain is None or getattr(with_pandas, "pandas_on_demand", False):
        return

    def serialize(self: Any, value: Any) -> Any:
        if "pandas" not in sys.modules:
            return plain(self, value)
        return with_pandas(self, value)

    serialize.pandas_on_demand = True  # type: ignore[attr-defined]
    Persistence._serialize_param_pandas = serialize  # type: ignore[method-assign]


# The libraries whose objects Snakemake converts when it hands a job's params to its
# script (``Snakemake._safely_store_params``).
PARAM_LIBRARIES = ("pandas", "numpy", "polars")


def store_script_params_without_pandas() -> None:
    """Let Snakemake hand the params to a rule's script without importing pandas.

    Before each ``script:`` job, Snakemake stores the job's params for the script,
    and first imports pandas, numpy and polars (if installed) to convert any of their
    objects to plain values: about 0.13 s of this process, in the first such job of
    every build, before the job starts (issue 19). While none of them is imported
    here no param can hold one of their objects, so the params are stored as they
    are, as Snakemake stores plain values. Nothing is changed if this Snakemake has
    no such method.
    """
    try:
        from snakemake.iocontainers import Params, Snakemake
    except ImportError:
        return
    store = getattr(Snakemake, "_safely_store_params", None)
    if store is None or getattr(store, "libraries_on_demand", False):
        return

    def store_params(self: Any, params: Any) -> None:
        if any(name in sys.modules for name in PARAM_LIBRARIES):
            store(self, params)
            return
        self._params_store = Params(toclone=list(params))
        self._params_types = {}
        self._params_store._take_names(params._get_names())

    store_params.libraries_on_demand = True  # type: ignore[attr-defined]
    Snakemake._safely_store_params = store_params  # type: ignore[method-assign]


# The appendix "Changes in this version" that a draft's What's new points to
# (living.pages); a param of the rule that writes What's new (files_declaring).
CHANGES_SECTION = "sec-changes"


def files_declaring(files: Iterable[str | Path], section: str) -> list[str]:
    """Those of ``files`` (chapters, ``.qmd`` or ``.md``) whose text declares ``{#section}``.

    As a rule's param it reruns the rule when a chapter gains or loses the section,
    and not when any other chapter is edited (a chapter as an input would rerun it on
    every edit). Unreadable files are left out: the manuscript check reports them.
    """
    marker = "{#" + section
    found = []
    for name in files:
        path = Path(name)
        if path.suffix not in (".qmd", ".md") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if marker in text:
            found.append(str(name))
    return found


def run_step(snakemake: Any, step: Callable[[], object]) -> None:
    """Run ``step`` for a Snakemake job, logging to the job's log file.

    On a :class:`ReviewError` the message goes to stderr and the log, and the
    process exits with status :data:`~livingreview.errors.REPORTED_EXIT`; any
    output the step wrote atomically is either complete or absent. In a job's own
    process the garbage collector, paused while the script imported, runs again for
    the step, and after the step succeeded the process ends without tearing its heap
    down (:mod:`livingreview.job_process`).
    """
    resume_collection()
    log_files = list(getattr(snakemake, "log", []) or [])
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_files:
        Path(log_files[0]).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_files[0], mode="w", encoding="utf-8"))
    # The project's notes from INFO up, other libraries' from WARNING: fontTools alone
    # reports hundreds of lines at INFO when matplotlib embeds a font in a PDF figure.
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(message)s", handlers=handlers, force=True
    )
    logging.getLogger("livingreview").setLevel(logging.INFO)
    rule = getattr(snakemake, "rule", "step")
    try:
        step()
    except ReviewError as exc:
        # The reader's words, not the rule's name (a build internal): the message
        # itself names the file, row, column and fix.
        log.error("The build stopped:\n%s", exc)
        sys.exit(REPORTED_EXIT)
    log.info("%s done", rule)
    exit_without_teardown()


def or_exit(step: Callable[..., Any], *args: Any) -> Any:
    """Run ``step(*args)`` while Snakemake reads the workflow; a :class:`ReviewError`
    prints its message (file, key, fix) and exits with status 1 instead of a traceback."""
    try:
        return step(*args)
    except ReviewError as exc:
        print(f"livingreview: {exc}", file=sys.stderr)
        raise SystemExit(1) from None

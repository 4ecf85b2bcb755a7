"""The life of a rule's Python process: no collections while it imports, no teardown at its end.
And of the ``snakemake`` process: no collection walks what Snakemake loaded again.

Each Snakemake job of the build is a new Python process running one rule's script
(``script:``): it imports the package and its libraries, does the rule's work, and
exits. Measured per job on the shipped review (``benchmarks/job_costs.py``, issue 19),
two parts of that cost do nothing for the outputs:

- the cyclic garbage collector runs hundreds of times while pandas and matplotlib
  are imported, finding almost nothing: 1.3 of the 22 jobs' 11 CPU s of imports;
- the interpreter's shutdown frees every module and object one by one: 3.3 CPU s
  of the 22 jobs, more than their Python starts and Snakemake's preambles together.

:func:`pause_collection_in_job_script` runs when the package is first imported (its
``__init__``) and pauses collections in a job script's process only: one started
with the script, whose ``__main__`` holds the ``snakemake`` object of Snakemake's
preamble (:func:`is_job_script`). :func:`run_step
<livingreview.workflow.run_step>` calls :func:`resume_collection` before the rule's
work, which moves everything imported so far out of the collector's sight
(``gc.freeze``) so later collections do not walk it again, and, once the work
succeeded, :func:`exit_without_teardown`.

The ``snakemake`` process that reads the workflow and schedules the jobs pays the
teardown for Snakemake's own libraries: the module Snakefile calls
:func:`spare_loaded_objects` first (0.25-0.3 CPU s of a no-op of 1.6, issue 19).
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import threading


def is_job_script() -> bool:
    """True in the process of a rule's script, run by Snakemake's ``script:``: its
    ``__main__`` holds the preamble's ``snakemake`` object, and the script is the file
    Python was started with. A script run inside another program (``runpy``, as
    ``benchmarks/floor.py`` runs every rule in one process) is not a job's process."""
    main = sys.modules.get("__main__")
    kind = type(getattr(main, "snakemake", None))
    if kind.__name__ != "Snakemake" or kind.__module__ != "snakemake.iocontainers":
        return False
    script = getattr(main, "__real_file__", None)  # the preamble's: the file that runs
    started = {os.path.abspath(arg) for arg in sys.orig_argv[1:]}
    return isinstance(script, str) and os.path.abspath(script) in started


_paused: list[bool] = []  # [True] once collections were paused in this process


def pause_collection_in_job_script() -> None:
    """Stop cyclic collections while a job script imports (nothing else is paused)."""
    if is_job_script() and gc.isenabled():
        gc.disable()
        _paused.append(True)


def resume_collection() -> None:
    """Collect again if :func:`pause_collection_in_job_script` paused, leaving what is
    loaded so far (modules, classes) out of later collections; objects freed by
    reference counting are freed as before."""
    if _paused:
        _paused.clear()
        gc.freeze()
        gc.enable()


def exit_without_teardown(status: int = 0) -> None:
    """End a job script's process after its work succeeded, skipping the heap's teardown.

    What a normal exit does that matters is done first: the ``atexit`` functions
    (logging's closes the log file; ``concurrent.futures`` joins its threads;
    ``tempfile``'s finalizers remove temporary folders) and the flushing of stdout
    and stderr. Snakemake sees the same exit status and the outputs, each written
    and closed by the work itself. Elsewhere (not a job script, or a thread other
    than a daemon still running, whose work a fast exit would cut short) this returns
    and the interpreter exits as usual.
    """
    if not is_job_script() or any(
        thread is not threading.main_thread() and not thread.daemon
        for thread in threading.enumerate()
    ):
        return
    atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(status)


def spare_loaded_objects() -> None:
    """Leave every object loaded so far out of later cyclic garbage collections.

    Called by the module Snakefile first, in the ``snakemake`` process, once Snakemake
    has imported its libraries (SQLAlchemy, pydantic, its plugins: about 100,000
    objects that live until the process ends) and starts reading the workflow.
    Without it the interpreter's shutdown walks them all in its final collections
    before the process ends, about 0.25-0.3 CPU s of a no-op of 1.6, and so would any
    full collection while a build runs (benchmarks/results.md, s14-noopcut). Frozen
    objects are still freed by reference counting; only cycles among them, if any
    became garbage later, wait for the end of the process. What is made later (the
    rules, the DAG, the jobs' records) is collected as before.
    """
    gc.freeze()

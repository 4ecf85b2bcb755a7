"""The terminal output of a build: Snakemake's, less its repeat of a reported failure."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from livingreview.build_log import BuildLogHandler, ReportedFailures, cancel_pending_rescheduling
from livingreview.errors import REPORTED_EXIT


def record(event: str | None, message: str) -> logging.LogRecord:
    made = logging.LogRecord("snakemake", logging.ERROR, __file__, 1, message, None, None)
    if event is not None:
        made.event = event
    return made


def exception_block(status: int) -> logging.LogRecord:
    return record(
        "error",
        'RuleException:\nCalledProcessError in file "/x/rules/data.smk", line 35:\n'
        "Command 'set -euo pipefail;  python /p/.snakemake/scripts/tmpab12.validate_data.py'"
        f" returned non-zero exit status {status}.",
    )


ALL_FAILED = record("error", "WorkflowError:\nAt least one job did not complete successfully.")
SHUTTING_DOWN = record(None, "Shutting down, this might take some time.")


def shown(records: list[logging.LogRecord]) -> list[str]:
    failures = ReportedFailures()
    return [r.getMessage().split(":")[0] for r in records if not failures.repeats_a_report(r)]


def test_a_reported_failure_is_not_repeated() -> None:
    records = [
        exception_block(REPORTED_EXIT),
        record("job_error", "Error in rule validate_data, jobid: 23"),
        SHUTTING_DOWN,
        ALL_FAILED,
    ]
    assert shown(records) == ["Shutting down, this might take some time."]


@pytest.mark.parametrize("status", [1, 2, 137])
def test_any_other_failure_is_printed_in_full(status: int) -> None:
    records = [exception_block(status), record("job_error", "Error in rule x"), ALL_FAILED]
    assert shown(records) == ["RuleException", "Error in rule x", "WorkflowError"]


def test_the_final_summary_stays_when_one_failure_was_not_reported() -> None:
    records = [
        exception_block(REPORTED_EXIT),
        record("job_error", "Error in rule validate_data"),
        exception_block(1),
        record("job_error", "Error in rule draw_flow_diagram"),
        ALL_FAILED,
    ]
    assert shown(records) == ["RuleException", "Error in rule draw_flow_diagram", "WorkflowError"]


def test_snakemake_finds_the_plugin_by_its_name() -> None:
    from snakemake_interface_logger_plugins.registry import LoggerPluginRegistry

    plugin = LoggerPluginRegistry().get_plugin("livingreview")
    assert plugin.log_handler is BuildLogHandler


def test_only_the_schedulers_timers_are_cancelled() -> None:
    def wake() -> None:
        pass

    wake.__module__ = "snakemake.scheduling.job_scheduler"
    scheduler_timer = threading.Timer(60, wake)
    other_timer = threading.Timer(60, lambda: None)
    for timer in (scheduler_timer, other_timer):
        timer.daemon = True  # never keeps pytest alive, whatever the outcome
        timer.start()
    try:
        assert cancel_pending_rescheduling() == 1
        scheduler_timer.join(5)
        assert not scheduler_timer.is_alive()
        assert other_timer.is_alive()
    finally:
        other_timer.cancel()


RUN_AND_LIST_TIMERS = textwrap.dedent(
    """
    import sys, threading
    from snakemake.cli import main
    try:
        main(sys.argv[1:])
    except SystemExit as stop:
        status = stop.code
    waiting = [
        t for t in threading.enumerate()
        if isinstance(t, threading.Timer) and not t.finished.is_set()
    ]
    print(status, len(waiting))
    """
)


@pytest.mark.parametrize("logger", [[], ["--logger", "livingreview"]])
def test_a_build_that_ran_jobs_leaves_no_timer_behind(tmp_path: Path, logger: list[str]) -> None:
    """Snakemake's scheduler leaves a timer running after every build that ran a job;
    with the project's logger the run ends without one (nothing left to wait for)."""
    (tmp_path / "Snakefile").write_text(
        'rule all:\n    input: "b.txt"\n\n'
        'rule make:\n    output: "{name}.txt"\n    shell: "echo {wildcards.name} > {output}"\n'
    )
    command = [sys.executable, "-c", RUN_AND_LIST_TIMERS, "--cores", "1", "--quiet", *logger]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert (tmp_path / "b.txt").read_text() == "b\n", run.stderr
    status, waiting = run.stdout.split()[-2:]
    assert status == "0", run.stderr
    assert (waiting == "0") == bool(logger), run.stdout

"""The terminal output of a build: Snakemake's, less its repeat of a reported failure."""

from __future__ import annotations

import logging

import pytest

from livingreview.build_log import BuildLogHandler, ReportedFailures
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

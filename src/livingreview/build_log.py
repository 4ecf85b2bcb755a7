"""What `snakemake` prints while it builds a review: Snakemake's own lines, minus its
report of a job that stopped on bad input the job has already explained.

A job that meets bad input (a :class:`~livingreview.errors.ReviewError`) prints the
project's message, naming file, row or line, column and fix, and exits with
:data:`REPORTED_EXIT` (:func:`livingreview.workflow.run_step`). Snakemake then adds,
for every failed job, an exception block (``RuleException: CalledProcessError in file
.../data.smk, line 35: Command 'set -euo pipefail; python .../tmpXXXX.validate_data.py'
returned non-zero exit status ...``), an ``Error in rule ...`` block listing the job's
files, and at the end ``WorkflowError: At least one job did not complete
successfully``: rule names, script paths and a traceback-like block after a message
that already said everything, which read as a crash of the tool.

:class:`BuildLogHandler` is Snakemake's default terminal output (its own handler,
filter and formatter, with the run's settings) that leaves those three records out for
jobs that exited with :data:`REPORTED_EXIT`. Any other failure, a bug or a tool that
crashed, is printed in full, and so is the final ``WorkflowError`` when one failed job
was not of that kind. The log file of the run (``.snakemake/log/``) keeps everything.
It reaches Snakemake as the logger plugin ``livingreview``
(``snakemake_logger_plugin_livingreview``, enabled by ``logger:`` in
``profiles/default/config.yaml``).

Snakemake closes its log handlers when the run is over, and :meth:`BuildLogHandler.close`
also cancels what would keep the process waiting (:func:`cancel_pending_rescheduling`):
without it every build that ran a job stayed alive about a second after its last line.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from typing import Any

from snakemake_interface_logger_plugins.base import LogHandlerBase

from .errors import REPORTED_EXIT

_REPORTED = re.compile(rf"returned non-zero exit status {REPORTED_EXIT}\b")
_ALL_JOBS_FAILED = "At least one job did not complete successfully"
_SCHEDULER_MODULE = "snakemake.scheduling.job_scheduler"


def cancel_pending_rescheduling() -> int:
    """Cancel the timers Snakemake's job scheduler left behind, and return how many.

    With a limit on jobs per timespan (``--max-jobs-per-timespan``, on by default at
    100 per second) the scheduler starts a ``threading.Timer`` after each round that
    wakes it again one timespan later. The timers are not daemon threads, so Python
    waits for the last one before it exits: about a second after the build's last
    line, every time a job ran. Once the run is over nothing waits to be woken, so
    cancelling them changes nothing but the exit. Other timers are left alone. This
    takes one Snakemake run per process, as the ``snakemake`` command makes and as
    the project runs every build: a second run going on in the same process would
    lose its pending wake-ups too.
    """
    cancelled = 0
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            function = getattr(thread, "function", None)
            if getattr(function, "__module__", None) == _SCHEDULER_MODULE:
                thread.cancel()
                cancelled += 1
    return cancelled


def snakemake_stream_handler(settings: Any) -> logging.Handler:
    """Snakemake's default terminal handler for the run's output ``settings`` (what
    ``snakemake.logging.LoggerManager`` makes when no logger plugin writes to the
    terminal)."""
    from snakemake.logging import ColorizingTextHandler, DefaultFilter, DefaultFormatter

    handler = ColorizingTextHandler(
        nocolor=settings.nocolor, stream=sys.stdout if settings.stdout else sys.stderr
    )
    handler.addFilter(
        DefaultFilter(
            settings.quiet,
            settings.debug_dag,
            settings.verbose,
            settings.dryrun,
            settings.printshellcmds,
        )
    )
    handler.setFormatter(DefaultFormatter(settings.quiet, settings.show_failed_logs))
    return handler


class ReportedFailures:
    """Decides, record by record, which of Snakemake's records repeat a failure that
    the failed job has already reported to the reader."""

    def __init__(self) -> None:
        self._awaiting_job_error = 0  # exception blocks seen of reported failures
        self.reported = 0
        self.unreported = 0

    def repeats_a_report(self, record: logging.LogRecord) -> bool:
        event = str(getattr(record, "event", "") or "")
        message = record.getMessage()
        if event == "error" and _REPORTED.search(message):
            self.reported += 1
            self._awaiting_job_error += 1
            return True
        if event in ("job_error", "group_error"):
            if self._awaiting_job_error:
                self._awaiting_job_error -= 1
                return True
            self.unreported += 1
            return False
        if event == "error" and _ALL_JOBS_FAILED in message:
            return bool(self.reported) and not self.unreported
        return False


class BuildLogHandler(LogHandlerBase):
    """Snakemake's terminal output without the blocks that repeat a reported failure."""

    def __post_init__(self) -> None:
        self._terminal = snakemake_stream_handler(self.common_settings)
        self._failures = ReportedFailures()

    def emit(self, record: logging.LogRecord) -> None:
        if not self._failures.repeats_a_report(record):
            self._terminal.handle(record)

    def close(self) -> None:
        """Snakemake closes its handlers when the run is over (``LoggerManager.stop``)."""
        cancel_pending_rescheduling()
        super().close()

    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return True  # Snakemake's own filter sits on the terminal handler

    @property
    def has_formatter(self) -> bool:
        return True

    @property
    def needs_rulegraph(self) -> bool:
        return False

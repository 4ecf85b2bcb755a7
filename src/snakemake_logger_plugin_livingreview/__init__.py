"""Snakemake logger plugin ``livingreview`` (``--logger livingreview``; the project's
profile turns it on): Snakemake's terminal output without its repeat of a failure the
failed job has already reported (:mod:`livingreview.build_log`)."""

from dataclasses import dataclass

from snakemake_interface_logger_plugins.settings import LogHandlerSettingsBase

from livingreview.build_log import BuildLogHandler as LogHandler

__all__ = ["LogHandler", "LogHandlerSettings"]


@dataclass
class LogHandlerSettings(LogHandlerSettingsBase):
    """The plugin takes no settings of its own."""

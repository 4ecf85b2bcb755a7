"""One exception tree for the whole build.

Every error a user can cause names the file to open, where in it (row/line and
column or key), what was found, what was expected and how to fix it. Validators
collect :class:`Problem` objects and raise one :class:`ReviewError` carrying all
of them, so a user sees every problem in a file in a single run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPORTED_EXIT = 65
"""Exit status of a build job that stopped on bad input after printing the project's
message (sysexits' EX_DATAERR, "the input data was incorrect"); Snakemake's own
report of such a job is left out of the terminal (:mod:`livingreview.build_log`)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    file: str
    message: str
    row: int | None = None
    """1-based line in the file (for CSV: the physical line, header = line 1)."""
    column: str | None = None
    """Column name (CSV), key path (YAML/BibTeX) or 1-based character column."""
    found: str | None = None
    expected: str | None = None
    fix: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += f" [{self.column}]"
        text = f"{where}: {self.message}"
        if self.found is not None:
            text += f"; found {_quote(self.found)}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.fix is not None:
            text += f". Fix: {self.fix}"
        return text


def _quote(value: str, limit: int = 80) -> str:
    value = str(value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return repr(value)


@dataclass
class ReviewError(Exception):
    """Base class: one or more problems that stop the build."""

    problems: list[Problem] = field(default_factory=list)
    summary: str = ""

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        head = self.summary or f"{len(self.problems)} problem(s) found"
        lines = [head] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    @classmethod
    def single(cls, file: str | Path, message: str, **where: object) -> ReviewError:
        """Build an error holding one problem."""
        return cls([Problem(str(file), message, **where)])  # type: ignore[arg-type]


class DataError(ReviewError):
    """A source data file (CSV/YAML in data/) is malformed or inconsistent."""


class ConfigError(ReviewError):
    """config/config.yaml or _quarto.yml is malformed."""


class BibliographyError(ReviewError):
    """refs/*.bib does not parse, has duplicate keys, or lacks a cited key."""


class PrismaError(ReviewError):
    """PRISMA counts break an arithmetic invariant of the flow diagram."""


class ManuscriptError(ReviewError):
    """A chapter uses unsupported syntax, an unknown variable, reference or file."""


class RenderError(ReviewError):
    """A backend (Quarto or Pandoc/Typst) failed to produce an output."""


class ReleaseError(ReviewError):
    """A release cannot be made or a release snapshot is malformed."""


class ProjectError(ReviewError):
    """A new review project cannot be created where it was asked for."""


class FeedbackError(ReviewError):
    """A returned DOCX cannot be read, or its changes cannot be placed in the chapters."""


def tool_problem(file: str, failure: str, output: str, fix: str) -> Problem:
    """A problem carrying a tool's own message in full (its last 40 lines), indented.

    Tool messages (Pandoc, Typst, Quarto) are not cut to a short ``found`` value:
    the cause ("No space left on device", the element Typst rejected) is often at
    the end.
    """
    lines = output.strip().splitlines()[-40:] or ["(the tool printed nothing)"]
    body = "\n".join("      " + line for line in lines)
    return Problem(file, f"{failure}; its message:\n{body}\n   ", fix=fix)


def raise_if_any(problems: Iterable[Problem], error: type[ReviewError], summary: str) -> None:
    """Raise ``error`` carrying every problem, if there is at least one."""
    problems = list(problems)
    if problems:
        raise error(problems, summary=f"{summary}: {len(problems)} problem(s)")

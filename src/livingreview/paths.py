"""Every path the build reads or writes, in one place.

Rules, scripts and tests ask this module for paths instead of spelling them, so
moving a file means changing one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    """Paths of one review project, relative to its root folder."""

    root: Path = Path(".")

    # inputs users edit
    @property
    def config(self) -> Path:
        return self.root / "config" / "config.yaml"

    @property
    def quarto(self) -> Path:
        return self.root / "_quarto.yml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def refs(self) -> Path:
        return self.root / "refs"

    @property
    def manuscript(self) -> Path:
        return self.root / "manuscript"

    # generated (ignored by git)
    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def variables(self) -> Path:
        """``_variables.yml`` sits at the project root because Quarto reads it there."""
        return self.root / "_variables.yml"

    @property
    def book(self) -> Path:
        return self.root / "_book"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def result(self, stage: str, name: str) -> Path:
        """``results/<stage>/<name>``: the naming rule for every derived artifact."""
        return self.results / stage / name

"""What would render differently under real Quarto: ``livingreview check --quarto-compatible``.

The embedded backend follows Quarto's rules wherever it renders something at
all; these are the inputs it accepts but does not act on, so the book would
come out differently from ``quarto render``. Each is reported with the file
and line to change (or to leave, knowingly).
"""

from __future__ import annotations

import re

from ..errors import ConfigError, Problem
from ..io import read_yaml
from . import ast as A
from .book import BookModel, locate
from .project import QUARTO_FILE

# Attributes Quarto acts on and the embedded backend ignores, with what Quarto does.
IGNORED_ATTRIBUTES = {
    "collapse": "Quarto makes the callout collapsible; here it is always open",
    "fig-align": "Quarto aligns the figure; here figures keep the default alignment",
    "fig-pos": "Quarto passes a LaTeX float position; here it has no effect",
    "fig-env": "Quarto uses that LaTeX environment; here it has no effect",
    "layout-align": "Quarto aligns the panels; here cells keep the default alignment",
    "layout-valign": "Quarto aligns the panels vertically; here cells align at the top",
    "tbl-colwidths": "Quarto sets those column widths; here Pandoc's widths are kept",
    "cap-location": "Quarto moves the caption; here captions keep their default place",
    "fig-cap-location": "Quarto moves the caption; here captions keep their default place",
    "tbl-cap-location": "Quarto moves the caption; here captions keep their default place",
    "code-fold": "Quarto folds the code; here it is shown",
    "lightbox": "Quarto opens the picture in a lightbox; here it is a plain picture",
}


def quarto_differences(model: BookModel) -> list[Problem]:
    """Problems for everything the embedded backend renders differently from Quarto."""
    problems = _filters(model)
    for chapter in model.chapters:
        seen: set[str] = set()
        for el in A.iter_elements(chapter.blocks):
            a = A.get_attr(el)
            if not a:
                continue
            for key, _ in a[2]:
                if key not in IGNORED_ATTRIBUTES or key in seen:
                    continue
                seen.add(key)  # once per chapter and attribute is enough to act on
                file, line = locate(chapter, re.escape(key) + r"\s*=")
                problems.append(
                    Problem(
                        file,
                        f"'{key}' is ignored by the embedded backend",
                        row=line,
                        found=key,
                        expected=IGNORED_ATTRIBUTES[key],
                        fix="remove it, or accept that the two backends differ here",
                    )
                )
    return problems


def _filters(model: BookModel) -> list[Problem]:
    """Lua filters and extensions run by Quarto only."""
    raw = read_yaml(model.root / QUARTO_FILE, ConfigError) or {}
    problems = []
    if isinstance(raw, dict) and raw.get("filters"):
        problems.append(
            Problem(
                QUARTO_FILE,
                "Lua filters are not run by the embedded backend",
                column="filters",
                found=str(raw["filters"]),
                fix="do the filter's work in the workflow, or render with Quarto",
            )
        )
    if (model.root / "_extensions").is_dir():
        problems.append(
            Problem(
                "_extensions/",
                "Quarto extensions are not run by the embedded backend",
                fix="do the extension's work in the workflow, or render with Quarto",
            )
        )
    return problems

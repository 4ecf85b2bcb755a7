"""What would render differently under real Quarto: ``livingreview check --quarto-compatible``.

The embedded backend follows Quarto's rules wherever it can; these are the
places where a book it accepts would still come out differently from
``quarto render``, each reported with the file and line to change.
"""

from __future__ import annotations

import posixpath
import re

from ..errors import Problem
from .book import BookModel, locate


def quarto_differences(model: BookModel) -> list[Problem]:
    """Problems for everything the embedded backend renders differently from Quarto."""
    problems: list[Problem] = []
    for chapter in model.chapters:
        for target, folder in chapter.include_links:
            file, line = locate(chapter, re.escape(target))
            rewritten = posixpath.normpath(posixpath.join(folder, target))
            problems.append(
                Problem(
                    file,
                    "Quarto rewrites this link relative to the included file",
                    row=line,
                    found=target,
                    expected=f"a link that also works as {rewritten} from {chapter.rel}",
                    fix="write the link from the project root with a leading / (or relative "
                    "to the included file), so both backends follow it to the same place",
                )
            )
    return problems

"""Raw Typst written in the chapters is compiled by ``check``, so a PDF render cannot fail on it.

A ```` ```{=typst} ```` block may call functions only Quarto's own Typst
template defines (``#fa-info()`` from its Font Awesome package, for
example). All raw Typst blocks of a chapter are compiled together (so a block
opening ``#block[`` and a later one closing it still balance); a failure is
reported at the chapter's first raw Typst block, with Typst's message.
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from .block_index import select


def raw_typst_problems(chapters: list[Any]) -> list[Problem]:
    """One problem per chapter whose raw Typst blocks do not compile on their own."""
    import typst

    problems = []
    for chapter in chapters:
        raw = [el["c"][1] for el in select(chapter.blocks, ("RawBlock",)) if el["c"][0] == "typst"]
        if not raw:
            continue
        try:
            typst.compile("\n".join(raw).encode("utf-8"), font_paths=[], ignore_system_fonts=True)
        except Exception as exc:  # typst.TypstError carries the diagnostic
            file, line = _first_raw_line(chapter)
            problems.append(
                Problem(
                    file,
                    "raw Typst block does not compile",
                    row=line,
                    found=str(exc).strip().splitlines()[0][:300],
                    expected="Typst that compiles on its own (Quarto's template functions, "
                    "such as its Font Awesome icons, are not available)",
                    fix="use plain Typst in the block, or Markdown instead",
                )
            )
    return problems


def _first_raw_line(chapter: Any) -> tuple[str, int | None]:
    for text, origin in zip(chapter.source.lines, chapter.source.origins, strict=True):
        if text.strip().startswith(("```{=typst}", "~~~{=typst}", "``` {=typst}")):
            return origin[0], origin[1] + 1
    return chapter.rel, None

"""Safe Markdown from data values.

Text taken from data files and BibTeX is escaped before it becomes Markdown, so
a value can never inject markup, raw HTML, a citation or a Quarto shortcode:
``<script>`` shows as text in every output format.
"""

from __future__ import annotations

import re

# Backslash-escaping every character Pandoc (or a Quarto shortcode, `{{<`) could
# read as inline markup; a backslash before ASCII punctuation always yields the
# literal character.
_INLINE = re.compile(r"([\\`*_{}\[\]<>#|@~^$&])")

_LINE_START_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # ordered-list markers: 1. 1) a. A) iv.  -> escape the delimiter
    (re.compile(r"^(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)([.)])(?=\s|$)"), r"\1\\\2"),
    # fancy list markers in parentheses: (1) (a)
    (re.compile(r"^\((\w+\))(?=\s|$)"), r"\\(\1"),
    # bullets, definitions, setext underlines and rules: - + : = at line start
    (re.compile(r"^([-+:=])"), r"\\\1"),
)


def escape_inline(text: str) -> str:
    """Escape inline Markdown/HTML so ``text`` renders literally inside a line."""
    return _INLINE.sub(r"\\\1", text)


def protect_line_start(line: str) -> str:
    """Escape a line's start so Pandoc's block parser keeps it as plain text."""
    for pattern, replacement in _LINE_START_RULES:
        line = pattern.sub(replacement, line, count=1)
    return line


def escape_markdown(text: object) -> str:
    """Escape ``text`` as one literal line of Markdown (newlines become spaces)."""
    return protect_line_start(escape_inline(" ".join(str(text).split())))


MISSING = "–"  # en dash for values not reported or not extracted

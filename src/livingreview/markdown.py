"""Safe Markdown from data values.

Text taken from data files and BibTeX is escaped before it becomes Markdown, so
a value can never inject markup, raw HTML or a citation: ``<script>`` shows as
text in every output format.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in Pandoc Markdown;
# these are the ones that can start markup inside a table cell or paragraph.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|@~^$\"'=:&-])")


def escape_markdown(text: object) -> str:
    """Escape ``text`` so Pandoc reads it literally; newlines become spaces."""
    value = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", value)

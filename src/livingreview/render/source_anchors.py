"""Invisible anchors from each prose paragraph of the DOCX back to its source line.

Before a chapter is parsed, the first line of every paragraph that starts with
plain prose gets an empty Pandoc span whose id names the file and line it came
from (``lr_<file key>_<line>``). The DOCX writer turns the span into a Word
bookmark at the start of the paragraph, which Word and LibreOffice keep
through editing, so comments and tracked changes in a returned DOCX can be
traced to the chapter line (:mod:`livingreview.living.docx_feedback`). The
HTML and Typst writers drop the spans, so those outputs do not change.

Only lines that cannot start anything else get a marker: a line after a blank
line, outside code blocks and front matter, beginning with a letter, digit,
quote, bracket (a citation, a link, a span such as a checked claim), emphasis
or cross-reference, that is not a linked image, a footnote or link reference definition, a list
marker, a table caption, a table header, a setext heading or a definition term.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

PREFIX = "lr_"
ANCHOR = re.compile(r"^lr_(?P<key>[0-9a-f]{8})_(?P<line>[1-9][0-9]*)$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_LIST_MARKER = re.compile(r"^(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)](\s|$)")
_DEFINITION = re.compile(r"^\[(\^|[^\]]*\]:)")  # a footnote or a link reference
_UNDERLINE_OR_RULE = re.compile(r"^\s*[-=:|+ ]*[-=][-=:|+ ]*$")


def file_key(rel: str) -> str:
    """Eight hex digits naming a project-relative file path inside an anchor."""
    return hashlib.sha1(rel.encode("utf-8")).hexdigest()[:8]


def anchor_name(rel: str, line: int) -> str:
    """The anchor (bookmark name) of the paragraph starting at ``rel`` line ``line``.

    Letters, digits and underscores only and under 40 characters, as Word
    requires of bookmark names.
    """
    return f"{PREFIX}{file_key(rel)}_{line}"


def parse_anchor(name: str) -> tuple[str, int] | None:
    """``(file key, line)`` of an anchor name, or None for any other bookmark."""
    match = ANCHOR.match(name)
    return (match["key"], int(match["line"])) if match else None


def starts_prose(line: str, next_line: str) -> bool:
    """Whether ``line`` (after a blank line) can only begin a prose paragraph."""
    if not line or re.match(r"^[*_\s-]+$", line):
        return False  # blank or a horizontal rule
    first, second = line[0], line[1:2]
    if not (
        first.isalnum()
        or first in '("“‘'
        or (first == "@" and second.isalnum())
        # a span (a claim) or a link; not a linked image, which may be a figure alone
        or (first == "[" and second != "!" and not _DEFINITION.match(line))
        or (first in "*_" and second not in ("", " ", "\t"))
    ):
        return False
    if _LIST_MARKER.match(line) or re.match(r"^Table:", line):
        return False
    following = next_line.lstrip()
    if re.match(r"^[:~][ \t]", following):
        return False  # definition list term
    if following.startswith(":::"):
        return True  # a div closes after this paragraph
    return not (following and _UNDERLINE_OR_RULE.match(next_line))


def mark_paragraphs(lines: list[str], origins: list[tuple[str, int]]) -> str:
    """The chapter text with an anchor span before each prose paragraph."""
    out: list[str] = []
    fence: str | None = None
    front = bool(lines) and lines[0].strip() == "---"
    previous_blank = True
    for i, line in enumerate(lines):
        if front:
            out.append(line)
            front = not (i > 0 and line.strip() in ("---", "..."))
            previous_blank = not front
            continue
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        next_line = lines[i + 1] if i + 1 < len(lines) else ""
        if previous_blank and starts_prose(line, next_line):
            rel, number = origins[i]
            line = f"[]{{#{anchor_name(rel, number)}}}{line}"
        out.append(line)
        previous_blank = not line.strip()
    return "\n".join(out) + "\n"


def is_anchor(el: dict[str, Any]) -> bool:
    """Whether ``el`` is an anchor span (empty, id only)."""
    if el.get("t") != "Span":
        return False
    (ident, classes, _), content = el["c"]
    return not content and not classes and ANCHOR.match(ident) is not None

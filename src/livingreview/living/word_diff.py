"""Word-level differences between two texts, and how a page shows them.

Used by "Changes in this version" for the text of two releases
(:mod:`.version_diff`) and for the wording of eligibility criteria
(:mod:`.criteria`).
"""

from __future__ import annotations

import difflib
import re

from ..markdown import escape_markdown

Op = tuple[str, str]  # ("=", "+" or "-", text)


# Punctuation that belongs to the word beside it: "(25)" against "(5)" is one changed
# number, not a changed word with its brackets.
_OPENING = "([{“‘\"'"
_CLOSING = ")]}”’\"',;:.!?"
_WORD = re.compile(rf"^([{re.escape(_OPENING)}]*)(.*?)([{re.escape(_CLOSING)}]*)$", re.S)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """``(token, glued)`` of ``text``: its words with their leading and trailing
    punctuation as tokens of their own; ``glued`` tokens follow the previous one
    without a space."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        lead, core, trail = _WORD.match(word).groups()  # type: ignore[union-attr]
        parts = [*lead, *([core] if core else []), *trail]
        out += [(part, i > 0) for i, part in enumerate(parts)]
    return out


def _joined(tokens: list[tuple[str, bool]], first: bool) -> str:
    """The text of a run of tokens, with a leading space unless it is the paragraph's
    first or is glued to what precedes it."""
    return "".join(
        ("" if glued or (first and i == 0) else " ") + t for i, (t, glued) in enumerate(tokens)
    )


def word_diff(old: str, new: str) -> list[Op]:
    """Word-level edit script from ``old`` to ``new`` (runs of equal, deleted, inserted
    words; punctuation is compared apart from the word it touches). Each run's text
    starts with the space that separates it from the run before (none for the first
    run, or for a run glued to the one before, as ")" after a number)."""
    a, b = _tokens(old), _tokens(new)
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("=", _joined(b[j1:j2], not ops)))
            continue
        if i2 > i1:
            ops.append(("-", _joined(a[i1:i2], not ops)))
        if j2 > j1:
            ops.append(("+", _joined(b[j1:j2], not ops)))
    return ops


def markdown_ops(ops: list[Op]) -> str:
    """The ops as Markdown: removed words struck through, added words marked as inserted
    (``.ins``: ``<ins>`` on the website, underlined in print). A
    replacement glued to what precedes it ("(7" -> "(8") keeps a space between the old
    and the new words, so text extraction and screen readers do not read "78"."""
    parts = []
    previous = "="
    for op, text in ops:
        glued_replacement = op == "+" and previous == "-"
        space = " " if text[:1].isspace() or glued_replacement else ""
        previous = op
        text = escape_markdown(text)
        parts.append(
            space + (text if op == "=" else f"~~{text}~~" if op == "-" else f"[{text}]{{.ins}}")
        )
    return "".join(parts).strip()

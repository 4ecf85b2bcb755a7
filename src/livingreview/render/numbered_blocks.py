"""Quarto's cross-referenceable blocks: theorems and their kin, and callouts with ids.

``::: {#thm-line}`` (``thm``, ``lem``, ``cor``, ``prp``, ``cnj``, ``def``,
``exm``, ``exr``, ``sol``, ``rem``) is numbered per kind ("Theorem 1", or
"Theorem 2.1" in chapter 2) and starts with Quarto's bold title, "Theorem 1
(Line)" when the block's first heading gives it a name. A callout with a
``#nte-``/``#tip-``/``#wrn-``/``#imp-``/``#cau-`` id is numbered the same way
and titled "Note 1: its title". The numbering pass registers both as
cross-reference targets, so ``@thm-line`` reads "Theorem 1".
"""

from __future__ import annotations

from . import ast as A
from .callouts import TITLE_CLASS, callout_type

THEOREMS = {
    "thm": "Theorem",
    "lem": "Lemma",
    "cor": "Corollary",
    "prp": "Proposition",
    "cnj": "Conjecture",
    "def": "Definition",
    "exm": "Example",
    "exr": "Exercise",
    "sol": "Solution",
    "rem": "Remark",
}
CALLOUTS = {"nte": "note", "tip": "tip", "wrn": "warning", "imp": "important", "cau": "caution"}
NAMES = {**THEOREMS, **{k: v.capitalize() for k, v in CALLOUTS.items()}}
NBSP = "\u00a0"


def block_kind(div: A.Element) -> str | None:
    """The cross-reference kind of a numbered block (``thm``, ``nte`` ...), else None."""
    ident, classes, _ = div["c"][0]
    prefix, dash, _ = ident.partition("-")
    if not dash:
        return None
    if prefix in THEOREMS:
        return prefix
    if prefix in CALLOUTS and callout_type(classes) == CALLOUTS[prefix]:
        return prefix
    return None


def name(kind: str, crossref: dict[str, str], what: str = "title") -> str:
    """The word for a kind, from ``crossref: <kind>-title``/``-prefix`` or Quarto's default."""
    return crossref.get(f"{kind}-{what}", NAMES[kind])


def title_block(div: A.Element, kind: str, number: str, crossref: dict[str, str]) -> None:
    """Give the block Quarto's numbered title."""
    label = f"{name(kind, crossref)}{NBSP}{number}"
    content = div["c"][1]
    if kind in CALLOUTS:
        delim = crossref.get("title-delim", ":")
        if content and content[0]["t"] == "Div" and TITLE_CLASS in content[0]["c"][0][1]:
            plain = content[0]["c"][1][0]
            plain["c"] = [A.Str(label + delim), A.Space(), *plain["c"]]
        else:
            written = A.attr_pop(div["c"][0], "title")
            inlines = (
                [A.Str(label + delim), A.Space(), *A.text_inlines(written)]
                if written
                else [A.Str(label)]
            )
            title = A.Div([A.Plain(inlines)], A.attr("", [TITLE_CLASS]))
            div["c"][1] = [title, *content]
        return
    heading = []
    if content and content[0]["t"] == "Header":
        heading = content.pop(0)["c"][2]
    words = [A.Str(label)]
    if heading:
        words += [A.Space(), A.Str("("), *heading, A.Str(")")]
    title = A.Span([A.Strong(words)], A.attr("", [f"{THEOREMS[kind].lower()}-title"]))
    if content and content[0]["t"] == "Para":
        content[0]["c"] = [title, A.Space(), *content[0]["c"]]
    else:
        content.insert(0, A.Para([title]))
    if THEOREMS[kind].lower() not in div["c"][0][1]:
        div["c"][0][1].append(THEOREMS[kind].lower())

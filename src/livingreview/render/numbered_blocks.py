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

import re

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


# ---------------------------------------------------------------- Typst (theorion)

# Kinds Quarto writes for Typst with the theorion package, and their environments.
THEORION = ("thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr")
THEORION_IMPORT = """\
#import "@preview/theorion:0.4.1": make-frame

// Simple theorem render: bold title with period, italic body
#let simple-theorem-render(prefix: none, title: "", full-title: auto, body) = {
  if full-title != "" and full-title != auto and full-title != none {
    strong[#full-title.]
    h(0.5em)
  }
  emph(body)
  parbreak()
}"""


def env(kind: str) -> str:
    """theorion's environment for a kind: ``theorem``, ``lemma`` ..."""
    return THEOREMS[kind].lower()


def typst_theorem_setup(numbers: dict[str, list[str]], titles: dict[str, str]) -> str:
    """Quarto's theorion set-up for the theorem kinds a book uses.

    ``numbers`` gives each kind's numbers in order ("2.1", "2.2" ...): a frame
    shows the n-th, so theorion titles it with the book model's number;
    ``titles`` are the kinds' words ("Theorem").
    """
    if not numbers:
        return ""
    lines = [THEORION_IMPORT]
    for kind, values in numbers.items():
        e = env(kind)
        listed = "".join(f'"{v}", ' for v in values)
        lines.append(
            f"#let ({e}-counter, {e}-box, {e}, show-{e}) = make-frame(\n"
            f'  "{e}",\n'
            f'  text(weight: "bold")[{_markup(titles[kind])}],\n'
            "  inherited-levels: 0,\n"
            f"  numbering: loc => number-from(({listed})),\n"
            "  render: simple-theorem-render,\n"
            ")"
        )
        lines.append(f"#show: show-{e}")
    return "\n".join(lines) + "\n"


def _markup(text: str) -> str:
    """``text`` as Typst markup with its special characters escaped."""
    return re.sub(r"([\\\[\]#*_$<>@`])", r"\\\1", text)


def typst_theorem(div: A.Element) -> list[A.Element] | None:
    """A numbered theorem-like block as Quarto writes it for Typst:
    ``#theorem(title: [Line])[ ... ] <thm-line>`` (theorion numbers and titles it)."""
    kind = block_kind(div)
    if kind not in THEORION:
        return None
    ident = div["c"][0][0]
    content = div["c"][1]
    name: list[A.Element] = []
    first = content[0] if content else None
    if first and first["t"] == "Para" and first["c"] and first["c"][0]["t"] == "Span":
        title = first["c"][0]
        if f"{env(kind)}-title" in title["c"][0][1]:
            words = title["c"][1][0]["c"] if title["c"][1] else []  # Strong's inlines
            if len(words) > 4 and words[2]["t"] == "Str" and words[2]["c"] == "(":
                name = words[3:-1]  # "Theorem 1", " ", "(", name ..., ")"
            rest = first["c"][1:]
            if rest and rest[0]["t"] == "Space":
                rest = rest[1:]
            content = ([A.Para(rest)] if rest else []) + content[1:]
    opening = [A.RawInline("typst", f"#{env(kind)}(")]
    if name:
        opening += [A.RawInline("typst", "title: ["), *name, A.RawInline("typst", "]")]
    opening.append(A.RawInline("typst", ")["))
    return [A.Plain(opening), *content, A.RawBlock("typst", f"] <{ident}>")]

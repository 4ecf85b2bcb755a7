"""Cross-references and numbered equations written per format, as Quarto writes them.

The book model (:mod:`.book`) numbers every figure, table, section, equation
and theorem-like block once, for all three formats. A reference is a
``quarto-xref`` link whose text is a ``quarto-xref-supplement`` span
("Figure"), a no-break space and the number; a labelled equation is a
``quarto-equation`` span carrying its number.

- HTML and DOCX: the supplement span is unwrapped and the equation's number is
  written after the formula (``\\qquad (1)``), as Quarto does.
- Typst: a reference becomes Quarto's ``#ref(<fig-x>, supplement: [Figure])``
  and a labelled equation Quarto's ``#math.equation(block: true, numbering:
  equation-numbering, alt: "...", [ $ ... $ ])<eq-x>``. Typst shows the numbers
  the book model gave: :func:`typst_numbers` writes them into the document
  (``xref-numbers`` for references, ``equation-numbering`` for equations), and
  the PDF template's ``xref-show`` rule renders a reference as "Figure 3.1".
  So the PDF reads exactly as the HTML and DOCX, chapter prefixes and lettered
  appendices included.
"""

from __future__ import annotations

from typing import Any

from . import ast as A
from .numbered_blocks import THEORION, typst_theorem_setup

XREF = "quarto-xref"
XREF_SUPPLEMENT = "quarto-xref-supplement"  # the "Figure" of a reference's "Figure 1"
EQUATION = "quarto-equation"
EQUATION_NUMBER = "equation-number"  # attribute of an equation span, removed when written


def typst_str(text: str) -> str:
    """``text`` as a Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_refs(blocks: list[A.Element], fmt: str) -> list[A.Element]:
    """References and labelled equations in ``fmt``'s form (see the module docstring)."""

    def refs(el: A.Element) -> Any:  # before the supplement spans are unwrapped
        if fmt == "typst" and el["t"] == "Link" and XREF in el["c"][0][1]:
            return _typst_ref(el)
        return None

    def rest(el: A.Element) -> Any:
        if el["t"] != "Span":
            return None
        classes = el["c"][0][1]
        if XREF_SUPPLEMENT in classes:
            return el["c"][1]
        if EQUATION in classes:
            return _equation(el, fmt)
        return None

    return A.walk(A.walk(blocks, refs), rest)


def _typst_ref(link: A.Element) -> list[A.Element]:
    """``#ref(<id>, supplement: [Figure])`` and any suffix (``[@fig-x, left]``)."""
    ident = link["c"][2][0].lstrip("#")
    content = link["c"][1]
    supplement: list[A.Element] = []
    if content and content[0]["t"] == "Span" and XREF_SUPPLEMENT in content[0]["c"][0][1]:
        supplement = content[0]["c"][1]
        content = content[1:]
    suffix = content[1:]  # content[0] is the number
    return [
        A.RawInline("typst", f"#ref(<{ident}>, supplement: ["),
        *supplement,
        A.RawInline("typst", "])"),
        *suffix,
    ]


def _equation(span: A.Element, fmt: str) -> list[A.Element] | A.Element:
    a, content = span["c"]
    number = A.attr_pop(a, EQUATION_NUMBER) or ""
    math = next((el for el in A.iter_elements(content) if el["t"] == "Math"), None)
    if math is None:
        return span
    if fmt != "typst":
        math["c"][1] = math["c"][1].rstrip() + rf" \qquad ({number})"
        return span
    alt = A.attr_get(a, "aria-label")
    alt_param = ""
    if alt:  # Quarto straightens curly quotes, then escapes for a Typst string
        alt = alt.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
        alt_param = f", alt: {typst_str(alt)}"
    block = "true" if math["c"][0]["t"] == "DisplayMath" else "false"
    return [
        A.RawInline(
            "typst", f"#math.equation(block: {block}, numbering: equation-numbering{alt_param}, [ "
        ),
        math,
        A.RawInline("typst", f" ])<{a[0]}>"),
    ]


def typst_numbers(numbers: dict[str, tuple[str, str]], titles: dict[str, str]) -> A.Element:
    """The book's numbers for Typst: ``{id: (kind, number)}`` of every numbered target.

    ``xref-numbers`` maps each id to the number a reference shows;
    ``equation-numbering`` gives the n-th numbered equation its number, "(3.1)";
    theorems are set up as Quarto does with theorion, numbered the same way
    (``titles``: each kind's word, "Theorem").
    """
    pairs = ", ".join(f"{typst_str(k)}: {typst_str(n)}" for k, (_, n) in numbers.items())
    equations = [n for kind, n in numbers.values() if kind == "eq"]
    eq_list = "".join(f"{typst_str(n)}, " for n in equations)
    theorems: dict[str, list[str]] = {}
    for kind, n in numbers.values():
        if kind in THEORION:
            theorems.setdefault(kind, []).append(n)
    return A.RawBlock(
        "typst",
        typst_theorem_setup(theorems, titles)  # before the reference rule, which wins
        + f"#let xref-numbers = ({pairs or ':'})\n"
        "#show ref: xref-show(xref-numbers)\n"
        f"#let equation-numbering = numbering-from(({eq_list}))",
    )

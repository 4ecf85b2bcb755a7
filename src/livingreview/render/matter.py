"""Journal front and back matter kept as data in ``_quarto.yml``.

Co-authors fill in fields; nothing is hand-formatted in a chapter. Every field
is optional and an empty one prints nothing (no placeholders); the manuscript
check warns while funding or competing interests, which PRISMA 2020 requires
(items 25 and 26), is empty::

    registration: "PROSPERO CRD42..."          # front matter
    key-points:
      known: ["...", "..."]                     # What is already known
      adds: ["...", "..."]                      # What this study adds
    declarations:                               # back matter, before the references
      funding: "..."
      competing-interests: "..."
      contributions: "..."
      data-availability: "..."
      acknowledgements: "..."

An author with ``corresponding: true`` (Quarto's author field) and an ``email``
is named as the corresponding author. When the review declares its website's
address (``book: site-url``), Data availability ends with it, so a DOCX or PDF
read apart from the website says where that is. Values are Markdown (a relative
link is to a file of the project, as every path in ``_quarto.yml``). The blocks are
added to the book's first chapter (front) and to the end of the chapter
before the references (back), so the website, the DOCX and the PDF carry the
same matter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import ast as A
from .chapter_source import SCHEME
from .pandoc import markdown_to_ast

__all__ = ["DECLARATIONS", "back_matter", "front_matter_blocks", "missing_prisma_declarations"]

DECLARATIONS = (
    ("funding", "Funding"),
    ("competing-interests", "Competing interests"),
    ("contributions", "Author contributions"),
    ("data-availability", "Data availability"),
    ("acknowledgements", "Acknowledgements"),
)


# Declarations PRISMA 2020 asks every review to make (items 25 and 26); a review
# without funding or competing interests says so ("None."), it does not leave them out.
PRISMA_DECLARATIONS = (("funding", 25), ("competing-interests", 26))


def missing_prisma_declarations(metadata: Mapping[str, Any]) -> list[str]:
    """One sentence per PRISMA-required declaration left empty in ``_quarto.yml``,
    naming the key, the PRISMA 2020 item and what to write."""
    fields = metadata.get("declarations") if isinstance(metadata, Mapping) else None
    fields = fields if isinstance(fields, Mapping) else {}
    return [
        f"_quarto.yml: declarations: {key} is empty, so the review does not report "
        f'PRISMA 2020 item {item}; state it (write "None." if there is none)'
        for key, item in PRISMA_DECLARATIONS
        if not _text(fields.get(key))
    ]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _items(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [_text(v) for v in value or [] if _text(v)]


def _blocks(markdown: str, what: str) -> list[A.Element]:
    """``markdown`` parsed; a relative link in it is to a file of the project (as every
    path in ``_quarto.yml`` is), whichever chapter's page the matter is shown on."""
    blocks = markdown_to_ast(markdown, what=what)["blocks"] if markdown.strip() else []
    for el in A.iter_elements(blocks):
        target = el["c"][2][0] if el["t"] == "Link" else "#"
        if not target.startswith("#") and not SCHEME.match(target):
            el["c"][0][1].append("root-link")
    return blocks


def site_url(metadata: Mapping[str, Any]) -> str:
    """``book: site-url``, the website's address (checked by
    :func:`~.project.load_book`), or ``""``."""
    book = metadata.get("book") or {}
    return _text(book.get("site-url")) if isinstance(book, Mapping) else ""


def front_matter_blocks(metadata: Mapping[str, Any]) -> list[A.Element]:
    """Correspondence, registration and the key-points box (empty fields give nothing)."""
    lines = []
    book = metadata.get("book") or {}
    for author in book.get("author") or []:
        if isinstance(author, dict) and author.get("corresponding") and _text(author.get("email")):
            name = author.get("name")
            name = name.get("literal", "") if isinstance(name, dict) else _text(name)
            lines.append(f"**Correspondence:** {name}, <{_text(author['email'])}>")
    if _text(metadata.get("registration")):
        lines.append(f"**Registration:** {_text(metadata['registration'])}")
    markdown = "\n\n".join(lines)
    points = metadata.get("key-points") or {}
    known, adds = _items(points.get("known")), _items(points.get("adds"))
    if known or adds:
        box = ['::: {.callout-note title="Key points"}']
        for title, items in (("What is already known", known), ("What this study adds", adds)):
            if items:
                box += [f"**{title}**", "", *[f"- {item}" for item in items], ""]
        box.append(":::")
        markdown += "\n\n" + "\n".join(box)
    return _blocks(markdown, "_quarto.yml front matter")


def back_matter(metadata: Mapping[str, Any]) -> list[A.Element]:
    """The "Declarations" section from ``declarations:`` (nothing if every field is empty)."""
    fields = dict(metadata.get("declarations") or {})
    address = site_url(metadata)
    if address and _text(fields.get("data-availability")):  # where "the website" is
        fields["data-availability"] = (
            f"{_text(fields['data-availability'])}\n\nThe review's website is at <{address}>."
        )
    parts = [
        f"### {label} {{.unnumbered}}\n\n{_text(fields.get(key))}"
        for key, label in DECLARATIONS
        if _text(fields.get(key))
    ]
    if not parts:
        return []
    markdown = "## Declarations {#sec-declarations .unnumbered}\n\n" + "\n\n".join(parts)
    return _blocks(markdown, "_quarto.yml declarations")


def add_matter(
    metadata: Mapping[str, Any], pages: list[tuple[Any, list[A.Element]]]
) -> list[tuple[Any, list[A.Element]]]:
    """``pages`` with the front matter after the first chapter's title and the back
    matter at the end of the chapter before the one holding the reference list."""
    if not pages:
        return pages
    out = [(ch, list(blocks)) for ch, blocks in pages]
    front = front_matter_blocks(metadata)
    if front:
        blocks = out[0][1]
        at = 1 if blocks and blocks[0]["t"] == "Header" else 0
        blocks[at:at] = front
    back = back_matter(metadata)
    if back:
        refs = next(
            (
                i
                for i, (_, blocks) in enumerate(out)
                if any(
                    el["t"] == "Div" and el["c"][0][0] == "refs" for el in A.iter_elements(blocks)
                )
            ),
            len(out),
        )
        target = max(0, refs - 1)
        out[target][1].extend(back)
    return out

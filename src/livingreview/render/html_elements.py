"""Rewrites of a website page's elements (embedded backend): wide tables in a
scrolling region, SVG figures whose shapes are links written into the page, and
links and image paths made relative to the page they end up on; whether a page
shows a figure in parts."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from ..figures.parts import PARTS_CLASS
from . import ast as A
from .block_index import select

WIDE_TABLE_COLUMNS = 7


def scroll_table(el: A.Element) -> A.Element | None:
    """Wrap a table in a scrolling region that keyboard users can focus and scroll.

    The region is named after the table's caption; ``--cols`` lets the style sheet
    give wide tables a minimum width so their columns stay readable.
    """
    if el["t"] != "Table":
        return None
    caption = A.attr_pop(el["c"][0], "data-float-caption")  # a float's, moved to <figcaption>
    label = A.stringify(el["c"][1][1]) or caption or el["c"][0][0] or "Table"
    cols = len(el["c"][2])
    # wide tables take the page width on desktops; they and tables of class "cards"
    # (the records appendix's) become one card per row on phones
    classes = ["table-scroll", "table-wide"] if cols >= WIDE_TABLE_COLUMNS else ["table-scroll"]
    if cols >= WIDE_TABLE_COLUMNS or "cards" in el["c"][0][1]:
        classes.append("table-cards")
    return A.Div(
        [el],
        A.attr(
            "",
            classes,
            {"role": "region", "tabindex": "0", "aria-label": label, "style": f"--cols: {cols}"},
        ),
    )


_SVG_PROLOGUE = re.compile(r"\A(?:\s*<\?xml[^>]*\?>|\s*<!DOCTYPE[^>]*>)*\s*", re.S)
_SVG_HREF = re.compile(r'(?P<attr>\s(?:xlink:)?href=")(?P<url>[^"#][^"]*)"')


def inline_linked_svg(el: A.Element, page: str, root: Path) -> A.Element | None:
    """An SVG image whose shapes are hyperlinks (the PRISMA flow diagram) is inlined.

    Links inside an SVG shown with ``<img>`` cannot be clicked, so such a figure
    is written into the page itself. Its relative links, written relative to
    the SVG file (so the file also works on its own), are rewritten relative to
    the page. SVGs without links stay ``<img>`` (smaller pages, cached files).
    """
    if el["t"] != "Image":
        return None
    src = el["c"][2][0]
    if not src.endswith(".svg") or ":" in src.split("/")[0]:
        return None
    here = posixpath.dirname(page)
    rel = posixpath.normpath(posixpath.join(here, src))
    path = root / rel
    if not path.is_file():
        return None
    svg = path.read_text(encoding="utf-8")
    if not re.search(r"<a\s[^>]*href=", svg):
        return None
    svg_dir = posixpath.dirname(rel)

    def relink(match: re.Match[str]) -> str:
        url = match["url"]
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/", url, re.I):
            return match.group(0)  # absolute: leave it
        target, _, anchor = url.partition("#")
        moved = posixpath.relpath(posixpath.normpath(posixpath.join(svg_dir, target)), here or ".")
        return f'{match["attr"]}{moved}{"#" + anchor if anchor else ""}"'

    svg = _SVG_HREF.sub(relink, _SVG_PROLOGUE.sub("", svg, count=1))
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, count=1, flags=re.S)
    svg = svg.replace(
        "<svg ", '<svg class="linked-figure" style="max-width: 100%; height: auto" ', 1
    )
    return A.RawInline("html", svg.rstrip("\n"))


def has_figure_parts(blocks: list[A.Element]) -> bool:
    """Whether a finished website page holds a figure in parts (figures/parts.py),
    which pages.js shows one part at a time."""
    return any(PARTS_CLASS in el["c"][0][1] for el in select(blocks, ("Div",)))


def html_links(
    blocks: list[A.Element], page: str, id_pages: dict[str, str], images: set[str]
) -> None:
    """Links to ids on other pages become ``page.html#id``; image paths become page-relative."""
    here = posixpath.dirname(page)

    def rel(target: str) -> str:
        return posixpath.relpath(target, here or ".")

    for el in select(blocks, ("Link", "Image")):
        if el["t"] == "Link":
            target = el["c"][2][0]
            if target.startswith("#"):
                other = id_pages.get(target[1:])
                if other and other != page:
                    el["c"][2][0] = rel(other) + target
            elif "root-link" in el["c"][0][1]:  # a project file (a figure's source note)
                el["c"][2][0] = rel(target)
        elif el["t"] == "Image":
            src = el["c"][2][0]
            if ":" in src.split("/")[0]:
                continue
            images.add(src)
            el["c"][2][0] = rel(src)

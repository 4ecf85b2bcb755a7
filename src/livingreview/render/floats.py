"""Quarto floats: figures and tables in every form Quarto accepts, and layouts.

:func:`normalise_floats` turns each Quarto float form into one Pandoc
``Figure`` (or, for a plain Markdown table, a ``Table``) carrying the float's
id, so numbering and cross-references see one shape:

- an image alone in a paragraph (Pandoc's implicit figure), with a ``#fig-``
  or ``#tbl-`` id;
- a linked image ``[![caption](img){#fig-x}](url)``;
- a code block with a ``#lst-`` id and ``lst-cap="..."`` (a listing);
- a ``.list-table`` div (Quarto's list of lists written as a table);
- a div ``::: {#fig-x}`` / ``::: {#tbl-x}`` around an image, a table or any
  content, captioned by its last paragraph or by ``fig-cap=``/``tbl-cap=``;
- a div with ``layout-ncol``, ``layout-nrow`` or ``layout``: its blocks are
  laid out in rows of cells. Inside a float, captioned figures and tables
  become subfloats (``quarto-subfloat``), captioned "(a)", "(b)" ... by the
  numbering pass and referenced as "Figure 1 (a)".

:func:`render_float` then gives each format Quarto's shape: in HTML
``div#fig-x > figure.quarto-float > figcaption.quarto-float-caption`` with
``div.quarto-layout-row`` rows, in DOCX a layout table, in Typst a grid
inside a figure.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from ..figures.parts import PARTS_CLASS, PRINT_NOTE_CLASS
from . import ast as A
from .pandoc import markdown_to_ast

FLOAT_KINDS = ("fig", "tbl", "lst")
LAYOUT_ATTRS = ("layout", "layout-ncol", "layout-nrow")
SUBFLOAT = "quarto-subfloat"
PANEL = "quarto-layout-panel"


def float_kind(ident: str) -> str | None:
    """``fig``, ``tbl`` or ``lst`` for a float id (``fig-x``), else None."""
    prefix, dash, _ = ident.partition("-")
    return prefix if dash and prefix in FLOAT_KINDS else None


def figure(ident: str, classes: list[str], attrs: list, caption: list, content: list) -> A.Element:
    """A Pandoc ``Figure`` with a one-block caption (or none)."""
    return {
        "t": "Figure",
        "c": [[ident, classes, attrs], [None, [A.Plain(caption)] if caption else []], content],
    }


def caption_inlines(el: A.Element) -> list[A.Element]:
    """The caption of a Figure or Table as inlines."""
    blocks = el["c"][1][1]
    out: list[A.Element] = []
    for b in blocks:
        if b["t"] in ("Plain", "Para"):
            if out:
                out.append(A.Space())
            out.extend(b["c"])
    return out


# ---------------------------------------------------------------- normalising


def normalise_floats(blocks: list[A.Element]) -> list[A.Element]:
    """Every float form as a ``Figure``/``Table`` with its id (see the module docstring)."""

    def visit(el: A.Element) -> Any:
        if el["t"] == "Para":
            return _linked_image(el)
        if el["t"] == "Figure":
            return _image_figure(el)
        if el["t"] == "Div":
            return _float_div(el)
        if el["t"] == "CodeBlock":
            return _listing(el)
        return None

    return A.walk(blocks, visit)


def _listing(code: A.Element) -> A.Element | None:
    """A code block with a ``#lst-`` id and ``lst-cap``: a listing float (caption in Markdown)."""
    a = code["c"][0]
    if float_kind(a[0]) != "lst":
        return None
    written = A.attr_pop(a, "lst-cap") or ""
    parsed = markdown_to_ast(written, what=f"lst-cap of #{a[0]}")["blocks"] if written else []
    caption = parsed[0]["c"] if parsed and parsed[0]["t"] in ("Para", "Plain") else []
    ident = a[0]
    a[0] = ""
    return figure(ident, [], [], caption, [code])


def _linked_image(para: A.Element) -> A.Element | None:
    """``[![cap](img){#fig-x}](url)`` alone in a paragraph: a figure (Quarto's linked figure)."""
    inlines = [i for i in para["c"] if i["t"] not in ("Space", "SoftBreak")]
    if len(inlines) != 1 or inlines[0]["t"] != "Link":
        return None
    link = inlines[0]
    content = [i for i in link["c"][1] if i["t"] not in ("Space", "SoftBreak")]
    if len(content) != 1 or content[0]["t"] != "Image":
        return None
    image = content[0]
    ident = image["c"][0][0]
    if not float_kind(ident):
        return None
    image["c"][0][0] = ""
    return figure(ident, [], [], list(image["c"][1]), [A.Plain([link])])


def _image_figure(fig: A.Element) -> A.Element | None:
    """An implicit figure whose id sits on the image rather than on the figure."""
    if fig["c"][0][0]:
        return None
    images = [i for b in fig["c"][2] if b["t"] in ("Plain", "Para") for i in b["c"]]
    if len(images) == 1 and images[0]["t"] == "Image" and float_kind(images[0]["c"][0][0]):
        fig["c"][0][0] = images[0]["c"][0][0]
        images[0]["c"][0][0] = ""
    return None


def _list_table(div: A.Element) -> A.Element | None:
    """Quarto's ``.list-table``: a list of lists (first row the header) as a table.

    A paragraph before or after the list is the caption; ``{...}`` attributes
    at its end (``tbl-colwidths``) are dropped.
    """
    a, blocks = div["c"]
    lists = [b for b in blocks if b["t"] == "BulletList"]
    if len(lists) != 1 or not all(
        len(item) == 1 and item[0]["t"] == "BulletList" for item in lists[0]["c"]
    ):
        return None
    rows = [[cell for cell in item[0]["c"]] for item in lists[0]["c"]]
    paras = [b for b in blocks if b["t"] == "Para"]
    caption = list(paras[0]["c"]) if paras else []
    while caption and (
        caption[-1]["t"] == "Space" or A.stringify(caption[-1]).rstrip().endswith("}")
    ):
        last = caption.pop()
        if last["t"] == "Str" and last["c"].startswith("{"):
            while caption and caption[-1]["t"] == "Space":
                caption.pop()
            break
    columns = max(len(r) for r in rows)

    def row(cells: list[list[A.Element]]) -> list:
        padded = [*cells, *[[] for _ in range(columns - len(cells))]]
        return [A.attr(), [[A.attr(), {"t": "AlignDefault"}, 1, 1, c] for c in padded]]

    table = {
        "t": "Table",
        "c": [
            [a[0], [c for c in a[1] if c != "list-table"], list(a[2])],
            [None, [A.Plain(caption)] if caption else []],
            [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(columns)],
            [A.attr(), [row(rows[0])]],
            [[A.attr(), 0, [], [row(r) for r in rows[1:]]]],
            [A.attr(), []],
        ],
    }
    return table


def _float_div(div: A.Element) -> A.Element | None:
    if "list-table" in div["c"][0][1]:
        return _list_table(div)
    a, blocks = div["c"]
    ident = a[0]
    kind = float_kind(ident)
    layout = any(A.attr_get(a, k) is not None for k in LAYOUT_ATTRS)
    if not (kind or layout) or not blocks:
        return None
    body = [b for b in blocks if not (b["t"] == "Para" and not b["c"])]
    caption: list[A.Element] = []
    written = A.attr_pop(a, f"{kind}-cap") if kind else None
    if written:
        caption = A.text_inlines(written)
    elif kind and len(body) > 1 and body[-1]["t"] == "Para":
        caption = body.pop()["c"]
    if layout:
        return _panel(a, kind, caption, body)
    assert kind is not None
    if len(body) == 1 and _is_bare_panel(body[0]):
        # ::: {#fig-x} around an (included) ::: {layout-ncol=1}: the float's own panel,
        # its captioned figures its subfloats (a figure in parts, figures/parts.py)
        rows = body[0]["c"][1]
        for cell in (c for row in rows for c in row["c"][1]):
            cell["c"][1] = [_subfloat(b, kind) for b in cell["c"][1]]
        parts = [c for c in (PARTS_CLASS, PRINT_NOTE_CLASS) if c in body[0]["c"][0][1]]
        return figure(ident, [*a[1], *parts, PANEL], list(a[2]), caption, rows)
    if kind == "tbl" and len(body) == 1 and body[0]["t"] == "Table":
        table = body[0]
        table["c"][0] = [ident, list(a[1]), list(a[2])]
        if caption:
            table["c"][1] = [None, [A.Plain(caption)]]
        return table
    if len(body) == 1 and body[0]["t"] == "Figure" and not body[0]["c"][0][0]:
        inner = body[0]  # ::: {#fig-x} wrapping ![cap](img)
        inner["c"][0] = [ident, list(a[1]), list(a[2])]
        if caption or written:
            inner["c"][1] = [None, [A.Plain(caption)] if caption else []]
        return inner
    return figure(ident, list(a[1]), list(a[2]), caption, [_unfigure(b) for b in body])


def _is_bare_panel(block: A.Element) -> bool:
    """A layout div without an id or attributes of its own (a panel of cells)."""
    return block["t"] == "Div" and PANEL in block["c"][0][1] and not block["c"][0][0]


def _unfigure(block: A.Element) -> A.Element:
    """Content of a float: an id-less implicit figure inside keeps only its image."""
    if block["t"] == "Figure" and not block["c"][0][0]:
        content = block["c"][2]
        return content[0] if len(content) == 1 else A.Div(content)
    if block["t"] == "Para":
        return A.Plain(block["c"])
    return block


def layout_rows(a: A.Attr, count: int) -> list[list[float]]:
    """Cell widths (percent; negative for a spacer) row by row, Quarto's layout rules."""
    spec = A.attr_pop(a, "layout")
    ncol = A.attr_pop(a, "layout-ncol")
    nrow = A.attr_pop(a, "layout-nrow")
    rows: list[list[float]] = []
    if spec:
        try:
            pattern = yaml.safe_load(spec)
        except yaml.YAMLError:
            pattern = None
        if isinstance(pattern, list) and pattern and not isinstance(pattern[0], list):
            pattern = [pattern]
        if isinstance(pattern, list) and all(
            isinstance(r, list) and r and all(isinstance(x, int | float) for x in r)
            for r in pattern
        ):
            placed = 0
            while placed < count:
                for row in pattern:
                    total = sum(abs(x) for x in row) or 1
                    rows.append([100.0 * x / total for x in row])
                    placed += sum(1 for x in row if x > 0)
                    if placed >= count:
                        break
            return rows
    cols = 1
    if ncol and ncol.isdigit() and int(ncol) > 0:
        cols = int(ncol)
    elif nrow and nrow.isdigit() and int(nrow) > 0:
        cols = max(1, math.ceil(count / int(nrow)))
    for start in range(0, count, cols):
        rows.append([100.0 / cols] * min(cols, count - start))
    return rows


def _panel(a: A.Attr, kind: str | None, caption: list, body: list) -> A.Element:
    """A layout: rows of cells; in a float, captioned figures/tables become subfloats."""
    widths = layout_rows(a, len(body))
    cells = iter(body)
    rows = []
    for row in widths:
        out = []
        for width in row:
            if width < 0:
                out.append(_cell([], -width, ["quarto-figure-spacer"]))
                continue
            block = next(cells, None)
            if block is None:
                break
            if kind:
                block = _subfloat(block, kind)
            out.append(_cell([block], width, ["quarto-layout-cell"]))
        rows.append(A.Div(out, A.attr("", ["quarto-layout-row"])))
    ident = a[0]
    classes = [*a[1], PANEL]
    if kind:
        return figure(ident, classes, list(a[2]), caption, rows)
    return A.Div(rows, [ident, classes, list(a[2])])


def _cell(blocks: list, width: float, classes: list[str]) -> A.Element:
    style = f"flex-basis: {width:.1f}%;justify-content: flex-start;"
    return A.Div(blocks, A.attr("", classes, {"style": style}))


def _subfloat(block: A.Element, kind: str) -> A.Element:
    """A captioned figure or table inside a float panel, marked as its subfloat."""
    if block["t"] == "Table" and block["c"][1][1]:
        a = block["c"][0]
        caption = caption_inlines(block)
        block["c"][1] = [None, []]
        ident = a[0]
        block["c"][0] = ["", a[1], a[2]]
        return figure(ident, [SUBFLOAT], [], caption, [block])
    if block["t"] == "Figure" and (block["c"][1][1] or block["c"][0][0]):
        block["c"][0][1].append(SUBFLOAT)
        return block
    return _unfigure(block)


def is_subfloat(el: A.Element) -> bool:
    return el["t"] == "Figure" and SUBFLOAT in el["c"][0][1]


# On each part of a figure in parts (figures/parts.py): the figure's name, "Figure 1.2"
PART_OF = "part-of"


def mark_parts(panel: A.Element, name: str) -> None:
    """Give each part of ``panel``, if it is a figure in parts, the figure's ``name``."""
    if PARTS_CLASS in panel["c"][0][1]:
        for sub in subfloats(panel):
            sub["c"][0][2].append([PART_OF, name])


def _name_the_figure(part: A.Element, fmt: str) -> bool:
    """Start a printed part's caption with its figure's name: "Figure 1.2 (b) Studies 26-50
    of 1,000". In print the parts run over many pages and the figure's own caption is on
    the last; the website shows that caption under each part. True if it was changed."""
    name = A.attr_pop(part["c"][0], PART_OF)
    blocks = part["c"][1][1]
    if not name or fmt == "html" or not blocks or blocks[0]["t"] not in ("Plain", "Para"):
        return False
    blocks[0]["c"] = [*A.text_inlines(name), A.Space(), *blocks[0]["c"]]
    return True


def subfloats(panel: A.Element) -> list[A.Element]:
    """The subfloats of a float panel, in reading order."""
    return [el for el in A.iter_elements(panel["c"][2]) if is_subfloat(el)]


SUBREF_LABELS = "abcdefghijklmnopqrstuvwxyz"


def label(style: str, n: int) -> str:
    """The ``n``th (1-based) label in a Quarto ``*-labels`` style (``arabic``, ``alpha a``...)."""
    kind, _, start = style.strip().partition(" ")
    if kind == "alpha":  # a ... z, then aa, ab ... (a figure in 40 parts has 40)
        first = start[:1] if start[:1].isalpha() and start[:1].isascii() else "a"
        letters = SUBREF_LABELS
        if first.isupper():
            letters = letters.upper()
        k, text = letters.index(first) + n, ""
        while k > 0:
            k, digit = divmod(k - 1, 26)
            text = letters[digit] + text
        return text
    if kind == "roman":
        text = _roman(n)
        return text.upper() if start and start.isupper() else text
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out += numeral
            n -= value
    return out


# ---------------------------------------------------------------- writing


def render_float(el: A.Element, fmt: str) -> list[A.Element] | None:
    """Each format's shape for a float (Figure/Table with a float id) or a layout panel."""
    if el["t"] == "Div" and PANEL in el["c"][0][1]:
        return _layout(el, fmt, None)
    if el["t"] not in ("Figure", "Table"):
        return None
    ident = el["c"][0][0]
    kind = float_kind(ident)
    panel = el["t"] == "Figure" and PANEL in el["c"][0][1]
    named = is_subfloat(el) and _name_the_figure(el, fmt)
    if fmt == "html" and (kind or is_subfloat(el)):
        return _html_float(el, kind or "fig")
    if panel:
        return _layout(el, fmt, kind or "fig")
    if fmt == "docx" and is_subfloat(el):
        return [A.Div([*el["c"][2], A.Para(caption_inlines(el))], A.attr(ident))]
    return [el] if named else None


def _raw(fmt: str, text: str) -> A.Element:
    return A.RawBlock(fmt, text)


def _html_float(el: A.Element, kind: str) -> list[A.Element]:
    a = el["c"][0]
    ident = a[0]
    sub = is_subfloat(el)
    panel = PANEL in a[1]
    caption = caption_inlines(el)
    if el["t"] == "Table":
        table = el
        table["c"][1] = [None, []]
        attrs = [*a[2], ["data-float-caption", A.stringify(caption)]]
        table["c"][0] = ["", [c for c in a[1] if c != SUBFLOAT], attrs]
        content = [table]
    else:
        content = el["c"][2]
    if PARTS_CLASS in a[1]:  # a figure in parts: the website shows one part at a time
        for row in content[1:]:  # (pages.js), so later parts load when shown
            for item in A.iter_elements([row]):
                if item["t"] == "Image" and A.attr_get(item["c"][0], "loading") is None:
                    item["c"][0][2].append(["loading", "lazy"])
    for item in A.iter_elements(content):
        if item["t"] == "Image" and "figure-img" not in item["c"][0][1]:
            item["c"][0][1].append("figure-img")
    position = "top" if kind in ("tbl", "lst") else "bottom"
    if sub:
        outer = [f"quarto-subfloat-{kind}", "quarto-float"]
        inner = f"quarto-subfloat-{kind} figure"
        cap_class = (
            f"quarto-float-caption-{position} quarto-subfloat-caption quarto-subfloat-{kind}"
        )
    else:
        outer = [PANEL] if panel else ["quarto-float", "quarto-figure", "anchored"]
        inner = f"quarto-float quarto-float-{kind} figure"
        cap_class = f"quarto-float-caption-{position} quarto-float-caption quarto-float-{kind}"
    cap = []
    described = ""
    if caption:
        cap = [
            _raw("html", f'<figcaption class="{cap_class}" id="{ident}-caption">'),
            A.Plain(caption),
            _raw("html", "</figcaption>"),
        ]
        described = f' aria-describedby="{ident}-caption"'
    body = [_raw("html", f"<div{described}>"), *content, _raw("html", "</div>")]
    inside = [*cap, *body] if position == "top" else [*body, *cap]
    keep = [c for c in a[1] if c not in (SUBFLOAT, PANEL)]
    return [
        A.Div(
            [_raw("html", f'<figure class="{inner}">'), *inside, _raw("html", "</figure>")],
            [ident, [*outer, *keep], list(a[2])],
        )
    ]


def _layout(el: A.Element, fmt: str, kind: str | None) -> list[A.Element] | None:
    """A layout panel (inside a float when ``kind`` is set) as a DOCX table or Typst grid."""
    rows = el["c"][2] if el["t"] == "Figure" else el["c"][1]
    grid = [[(cell["c"][1], _width(cell)) for cell in row["c"][1]] for row in rows]
    ident = el["c"][0][0]
    caption = caption_inlines(el) if el["t"] == "Figure" else []
    if fmt == "html":  # an id-less layout div keeps Quarto's rows of cells
        return None
    if fmt == "docx":  # one borderless table per row, as Quarto lays out DOCX
        out = [_docx_table([row]) for row in grid]
        if caption:
            out.append(A.Para(caption))
        return [A.Div(out, A.attr(ident))] if ident else out
    columns = max((len(r) for r in grid), default=1)
    parts: list[A.Element] = []
    # a column of several panels (a figure in parts) may run over pages, as its rows
    breakable = bool(kind) and columns == 1 and len(grid) > 1
    if breakable:
        # in place (a float cannot break), its panels too
        parts.append(_raw("typst", "#[#show figure: set block(breakable: true)"))
        parts.append(_raw("typst", "#show figure: set figure(placement: none)"))
    if kind:
        parts.append(_raw("typst", "#figure(["))
    if breakable:  # one panel after the other, each kept whole, pages between them
        for row in grid:
            for blocks, _ in row:
                parts += [_raw("typst", "#block(breakable: false, below: 2em)["), *blocks]
                parts.append(_raw("typst", "]"))
    else:
        parts.append(_raw("typst", f"#grid(columns: {columns}, gutter: 2em,"))
        for row in grid:
            for blocks, _ in row:
                parts += [_raw("typst", "  [\n#block["), *blocks, _raw("typst", "]\n  ],")]
            for _ in range(columns - len(row)):
                parts.append(_raw("typst", "  [],"))
        parts.append(_raw("typst", ")"))
    if kind:
        typst_kind = "table" if kind == "tbl" else "image"
        label = f" <{ident}>" if ident else ""
        parts += [
            _raw("typst", f"], kind: {typst_kind}, caption: ["),
            A.Plain(caption),
            _raw("typst", f"]){label}"),
        ]
    if breakable:
        parts.append(_raw("typst", "]"))
    return parts


def _width(cell: A.Element) -> float:
    style = A.attr_get(cell["c"][0], "style") or ""
    try:
        return float(style.split("flex-basis:")[1].split("%")[0])
    except (IndexError, ValueError):
        return 0.0


def _docx_table(grid: list[list[tuple[list, float]]]) -> A.Element:
    """A borderless Pandoc table holding the layout's cells (Quarto's DOCX layout)."""
    columns = max((len(r) for r in grid), default=1)
    widths = [0.0] * columns
    for row in grid:
        for i, (_, width) in enumerate(row):
            widths[i] = max(widths[i], width / 100.0)

    def cell(blocks: list) -> list:
        return [A.attr(), {"t": "AlignDefault"}, 1, 1, blocks]

    body_rows = []
    for row in grid:
        cells = [cell(blocks) for blocks, _ in row]
        cells += [cell([]) for _ in range(columns - len(row))]
        body_rows.append([A.attr(), cells])
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidth", "c": w or 1 / columns}] for w in widths]
    return {
        "t": "Table",
        "c": [
            A.attr("", ["quarto-layout"]),
            [None, []],
            colspecs,
            [A.attr(), []],
            [[A.attr(), 0, [], body_rows]],
            [A.attr(), []],
        ],
    }

"""Draw the PRISMA 2020 flow diagram with matplotlib.

The drawing follows the PRISMA 2020 templates (Page et al. 2021) as the
PRISMA2020 R package lays them out: blue side bands "Identification",
"Screening" and "Included"; a yellow title over the main arm; the grey
"Previous studies" column on the left for an updated review; the grey "other
methods" arm on the right. Arms with nothing to show are left out; when only
the other-methods arm has records (a review found by citation searching, say)
it becomes the main arm, in the main arm's place with the yellow title.

How text is kept inside its box
    Every box has a fixed width per column. Text is wrapped word by word,
    measuring each candidate line with the Agg renderer (the one that makes
    the PNG); continuation lines start where their paragraph starts (no
    hanging indent); words wider than a box are split. Box heights then
    follow the measured text, rows take the height of their tallest box,
    and the side bands grow rows when their label needs it. :func:`layout`
    returns every rectangle and every measured text extent so tests can prove
    nothing overflows or overlaps.

Deterministic output
    DejaVu Sans (bundled with matplotlib) at fixed sizes; ``svg.fonttype =
    'path'`` so the SVG looks the same on every machine whatever fonts the
    reader has (the text itself is kept in SVG comments, in a ``<desc>`` and,
    with links, in per-box ``<title>`` tooltips for screen readers and
    search); fixed ``svg.hashsalt``; no dates in SVG or PDF metadata. Two draws
    of the same counts give byte-identical files.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..io import atomic_path, write_text
from .flow_content import NBSP, _Spec, _specs, description
from .flow_content import drawn_boxes as drawn_boxes  # re-exported
from .model import BOX_OF_FIELD, PrismaCounts

if TYPE_CHECKING:  # matplotlib is imported where a drawing is made (cheap rule starts)
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

# --------------------------------------------------------------------------- #
# Style (sizes in inches unless marked pt)
# --------------------------------------------------------------------------- #

FONT = "DejaVu Sans"
FONT_SIZE = 8.0  # pt
TITLE_SIZE = 8.5  # pt
BAND_SIZE = 8.5  # pt
LINE_SPACING = 1.25
PNG_DPI = 300
MEASURE_DPI = 100

BLUE = "#a2b9d6"  # the PRISMA 2020 template's side bands
EDGE = "#000000"

PAD_X, PAD_Y = 0.08, 0.07
MARGIN = 0.1
BAND_WIDTH, BAND_GAP = 0.3, 0.14
COLUMN_GAP = 0.34  # room for a horizontal arrow between a box and its side box
ARM_GAP = 0.4
ROW_GAP = 0.26  # room for a vertical arrow
# Boxes drawn beside the line from the previous studies to the total (an updated review
# whose decision on a record of the previous version changed), inset by this much.
PREVIOUS_SIDE_BOXES = ("previous_withdrawn", "reassessed")
PREVIOUS_LINE_ROOM = 0.22
COLUMN_WIDTHS = {"prev": 1.8, "p": 2.2, "ps": 2.3, "s": 2.2, "ss": 2.3}
# The diagram is drawn at the width it is printed (A4 text width, 16 cm), so its
# type is printed at FONT_SIZE: columns are narrowed to fit, down to MIN_COLUMN_SCALE.
TEXT_WIDTH = 16 / 2.54
MIN_COLUMN_SCALE = 0.7

RC_PARAMS = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    # Real text, so the diagram's words can be searched and selected: the PDF
    # (Typst) is given matplotlib's DejaVu Sans, the website serves it as a web font.
    "svg.fonttype": "none",
    "svg.hashsalt": "livingreview-prisma2020",
    "pdf.fonttype": 42,
    "text.usetex": False,
    "figure.dpi": MEASURE_DPI,
}
SVG_METADATA = {"Date": None, "Creator": "livingreview"}
# No dates and no software versions: a matplotlib upgrade alone does not change the bytes.
PDF_METADATA = {
    "CreationDate": None,
    "ModDate": None,
    "Creator": "livingreview",
    "Producer": None,
}
PNG_METADATA = {"Software": None}


@contextlib.contextmanager
def _style() -> Iterator[None]:
    """Matplotlib's built-in defaults plus ours, whatever matplotlibrc this machine has."""
    import matplotlib as mpl

    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(RC_PARAMS)
        yield


BOX_NAMES: dict[str, str] = {
    name: BOX_OF_FIELD.get(name, name)
    for name in (
        "previous_studies",
        "database_results",
        "duplicates",
        "records_screened",
        "records_excluded",
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "dbr_assessed",
        "dbr_excluded",
        "new_studies",
        "website_results",
        "other_sought_reports",
        "other_notretrieved_reports",
        "other_assessed",
        "other_excluded",
        "total_studies",
        "total_studies_ma",
        "previous_withdrawn",
        "reassessed",
    )
}
"""Diagram boxes, named by their first count field, with the PRISMA2020 template box id.

``links`` may use either form as key (``"records_screened"`` or ``"box4"``).
"""


# --------------------------------------------------------------------------- #
# Layout objects
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Rect:
    """Axis-aligned rectangle in inches, origin at the figure's bottom-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def contains(self, other: Rect, tol: float = 1e-9) -> bool:
        """True when ``other`` lies entirely inside this rectangle."""
        return (
            other.x >= self.x - tol
            and other.y >= self.y - tol
            and other.right <= self.right + tol
            and other.top <= self.top + tol
        )

    def overlaps(self, other: Rect) -> bool:
        """True when the two rectangles share interior area."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.top
            and other.y < self.top
        )


@dataclass(frozen=True)
class PlacedBox:
    """One drawn box: its rectangle, the wrapped text drawn in it and that text's extent."""

    name: str
    kind: str  # "box", "title" or "band"
    rect: Rect
    text: str
    text_extent: Rect | None
    tooltip: str


@dataclass(frozen=True)
class Layout:
    """Everything the drawing places, in inches (figure coordinates)."""

    width: float
    height: float
    boxes: tuple[PlacedBox, ...]
    arrows: tuple[tuple[tuple[float, float], ...], ...]

    def box(self, name: str) -> PlacedBox:
        """The placed box called ``name`` (KeyError if the diagram has none)."""
        for box in self.boxes:
            if box.name == name:
                return box
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [b.name for b in self.boxes]


ROWS = ("title", "identification", "screened", "sought", "assessed", "included", "total", "ma")
BANDS = {
    "Identification": ("identification",),
    "Screening": ("screened", "sought", "assessed"),
    "Included": ("included", "total", "ma"),
}


# --------------------------------------------------------------------------- #
# Measuring and wrapping
# --------------------------------------------------------------------------- #


def _font(kind: str) -> FontProperties:
    size = {"box": FONT_SIZE, "title": TITLE_SIZE, "band": BAND_SIZE}[kind]
    weight = "normal" if kind == "box" else "bold"
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT, size=size, weight=weight)


class _Measure:
    """Text sizes in inches, measured by the Agg renderer that draws the PNG."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(dpi=MEASURE_DPI)
        FigureCanvasAgg(self.figure)
        self.renderer = self.figure.canvas.get_renderer()

    def width(self, text: str, prop: FontProperties) -> float:
        w, _, _ = self.renderer.get_text_width_height_descent(
            text.replace(NBSP, " "), prop, ismath=False
        )
        return w / MEASURE_DPI

    def block(self, text: str, kind: str, rotation: float = 0) -> tuple[float, float]:
        """Width and height of a (multi-line) text block as drawn."""
        artist = _text_artist(self.figure, 0, 0, text, kind, rotation=rotation)
        extent = artist.get_window_extent(self.renderer)
        artist.remove()
        return extent.width / MEASURE_DPI, extent.height / MEASURE_DPI


def _split_long_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut a word wider than the box into pieces that fit (at least one character each)."""
    pieces = []
    while word and not fits(word):
        cut = 1
        while cut < len(word) and fits(word[: cut + 1]):
            cut += 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word else pieces


def wrap(text: str, width: float, fits_width: Callable[[str], float]) -> list[str]:
    """Greedy word wrap of one paragraph to ``width`` inches.

    Leading spaces are kept as an indent, and continuation lines keep the same
    indent: no hanging indent, which the SVG (collapsing spaces) and the PNG
    would draw differently.
    """
    indent = text[: len(text) - len(text.lstrip(" "))]
    words = [w for w in re.split(r"[ \t\r\n]+", text.strip()) if w]
    lines: list[str] = []
    current = ""

    def fits(s: str) -> bool:
        return fits_width(s) <= width

    for word in words:
        candidate = f"{current} {word}" if current else indent + word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        fresh = indent + word
        pieces = [fresh] if fits(fresh) else _split_long_word(fresh, fits)
        lines += pieces[:-1]
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines or [""]


def _wrapped(spec: _Spec, width: float, measure: _Measure) -> str:
    prop = _font(spec.kind)
    lines: list[str] = []
    for paragraph in spec.paragraphs:
        lines += wrap(paragraph, width, lambda s: measure.width(s, prop))
    return "\n".join(lines).replace(NBSP, " ")


# --------------------------------------------------------------------------- #
# Placement
# --------------------------------------------------------------------------- #


def _column_positions(specs: Sequence[_Spec]) -> dict[str, tuple[float, float]]:
    """x and width of each column in use, left to right."""
    in_use = {c for s in specs for c in s.columns}
    used = [c for c in ("prev", "p", "ps", "s", "ss") if c in in_use]
    fixed = 2 * MARGIN + BAND_WIDTH + BAND_GAP + COLUMN_GAP * (len(used) - 1)
    fixed += (ARM_GAP - COLUMN_GAP) if "s" in used else 0
    natural = sum(COLUMN_WIDTHS[c] for c in used)
    scale = max(MIN_COLUMN_SCALE, min(1.0, (TEXT_WIDTH - fixed) / natural)) if natural else 1.0
    x = MARGIN + BAND_WIDTH + BAND_GAP
    positions: dict[str, tuple[float, float]] = {}
    for column in used:
        if column == "s":
            x += ARM_GAP - COLUMN_GAP
        width = round(COLUMN_WIDTHS[column] * scale, 3)
        positions[column] = (x, width)
        x += width + COLUMN_GAP
    return positions


def _span(spec: _Spec, columns: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    first, last = columns[spec.columns[0]], columns[spec.columns[-1]]
    return first[0], last[0] + last[1] - first[0]


def _row_heights(
    specs: Sequence[_Spec], sizes: Mapping[str, tuple[float, float]], measure: _Measure
) -> dict[str, float]:
    """Height of each row in use: its tallest box, grown so each band label fits."""
    heights: dict[str, float] = {}
    for spec in specs:
        heights[spec.row] = max(heights.get(spec.row, 0.0), sizes[spec.name][1])
    for label, rows in BANDS.items():
        present = [r for r in rows if r in heights]
        if not present:
            continue
        need = measure.block(label, "band", rotation=90)[1] + 2 * PAD_Y
        have = sum(heights[r] for r in present) + ROW_GAP * (len(present) - 1)
        if have < need:
            heights[present[-1]] += need - have
    return {r: heights[r] for r in ROWS if r in heights}


def _place(
    specs: Sequence[_Spec], measure: _Measure
) -> tuple[float, float, list[tuple[_Spec, Rect, str]], dict[str, Rect]]:
    """Rectangles for every box and band; returns (width, height, boxes, row rects)."""
    columns = _column_positions(specs)
    texts, sizes = {}, {}
    for spec in specs:
        x, w = _span(spec, columns)
        if spec.name in PREVIOUS_SIDE_BOXES:
            w -= PREVIOUS_LINE_ROOM
        texts[spec.name] = _wrapped(spec, w - 2 * PAD_X, measure)
        th = measure.block(texts[spec.name], spec.kind)[1]
        sizes[spec.name] = (w, th + 2 * PAD_Y)
    heights = _row_heights(specs, sizes, measure)
    width = max(x + w for x, w in columns.values()) + MARGIN
    height = 2 * MARGIN + sum(heights.values()) + ROW_GAP * (len(heights) - 1)
    rows: dict[str, Rect] = {}
    top = height - MARGIN
    for row, h in heights.items():
        rows[row] = Rect(MARGIN, top - h, width - 2 * MARGIN, h)
        top -= h + ROW_GAP
    placed = []
    for spec in specs:
        x, w = _span(spec, columns)
        row = rows[spec.row]
        # Titles fill their row so they line up; other boxes are centred on the
        # row's middle so horizontal arrows run straight.
        h = row.h if spec.kind == "title" else sizes[spec.name][1]
        if spec.name in PREVIOUS_SIDE_BOXES:  # beside the previous studies' line
            x, w = x + PREVIOUS_LINE_ROOM, w - PREVIOUS_LINE_ROOM
        placed.append((spec, Rect(x, row.y + (row.h - h) / 2, w, h), texts[spec.name]))
    return width, height, placed, rows


def _bands(rows: Mapping[str, Rect]) -> list[tuple[str, Rect]]:
    bands = []
    for label, names in BANDS.items():
        present = [rows[r] for r in names if r in rows]
        if present:
            bottom, top = min(r.y for r in present), max(r.top for r in present)
            bands.append((label, Rect(MARGIN, bottom, BAND_WIDTH, top - bottom)))
    return bands


def _arrows(rects: Mapping[str, Rect]) -> list[tuple[tuple[float, float], ...]]:
    """Polylines (last point = arrow head) joining the boxes as in the template."""

    def down(a: str, b: str) -> tuple[tuple[float, float], ...]:
        x = rects[a].center[0]
        return ((x, rects[a].y), (x, rects[b].top))

    def across(a: str, b: str) -> tuple[tuple[float, float], ...]:
        y = rects[a].center[1]
        return ((rects[a].right, y), (rects[b].x, y))

    arrows = []
    chains = [
        ["database_results", "records_screened", "dbr_sought_reports", "dbr_assessed"],
        ["website_results", "other_sought_reports", "other_assessed"],
        ["new_studies", "total_studies", "total_studies_ma"],
    ]
    for chain in chains:
        present = [n for n in chain if n in rects]
        arrows += [down(a, b) for a, b in pairwise(present)]
    for a, b in [
        ("database_results", "duplicates"),
        ("records_screened", "records_excluded"),
        ("dbr_sought_reports", "dbr_notretrieved_reports"),
        ("dbr_assessed", "dbr_excluded"),
        ("other_sought_reports", "other_notretrieved_reports"),
        ("other_assessed", "other_excluded"),
    ]:
        if a in rects and b in rects:
            arrows.append(across(a, b))
    included = rects["new_studies"]
    for arm_end in ("dbr_assessed", "other_assessed"):
        if arm_end not in rects:
            continue
        start = rects[arm_end]
        if abs(start.center[0] - included.center[0]) < 1e-9:
            arrows.append(down(arm_end, "new_studies"))
        else:  # the second arm joins the included box from the right
            x, y = start.center[0], included.center[1]
            arrows.append(((x, start.y), (x, y), (included.right, y)))
    if "previous_studies" in rects:
        prev, total = rects["previous_studies"], rects["total_studies"]
        side = [n for n in PREVIOUS_SIDE_BOXES if n in rects]
        # with boxes beside it, the line runs down the column's left edge, clear of them
        x = prev.x + PREVIOUS_LINE_ROOM / 2 if side else prev.center[0]
        y = total.center[1]
        arrows.append(((x, prev.y), (x, y), (total.x, y)))
        if "previous_withdrawn" in rects:  # an exit, as an excluded box is
            out = rects["previous_withdrawn"]
            arrows.append(((x, out.center[1]), (out.x, out.center[1])))
        if "reassessed" in rects:  # joins the new studies, as an arm does
            into, new = rects["reassessed"], rects["new_studies"]
            arrows.append(((into.right, new.center[1]), (new.x, new.center[1])))
    return arrows


# --------------------------------------------------------------------------- #
# Drawing
# --------------------------------------------------------------------------- #


def _text_artist(
    fig: Figure, x: float, y: float, text: str, kind: str, rotation: float = 0
) -> Text:
    align = "left" if kind == "box" else "center"
    return fig.text(
        x,
        y,
        text,
        transform=fig.dpi_scale_trans,
        fontproperties=_font(kind),
        ha=align,
        va="top" if kind == "box" else "center",
        multialignment=align,
        linespacing=LINE_SPACING,
        rotation=rotation,
        rotation_mode="anchor",
        parse_math=False,  # labels are plain text: "$" or "_" must not start maths
        color="black",
    )


def _add_box(fig: Figure, kind: str, rect: Rect, face: str, text: str) -> Text:
    rounded = kind != "box"
    from matplotlib.patches import FancyBboxPatch

    patch = FancyBboxPatch(
        (rect.x, rect.y),
        rect.w,
        rect.h,
        boxstyle="round,pad=0,rounding_size=0.05" if rounded else "square,pad=0",
        transform=fig.dpi_scale_trans,
        facecolor=face,
        edgecolor=EDGE if kind == "box" else "none",
        linewidth=0.8,
    )
    fig.add_artist(patch)
    if kind == "box":
        return _text_artist(fig, rect.x + PAD_X, rect.top - PAD_Y, text, kind)
    rotation = 90 if kind == "band" else 0
    return _text_artist(fig, *rect.center, text, kind, rotation=rotation)


def _add_arrow(fig: Figure, points: Sequence[tuple[float, float]]) -> None:
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path as MplPath

    codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1)
    fig.add_artist(
        FancyArrowPatch(
            path=MplPath(points, codes),
            arrowstyle="-|>,head_length=0.5,head_width=0.25",
            mutation_scale=10,
            transform=fig.dpi_scale_trans,
            color=EDGE,
            linewidth=0.8,
        )
    )


def _add_link(fig: Figure, name: str, rect: Rect, url: str | None) -> None:
    """A transparent rectangle over the box that carries its link and its SVG id."""
    from matplotlib.patches import Rectangle

    overlay = Rectangle(
        (rect.x, rect.y),
        rect.w,
        rect.h,
        transform=fig.dpi_scale_trans,
        facecolor=(1, 1, 1, 0),
        edgecolor="none",
        zorder=10,
    )
    overlay.set_gid(f"prisma-box-{name}")
    if url:
        overlay.set_url(url)
    fig.add_artist(overlay)


def _normalise_links(links: Mapping[str, str] | None) -> dict[str, str] | None:
    if links is None:
        return None
    by_box_id = {box: name for name, box in BOX_NAMES.items()}
    out = {}
    for key, url in links.items():
        name = by_box_id.get(key, key)
        if name not in BOX_NAMES:
            known = ", ".join(BOX_NAMES)
            raise ValueError(f"links: unknown box {key!r}; use one of {known} (or box1-box17)")
        out[name] = url
    return out


def _build(
    counts: PrismaCounts, links: Mapping[str, str] | None = None, dpi: float = MEASURE_DPI
) -> tuple[Figure, Layout]:
    """Lay out and draw the diagram on a new figure; return it with its layout, the text
    extents measured as drawn at ``dpi`` (the boxes are laid out at MEASURE_DPI)."""
    with _style():
        measure = _Measure()
        specs = _specs(counts)
        width, height, placed, rows = _place(specs, measure)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width, height), dpi=MEASURE_DPI)
        FigureCanvasAgg(fig)
        fig.patch.set_facecolor("white")
        boxes: list[tuple[PlacedBox, Text]] = []
        for label, rect in _bands(rows):
            artist = _add_box(fig, "band", rect, BLUE, label)
            boxes.append(
                (PlacedBox(f"band_{label.lower()}", "band", rect, label, None, label), artist)
            )
        for spec, rect, text in placed:
            artist = _add_box(fig, spec.kind, rect, spec.face, text)
            boxes.append((PlacedBox(spec.name, spec.kind, rect, text, None, spec.tooltip), artist))
        rects = {s.name: r for s, r, _ in placed}
        arrows = _arrows(rects)
        for points in arrows:
            _add_arrow(fig, points)
        if links is not None:
            for spec, rect, _ in placed:
                if spec.kind == "box":
                    _add_link(fig, spec.name, rect, links.get(spec.name))
        fig.set_dpi(dpi)
        renderer = fig.canvas.get_renderer()
        measured = tuple(
            replace(box, text_extent=_inches(artist.get_window_extent(renderer), dpi))
            for box, artist in boxes
        )
        fig.set_dpi(MEASURE_DPI)
    return fig, Layout(width, height, measured, tuple(arrows))


def _inches(bbox: object, dpi: float) -> Rect:
    x0, y0, x1, y1 = (v / dpi for v in bbox.extents)  # type: ignore[attr-defined]
    return Rect(x0, y0, x1 - x0, y1 - y0)


def layout(counts: PrismaCounts, dpi: float = MEASURE_DPI) -> Layout:
    """Return the diagram's layout: box rectangles and text extents, in inches, the
    extents measured as drawn at ``dpi`` (the PDF and SVG are drawn at 72, the PNG at
    PNG_DPI; matplotlib before 3.11 spaced the lines of a text differently at each)."""
    fig, placed = _build(counts, dpi=dpi)
    fig.clear()
    return placed


# --------------------------------------------------------------------------- #
# Output
# --------------------------------------------------------------------------- #


def _svg_accessible(svg: str, placed: Layout, tooltips: bool, desc: str) -> str:
    """Add a <title>/<desc> to the SVG and, with links, a <title> tooltip to every box."""
    head = (
        '<title id="prisma-title">PRISMA 2020 flow diagram</title>\n'
        f'<desc id="prisma-desc">{escape(desc)}</desc>\n'
    )
    # role="img" would hide the links inside from assistive technology.
    role = "group" if tooltips else "img"
    # Keep the leading spaces that indent list items and wrapped lines (as in the PNG):
    # Typst reads xml:space, browsers (the SVG inlined in HTML) the CSS white-space.
    svg = svg.replace(
        "<svg ",
        f'<svg role="{role}" aria-labelledby="prisma-title prisma-desc" xml:space="preserve" ',
        1,
    )
    svg = svg.replace('<text style="', '<text style="white-space: pre; ')
    start = svg.index(">", svg.index("<svg ")) + 1
    svg = svg[:start] + "\n" + head + svg[start:].lstrip("\n")
    if tooltips:
        for box in placed.boxes:
            tag = f'<g id="prisma-box-{box.name}">'
            svg = svg.replace(tag, f"{tag}\n   <title>{escape(box.tooltip)}</title>", 1)
        # Links go to pages of the same website: open them in the same tab.
        svg = svg.replace(' target="_blank"', "")
        # The overlay is unfilled, and an unfilled shape takes no clicks unless told to.
        svg = re.sub(r"(<a [^>]*>\s*<path )", r'\1pointer-events="all" cursor="pointer" ', svg)
    return svg


def _svg_text(fig: Figure) -> str:
    buffer = io.StringIO()
    with _style():
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
    return buffer.getvalue()


def draw_flow_diagram(
    counts: PrismaCounts,
    svg_path: str | Path | None,
    pdf_path: str | Path | None,
    png_path: str | Path | None,
    links: Mapping[str, str] | None = None,
) -> Layout:
    """Draw the PRISMA 2020 flow diagram as SVG (website), PDF (vector) and PNG (300 dpi);
    a path given as None is not written (no output format shows that rendition).

    ``links`` maps boxes (names in :data:`BOX_NAMES` or template ids ``box1`` ...
    ``box17``) to URLs; the SVG then wraps each of those boxes in a hyperlink
    and gives every box a ``<title>`` tooltip. PDF and PNG are static. Each
    file is written atomically. Returns the layout that was drawn.
    """
    links = _normalise_links(links)
    fig, placed = _build(counts, links)
    if svg_path is not None:
        svg = _svg_accessible(_svg_text(fig), placed, links is not None, description(counts))
        write_text(svg_path, svg)
    if links is not None and (pdf_path or png_path):  # the static twins carry no overlay
        fig.clear()
        fig, placed = _build(counts)
    with _style():
        if pdf_path is not None:
            with atomic_path(pdf_path) as tmp:
                fig.savefig(tmp, format="pdf", metadata=PDF_METADATA)
        if png_path is not None:
            with atomic_path(png_path) as tmp:
                fig.savefig(tmp, format="png", dpi=PNG_DPI, metadata=PNG_METADATA)
    fig.clear()
    return placed


def iter_overflows(placed: Layout) -> Iterator[str]:
    """Describe every text outside its box and every pair of overlapping boxes (for tests)."""
    figure = Rect(0, 0, placed.width, placed.height)
    for box in placed.boxes:
        if box.text_extent is not None and not box.rect.contains(box.text_extent):
            yield f"text of {box.name} overflows its box"
        if not figure.contains(box.rect):
            yield f"{box.name} lies outside the figure"
    for i, a in enumerate(placed.boxes):
        for b in placed.boxes[i + 1 :]:
            if a.rect.overlaps(b.rect):
                yield f"{a.name} overlaps {b.name}"

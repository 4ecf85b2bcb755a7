"""Evidence figures: the study overview (evidence map) and the pharmacology schematic.

Every figure can be written three times: SVG for the website, PDF (vector) for
the book's PDF (Typst embeds it) and PNG at 300 dpi for DOCX; the build writes
the renditions that some output format of ``_quarto.yml`` shows. Output bytes
depend only on the inputs:

- ``svg.hashsalt`` is fixed, so SVG element ids do not change between runs;
- dates and software versions are removed from SVG, PDF and PNG metadata;
- text uses DejaVu Sans, which ships with matplotlib, so no system font is used.

Text in the SVG is drawn as paths (``svg.fonttype: 'path'``), not as ``<text>``.
A reader's browser may not have DejaVu Sans, and a substitute font with other
widths would break the no-overlap layout that the tests check. Matplotlib still
writes each string as an XML comment next to its glyphs, which keeps the SVG
searchable with grep; the accessible description of a figure is its caption
and alt text in the chapter.

The PDF rendition holds real text, so the figures' words in the book's PDF can
be selected and searched (a study label finds its row). Its fonts are Type 3
(``pdf.fonttype: 3``): each glyph drawn once, with a map back to its letter.
TrueType (42) would be the same text, but matplotlib subsets DejaVu Sans with
fontTools for every file, about half a second a file: at 1,000 studies (200
parts) that cost the figure rules far more CPU than the PDF saves Typst (issue
19). Typst embeds a PDF image as it is, without parsing glyphs into paths: the
website's SVG, whose text is glyph paths, was most of Typst's memory.

Figures are built with :class:`matplotlib.figure.Figure` (not pyplot) under a
local ``rc_context``, so building a figure never changes global state.
"""

from __future__ import annotations

import functools
import io
import struct
import textwrap
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D

from .. import png
from ..io import atomic_path

CM = 1 / 2.54  # inches per centimetre
PNG_DPI = 300

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
GREY = "#7F7F7F"

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "text.parse_math": False,  # labels are data: "$5 vs $10" is text, not maths
    "mathtext.fontset": "dejavusans",
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#222222",
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "svg.fonttype": "path",
    "svg.hashsalt": "livingreview",
    "pdf.fonttype": 3,  # real text, without a fontTools subset per file (see above)
    "savefig.facecolor": "white",
}

# Metadata without dates or version strings, per output format.
METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None, "Creator": "livingreview"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "livingreview", "Producer": None},
    "png": {"Software": None},
}


SAVE: dict[str, dict[str, Any]] = {"svg": {}, "pdf": {}}
# The PNG is written by write_png, not by Pillow (issue 19). Pillow chooses a PNG
# filter for every row by trying all five, which was half of a 300-dpi part's PNG
# time (about 50 ms); the rows here are stored unfiltered and deflated at zlib
# level 3: the same pixels (RGBA, 300 dpi), about half the time, files a few per
# cent smaller. Deterministic: the same figure gives the same bytes.
PNG_ZLIB_LEVEL = 3


@contextmanager
def figure_style() -> Iterator[None]:
    """Apply the house style (fonts, line widths, determinism settings) locally."""
    with mpl.rc_context(STYLE):
        yield


def save_figure(
    fig: Figure, out_svg: str | Path | None, out_pdf: str | Path | None, out_png: str | Path | None
) -> None:
    """Write ``fig`` as SVG, PDF and 300-dpi PNG, each atomically and reproducibly; a
    rendition given as None is not written (the build draws only those that some
    output format shows: ``livingreview.paths.figure_formats``).

    The layout (constrained) is computed once and then frozen: each ``savefig``
    would otherwise lay the whole figure out again, which measures every text
    (a third of the drawing time of a 1,000-study figure, issue 19).
    """
    with figure_style():
        freeze_layout(fig)
        for path, fmt in ((out_svg, "svg"), (out_pdf, "pdf"), (out_png, "png")):
            if path is None:
                continue
            with atomic_path(path) as tmp:
                if fmt == "png":
                    write_png(fig, tmp)
                else:
                    fig.savefig(tmp, format=fmt, dpi=PNG_DPI, metadata=METADATA[fmt], **SAVE[fmt])


def write_png(fig: Figure, path: str | Path) -> None:
    """``fig`` as a 300-dpi RGBA PNG: the pixels ``savefig(format="png")`` draws, with
    its physical size (pHYs) and no text chunks (METADATA drops the Software one),
    rows unfiltered and deflated at PNG_ZLIB_LEVEL as Agg hands its canvas over
    (no copy of the canvas is made)."""
    width = int(fig.get_figwidth() * PNG_DPI)  # Agg truncates the canvas size
    rows = _DeflatedRows(4 * width)
    fig.savefig(rows, format="rgba", dpi=PNG_DPI)  # Agg's canvas, as the PNG draws it
    height, rest = divmod(rows.written, 4 * width)
    if rest:
        raise ValueError(f"figure canvas is not {width} pixels wide")
    per_metre = round(PNG_DPI / 0.0254)
    with open(path, "wb") as out:
        out.write(png.SIGNATURE)
        out.write(png.chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)))
        out.write(png.chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
        out.write(png.chunk(b"IDAT", rows.finish()))
        out.write(png.chunk(b"IEND", b""))


class _DeflatedRows:
    """A write-only file for ``savefig(format="rgba")``: deflates the pixels it is
    given as PNG rows of ``stride`` bytes, each after its filter byte 0 (none)."""

    def __init__(self, stride: int) -> None:
        self.stride, self.written = stride, 0
        self._deflate = zlib.compressobj(PNG_ZLIB_LEVEL)
        self._out: list[bytes] = []

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        at = 0
        while at < len(view):
            column = self.written % self.stride
            if column == 0:
                self._out.append(self._deflate.compress(b"\x00"))
            take = min(self.stride - column, len(view) - at)
            self._out.append(self._deflate.compress(view[at : at + take]))
            at += take
            self.written += take
        return len(view)

    def seek(self, *args: Any) -> int:  # savefig asks for a file object with seek
        raise io.UnsupportedOperation("seek")

    def finish(self) -> bytes:
        self._out.append(self._deflate.flush())
        return b"".join(self._out)


def row_rule(ax: Any, y: float, **style: Any) -> Line2D:
    """The line ``ax.axhline(y, **style)`` draws across the axes, without what axhline
    does besides: it compares ``y`` with the current limits (which autoscales the
    axes) and adds the line to the data limits. A study figure draws one per study
    and sets its limits itself; the two were most of a rule's cost, a tenth of a
    1,000-study figure (issue 19). The drawn figure is the same."""
    line = Line2D([0, 1], [y, y], transform=ax.get_yaxis_transform(which="grid"), **style)
    line.get_path()._interpolation_steps = mpl.axis.GRIDLINE_INTERPOLATION_STEPS  # as axhline
    ax.add_artist(line)
    return line


STUDY_LABEL = "_study label"  # artist label of a row's study label (underscore: never in a legend)


def label_rows(ax: Any, ys: Sequence[float], texts: Sequence[str], *, pad: float) -> None:
    """Write ``texts`` left of the axes at the rows ``ys``, as y tick labels of a
    tick length 0 and padding ``pad`` (points) are drawn: the same transform,
    alignment, font, size and colour (the house style's y tick labels), so the
    figure looks the same and lays out the same; and leave the y axis without ticks.

    Ticks were most of building a study figure's part and a sixth of drawing
    it (issue 19): a tick is two labels and three lines, made by deep copies,
    and the axis places, formats and measures every tick at each layout and draw;
    a study row needs only its label.
    """
    transform, va, ha = ax.get_yaxis_text1_transform(pad)
    colour = mpl.rcParams["ytick.labelcolor"]
    style = {
        "fontsize": mpl.rcParams["ytick.labelsize"],
        "color": mpl.rcParams["ytick.color"] if colour == "inherit" else colour,
        "zorder": ax.yaxis.get_zorder(),  # drawn when the axis drew its tick labels
    }
    for y, text in zip(ys, texts, strict=True):
        ax.text(0, y, text, transform=transform, va=va, ha=ha, label=STUDY_LABEL, **style)
    ax.set_yticks([])


def row_labels(ax: Any) -> list[Any]:
    """The study labels :func:`label_rows` wrote on ``ax``, top to bottom as written."""
    return [text for text in ax.texts if text.get_label() == STUDY_LABEL]


def fix_empty_ylabel(ax: Any) -> None:
    """An axis without a y label: keep that empty label at a fixed point, so that each
    draw and layout does not measure every study label to find where it would go
    (a third of a 1,000-study plot's time; the drawn figure is the same)."""
    if not ax.get_ylabel():
        ax.yaxis.set_label_coords(0, 0.5)


def freeze_layout(fig: Figure) -> None:
    """Run the figure's layout engine once and keep the positions it chose.

    Text is measured at the PNG's resolution (hinting makes widths depend on
    it), so the PNG is laid out exactly as ``savefig`` alone would lay it out.

    The engine is then removed, not replaced by matplotlib's placeholder
    (``set_layout_engine("none")``): ``savefig`` draws a figure that has any
    layout engine once without output before drawing it for real, which
    measured and placed every text of every rendition twice (a quarter of a
    part's time, issue 19). The drawn files are the same.
    """
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        dpi = fig.get_dpi()
        fig.set_dpi(PNG_DPI)
        engine.execute(fig)
        fig.set_dpi(dpi)
        unset = {"figure.autolayout": False, "figure.constrained_layout.use": False}
        with mpl.rc_context(unset):
            fig.set_layout_engine(None)  # None, without an rc default, is no engine at all


# ---------------------------------------------------------------------------
# study labels


# ---------------------------------------------------------------------------
# 1. study overview (evidence map)


def _chars_per_line(width_in: float, size_pt: float, *, bold: bool = False) -> int:
    # DejaVu Sans averages about 0.6 em per character (0.66 em in bold).
    return max(10, int(width_in * 72 / (size_pt * (0.66 if bold else 0.6))))


def annotate_missing(ax: Any, text: str, xy: tuple[float, float], *, offset: float) -> None:
    """Grey italic note beside a row whose value was not reported (e.g. "n not reported"),
    on a white ground so the row's rule and the grid lines do not strike it through."""
    ax.annotate(
        text,
        xy,
        xytext=(offset, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        color="#555555",
        fontstyle="italic",
        fontsize=7,
        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        zorder=2,
    )


LEGEND_STYLE: dict[str, Any] = {
    "frameon": False,
    "handlelength": 1.2,
    "handletextpad": 0.4,
    "columnspacing": 1.2,
    "borderaxespad": 0.2,
    "borderpad": 0.2,
}


def _text_width_pt(text: str, size: float) -> float:
    """Rendered width of ``text`` in points (widest line), measured with the Agg renderer."""
    return max(_line_width_pt(line, size) for line in text.split("\n"))


@functools.lru_cache(maxsize=4096)
def _line_width_pt(line: str, size: float) -> float:
    # one renderer for every measurement: making one was most of a measurement's time,
    # and the legend is measured for every part of a figure again (issue 19)
    prop = FontProperties(family=STYLE["font.family"], size=size)
    return _points_renderer().get_text_width_height_descent(line, prop, ismath=False)[0]


@functools.cache
def _points_renderer() -> RendererAgg:
    return RendererAgg(1, 1, 72)  # at 72 dpi one pixel is one point


def _fit_legend(handles: list[Line2D], width_in: float) -> tuple[int, int]:
    """Choose 2 or 1 legend columns and wrap long labels so the legend fits the width.

    Returns ``(ncols, text lines)``; labels of ``handles`` are rewrapped in place.
    """
    size = STYLE["font.size"]
    marker = (LEGEND_STYLE["handlelength"] + LEGEND_STYLE["handletextpad"]) * size
    available = width_in * 72 - 2 * (LEGEND_STYLE["borderpad"] + 0.5) * size
    widest = max((_text_width_pt(h.get_label(), size) for h in handles), default=0.0)
    ncols = 2 if 2 * (marker + widest) + LEGEND_STYLE["columnspacing"] * size <= available else 1
    if ncols == 1:
        for handle in handles:
            label = handle.get_label()
            chars = len(label)
            while chars > 10 and _text_width_pt(label, size) > available - marker:
                chars -= 2
                label = "\n".join(textwrap.wrap(handle.get_label(), chars))
            handle.set_label(label)
    lines = [h.get_label().count("\n") + 1 for h in handles]
    rows = [max(lines[i : i + ncols]) for i in range(0, len(lines), ncols)]
    return ncols, sum(rows)


# ---------------------------------------------------------------------------
# 2. pharmacology schematic

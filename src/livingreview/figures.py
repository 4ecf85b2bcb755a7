"""Evidence figures: the study overview (evidence map) and the pharmacology schematic.

Every figure is written three times: SVG for the website, PDF (vector) for
print and PNG at 300 dpi for DOCX. Output bytes depend only on the inputs:

- ``svg.hashsalt`` is fixed, so SVG element ids do not change between runs;
- dates and software versions are removed from SVG, PDF and PNG metadata;
- text uses DejaVu Sans, which ships with matplotlib, so no system font is used.

Text in the SVG is drawn as paths (``svg.fonttype: 'path'``), not as ``<text>``.
A reader's browser may not have DejaVu Sans, and a substitute font with other
widths would break the no-overlap layout that the tests check. Matplotlib still
writes each string as an XML comment next to its glyphs, which keeps the SVG
searchable with grep; the accessible description of a figure is its caption
and alt text in the chapter. In the PDF, fonts are embedded as TrueType
(``pdf.fonttype: 42``) so the text stays selectable and searchable.

Figures are built with :class:`matplotlib.figure.Figure` (not pyplot) under a
local ``rc_context``, so building a figure never changes global state.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.transforms import blended_transform_factory

from .io import atomic_path
from .tables import bib_first_author_year, check_protocol_codes, grouped_studies

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
    "pdf.fonttype": 42,
    "savefig.facecolor": "white",
}

# Metadata without dates or version strings, per output format.
METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None, "Creator": "livingreview"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "livingreview", "Producer": None},
    "png": {"Software": None},
}

# The evidence map is a one-column figure, drawn at its final print width, so
# every font size in it is the printed size (>= 7 pt).
OVERVIEW_WIDTH_CM = 8.0
ROW_PITCH_IN = 0.17  # vertical space per study row; > 1.5 x the 7.5 pt label height

# Marker shape and colour per design class (shape and colour both encode design,
# so the figure also reads in greyscale).
DESIGN_MARKERS: dict[str, tuple[str, str]] = {
    "rct_parallel": ("o", OKABE_ITO["blue"]),
    "rct_crossover": ("s", OKABE_ITO["vermillion"]),
    "non_randomised_controlled": ("D", OKABE_ITO["bluish_green"]),
    "single_arm": ("^", OKABE_ITO["reddish_purple"]),
    "observational": ("v", OKABE_ITO["orange"]),
}
LOG_SCALE_RATIO = 10  # use a log x axis when max(n) / min(n) reaches this


@contextmanager
def figure_style() -> Iterator[None]:
    """Apply the house style (fonts, line widths, determinism settings) locally."""
    with mpl.rc_context(STYLE):
        yield


def save_figure(fig: Figure, out_svg: str | Path, out_pdf: str | Path, out_png: str | Path) -> None:
    """Write ``fig`` as SVG, PDF and 300-dpi PNG, each atomically and reproducibly."""
    with figure_style():
        for path, fmt in ((out_svg, "svg"), (out_pdf, "pdf"), (out_png, "png")):
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, dpi=PNG_DPI, metadata=METADATA[fmt])


# ---------------------------------------------------------------------------
# study labels


def study_labels(studies: pd.DataFrame, bib_path: str | Path) -> dict[str, str]:
    """Return ``{study_id: "First-author year"}`` from the bibliography.

    Labels that would be identical get a, b, ... in ``study_id`` order (as in
    "Glue 2020a"). A study whose entry lacks an author keeps its ``study_id``.
    """
    bib = bib_first_author_year(bib_path)
    base: dict[str, str] = {}
    for sid, key in zip(studies["study_id"], studies["bib_key"], strict=True):
        author, year = bib.get(key, (None, None))
        base[sid] = " ".join(str(p) for p in (author, year) if p) if author else sid
    return _disambiguate(base)


def _disambiguate(labels: Mapping[str, str]) -> dict[str, str]:
    out = dict(labels)
    by_label: dict[str, list[str]] = {}
    for sid in sorted(labels):
        by_label.setdefault(labels[sid], []).append(sid)
    for label, sids in by_label.items():
        if len(sids) > 1:
            for i, sid in enumerate(sids):
                out[sid] = f"{label}{chr(ord('a') + i)}" if i < 26 else f"{label} ({sid})"
    return out


# ---------------------------------------------------------------------------
# 1. study overview (evidence map)


@dataclass(frozen=True)
class _Row:
    """One line of the evidence map: a group heading or a study."""

    y: float
    text: str
    is_group: bool
    record: dict[str, Any] | None = None


def build_study_overview(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    years: Mapping[str, int] | None = None,
    width_cm: float = OVERVIEW_WIDTH_CM,
) -> Figure:
    """Build the evidence map of included studies and return the figure (not saved).

    One row per study, grouped under bold diagnosis-group headings in protocol
    order (same row order as the characteristics table); x is the sample size
    ``n`` (log scale when the range spans a factor of 10 or more). Marker shape
    and colour show the design class, a filled marker repeated dosing and an
    open one a single dose. Studies without ``n`` are drawn in grey on the left
    axis edge and labelled "n not reported". ``labels`` maps ``study_id`` to the
    row label (see :func:`study_labels`; default: the ``study_id``). The figure
    height grows with the number of rows.
    """
    check_protocol_codes(studies, "design_class", design_labels, "design_classes")
    labels = labels or {}
    width_in = width_cm * CM
    with figure_style():
        wrap_chars = _chars_per_line(width_in, STYLE["font.size"], bold=True)
        rows = _overview_rows(studies, diagnosis_labels, labels, years, wrap_chars)
        span = rows[-1].y + 1 if rows else 1
        n_values = [_n(r.record) for r in rows if r.record is not None]
        handles = _legend_handles(rows, design_labels)
        ncols, legend_lines = _fit_legend(handles, width_in)
        height_in = span * ROW_PITCH_IN + 0.75 + (legend_lines + 1) * 0.16
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        xmin, xmax, log = _x_range([n for n in n_values if n is not None])
        _draw_rows(fig, ax, rows, xmin)
        _style_axes(ax, xmin, xmax, log, span, many_rows=span > 30)
        if not rows:  # a review with no included studies says so rather than an empty axis
            ax.text(0.5, 0.5, "No studies were included.", transform=ax.transAxes,
                    ha="center", va="center")  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, **LEGEND_STYLE)
    return fig


def study_overview_figure(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    out_svg: str | Path,
    out_pdf: str | Path,
    out_png: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    years: Mapping[str, int] | None = None,
) -> None:
    """Draw the evidence map (see :func:`build_study_overview`) and write SVG, PDF and PNG."""
    fig = build_study_overview(studies, diagnosis_labels, design_labels, labels=labels, years=years)
    save_figure(fig, out_svg, out_pdf, out_png)


def _chars_per_line(width_in: float, size_pt: float, *, bold: bool = False) -> int:
    # DejaVu Sans averages about 0.6 em per character (0.66 em in bold).
    return max(10, int(width_in * 72 / (size_pt * (0.66 if bold else 0.6))))


def _overview_rows(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    labels: Mapping[str, str],
    years: Mapping[str, int] | None,
    wrap_chars: int,
) -> list[_Row]:
    """Lay out group headings and study rows top to bottom (y grows downwards)."""
    rows: list[_Row] = []
    y = 0.0
    for i, (_, label, members) in enumerate(
        grouped_studies(studies, diagnosis_labels, years=years)
    ):
        if i:
            y += 0.5  # air between groups
        heading = "\n".join(textwrap.wrap(label, wrap_chars)) or label
        lines = heading.count("\n") + 1
        y += (lines - 1) * 0.5  # a wrapped heading takes more room, centred on its slot
        rows.append(_Row(y, heading, True))
        y += 1 + (lines - 1) * 0.5
        for record in members:
            sid = str(record["study_id"])
            rows.append(_Row(y, labels.get(sid, sid), False, record))
            y += 1
    return rows


def _n(record: Mapping[str, Any] | None) -> float | None:
    value = None if record is None else record.get("n")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or number <= 0 else number


def _x_range(n_values: list[float]) -> tuple[float, float, bool]:
    """Axis limits and scale; the left limit leaves room for the 'n not reported' markers."""
    if not n_values:
        return 1.0, 100.0, True
    low, high = min(n_values), max(n_values)
    if high / low >= LOG_SCALE_RATIO:
        return low / 2.5, high * 1.8, True
    pad = max((high - low) * 0.15, high * 0.1, 1)
    return max(0.0, low - 2 * pad), high + pad, False


def _draw_rows(fig: Figure, ax: Any, rows: list[_Row], xmin: float) -> None:
    header_transform = blended_transform_factory(fig.transFigure, ax.transData)
    for row in rows:
        if row.is_group:
            ax.text(
                0.01,
                row.y,
                row.text,
                transform=header_transform,
                fontweight="bold",
                va="center",
                ha="left",
                in_layout=False,
                linespacing=1.1,
            )
            continue
        assert row.record is not None
        ax.axhline(row.y, color="#D9D9D9", linewidth=0.4, zorder=0)
        _draw_study_marker(ax, row, xmin)
    studies = [r for r in rows if not r.is_group]
    ax.set_yticks([r.y for r in studies], [r.text for r in studies])


def _draw_study_marker(ax: Any, row: _Row, xmin: float) -> None:
    record = row.record or {}
    marker, colour = DESIGN_MARKERS.get(record.get("design_class", ""), ("o", "#333333"))
    n = _n(record)
    if n is None:
        colour = GREY
    dosing = record.get("dosing")
    fill = {"repeated": "full", "single": "none"}.get(dosing, "left")
    x = xmin if n is None else n
    ax.plot(
        [x],
        [row.y],
        linestyle="none",
        clip_on=False,
        zorder=3,
        **_marker_style(marker, colour, fill),
    )
    if n is None:
        annotate_missing(ax, "n not reported", (x, row.y), offset=6)


def annotate_missing(ax: Any, text: str, xy: tuple[float, float], *, offset: float) -> None:
    """Grey italic note beside a row whose value was not reported (e.g. "n not reported")."""
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
    )


def _style_axes(
    ax: Any, xmin: float, xmax: float, log: bool, span: float, *, many_rows: bool
) -> None:
    ax.set_ylim(span - 0.4, -0.6)  # inverted: first group at the top
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 3.0)))
        ax.xaxis.set_minor_locator(ticker.LogLocator(base=10, subs=(2.0, 5.0)))
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlim(xmin, xmax)
    ax.set_xlabel("Sample size, n" + (" (log scale)" if log else ""))
    ax.tick_params(axis="y", length=0, pad=6)
    ax.tick_params(axis="x", which="major", length=3)
    if many_rows:  # a tall map needs the n scale at the top as well
        ax.tick_params(axis="x", which="both", top=True, labeltop=True)
    # no left spine: group headings run across it from the label column
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(many_rows and side == "top")
    ax.grid(axis="x", which="major", color="#EBEBEB", linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)


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
    renderer = RendererAgg(1, 1, 72)  # at 72 dpi one pixel is one point
    prop = FontProperties(family=STYLE["font.family"], size=size)
    return max(
        renderer.get_text_width_height_descent(line, prop, ismath=False)[0]
        for line in text.split("\n")
    )


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


def _legend_handles(rows: list[_Row], design_labels: Mapping[str, str]) -> list[Line2D]:
    """Legend entries for the design classes and dosing/n states that occur."""
    records = [r.record for r in rows if r.record is not None]
    present = {r.get("design_class") for r in records}
    handles = []
    for code, label in design_labels.items():
        if code in present:
            marker, colour = DESIGN_MARKERS.get(code, ("o", "#333333"))
            handles.append(_handle(label, marker, colour, "full"))
    dosing = {r.get("dosing") for r in records}
    if "repeated" in dosing:
        handles.append(_handle("Repeated dosing", "o", "#333333", "full"))
    if "single" in dosing:
        handles.append(_handle("Single dose (open)", "o", "#333333", "none"))
    if dosing - {"repeated", "single"}:
        handles.append(_handle("Dosing not reported", "o", "#333333", "left"))
    if any(_n(r) is None for r in records):
        handles.append(_handle("n not reported", "o", GREY, "full"))
    return handles


def _handle(label: str, marker: str, colour: str, fill: str) -> Line2D:
    return Line2D([], [], linestyle="none", label=label, **_marker_style(marker, colour, fill))


def _marker_style(marker: str, colour: str, fill: str) -> dict[str, Any]:
    """Marker keywords: ``fill`` is 'full', 'none' (open) or 'left' (half: unknown dosing)."""
    # Open markers get a white face (not a transparent one) so grid lines do not show through.
    return {
        "marker": marker,
        "markersize": 4.5,
        "color": colour,
        "markeredgewidth": 0.9,
        "fillstyle": "left" if fill == "left" else "full",
        "markerfacecolor": "white" if fill == "none" else colour,
        "markerfacecoloralt": "white",
    }


# ---------------------------------------------------------------------------
# 2. pharmacology schematic

# Drawn at 12 cm wide with text of at least 10.5 pt, so that scaled down to an
# 8 cm column every label is still >= 7 pt (10.5 x 8 / 12); at 17 cm it is 15 pt.
PHARMACOLOGY_WIDTH_CM = 12.0
BOX_FONT_PT = 10.5
TITLE_FONT_PT = 10.5
LINE_CM = BOX_FONT_PT * 1.3 / 72 * 2.54  # one text line, with leading
BOX_PAD_CM = 0.22
ARROW_GAP_CM = 0.5
MAIN_X_CM, MAIN_W_CM = 0.15, 5.7

INK = "#1A1A1A"
STAGE_COLOURS = {
    "drug": OKABE_ITO["blue"],
    "circuit": OKABE_ITO["sky_blue"],
    "signalling": OKABE_ITO["bluish_green"],
    "structure": OKABE_ITO["reddish_purple"],
    "other": OKABE_ITO["orange"],
}
STAGE_LEGEND = {"circuit": "Circuit", "signalling": "Signalling", "structure": "Structure"}

# Main pathway (the disinhibition hypothesis), top to bottom: (stage, text).
# Line breaks are set by hand so boxes stay balanced; tests check the fit.
MAIN_PATHWAY: tuple[tuple[str, str], ...] = (
    ("drug", "Ketamine"),
    ("circuit", "Blocks NMDA receptors on\nGABAergic interneurons"),
    ("circuit", "Reduced GABA release\ndisinhibits glutamatergic\npyramidal neurons"),
    ("circuit", "Glutamate surge"),
    ("signalling", "AMPA receptor activation"),
    ("signalling", "BDNF release and\nTrkB receptor activation"),
    ("signalling", "mTOR signalling"),
    ("structure", "Synaptogenesis:\nmore dendritic spines\nand synapses"),
)
# Other proposed actions, each placed level with a main-pathway step (index).
OTHER_ACTIONS: tuple[tuple[int, str], ...] = (
    (1, "Blocks extrasynaptic\nGluN2B-containing\nNMDA receptors"),
    (2, "Inhibits burst firing\nin the lateral\nhabenula"),
    (3, "NMDA block at rest:\neEF2 kinase inhibited,\nBDNF synthesis rises"),
    (4, "Metabolite\n(2R,6R)-HNK: acts via\nAMPA receptors"),
)
OTHER_TITLE = "Other proposed actions"


def pharmacology_text() -> list[str]:
    """Every label in the pharmacology schematic (for abbreviation notes in captions)."""
    return (
        [t for _, t in MAIN_PATHWAY]
        + [t for _, t in OTHER_ACTIONS]
        + [OTHER_TITLE, *STAGE_LEGEND.values()]
    )


def build_pharmacology_figure() -> Figure:
    """Build the schematic of ketamine's proposed mechanisms and return the figure.

    Left: the disinhibition pathway as a chain of boxes (NMDA block on GABAergic
    interneurons -> disinhibition of pyramidal neurons -> glutamate surge ->
    AMPA activation -> BDNF/TrkB -> mTOR -> synaptogenesis), coloured by level
    (circuit, signalling, structure). Right: other proposed actions reviewed by
    Zanos and Gould (2018) and Autry et al. (2011): extrasynaptic GluN2B
    receptors, lateral habenula burst firing, eEF2-dependent BDNF synthesis and
    the metabolite (2R,6R)-HNK acting via AMPA receptors. Every box must stay a
    claim that the figure's caption cites.
    """
    width = PHARMACOLOGY_WIDTH_CM
    main_x, main_w = MAIN_X_CM, MAIN_W_CM
    side_x = main_x + main_w + 0.6
    side_w = width - side_x - 0.15
    levels = _pharmacology_levels()
    legend_top = levels[-1][0] + levels[-1][1] + 0.45
    height = legend_top + 0.55
    with figure_style():
        fig = Figure(figsize=(width * CM, height * CM))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)  # centimetres, y downwards
        ax.set_axis_off()
        _draw_side_panel(ax, levels, side_x, side_w)
        boxes = []
        for i, ((stage, text), level) in enumerate(zip(MAIN_PATHWAY, levels, strict=True)):
            top, h = _fit_in_level(level, text)
            boxes.append(_box(ax, f"main-{i}", main_x, top, main_w, h, text, stage))
        for upper, lower in itertools.pairwise(boxes):
            _arrow(
                ax,
                (upper[0] + upper[2] / 2, upper[1] + upper[3]),
                (lower[0] + lower[2] / 2, lower[1]),
            )
        side_lines = max(_lines(text) for _, text in OTHER_ACTIONS)
        for level, text in OTHER_ACTIONS:
            # side boxes share one height so the panel reads as a tidy list
            top, h = _fit_in_level(levels[level], "\n" * (side_lines - 1))
            side = _box(ax, f"other-{level}", side_x + 0.25, top, side_w - 0.5, h, text, "other")
            if "AMPA" in text:  # the metabolite converges on AMPA receptors
                _arrow(ax, (side[0], top + h / 2), (main_x + main_w, top + h / 2), dashed=True)
        _draw_stage_legend(ax, main_x, legend_top)
    return fig


def pharmacology_figure(out_svg: str | Path, out_pdf: str | Path, out_png: str | Path) -> None:
    """Draw the ketamine pharmacology schematic and write SVG, PDF and PNG."""
    save_figure(build_pharmacology_figure(), out_svg, out_pdf, out_png)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _pharmacology_levels() -> list[tuple[float, float]]:
    """``(top, height)`` in cm of each main-pathway level; a level fits both of its boxes."""
    side_levels = {level for level, _ in OTHER_ACTIONS}
    side_lines = max(_lines(text) for _, text in OTHER_ACTIONS)
    levels = []
    top = 0.15
    for i, (_, text) in enumerate(MAIN_PATHWAY):
        lines = max(_lines(text), side_lines if i in side_levels else 1)
        height = lines * LINE_CM + 2 * BOX_PAD_CM
        if i == 1:
            top += 0.5  # room for the side panel's title between levels 0 and 1
        levels.append((top, height))
        top += height + ARROW_GAP_CM
    return levels


def _fit_in_level(level: tuple[float, float], text: str) -> tuple[float, float]:
    """``(top, height)`` of a box sized to ``text``, centred vertically in its level."""
    top, height = level
    own = _lines(text) * LINE_CM + 2 * BOX_PAD_CM
    return top + (height - own) / 2, own


def _tint(colour: str, amount: float = 0.8) -> tuple[float, float, float]:
    """Mix ``colour`` with white (``amount`` of white) for a box fill."""
    r, g, b = mpl.colors.to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _box(
    ax: Any, gid: str, x: float, top: float, w: float, h: float, text: str, stage: str
) -> tuple[float, float, float, float]:
    """Draw a rounded box with centred text; return ``(x, top, w, h)``."""
    colour = STAGE_COLOURS[stage]
    drug = stage == "drug"
    patch = FancyBboxPatch(
        (x, top),
        w,
        h,
        boxstyle="round,pad=0,rounding_size=0.18",
        facecolor=colour if drug else _tint(colour),
        edgecolor=colour,
        linewidth=1.0,
        zorder=2,
    )
    patch.set_gid(gid)
    ax.add_patch(patch)
    label = ax.text(
        x + w / 2,
        top + h / 2,
        text,
        ha="center",
        va="center",
        fontsize=BOX_FONT_PT + (1.5 if drug else 0),
        linespacing=1.3,
        fontweight="bold" if drug else "normal",
        color="white" if drug else INK,
        zorder=3,
    )
    label.set_gid(f"{gid}-text")
    return x, top, w, h


def _arrow(
    ax: Any, start: tuple[float, float], end: tuple[float, float], *, dashed: bool = False
) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=10,
            linewidth=1.0,
            color="#4D4D4D",
            shrinkA=1.5,
            shrinkB=1.5,
            linestyle=(0, (3, 2)) if dashed else "-",
            zorder=1,
        )
    )


def _draw_side_panel(ax: Any, levels: list[tuple[float, float]], x: float, w: float) -> None:
    """Light panel behind the other proposed actions, titled, linked to the ketamine box."""
    first = min(level for level, _ in OTHER_ACTIONS)
    last = max(level for level, _ in OTHER_ACTIONS)
    top = levels[first][0] - 0.75
    bottom = levels[last][0] + levels[last][1] + 0.25
    panel = FancyBboxPatch(
        (x, top),
        w,
        bottom - top,
        boxstyle="round,pad=0,rounding_size=0.2",
        facecolor="#F4F4F4",
        edgecolor="#BFBFBF",
        linewidth=0.8,
        zorder=0,
    )
    panel.set_gid("other-panel")
    ax.add_patch(panel)
    title = ax.text(
        x + w / 2,
        top + 0.38,
        OTHER_TITLE,
        ha="center",
        va="center",
        fontsize=TITLE_FONT_PT,
        fontweight="bold",
        color=INK,
        zorder=3,
    )
    title.set_gid("other-panel-title")
    # ketamine (level 0) -> panel: an elbow connector from the drug box's right edge
    k_top, k_h = levels[0]
    ax.add_patch(
        FancyArrowPatch(
            (MAIN_X_CM + MAIN_W_CM, k_top + k_h / 2),
            (x + w / 2, top),
            connectionstyle="angle,angleA=0,angleB=90,rad=0.15",
            arrowstyle="-|>",
            mutation_scale=10,
            linewidth=1.0,
            color="#4D4D4D",
            linestyle=(0, (3, 2)),
            shrinkA=1.5,
            shrinkB=1.5,
            zorder=1,
        )
    )


def _draw_stage_legend(ax: Any, x: float, top: float) -> None:
    """Colour key for the levels of the main pathway, in one row."""
    for stage, label in STAGE_LEGEND.items():
        colour = STAGE_COLOURS[stage]
        swatch = FancyBboxPatch(
            (x, top),
            0.45,
            0.32,
            boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=_tint(colour),
            edgecolor=colour,
            linewidth=1.0,
        )
        ax.add_patch(swatch)
        text = ax.text(
            x + 0.6, top + 0.16, label, ha="left", va="center", fontsize=BOX_FONT_PT, color=INK
        )
        text.set_gid(f"legend-{stage}")
        x += 0.6 + len(label) * 0.21 + 0.5

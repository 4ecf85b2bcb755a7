"""The pharmacology schematic: ketamine's proposed mechanisms as a chain of boxes."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .common import CM, OKABE_ITO, figure_style, save_figure

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

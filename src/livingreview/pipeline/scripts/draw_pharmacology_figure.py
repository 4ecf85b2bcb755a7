"""Rule draw_pharmacology_figure: ketamine mechanism schematic (pipeline/rules/figures.smk)."""

from livingreview.figures.pharmacology import pharmacology_figure
from livingreview.workflow import run_step


def main(snakemake):
    # the renditions some output format shows (pipeline/rules/common.smk FIGURE_FORMATS)
    pharmacology_figure(*(snakemake.output.get(ext) for ext in ("svg", "pdf", "png")))


run_step(snakemake, lambda: main(snakemake))

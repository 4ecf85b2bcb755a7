"""Rule draw_pharmacology_figure: ketamine mechanism schematic (pipeline/rules/figures.smk)."""

from livingreview.figures.pharmacology import pharmacology_figure
from livingreview.workflow import run_step


def main(snakemake):
    pharmacology_figure(snakemake.output.svg, snakemake.output.pdf, snakemake.output.png)


run_step(snakemake, lambda: main(snakemake))

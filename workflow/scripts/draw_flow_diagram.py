"""Rule draw_flow_diagram: draw the PRISMA 2020 flow diagram (workflow/rules/prisma.smk)."""

from livingreview.flow_diagram import draw_flow_diagram
from livingreview.prisma import read_counts
from livingreview.workflow import run_step


def main(snakemake):
    counts = read_counts(snakemake.input.counts)
    draw_flow_diagram(counts, snakemake.output.svg, snakemake.output.pdf, snakemake.output.png)


run_step(snakemake, lambda: main(snakemake))

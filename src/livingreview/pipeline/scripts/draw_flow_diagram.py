"""Rule draw_flow_diagram: draw the PRISMA 2020 flow diagram (pipeline/rules/prisma.smk)."""

from livingreview.prisma.records_appendix import draw_linked_flow_diagram
from livingreview.workflow import run_step


def main(snakemake):
    out = snakemake.output
    draw_linked_flow_diagram(
        counts_json=snakemake.input.counts,
        svg=out.get("svg"),
        pdf=out.get("pdf"),
        png=out.get("png"),
        records_page=snakemake.params.records_page,
        other=(snakemake.input.other, out.other),
    )


run_step(snakemake, lambda: main(snakemake))

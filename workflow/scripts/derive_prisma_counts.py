"""Rule derive_prisma_counts: PRISMA box counts and records page (workflow/rules/prisma.smk)."""

from livingreview.living.releases import read_previous_version
from livingreview.prisma.records_appendix import derive_prisma_outputs
from livingreview.workflow import run_step


def main(snakemake):
    derive_prisma_outputs(
        records=snakemake.input.records,
        protocol=snakemake.input.protocol,
        counts_json=snakemake.output.counts,
        template_csv=snakemake.output.template,
        records_page=snakemake.output.records_page,
        records_data=snakemake.output.records_data,
        counts_template=(snakemake.params.counts_template or [None])[0],
        previous=read_previous_version(snakemake.input.previous),
    )


run_step(snakemake, lambda: main(snakemake))

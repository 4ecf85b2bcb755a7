"""Rule derive_prisma_counts: PRISMA 2020 box counts from the ledger (workflow/rules/prisma.smk)."""

from livingreview.prisma import derive_counts_from_files
from livingreview.workflow import run_step


def main(snakemake):
    derive_counts_from_files(
        records=snakemake.input.records,
        protocol=snakemake.input.protocol,
        counts_json=snakemake.output.counts,
        template_csv=snakemake.output.template,
    )


run_step(snakemake, lambda: main(snakemake))

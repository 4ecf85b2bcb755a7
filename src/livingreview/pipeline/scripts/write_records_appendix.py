"""Rule write_records_appendix: the records behind each flow-diagram box (rules/prisma.smk)."""

from livingreview.living.releases import read_previous_version
from livingreview.prisma.records_appendix import write_records_page
from livingreview.workflow import run_step


def main(snakemake):
    write_records_page(
        records=snakemake.input.records,
        protocol=snakemake.input.protocol,
        counts=snakemake.input.counts,
        records_page=snakemake.output.records_page,
        records_data=snakemake.output.records_data,
        counts_template=(snakemake.params.counts_template or [None])[0],
        # the cumulative diagram counts every record of every version: no previous arm
        previous=read_previous_version(snakemake.input.previous)
        if snakemake.params.cited == "update"
        else None,
        studies=snakemake.input.studies,
        bibliography=snakemake.input.bibliography,
    )


run_step(snakemake, lambda: main(snakemake))

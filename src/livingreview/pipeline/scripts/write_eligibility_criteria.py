"""Rule write_eligibility_criteria: methods tables from the protocol (pipeline/rules/tables.smk)."""

from livingreview.tables.eligibility import write_methods_tables
from livingreview.workflow import run_step


def main(snakemake):
    write_methods_tables(
        snakemake.input.protocol, snakemake.output.criteria, snakemake.output.reasons
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule evaluate_sensitivity_analyses: table and sentences (workflow/rules/tables.smk)."""

from livingreview.tables.sensitivity import write_sensitivity
from livingreview.workflow import run_step


def main(snakemake):
    write_sensitivity(dict(snakemake.input), snakemake.output.table, snakemake.output.text)


run_step(snakemake, lambda: main(snakemake))

"""Rule evaluate_sensitivity_analyses: table and sentences (workflow/rules/tables.smk)."""

from livingreview.tables.sensitivity import write_sensitivity
from livingreview.workflow import run_step


def main(snakemake):
    out = snakemake.output
    write_sensitivity(dict(snakemake.input), out.table, out.text, results_path=out.results)


run_step(snakemake, lambda: main(snakemake))

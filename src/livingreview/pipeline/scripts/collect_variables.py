"""Rule collect_variables: write _variables.yml (pipeline/rules/variables.smk)."""

from livingreview.text.variables import write_variables
from livingreview.workflow import run_step


def main(snakemake):
    write_variables(
        counts_json=snakemake.input.counts,
        studies=snakemake.input.studies,
        records=snakemake.input.records,
        protocol=snakemake.input.protocol,
        output=snakemake.output.variables,
        outcomes=snakemake.input.outcomes,
        risk_of_bias=snakemake.input.risk_of_bias,
        release=snakemake.input.release,
        decisions=(snakemake.input.decisions or [None])[0],
        meta=snakemake.input.meta,
        snapshots=list(snakemake.input.snapshots),
        cumulative=(snakemake.input.cumulative or [None])[0],
        synthesis_output=snakemake.output.synthesis,
    )


run_step(snakemake, lambda: main(snakemake))

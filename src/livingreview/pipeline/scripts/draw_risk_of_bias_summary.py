"""Rule draw_risk_of_bias_summary: weighted summary plot (pipeline/rules/synthesis.smk)."""

from livingreview.evidence.risk_of_bias import load_risk_of_bias
from livingreview.figures.risk_of_bias import summary_figure
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    studies = load_table(snakemake.input.studies, "studies")
    summary_figure(
        load_risk_of_bias(snakemake.input.risk_of_bias, studies),
        snakemake.output.get("svg"),
        snakemake.output.get("pdf"),
        snakemake.output.get("png"),
    )


run_step(snakemake, lambda: main(snakemake))

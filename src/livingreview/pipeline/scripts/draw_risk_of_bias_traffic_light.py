"""Rule draw_risk_of_bias_traffic_light: traffic-light plot (pipeline/rules/synthesis.smk)."""

from livingreview.evidence.risk_of_bias import load_risk_of_bias
from livingreview.evidence.studies import study_labels
from livingreview.figures.risk_of_bias import traffic_light_parts
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    studies = load_table(snakemake.input.studies, "studies")
    traffic_light_parts(
        load_risk_of_bias(snakemake.input.risk_of_bias, studies),
        snakemake.output.images,
        snakemake.output.include,
        labels=study_labels(studies, snakemake.input.bibliography),
        per_part=snakemake.params.per_part,
        formats=snakemake.params.formats,
    )


run_step(snakemake, lambda: main(snakemake))

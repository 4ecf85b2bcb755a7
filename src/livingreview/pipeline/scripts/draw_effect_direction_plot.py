"""Rule draw_effect_direction_plot: effect direction plot (pipeline/rules/synthesis.smk)."""

from livingreview.evidence.outcomes import load_outcomes
from livingreview.evidence.review_data import read_protocol
from livingreview.evidence.studies import study_labels
from livingreview.figures.effect_direction import effect_direction_figure
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    protocol = read_protocol(snakemake.input.protocol)
    studies = load_table(snakemake.input.studies, "studies")
    effect_direction_figure(
        studies,
        load_outcomes(snakemake.input.outcomes, studies),
        protocol["diagnosis_groups"],
        protocol["design_classes"],
        snakemake.output.svg,
        snakemake.output.pdf,
        snakemake.output.png,
        labels=study_labels(studies, snakemake.input.bibliography),
    )


run_step(snakemake, lambda: main(snakemake))

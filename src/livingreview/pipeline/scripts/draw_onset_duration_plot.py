"""Rule draw_onset_duration_plot: onset and duration of effect (pipeline/rules/synthesis.smk)."""

from livingreview.evidence.outcomes import load_outcomes
from livingreview.evidence.review_data import read_protocol
from livingreview.evidence.studies import study_labels
from livingreview.figures.onset_duration import onset_duration_parts
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    protocol = read_protocol(snakemake.input.protocol)
    studies = load_table(snakemake.input.studies, "studies")
    onset_duration_parts(
        studies,
        load_outcomes(snakemake.input.outcomes, studies),
        protocol["diagnosis_groups"],
        snakemake.output.images,
        snakemake.output.include,
        labels=study_labels(studies, snakemake.input.bibliography),
        per_part=snakemake.params.per_part,
        formats=snakemake.params.formats,
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule draw_study_overview: evidence map of included studies (pipeline/rules/figures.smk)."""

from livingreview.evidence.review_data import read_protocol
from livingreview.evidence.studies import study_labels
from livingreview.figures.study_overview import study_overview_parts
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    protocol = read_protocol(snakemake.input.protocol)
    studies = load_table(snakemake.input.studies, "studies")
    study_overview_parts(
        studies,
        protocol["diagnosis_groups"],
        protocol["design_classes"],
        snakemake.output.images,
        snakemake.output.include,
        labels=study_labels(studies, snakemake.input.bibliography),
        per_part=snakemake.params.per_part,
        formats=snakemake.params.formats,
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule draw_study_overview: evidence map of included studies (workflow/rules/figures.smk)."""

from livingreview.bibliography import study_labels
from livingreview.evidence import load_protocol, load_studies
from livingreview.figures import study_overview_figure
from livingreview.workflow import run_step


def main(snakemake):
    protocol = load_protocol(snakemake.input.protocol)
    studies = load_studies(snakemake.input.studies)
    study_overview_figure(
        studies,
        protocol["diagnosis_groups"],
        protocol["design_classes"],
        study_labels(studies, snakemake.input.bibliography),
        snakemake.output.svg,
        snakemake.output.pdf,
        snakemake.output.png,
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule summarise_by_diagnosis: per-group summary table (pipeline/rules/tables.smk)."""

from livingreview.evidence.outcomes import load_outcomes
from livingreview.evidence.review_data import read_protocol
from livingreview.synthesis.narrative import findings_columns
from livingreview.tables.characteristics import summary_by_diagnosis, write_table
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    protocol = read_protocol(snakemake.input.protocol)
    studies = load_table(snakemake.input.studies, "studies")
    outcomes = load_outcomes(snakemake.input.outcomes, studies)
    table = summary_by_diagnosis(
        studies,
        protocol["diagnosis_groups"],
        design_labels=protocol["design_classes"],  # labels readers know, not codes
        extra_columns=findings_columns(outcomes, snakemake.params.headings),
        headings=snakemake.params.headings,
    )
    write_table(table, snakemake.output.table)


run_step(snakemake, lambda: main(snakemake))

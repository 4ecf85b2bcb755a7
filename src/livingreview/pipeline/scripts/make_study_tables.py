"""Rule make_study_tables: characteristics and per-group summary (pipeline/rules/tables.smk)."""

from livingreview.evidence.outcomes import load_outcomes
from livingreview.evidence.review_data import read_protocol
from livingreview.evidence.studies import study_labels
from livingreview.synthesis.narrative import findings_columns
from livingreview.tables.characteristics import (
    characteristics_table,
    summary_by_diagnosis,
    write_table,
)
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    inputs, headings = snakemake.input, snakemake.params.headings
    protocol = read_protocol(inputs.protocol)
    groups, designs = protocol["diagnosis_groups"], protocol["design_classes"]
    studies = load_table(inputs.studies, "studies")
    characteristics = characteristics_table(
        studies, groups, designs,
        labels=study_labels(studies, inputs.bibliography), headings=headings,
    )  # fmt: skip
    write_table(characteristics, snakemake.output.characteristics)
    summary = summary_by_diagnosis(
        studies, groups,
        design_labels=designs,  # labels readers know, not codes
        extra_columns=findings_columns(load_outcomes(inputs.outcomes, studies), headings),
        headings=headings,
    )  # fmt: skip
    write_table(summary, snakemake.output.summary)


run_step(snakemake, lambda: main(snakemake))

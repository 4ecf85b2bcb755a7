"""Rule make_characteristics_table: the systematic review table (pipeline/rules/tables.smk)."""

from livingreview.evidence.review_data import read_protocol
from livingreview.evidence.studies import study_labels
from livingreview.tables.characteristics import characteristics_table, write_table
from livingreview.validation import load_table
from livingreview.workflow import run_step


def main(snakemake):
    protocol = read_protocol(snakemake.input.protocol)
    studies = load_table(snakemake.input.studies, "studies")
    table = characteristics_table(
        studies,
        protocol["diagnosis_groups"],
        protocol["design_classes"],
        labels=study_labels(studies, snakemake.input.bibliography),
        headings=snakemake.params.headings,
    )
    write_table(table, snakemake.output.table)


run_step(snakemake, lambda: main(snakemake))

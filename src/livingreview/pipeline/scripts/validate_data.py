"""Rule validate_data: check every data file and their links (pipeline/rules/data.smk)."""

from pathlib import Path

from livingreview.evidence.review_data import load_review_data, write_validated
from livingreview.evidence.status import DECISION_LOG, validated_review_status
from livingreview.workflow import log, run_step


def main(snakemake):
    data = load_review_data(
        protocol=snakemake.input.protocol,
        records=snakemake.input.records,
        studies=snakemake.input.studies,
        sources=snakemake.input.sources,
        bibliography=snakemake.input.bibliography,
        outcomes=snakemake.input.outcomes,
        risk_of_bias=snakemake.input.risk_of_bias,
        eligibility_facts=snakemake.input.get("facts") or None,
    )
    write_validated(data, Path(snakemake.output.summary).parent)
    inputs = snakemake.input
    status = validated_review_status(data, inputs.outcomes, inputs.risk_of_bias, DECISION_LOG)
    log.info("%s", status.summary())  # the same line `livingreview validate` prints


run_step(snakemake, lambda: main(snakemake))

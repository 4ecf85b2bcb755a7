"""Rule check_manuscript: check the chapters before rendering (pipeline/rules/render.smk)."""

from pathlib import Path

from livingreview.render import check_manuscript_report
from livingreview.workflow import run_step


def main(snakemake):
    check_manuscript_report(
        Path("."), snakemake.output.report, on_false_claim=snakemake.params.on_false_claim
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule write_changes_page: Changes in this version (pipeline/rules/releases.smk)."""

from livingreview.living.version_diff import write_changes_page
from livingreview.workflow import run_step


def main(snakemake):
    write_changes_page(
        snakemake.input.snapshots,
        snakemake.input.documents,
        snakemake.input.bibliography,
        snakemake.output.changes,
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule describe_previous_release: the PRISMA previous arm (pipeline/rules/releases.smk)."""

from livingreview.living.releases import write_previous_version
from livingreview.workflow import run_step


def main(snakemake):
    write_previous_version(
        snapshots=list(snakemake.input.snapshots),
        records=snakemake.input.records,
        output=snakemake.output.previous,
    )


run_step(snakemake, lambda: main(snakemake))

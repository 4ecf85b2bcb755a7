"""Rule stamp_release_state: the version the outputs carry (pipeline/rules/releases.smk)."""

from livingreview.living.releases import write_release_state
from livingreview.workflow import run_step


def main(snakemake):
    write_release_state(
        snapshots=list(snakemake.input.snapshots),
        data_files={key: snakemake.input[key] for key in snakemake.params.data_keys},
        output=snakemake.output.state,
    )


run_step(snakemake, lambda: main(snakemake))

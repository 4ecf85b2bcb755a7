"""Rule write_release_pages: What's new, history, citation (pipeline/rules/releases.smk)."""

from livingreview.living.pages import write_release_pages
from livingreview.workflow import run_step


def main(snakemake):
    write_release_pages(
        snapshots=list(snakemake.input.snapshots),
        state_json=snakemake.input.state,
        quarto=snakemake.input.quarto,
        whats_new=snakemake.output.whats_new,
        history=snakemake.output.history,
        citation=snakemake.output.citation,
        link_prefix=snakemake.params.link_prefix,
        bibliography=snakemake.input.bibliography,
        corrections=next(iter(snakemake.input.corrections), None),
    )


run_step(snakemake, lambda: main(snakemake))

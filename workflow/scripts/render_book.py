"""Rule render_book: render _book/ and write its manifest (workflow/rules/render.smk)."""

from pathlib import Path

from livingreview.render import render_book_with_manifest
from livingreview.workflow import run_step


def main(snakemake):
    render_book_with_manifest(
        Path("."),
        backend=snakemake.params.backend,
        formats=snakemake.params.formats,
        manifest=snakemake.output.manifest,
        release_files=list(snakemake.input.releases),
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule render_book: check the chapters, render _book/ and write its manifest
(pipeline/rules/render.smk)."""

from pathlib import Path

from livingreview.render import render_book_with_manifest
from livingreview.workflow import run_step


def main(snakemake):
    render_book_with_manifest(
        Path("."),
        backend=snakemake.params.backend,
        formats=snakemake.params.formats,
        keep_formats=snakemake.params.keep_formats,
        manifest=snakemake.output.manifest,
        report=snakemake.output.report,
        release_files=list(snakemake.input.releases),
        on_false_claim=snakemake.params.on_false_claim,
        isolate=True,  # Typst's compile (the peak) without the rest's memory (issue 19)
    )


run_step(snakemake, lambda: main(snakemake))

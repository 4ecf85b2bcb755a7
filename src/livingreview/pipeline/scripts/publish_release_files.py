"""Rule publish_release_files: releases' PDF/DOCX into _book/ (pipeline/rules/releases.smk)."""

from livingreview.living.pages import publish_release_files
from livingreview.workflow import run_step


def main(snakemake):
    publish_release_files(
        files=list(snakemake.input.files),
        book=snakemake.params.book,
        output=snakemake.output.published,
    )


run_step(snakemake, lambda: main(snakemake))

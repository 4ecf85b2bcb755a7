"""Rule write_generated_text: the generated sentences (workflow/rules/text.smk)."""

from livingreview.text.sentences import GENERATED, write_generated_text
from livingreview.workflow import run_step


def main(snakemake):
    write_generated_text(
        records=snakemake.input.records,
        counts_json=snakemake.input.counts,
        other_counts_json=snakemake.input.other_counts,
        previous_json=snakemake.input.previous,
        synthesis=snakemake.input.synthesis,
        diagram=snakemake.params.diagram,
        image=snakemake.params.image,
        other_image=snakemake.params.other_image,
        outputs={name: getattr(snakemake.output, name) for name in GENERATED},
        protocol=snakemake.input.protocol,
        facts=snakemake.input.get("facts") or None,
    )


run_step(snakemake, lambda: main(snakemake))

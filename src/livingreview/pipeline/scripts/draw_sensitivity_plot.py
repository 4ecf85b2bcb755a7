"""Rule draw_sensitivity_plot: the sensitivity-analysis figure (pipeline/rules/synthesis.smk),
from the analyses evaluate_sensitivity_analyses evaluated."""

from livingreview.figures.sensitivity import sensitivity_parts
from livingreview.workflow import run_step


def main(snakemake):
    sensitivity_parts(
        dict(snakemake.input),
        snakemake.output.images,
        snakemake.output.include,
        per_part=snakemake.params.per_part,
        formats=snakemake.params.formats,
    )


run_step(snakemake, lambda: main(snakemake))

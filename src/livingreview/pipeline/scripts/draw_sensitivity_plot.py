"""Rule draw_sensitivity_plot: the sensitivity-analysis figure (pipeline/rules/synthesis.smk),
from the analyses evaluate_sensitivity_analyses evaluated."""

from livingreview.figures.sensitivity import sensitivity_figure
from livingreview.workflow import run_step


def main(snakemake):
    out = snakemake.output
    sensitivity_figure(dict(snakemake.input), *(out.get(ext) for ext in ("svg", "pdf", "png")))


run_step(snakemake, lambda: main(snakemake))

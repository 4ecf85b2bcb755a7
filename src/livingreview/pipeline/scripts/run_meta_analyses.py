"""Rule run_meta_analyses: the analyses declared in protocol.yaml (rules/synthesis.smk)."""

from livingreview.figures.forest import draw_analyses
from livingreview.synthesis.analyses import load_and_run
from livingreview.workflow import run_step


def main(snakemake):
    inp = snakemake.input
    results, rob = load_and_run(
        inp.protocol,
        inp.effects,
        inp.studies,
        inp.risk_of_bias,
        inp.bibliography,
        snakemake.output.json,
    )
    draw_analyses(results, rob, snakemake.output.forest)


run_step(snakemake, lambda: main(snakemake))

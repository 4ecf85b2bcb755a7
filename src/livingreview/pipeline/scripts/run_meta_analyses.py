"""Rule run_meta_analyses: the analyses declared in protocol.yaml (rules/synthesis.smk)."""

from livingreview.synthesis.analyses import load_and_run
from livingreview.text.meta_section import write_meta_section
from livingreview.workflow import run_step


def main(snakemake):
    inp, out = snakemake.input, snakemake.output
    results, rob = load_and_run(
        inp.protocol, inp.effects, inp.studies, inp.risk_of_bias, inp.bibliography, out.json
    )
    params = snakemake.params
    write_meta_section(
        results, rob, list(inp.snapshots), out.forest, out.text, params.image, params.formats,
        out_methods=out.methods,
    )  # fmt: skip


run_step(snakemake, lambda: main(snakemake))

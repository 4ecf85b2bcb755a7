"""Rule collect_variables: the version stamp and _variables.yml (pipeline/rules/variables.smk)."""

from livingreview.living.criteria import eligibility_variables
from livingreview.living.releases import load_releases, write_release_state
from livingreview.text.variables import write_variables
from livingreview.workflow import run_step


def main(snakemake):
    inputs, outputs = snakemake.input, snakemake.output
    releases = load_releases(inputs.snapshots)  # read once, for the state and the criteria
    state = write_release_state(
        releases,
        data_files={key: inputs[key] for key in snakemake.params.data_keys},
        output=outputs.state,
    )
    eligibility = eligibility_variables(releases, inputs.protocol, state["status"] == "released")
    write_variables(
        counts_json=inputs.counts,
        studies=inputs.studies,
        records=inputs.records,
        protocol=inputs.protocol,
        output=outputs.variables,
        outcomes=inputs.outcomes,
        risk_of_bias=inputs.risk_of_bias,
        release=outputs.state,
        decisions=(inputs.decisions or [None])[0],
        meta=inputs.meta,
        snapshots=list(inputs.snapshots),
        cumulative=(inputs.cumulative or [None])[0],
        synthesis_output=outputs.synthesis,
        extra={"eligibility": eligibility},
    )


run_step(snakemake, lambda: main(snakemake))

"""Rule add_draft_changes: Changes in this version, with a draft's data changes
(pipeline/rules/releases.smk)."""

from livingreview.living.draft_changes import write_changes_with_draft
from livingreview.workflow import run_step


def main(snakemake):
    write_changes_with_draft(
        snapshots=snakemake.input.snapshots,
        state_json=snakemake.input.state,
        variables_yml=snakemake.input.variables,
        records=snakemake.input.records,
        studies=snakemake.input.studies,
        protocol=snakemake.input.protocol,
        bibliography=snakemake.input.bibliography,
        released_changes=snakemake.input.released,
        output=snakemake.output.changes,
    )


run_step(snakemake, lambda: main(snakemake))

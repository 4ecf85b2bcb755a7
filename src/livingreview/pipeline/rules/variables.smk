checkpoint collect_variables:
    """Write _variables.yml: every number the chapters quote, from the data; and its
    synthesis.* keys again alone, the only ones write_generated_text reads.

    A checkpoint so that Snakemake plans its dependents again once it has run: an
    edit that changes some numbers but not the synthesis keys (a study's n) writes
    the same synthesis.json, and write_generated_text then does not run (see the
    pipeline README)."""
    input:
        counts="results/prisma/counts.json",
        studies=get_data("studies"),
        records=get_data("records"),
        protocol=get_data("protocol"),
        outcomes=get_data("outcomes"),
        risk_of_bias=get_data("risk_of_bias"),
        release="results/releases/state.json",
        decisions=get_decision_log(),
        meta="results/synthesis/meta_analyses.json",
        snapshots=get_release_snapshots(),
        cumulative=get_cumulative_counts(),
    output:
        variables="_variables.yml",
        synthesis="results/text/synthesis.json",
    log:
        "logs/collect_variables.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version(
            "evidence", "ledger", "living", "prisma", "synthesis", "text"
        ),
    script:
        "../scripts/collect_variables.py"

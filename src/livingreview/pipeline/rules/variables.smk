rule collect_variables:
    """Write _variables.yml: every number the chapters quote, from the data."""
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

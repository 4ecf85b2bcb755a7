rule collect_variables:
    """Write _variables.yml: every number the chapters quote, from the data."""
    input:
        counts="results/prisma/counts.json",
        studies=get_data("studies"),
        records=get_data("records"),
        protocol=get_data("protocol"),
    output:
        variables="_variables.yml",
    log:
        "logs/collect_variables.log",
    conda:
        "../envs/livingreview.yaml"
    script:
        "../scripts/collect_variables.py"

rule write_generated_text:
    """Generated sentences the chapters include: search methods, study selection, the
    flow-diagram figure with its caption, and the direction-of-effect summary."""
    input:
        records=get_data("records"),
        counts=get_cited_counts(),
        previous="results/releases/previous.json",
        variables="_variables.yml",
    output:
        **get_generated_text(),
    log:
        "logs/write_generated_text.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("prisma", "synthesis", "text"),
        diagram=get_results_diagram(),
        # the figure block is included by manuscript/03-results.qmd, one folder down
        image="../results/figures/prisma_flow",
    script:
        "../scripts/write_generated_text.py"

rule write_generated_text:
    """Generated sentences the chapters include: search methods, study selection, the
    flow-diagram figure with its caption (and the other diagram, for the version
    history), the direction-of-effect summary and the reports that could not be
    settled (limitations)."""
    input:
        records=get_data("records"),
        protocol=get_data("protocol"),
        facts=get_optional_data("eligibility_facts"),
        counts=get_cited_counts(),
        other_counts=get_other_counts(),
        previous="results/releases/previous.json",
        synthesis="results/text/synthesis.json",  # the synthesis.* variables
    output:
        **get_generated_text(),
    log:
        "logs/write_generated_text.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        code=get_code_version("evidence", "prisma", "synthesis", "text"),
        diagram=get_results_diagram(),
        # image paths in an included file are relative to that file (results/text/),
        # as Quarto resolves them
        image="../figures/prisma_flow",
        other_image=f"../figures/{get_other_flow_diagram()}",
    script:
        "../scripts/write_generated_text.py"

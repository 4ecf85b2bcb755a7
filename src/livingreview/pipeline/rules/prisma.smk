rule derive_prisma_counts:
    """Count every PRISMA 2020 box from the screening ledger (or from the PRISMA2020
    template named by config prisma.counts_template) and check the arithmetic."""
    input:
        records=get_data("records"),
        protocol=get_data("protocol"),
        counts_template=get_counts_template(),
        previous="results/releases/previous.json",
    output:
        counts="results/prisma/counts.json",
        cumulative="results/prisma/counts_cumulative.json",
        template="results/prisma/prisma2020.csv",
    log:
        "logs/derive_prisma_counts.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        code=get_code_version("evidence", "living", "prisma"),
        counts_template=get_counts_template(),
        cited=get_results_diagram(),
    script:
        "../scripts/derive_prisma_counts.py"


rule write_records_appendix:
    """List the records behind each box of the flow diagram the Results chapter cites,
    included records named by their study's label."""
    input:
        records=get_data("records"),
        protocol=get_data("protocol"),
        counts=get_cited_counts(),
        previous="results/releases/previous.json",
        studies=ancient(get_data("studies")),  # see params.studies
        bibliography=get_data("bibliography"),
    output:
        records_page=PRISMA_RECORDS_PAGE,
        records_data=directory(PRISMA_RECORDS_DATA),
    log:
        "logs/write_records_appendix.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        studies=get_studies_key("write_records_appendix"),
        code=get_code_version("bibliography", "evidence", "living", "prisma"),
        counts_template=get_counts_template(),
        cited=get_results_diagram(),
    script:
        "../scripts/write_records_appendix.py"


rule draw_flow_diagram:
    """Draw the PRISMA 2020 flow diagram the Results chapter cites (config
    prisma.results_diagram) as prisma_flow, every box of its SVG linked to its section of
    the records page, and the other one (updated-review or cumulative) without links."""
    input:
        counts=get_cited_counts(),
        other=get_other_counts(),
    output:
        **get_figure_outputs("prisma_flow"),
        other=get_figure(get_other_flow_diagram()),
    log:
        "logs/draw_flow_diagram.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("prisma"),
        records_page=PRISMA_RECORDS_PAGE,
    script:
        "../scripts/draw_flow_diagram.py"

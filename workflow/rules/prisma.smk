rule derive_prisma_counts:
    """Count every PRISMA 2020 box from the screening ledger (or from the PRISMA2020
    template named by config prisma.counts_template), check the arithmetic and list
    the records behind each box."""
    input:
        records=get_data("records"),
        protocol=get_data("protocol"),
        counts_template=get_counts_template(),
        previous="results/releases/previous.json",
    output:
        counts="results/prisma/counts.json",
        template="results/prisma/prisma2020.csv",
        records_page=PRISMA_RECORDS_PAGE,
        records_data=directory(PRISMA_RECORDS_DATA),
    log:
        "logs/derive_prisma_counts.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("evidence", "living", "prisma"),
        counts_template=get_counts_template(),
    script:
        "../scripts/derive_prisma_counts.py"


rule draw_flow_diagram:
    """Draw the PRISMA 2020 flow diagram from the derived counts; in the SVG every box
    links to its section of the records page."""
    input:
        counts="results/prisma/counts.json",
    output:
        svg="results/figures/prisma_flow.svg",
        pdf="results/figures/prisma_flow.pdf",
        png="results/figures/prisma_flow.png",
    log:
        "logs/draw_flow_diagram.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("prisma"),
        records_page=PRISMA_RECORDS_PAGE,
    script:
        "../scripts/draw_flow_diagram.py"

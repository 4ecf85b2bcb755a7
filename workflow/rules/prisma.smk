rule derive_prisma_counts:
    """Count every PRISMA 2020 box from the screening ledger and check the arithmetic."""
    input:
        records=get_data("records"),
        protocol=get_data("protocol"),
    output:
        counts="results/prisma/counts.json",
        template="results/prisma/prisma2020.csv",
    log:
        "logs/derive_prisma_counts.log",
    conda:
        "../envs/livingreview.yaml"
    script:
        "../scripts/derive_prisma_counts.py"


rule draw_flow_diagram:
    """Draw the PRISMA 2020 flow diagram from the derived counts."""
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
    script:
        "../scripts/draw_flow_diagram.py"

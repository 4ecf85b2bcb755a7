rule draw_study_overview:
    """Evidence map: sample size, design and dosing of each included study."""
    input:
        studies=get_data("studies"),
        protocol=get_data("protocol"),
        bibliography=get_data("bibliography"),
    output:
        svg="results/figures/study_overview.svg",
        pdf="results/figures/study_overview.pdf",
        png="results/figures/study_overview.png",
    log:
        "logs/draw_study_overview.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_figure_mem_mb("draw_study_overview"),  # see profiles/default
    params:
        code=get_code_version("bibliography", "evidence", "figures", "tables"),
    script:
        "../scripts/draw_study_overview.py"


rule draw_pharmacology_figure:
    """Schematic of ketamine's mechanisms of action, drawn by code."""
    output:
        svg="results/figures/pharmacology.svg",
        pdf="results/figures/pharmacology.pdf",
        png="results/figures/pharmacology.png",
    log:
        "logs/draw_pharmacology_figure.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("evidence", "figures"),
    script:
        "../scripts/draw_pharmacology_figure.py"

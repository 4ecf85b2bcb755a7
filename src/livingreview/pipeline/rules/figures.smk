rule draw_study_overview:
    """Evidence map: sample size, design and dosing of each included study."""
    input:
        studies=ancient(get_data("studies")),  # see params.studies
        protocol=get_data("protocol"),
        bibliography=get_data("bibliography"),
    output:
        # one image, or parts above figures.studies_per_part studies (figures/parts.py)
        include="results/figures/study_overview.md",
        images=directory("results/figures/study_overview"),
    log:
        "logs/draw_study_overview.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_figure_mem_mb("draw_study_overview"),  # see profiles/default
    params:
        studies=get_studies_key("draw_study_overview"),
        per_part=get_studies_per_part(),
        formats=get_part_renditions(),
        code=get_code_version("bibliography", "evidence", "figures", "tables"),
    script:
        "../scripts/draw_study_overview.py"


rule draw_pharmacology_figure:
    """Schematic of ketamine's mechanisms of action, drawn by code."""
    output:
        **get_figure_outputs("pharmacology"),
    log:
        "logs/draw_pharmacology_figure.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("evidence", "figures"),
    script:
        "../scripts/draw_pharmacology_figure.py"

rule draw_effect_direction_plot:
    """Effect direction plot (SWiM; Thomson and Thomas 2013) from data/outcomes.csv."""
    input:
        outcomes=get_data("outcomes"),
        studies=ancient(get_data("studies")),  # see params.studies
        protocol=get_data("protocol"),
        bibliography=get_data("bibliography"),
    output:
        # one image, or parts above figures.studies_per_part studies (figures/parts.py)
        include="results/figures/effect_direction.md",
        images=directory("results/figures/effect_direction"),
    log:
        "logs/draw_effect_direction_plot.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_figure_mem_mb("draw_effect_direction_plot"),  # see profiles/default
    params:
        # the arrows show n by its size class only (livingreview/data_keys.py)
        studies=get_studies_key("draw_effect_direction_plot"),
        code=get_code_version("evidence", "figures", "synthesis"),
        per_part=get_studies_per_part(),
        formats=get_part_renditions(),
    script:
        "../scripts/draw_effect_direction_plot.py"


rule draw_sensitivity_plot:
    """The anxiety directions under every sensitivity analysis of data/protocol.yaml."""
    input:
        protocol=get_data("protocol"),
        # The analyses as evaluated once by evaluate_sensitivity_analyses (issue 19).
        results="results/tables/sensitivity.json",
        studies=ancient(get_data("studies")),  # see params.studies
        outcomes=get_data("outcomes"),
        bibliography=get_data("bibliography"),
    output:
        # one image, or parts above figures.studies_per_part studies (figures/parts.py)
        include="results/figures/sensitivity.md",
        images=directory("results/figures/sensitivity"),
    log:
        "logs/draw_sensitivity_plot.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_figure_mem_mb("draw_sensitivity_plot"),  # see profiles/default
    params:
        studies=get_studies_key("draw_sensitivity_plot"),
        per_part=get_studies_per_part(),
        formats=get_part_renditions(),
        code=get_code_version("evidence", "figures", "synthesis"),
    script:
        "../scripts/draw_sensitivity_plot.py"


rule draw_onset_duration_plot:
    """When the anxiolytic effect was first measured and how long it lasted, per study."""
    input:
        outcomes=get_data("outcomes"),
        studies=ancient(get_data("studies")),  # see params.studies
        protocol=get_data("protocol"),
        bibliography=get_data("bibliography"),
    output:
        # one image, or parts above figures.studies_per_part studies (figures/parts.py)
        include="results/figures/onset_duration.md",
        images=directory("results/figures/onset_duration"),
    log:
        "logs/draw_onset_duration_plot.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_figure_mem_mb("draw_onset_duration_plot"),  # see profiles/default
    params:
        studies=get_studies_key("draw_onset_duration_plot"),
        per_part=get_studies_per_part(),
        formats=get_part_renditions(),
        code=get_code_version("evidence", "figures", "synthesis"),
    script:
        "../scripts/draw_onset_duration_plot.py"


rule draw_risk_of_bias_traffic_light:
    """Risk-of-bias traffic-light plot, one panel per tool (robvis layout)."""
    input:
        risk_of_bias=get_data("risk_of_bias"),
        studies=ancient(get_data("studies")),  # see params.studies
        bibliography=get_data("bibliography"),
    output:
        # one image, or parts above figures.studies_per_part studies (figures/parts.py)
        include="results/figures/risk_of_bias_traffic_light.md",
        images=directory("results/figures/risk_of_bias_traffic_light"),
    log:
        "logs/draw_risk_of_bias_traffic_light.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_figure_mem_mb("draw_risk_of_bias_traffic_light"),  # see profiles/default
    params:
        studies=get_studies_key("draw_risk_of_bias_traffic_light"),
        per_part=get_studies_per_part(),
        formats=get_part_renditions(),
        code=get_code_version("evidence", "figures"),
    script:
        "../scripts/draw_risk_of_bias_traffic_light.py"


rule draw_risk_of_bias_summary:
    """Weighted risk-of-bias summary bar plot, one panel per tool (robvis layout)."""
    input:
        risk_of_bias=get_data("risk_of_bias"),
        studies=ancient(get_data("studies")),  # see params.studies
    output:
        **get_figure_outputs("risk_of_bias_summary"),
    log:
        "logs/draw_risk_of_bias_summary.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        studies=get_studies_key("draw_risk_of_bias_summary"),
        code=get_code_version("evidence", "figures"),
    script:
        "../scripts/draw_risk_of_bias_summary.py"


rule run_meta_analyses:
    """Meta-analyses declared in protocol.yaml, from data/effects.csv, with forest plots,
    the living view (pooled estimate per release), the section the Results include and
    the paragraph the Methods include.
    """
    input:
        effects=get_data("effects"),
        studies=ancient(get_data("studies")),  # see params.studies
        protocol=get_data("protocol"),
        risk_of_bias=get_data("risk_of_bias"),
        bibliography=get_data("bibliography"),
        snapshots=get_release_snapshots(),
    output:
        json="results/synthesis/meta_analyses.json",
        forest=directory("results/figures/forest"),
        text=META_ANALYSES_TEXT,
        methods=META_METHODS_TEXT,
    log:
        "logs/run_meta_analyses.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        studies=get_studies_key("run_meta_analyses"),
        code=get_code_version("synthesis", "figures", "evidence", "text"),
        # image paths in an included file are relative to that file (results/text/)
        image="../figures/forest",
        formats=FIGURE_FORMATS,
    script:
        "../scripts/run_meta_analyses.py"

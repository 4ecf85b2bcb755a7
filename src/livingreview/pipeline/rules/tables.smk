rule make_characteristics_table:
    """Characteristics of included studies (the review's systematic review table)."""
    input:
        studies=get_data("studies"),
        protocol=get_data("protocol"),
        bibliography=get_data("bibliography"),
    output:
        table="results/tables/characteristics.md",
    log:
        "logs/make_characteristics_table.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("bibliography", "evidence", "figures", "tables"),
        headings=get_table_headings(),
    script:
        "../scripts/make_characteristics_table.py"


rule summarise_by_diagnosis:
    """Studies, participants, designs, routes, direction and duration of effect per group."""
    input:
        studies=get_data("studies"),
        outcomes=get_data("outcomes"),
        protocol=get_data("protocol"),
    output:
        table="results/tables/summary_by_diagnosis.md",
    log:
        "logs/summarise_by_diagnosis.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("evidence", "synthesis", "tables"),
        headings=get_table_headings(),
    script:
        "../scripts/summarise_by_diagnosis.py"


rule write_eligibility_criteria:
    """Eligibility criteria and exclusion reasons for the methods chapter, from the protocol."""
    input:
        protocol=get_data("protocol"),
    output:
        criteria="results/tables/eligibility.md",
        reasons="results/tables/exclusion_reasons.md",
    log:
        "logs/write_eligibility_criteria.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("evidence", "tables"),
    script:
        "../scripts/write_eligibility_criteria.py"


rule evaluate_sensitivity_analyses:
    """The protocol's sensitivity analyses on the same ledger: table and sentences."""
    input:
        protocol=get_data("protocol"),
        records=get_data("records"),
        facts=get_optional_data("eligibility_facts"),
        studies=ancient(get_data("studies")),  # see params.studies
        outcomes=get_data("outcomes"),
        risk_of_bias=get_data("risk_of_bias"),
        bibliography=get_data("bibliography"),
    output:
        table="results/tables/sensitivity.md",
        text="results/tables/sensitivity_text.md",
        results="results/tables/sensitivity.json",  # read by draw_sensitivity_plot
    log:
        "logs/evaluate_sensitivity_analyses.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        studies=get_studies_key("evaluate_sensitivity_analyses"),
        code=get_code_version("bibliography", "evidence", "synthesis", "tables"),
    script:
        "../scripts/evaluate_sensitivity_analyses.py"

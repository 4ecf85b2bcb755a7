rule make_study_tables:
    """Characteristics of included studies (the review's systematic review table) and
    the summary per diagnosis group (studies, participants, designs, routes, direction
    and duration of effect): one job, as both read the studies table and the protocol,
    and a value edit of the studies reruns both (one Python start fewer, issue 19)."""
    input:
        studies=get_data("studies"),
        protocol=get_data("protocol"),
        bibliography=get_data("bibliography"),
        outcomes=get_data("outcomes"),
    output:
        characteristics="results/tables/characteristics.md",
        summary="results/tables/summary_by_diagnosis.md",
    log:
        "logs/make_study_tables.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version(
            "bibliography", "evidence", "figures", "synthesis", "tables"
        ),
        headings=get_table_headings(),
    script:
        "../scripts/make_study_tables.py"


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
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        studies=get_studies_key("evaluate_sensitivity_analyses"),
        code=get_code_version("bibliography", "evidence", "synthesis", "tables"),
    script:
        "../scripts/evaluate_sensitivity_analyses.py"

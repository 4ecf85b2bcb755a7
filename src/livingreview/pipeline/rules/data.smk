rule validate_data:
    """Check every data file and the links between them; stop the build on any problem."""
    input:
        protocol=get_data("protocol"),
        records=get_data("records"),
        studies=get_data("studies"),
        sources=get_data("extraction_sources"),
        bibliography=get_data("bibliography"),
        outcomes=get_data("outcomes"),
        risk_of_bias=get_data("risk_of_bias"),
        facts=get_optional_data("eligibility_facts"),
    output:
        records="results/data/records.csv",
        studies="results/data/studies.csv",
        sources="results/data/extraction_sources.csv",
        summary=VALIDATION_REPORT,
    log:
        "logs/validate_data.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("bibliography", "evidence", "ledger"),
    script:
        "../scripts/validate_data.py"

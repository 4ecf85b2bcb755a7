rule validate_data:
    """Check every data file and the links between them; stop the build on any problem.

    The data gate: the highest priority and every core, so when the data changed it
    runs first and alone, and a data error stops the build before any figure or
    table job has read the data (each would report it again). Not an input of those
    jobs: Snakemake would then rerun every one of them on any data edit (an ancient()
    input is not enough, it skips the jobs after one that must run), so a value edit
    still reruns only the rules that read it (tests/workflow/test_value_edit.py)."""
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
    priority: 100
    conda:
        "../envs/livingreview.yaml"
    threads: workflow.cores
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        code=get_code_version("bibliography", "evidence", "ledger"),
    script:
        "../scripts/validate_data.py"

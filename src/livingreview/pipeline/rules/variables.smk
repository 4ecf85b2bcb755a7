checkpoint collect_variables:
    """Write _variables.yml: every number the chapters quote, from the data; its
    synthesis.* keys again alone, the only ones write_generated_text reads; and
    results/releases/state.json, which version the outputs carry (the latest release
    when the data equal its snapshot, otherwise a draft after it: the release.* keys).

    A checkpoint so that Snakemake plans its dependents again once it has run: an
    edit that changes some numbers but not the synthesis keys (a study's n) writes
    the same synthesis.json and state.json, and write_generated_text and
    write_release_pages then do not run (see the pipeline README). The version is
    stamped here rather than by a rule of its own: both run on nearly every data
    edit, and one rule and one checkpoint fewer is one Python start and one
    replanning fewer on each (issue 19)."""
    input:
        **get_data_files(),
        counts="results/prisma/counts.json",
        decisions=get_decision_log(),
        meta="results/synthesis/meta_analyses.json",
        snapshots=get_release_snapshots(),
        release_protocols=get_release_protocols(),
        cumulative=get_cumulative_counts(),
    output:
        variables="_variables.yml",
        synthesis="results/text/synthesis.json",
        state="results/releases/state.json",
    log:
        "logs/collect_variables.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        code=get_code_version(
            "evidence", "ledger", "living", "prisma", "synthesis", "text"
        ),
        data_keys=list(get_data_files()),
    script:
        "../scripts/collect_variables.py"

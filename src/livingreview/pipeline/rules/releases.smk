rule describe_previous_release:
    """The release the PRISMA flow diagram shows as "previous studies" (null if none)."""
    input:
        snapshots=get_release_snapshots(),
        records=get_data("records"),
    output:
        previous="results/releases/previous.json",
    log:
        "logs/describe_previous_release.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        code=get_code_version("living", "prisma"),
    script:
        "../scripts/describe_previous_release.py"


rule write_release_pages:
    """What's new (diff of the last two releases), version history and Cite this version."""
    input:
        snapshots=get_release_snapshots(),
        state="results/releases/state.json",
        quarto="_quarto.yml",
        bibliography=get_data("bibliography"),
        corrections=get_release_corrections(),
    output:
        whats_new="results/releases/whats_new.md",
        history="results/releases/history.md",
        citation="results/releases/cite.md",
    log:
        "logs/write_release_pages.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("bibliography", "evidence", "figures", "living", "render"),
        # links in an included file are relative to that file (Quarto's rule): from
        # results/releases/ the history's links lead, via manuscript/ (the including
        # chapter, one folder below the site root), to releases/<version>/ of the site
        link_prefix="../../",
        # a draft's What's new points to Changes in this version when a chapter has it
        changes_section=get_changes_section_files(),
    script:
        "../scripts/write_release_pages.py"


rule write_changes_page:
    """Changes in this version, the released part: the eligibility criteria changed
    (from each release's protocol file), the data changes and a word-level diff of
    the text of the latest release against the previous one, by chapter (from
    their DOCX files). Its own rule, so a data edit never reruns the text diff."""
    input:
        snapshots=get_release_snapshots(),
        release_protocols=get_release_protocols(),
        documents=get_release_documents(),
        bibliography=get_data("bibliography"),
    output:
        changes="results/releases/released_changes.md",
    log:
        "logs/write_changes_page.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("bibliography", "evidence", "figures", "living", "render"),
    script:
        "../scripts/write_changes_page.py"


rule add_draft_changes:
    """Changes in this version as readers see it: when the outputs are a draft (the
    data differ from the latest release), the eligibility criteria it changes and
    what it changes in the data since that release (studies added and removed with
    why, changed key values, the counts and PRISMA counts that changed), then the released part. The draft's text is not
    compared: it exists only once the review is rendered, which includes this page."""
    input:
        snapshots=get_release_snapshots(),
        state="results/releases/state.json",
        release_protocols=get_release_protocols(),
        variables="_variables.yml",
        records=get_data("records"),
        studies=get_data("studies"),
        protocol=get_data("protocol"),
        bibliography=get_data("bibliography"),
        released="results/releases/released_changes.md",
    output:
        changes="results/releases/changes.md",
    log:
        "logs/add_draft_changes.log",
    conda:
        "../envs/livingreview.yaml"
    resources:
        mem_mb=get_ledger_mem_mb(),  # see profiles/default
    params:
        code=get_code_version("bibliography", "evidence", "living"),
    script:
        "../scripts/add_draft_changes.py"

rule check_manuscript:
    """Check the chapters before rendering: syntax, cross-references, citations, variables, files.

    It also waits for validate_data, the gate that stops the build before
    anything is rendered when the data or the links between files are invalid."""
    input:
        validated=VALIDATION_REPORT,
        manuscript=get_manuscript_files(),
        variables="_variables.yml",
        bibliography=get_data("bibliography"),
        tables=get_tables(),
        figures=get_figures(),
    output:
        report="results/check/manuscript.txt",
    log:
        "logs/check_manuscript.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("bibliography", "render", "text"),
        on_false_claim=get_claims_on_false(),
    script:
        "../scripts/check_manuscript.py"


rule render_book:
    """Render _book/ (website, DOCX, PDF). _book/ is swapped in whole only after every
    format succeeded, so it is not a Snakemake output (Snakemake would delete it
    before the job); the manifest of its files is."""
    input:
        **get_render_inputs(),
    output:
        manifest="results/render/manifest.json",
    log:
        "logs/render_book.log",
    conda:
        "../envs/livingreview.yaml"
    params:
        code=get_code_version("bibliography", "render", "text"),
        on_false_claim=get_claims_on_false(),
        backend=config["render"]["backend"],
        formats=config["render"]["formats"],
        # read by the renderer from config/config.yaml; a param so a change reruns it
        rows_per_page=config.get("tables", {}).get("rows_per_page"),
        print_rows=config.get("tables", {}).get("print_rows"),
        keep_formats=config["render"].get("keep_formats", []),
    script:
        "../scripts/render_book.py"

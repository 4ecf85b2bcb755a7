rule render_book:
    """Check the chapters, then render _book/ (website, DOCX, PDF).

    The check (syntax, cross-references, citations, variables, files) runs on the
    book model the embedded backend then writes from, and a problem stops the job
    before anything is rendered; with Quarto it runs before Quarto does. The job
    also waits for validate_data, the gate that stops the build before anything is
    rendered when the data or the links between files are invalid. _book/ is
    swapped in whole only after every format succeeded, so it is not a Snakemake
    output (Snakemake would delete it before the job); the manifest of its files is."""
    input:
        **get_render_inputs(),
    output:
        manifest="results/render/manifest.json",
        report="results/check/manuscript.txt",
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

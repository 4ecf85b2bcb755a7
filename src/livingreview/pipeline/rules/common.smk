"""Shared helpers of the rules: config validation, paths, lists of inputs."""

import os
from pathlib import Path


from livingreview.config import validate_config
from livingreview.data_keys import figure_mem_mb, ledger_mem_mb, studies_key
from livingreview.figures.parts import DEFAULT_STUDIES_PER_PART, part_renditions
from livingreview.paths import book_resources, figure_formats, read_book_settings
from livingreview.workflow import (
    CHANGES_SECTION,
    cache_environment,
    code_version,
    compare_params_without_pandas,
    files_declaring,
    or_exit,
    reproducible_environment,
    schema_check_folder,
    store_script_params_without_pandas,
)


def get_config_source():
    """Where the settings came from, named in messages: the file, and --config if given."""
    return "config/config.yaml with --config" if _overrides else "config/config.yaml"


# A config that matched the schema before is not checked against it again (no
# jsonschema import in a no-op); its data file paths are (livingreview.config).
or_exit(validate_config, config, get_config_source(), None, schema_check_folder("."))
# Fixed time zone, locale and SOURCE_DATE_EPOCH for every job: byte-identical outputs.
os.environ.update(reproducible_environment("."))  # the project: the working folder
# Each data table is validated once per content, and each chapter parsed by Pandoc
# once per content; later jobs read the typed frame or the parse.
os.environ.update(cache_environment("."))
# Snakemake compares the params without importing pandas (0.35-0.4 s of a no-op), and
# hands them to the rules' scripts without it (0.13 s before the first job of a build).
compare_params_without_pandas()
store_script_params_without_pandas()

# _quarto.yml, read once for the figures' renditions and the published files.
BOOK_SETTINGS = read_book_settings(".")
# The renditions of a figure that some output format shows (each format's
# default-image-extension in _quarto.yml): SVG and PNG for this book, no PDF.
FIGURE_FORMATS = list(figure_formats(".", BOOK_SETTINGS))
# The website's rendition (html's default-image-extension): all that is drawn of the
# parts of a figure DOCX and PDF print as a note (figures.print_parts).
WEBSITE_FIGURE_FORMATS = list(figure_formats(".", BOOK_SETTINGS, outputs=("html",)))
VALIDATION_REPORT = "results/data/summary.json"
# Generated appendix listing the records behind each PRISMA box (in _quarto.yml).
PRISMA_RECORDS_PAGE = "results/prisma/records.qmd"
# The website's records browser data, published next to that page (issue 19).
PRISMA_RECORDS_DATA = "results/prisma/records-data"
# The meta-analysis section (text, forest plots, living view) the Results include.
META_ANALYSES_TEXT = "results/text/meta_analyses.md"
META_METHODS_TEXT = "results/text/meta_methods.md"
META_ANALYSES_FIGURES = "results/figures/forest"


def get_data(name):
    """Path of a source data file named in config['data']."""
    return config["data"][name]


def get_optional_data(name):
    """Path of an optional source data file, or [] (no input) when config omits it."""
    return config["data"].get(name) or []


def get_studies_key(rule_name):
    """Key of the studies columns a job reads (livingreview.data_keys): data/studies.csv
    is listed as ancient() and this param changes when those columns change, so an
    edit of a value the job never reads (a study's n) reruns neither it nor its
    dependents."""
    return studies_key(get_data("studies"), rule_name)


def get_figure_mem_mb(rule_name):
    """Declared memory of figure ``rule_name``, which has a row per study and is
    drawn in parts of get_studies_per_part() studies (livingreview.data_keys),
    capped at the run's mem_mb limit if one is set (profiles/default/config.yaml)."""

    def mem_mb(wildcards):
        return figure_mem_mb(
            get_data("studies"), rule_name, get_studies_per_part(), get_mem_mb_limit()
        )

    return mem_mb


def get_ledger_mem_mb():
    """Declared memory of a rule that loads the screening ledger, from its size
    (ledger_mem_mb, livingreview.data_keys), capped at the run's mem_mb limit: two
    such jobs at 1,000,000 records (2.7-2.9 GB each) never run side by side beyond
    the limit (profiles/default/config.yaml)."""

    def mem_mb(wildcards):
        return ledger_mem_mb(get_data("records"), get_mem_mb_limit())

    return mem_mb


def get_mem_mb_limit():
    """The run's mem_mb limit (profiles/default, --resources), or None if none is set."""
    limit = workflow.global_resources.get("mem_mb")
    return limit if isinstance(limit, int) else None


def get_counts_template():
    """The PRISMA2020 template the counts are read from ([] = derive them from the ledger)."""
    path = config.get("prisma", {}).get("counts_template")
    return [path] if path else []


def get_cumulative_counts():
    """The counts of the whole ledger derive_prisma_counts wrote, for the cumulative.*
    variables ([] with a counts template, whose counts are not the ledger's: the
    variables are then derived from the ledger by collect_variables itself)."""
    return [] if get_counts_template() else ["results/prisma/counts_cumulative.json"]


def get_results_diagram():
    """Which flow diagram the Results chapter cites: cumulative (every record of every
    version) or update (PRISMA 2020 updated-review template)."""
    return config.get("prisma", {}).get("results_diagram", "cumulative")


def get_cited_counts():
    """Counts of the flow diagram the Results chapter cites."""
    if get_results_diagram() == "update":
        return "results/prisma/counts.json"
    return "results/prisma/counts_cumulative.json"


def get_other_counts():
    """Counts of the flow diagram the Results chapter does not cite."""
    if get_results_diagram() == "update":
        return "results/prisma/counts_cumulative.json"
    return "results/prisma/counts.json"


def get_other_flow_diagram():
    """Name of the figure drawn for the diagram the Results chapter does not cite."""
    return (
        "prisma_flow_cumulative"
        if get_results_diagram() == "update"
        else "prisma_flow_update"
    )


def get_generated_text():
    """Generated sentences the chapters include (text/sentences.py)."""
    return {
        name: f"results/text/{name}.md"
        for name in (
            "search_methods",
            "study_selection",
            "prisma_figure",
            "other_flow_figure",
            "effect_direction",
            "unresolved_reports",
        )
    }


def get_claims_on_false():
    """What a false checked claim does to the build: stop, or mark (draft builds)."""
    return config.get("claims", {}).get("on_false", "stop")


def get_decision_log():
    """The reviewers' decision log ([] until a sheet has been applied)."""
    path = Path("screening/decisions.csv")
    return [str(path)] if path.exists() else []


def get_code_version(*modules):
    """Hash of the package modules a rule runs, passed as a param so that a change
    in the package (not only in the rule's script) reruns the rule."""
    return code_version(*modules)


def get_figure(name):
    """The renditions of a figure the output formats show (FIGURE_FORMATS), of SVG
    (website, PDF), PDF and PNG (DOCX)."""
    return expand("results/figures/{name}.{ext}", name=name, ext=FIGURE_FORMATS)


def get_figure_outputs(name):
    """The renditions of a figure as named outputs (``svg=``, ``png=`` ...)."""
    return {ext: f"results/figures/{name}.{ext}" for ext in FIGURE_FORMATS}


def get_split_figure(name):
    """A study figure drawn in parts above figures.studies_per_part studies: the
    Markdown the chapter includes in the figure's div, and the folder of images."""
    return [f"results/figures/{name}.md", f"results/figures/{name}"]


def get_part_renditions():
    """The renditions of a split figure's parts (livingreview.figures.parts.Renditions):
    those some output format shows, but the website's alone for a figure in more than
    figures.print_parts parts, which DOCX and PDF then print as a note."""
    return part_renditions(config, FIGURE_FORMATS, WEBSITE_FIGURE_FORMATS)


def get_studies_per_part():
    """Studies per part of a split study figure (config['figures'], figures/parts.py)."""
    return config.get("figures", {}).get("studies_per_part", DEFAULT_STUDIES_PER_PART)


def get_tables():
    """Generated Markdown tables (and release pages) that chapters include."""
    return (
        [
            "results/tables/characteristics.md",
            "results/tables/summary_by_diagnosis.md",
            "results/tables/eligibility.md",
            "results/tables/exclusion_reasons.md",
            "results/tables/sensitivity.md",
            "results/tables/sensitivity_text.md",
        ]
        + get_release_pages()
        + list(get_generated_text().values())
        + [META_ANALYSES_TEXT, META_METHODS_TEXT]
    )


def get_data_files():
    """Every source data file, keyed by its name in config['data']."""
    return dict(config["data"])


def get_release_snapshots():
    """Every releases/<version>/release.yaml (frozen versions of the review)."""
    return sorted(str(p) for p in Path("releases").glob("*/release.yaml"))


def get_release_protocols():
    """The protocol file each release was made from (releases/<version>/protocol.yaml),
    whose eligibility criteria the changes and the eligibility.* variables compare."""
    return sorted(str(p) for p in Path("releases").glob("*/protocol.yaml"))


def get_release_artifacts():
    """The PDF and DOCX of every release (published at _book/releases/<version>/)."""
    return sorted(str(p) for p in Path("releases").glob("*/review.*"))


def get_release_corrections():
    """releases/corrections.yaml (corrections to released versions) if the project has one."""
    path = Path("releases") / "corrections.yaml"
    return [str(path)] if path.is_file() else []


def get_release_documents():
    """The DOCX of every release: the text that Changes in this version compares."""
    return sorted(str(p) for p in Path("releases").glob("*/review.docx"))


def get_release_pages():
    """What's new, version history, Cite this version and Changes in this version,
    generated from the releases."""
    return [
        "results/releases/whats_new.md",
        "results/releases/history.md",
        "results/releases/cite.md",
        "results/releases/changes.md",
    ]


def get_table_headings():
    """The review's own column headings of the study tables (config['tables'])."""
    return dict(config.get("tables", {}).get("headings", {}))


def is_figure_enabled(name):
    """Whether config['figures'] turns on an optional, review-specific figure."""
    return bool(config.get("figures", {}).get(name, False))


def get_figures():
    """Every figure rendition the chapters show."""
    return (
        get_figure("prisma_flow")
        + get_figure(get_other_flow_diagram())
        + get_split_figure("study_overview")
        + (get_figure("pharmacology") if is_figure_enabled("pharmacology") else [])
        + get_split_figure("effect_direction")
        + get_split_figure("sensitivity")
        + get_split_figure("onset_duration")
        + get_split_figure("risk_of_bias_traffic_light")
        + get_figure("risk_of_bias_summary")
        + [META_ANALYSES_FIGURES]
    )


def get_manuscript_files():
    """_quarto.yml, the book's index page, every file under manuscript/ and the
    generated pages the book lists (the PRISMA records appendix)."""
    files = ["_quarto.yml", "index.qmd"]
    files += sorted(str(p) for p in Path("manuscript").rglob("*") if p.is_file())
    return files + [PRISMA_RECORDS_PAGE]


def get_changes_section_files():
    """The chapters that declare Changes in this version (a param, not an input: adding
    or removing the section reruns What's new, an edit of any chapter does not)."""
    return files_declaring(get_manuscript_files(), CHANGES_SECTION)


def get_book_resources():
    """Files that _quarto.yml's `project: resources:` publishes with the website."""
    return book_resources(".", BOOK_SETTINGS)


def get_render_inputs():
    """Everything the rendered book depends on (with the data gate's report)."""
    return {
        "validated": VALIDATION_REPORT,
        "published": get_book_resources(),
        "manuscript": get_manuscript_files(),
        "variables": "_variables.yml",
        "bibliography": get_data("bibliography"),
        "style": sorted(str(p) for p in Path("refs").glob("*.csl"))
        + sorted(str(p) for p in Path("refs").glob("reference*.docx")),
        "tables": get_tables(),
        "figures": get_figures(),
        "releases": get_release_artifacts(),
        "records_data": PRISMA_RECORDS_DATA,
    }


def get_final_outputs():
    """Targets of `rule all`."""
    return ["results/render/manifest.json"]

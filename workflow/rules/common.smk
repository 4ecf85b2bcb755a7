"""Shared helpers of the rules: config validation, paths, lists of inputs."""

import os
from pathlib import Path

from livingreview.config import validate_config
from livingreview.workflow import reproducible_environment

validate_config(config)
# Fixed time zone, locale and SOURCE_DATE_EPOCH for every job: byte-identical outputs.
os.environ.update(reproducible_environment(workflow.basedir))

FIGURE_FORMATS = ["svg", "pdf", "png"]
VALIDATION_REPORT = "results/data/summary.json"


def get_data(name):
    """Path of a source data file named in config['data']."""
    return config["data"][name]


def get_figure(name):
    """The three renditions of a figure: SVG (website), PDF (print), PNG (DOCX)."""
    return expand("results/figures/{name}.{ext}", name=name, ext=FIGURE_FORMATS)


def get_tables():
    """Generated Markdown tables that chapters include."""
    return [
        "results/tables/characteristics.md",
        "results/tables/summary_by_diagnosis.md",
        "results/tables/eligibility.md",
        "results/tables/exclusion_reasons.md",
    ]


def get_figures():
    """Every figure rendition the chapters show."""
    return (
        get_figure("prisma_flow")
        + get_figure("study_overview")
        + get_figure("pharmacology")
    )


def get_manuscript_files():
    """_quarto.yml, the book's index page and every file under manuscript/."""
    files = ["_quarto.yml", "index.qmd"]
    files += sorted(str(p) for p in Path("manuscript").rglob("*") if p.is_file())
    return files


def get_render_inputs():
    """Everything the rendered book depends on."""
    return {
        "manuscript": get_manuscript_files(),
        "variables": "_variables.yml",
        "bibliography": get_data("bibliography"),
        "style": sorted(str(p) for p in Path("refs").glob("*.csl")),
        "tables": get_tables(),
        "figures": get_figures(),
        "check": "results/check/manuscript.txt",
    }


def get_final_outputs():
    """Targets of `rule all`."""
    return ["results/render/manifest.json"]

"""Living systematic review: ketamine treatment for refractory anxiety.

`snakemake` (no flags; profiles/default supplies the cores) rebuilds whatever
depends on what changed, from data/, refs/ and the chapters to _book/:

    data/ + refs/      validate_data
        |              derive_prisma_counts -> draw_flow_diagram
        |              make_characteristics_table, summarise_by_diagnosis
        |              draw_study_overview, draw_pharmacology_figure
        |              describe_previous_release, stamp_release_state, write_release_pages
        v              collect_variables (_variables.yml: every number the prose quotes)
    manuscript/ ---->  check_manuscript -> render_book (_book/: website, DOCX, PDF)
"""

from snakemake.utils import min_version, update_config

from livingreview.config import load_config
from livingreview.workflow import or_exit

min_version("9.0")


# config/config.yaml is read with yaml.safe_load (livingreview.config), not with
# Snakemake's `configfile:`, whose YTE templating runs Python expressions found in
# the file: config cannot execute code. `--config key=value` still overrides it.
_overrides = dict(config)
config.update(or_exit(load_config, "config/config.yaml"))
update_config(config, _overrides)


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/prisma.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/synthesis.smk"
include: "workflow/rules/variables.smk"
include: "workflow/rules/render.smk"
include: "workflow/rules/releases.smk"


rule all:
    """Build the whole review: website, DOCX and PDF in _book/."""
    default_target: True
    input:
        get_final_outputs(),

"""Living systematic review: ketamine treatment for refractory anxiety.

`snakemake` (no flags; profiles/default supplies the cores) rebuilds whatever
depends on what changed, from data/, refs/ and the chapters to _book/. The
rules ship inside the livingreview package as a Snakemake module (the same
module every review made by `livingreview init` uses); see
src/livingreview/pipeline/README.md for the rules and what each one writes.
"""

from livingreview.workflow import module_snakefile


module livingreview:
    snakefile:
        module_snakefile()
    config:
        config


use rule * from livingreview

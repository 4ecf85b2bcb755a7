"""livingreview: a living systematic review's build, from its data to the book."""

from .job_process import pause_collection_in_job_script

# In a rule's script (a Snakemake job) this is the first package code to run, before
# pandas and matplotlib are imported: run_step turns collections back on (issue 19).
pause_collection_in_job_script()

"""Synthesis of the included studies: direction of effect, timelines and the findings
summaries quoted in the prose (narrative.py); effect sizes, meta-analysis models and
the declared analyses (effect_sizes.py, meta_analysis.py, meta_sensitivity.py,
analyses.py; their normal, t and chi-squared tails from scipy.special in
distributions.py); the pooled estimate per release (release_history.py).
"""

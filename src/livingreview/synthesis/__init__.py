"""Synthesis of the included studies: direction of effect, timelines and the findings
summaries quoted in the prose.
"""

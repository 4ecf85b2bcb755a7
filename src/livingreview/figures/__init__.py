"""Figures: house style and writers, the evidence map, the pharmacology schematic, the
effect direction, onset/duration and risk-of-bias plots.
"""

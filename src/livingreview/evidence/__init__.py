"""The evidence base: studies, outcomes, risk of bias, the protocol and their cross-file checks.

Loads and validates the source data the later stages read. Imports the ledger and
the foundation modules only.
"""

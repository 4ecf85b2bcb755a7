"""The screening ledger: reading search exports, de-duplication, screening sheets and decisions.

Owns everything that adds records to ``data/records.csv`` or decisions to it. Imports
only the foundation modules (errors, io, validation, markdown).
"""

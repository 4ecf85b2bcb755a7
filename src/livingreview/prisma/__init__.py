"""PRISMA 2020: counts derived from the ledger, their invariants, the PRISMA2020 template
exchange, the flow diagram and the records behind each box.
"""

"""Synthetic PRISMA counts shared by the PRISMA and flow-diagram tests."""

from __future__ import annotations

from livingreview.prisma.model import PrismaCounts


def zero_counts(**changes: object) -> PrismaCounts:
    """All-zero counts of a new (not updated) review, with ``changes`` applied."""
    base: dict[str, object] = dict.fromkeys(PrismaCounts.__dataclass_fields__, 0)
    base.update(
        previous_studies=None,
        previous_reports=None,
        total_studies_ma=None,
        total_reports_ma=None,
        # What was read is not recorded unless a test gives it.
        dbr_assessed_full_text=None,
        dbr_assessed_without_full_text=None,
        other_assessed_full_text=None,
        other_assessed_without_full_text=None,
        # No decision on a record of a previous version changed unless a test says so.
        withdrawn_studies=None,
        withdrawn_reports=None,
        withdrawn_reasons=None,
        reassessed_reports=None,
        reassessed_studies=None,
        database_specific={},
        register_specific={},
        dbr_excluded={},
        other_excluded={},
    )
    base.update(changes)
    return PrismaCounts(**base)

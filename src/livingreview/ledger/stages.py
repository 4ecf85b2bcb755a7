"""Which decision a ledger record waits for (the stage of its to-do list)."""

from __future__ import annotations

from collections.abc import Mapping

DBR_SOURCES = ("database", "register")


OTHER_SOURCES = ("website", "organisation", "citation_search")


AWAITING_STAGES = ("screening", "retrieval", "eligibility", "linking")


def awaiting_stage(row: Mapping[str, str]) -> str | None:
    """The decision a record still waits for (``screening``, ``retrieval``,
    ``eligibility`` or ``linking`` to its study), or None once it has left the
    flow or been included and linked.

    A record waits only when every earlier decision moved it on and the next
    one is blank (a new search result not yet screened, a report not yet
    assessed, an included report whose study is not named yet). Such records
    are not counted until decided; contradictory rows are reported by the
    PRISMA checks. Records found by other methods have no screening stage.
    """
    kind = row.get("source_type")
    if kind not in DBR_SOURCES + OTHER_SOURCES:
        return None  # reported by the PRISMA checks: counted in no box
    if row.get("duplicate_of") or row.get("removed") or row.get("screening") == "exclude":
        return None
    dbr = kind in DBR_SOURCES
    if dbr and not row.get("screening"):
        return "screening" if not (row.get("retrieval") or row.get("eligibility")) else None
    if not row.get("retrieval"):
        return "retrieval" if not row.get("eligibility") else None
    if row.get("retrieval") == "retrieved" and not row.get("eligibility"):
        return "eligibility"
    if row.get("eligibility") == "include" and not row.get("study_id"):
        return "linking"
    return None


AWAITING_LABELS = {
    "screening": "Awaiting title/abstract screening",
    "retrieval": "Awaiting full-text retrieval",
    "eligibility": "Awaiting the full-text eligibility decision",
    "linking": "Included at full text; awaiting linking to its study",
}
"""What a reader sees for a record waiting at each stage."""

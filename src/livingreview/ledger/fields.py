"""Column sets shared by the ledger commands: fields, decisions, sheets, reports."""

from __future__ import annotations

from collections.abc import Callable

SOURCE_TYPES = ("database", "register", "website", "organisation", "citation_search")


BIBLIO_FIELDS = ("title", "authors", "year", "journal", "doi", "pmid", "url")


MERGE_FIELDS = ("doi", "pmid", "year", "journal", "authors", "url")


DECISION_FIELDS = (
    "screening",
    "screening_reason",
    "retrieval",
    "eligibility",
    "exclusion_reason",
    "study_id",
    "bib_key",
)


SHEET_COLUMNS = ("record_id", "source", *BIBLIO_FIELDS, *DECISION_FIELDS)


REPORT_COLUMNS = (
    "export_line",
    "record_id",
    "outcome",
    "matched_record",
    "matched_on",
    "matched_value",
    "merged_fields",
    "title",
)


Progress = Callable[[str, int, int], None]

"""Column sets shared by the ledger commands: fields, decisions, sheets, reports."""

from __future__ import annotations

from collections.abc import Callable

from ..wording import join_words

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


STAGES = ("screening", "retrieval", "eligibility", "linking")
"""The decisions a record passes through, each applied on its own (title/abstract
screening; retrieval of the full text; full-text eligibility with a reason;
linking the report to its study and citation key)."""


STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "screening": ("screening", "screening_reason"),
    "retrieval": ("retrieval",),
    "eligibility": ("eligibility", "exclusion_reason"),
    "linking": ("study_id", "bib_key"),
}
"""Ledger columns each stage decides: the decision first, then its reason."""


INFO_COLUMNS = (
    "record_id",
    "source",
    "title",
    "authors",
    "year",
    "journal",
    "doi",
    "pmid",
    "link",
    "abstract",
    "keywords",
)
"""What a reviewer reads on a sheet (never copied back into the ledger)."""


WHO_COLUMNS = ("reviewer", "decided_on", "note")
"""Who decided, when (YYYY-MM-DD) and a free-text note, kept for every decision."""


SHEET_COLUMNS = (*INFO_COLUMNS, *DECISION_FIELDS, *WHO_COLUMNS)
"""Every column a sheet may have (older sheets also carry ``url``)."""


def stage_sheet_columns(stage: str) -> tuple[str, ...]:
    """Columns of a sheet for one stage: what to read, the stage's decision, who/when/note."""
    return (*INFO_COLUMNS, *STAGE_FIELDS[stage], *WHO_COLUMNS)


IMPORT_LOG_COLUMNS = (
    "batch",
    "source",
    "source_type",
    "search_date",
    "file",
    "format",
    "sha256",
    "records",
    "new",
    "duplicates",
    "first_record",
    "last_record",
    "sheet",
    "report",
)
"""One row per imported batch (``screening/imports.csv``)."""


DECISION_LOG_COLUMNS = (
    "record_id",
    "stage",
    "decision",
    "reason",
    "reviewer",
    "decided_on",
    "note",
    "role",
    "sheet",
)
"""One row per decision made (``screening/decisions.csv``); ``role`` is ``review``
(an independent reviewer) or ``resolution`` (a disagreement settled)."""


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


READ_FROM_WORDS = {
    "bibliographic": "the bibliographic record",
    "abstract": "the abstract",
    "partial_text": "part of the text",
    "registration": "the trial registration",
    "full_text": "the full text",
}
"""What each ``read_from`` code (records.csv) means to a reader, in the order they are named."""


def read_from_phrase(cell: object, word: str = "and") -> str:
    """What a ``read_from`` cell says was read, for a reader: "abstract+registration" ->
    "the abstract and the trial registration" (``word`` joins the last two), in
    :data:`READ_FROM_WORDS` order; unknown codes left out, "" if none is known."""
    seen = {part.strip() for part in str(cell or "").split("+")}
    return join_words((text for key, text in READ_FROM_WORDS.items() if key in seen), word)

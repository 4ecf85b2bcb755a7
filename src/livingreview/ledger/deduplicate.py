"""De-duplication of imported records against the ledger: DOI, PMID, then title and year."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .export_formats import ExportRecord
from .fields import BIBLIO_FIELDS, MERGE_FIELDS, Progress


def bare_doi(value: str) -> str:
    """DOI without resolver or ``doi:`` prefix, as the ledger stores it."""
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.IGNORECASE)
    return value.strip()


def normalise_doi(value: str) -> str:
    """DOI for matching: bare and lower-case (``https://doi.org/10.1/AB`` -> ``10.1/ab``)."""
    return bare_doi(value).lower()


def normalise_title(value: str) -> str:
    """Title for matching: accents removed, case folded, only letters and digits kept."""
    if value.isascii():
        text = value.lower()
    else:
        text = unicodedata.normalize("NFKD", value)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(slots=True)
class Outcome:
    """What happened to one export record (a row of the de-duplication report)."""

    export_line: int
    record_id: str
    outcome: str  # new | duplicate
    title: str
    matched_record: str = ""
    matched_on: str = ""  # doi | pmid | title+year
    matched_value: str = ""
    merged_fields: list[str] = field(default_factory=list)

    def row(self) -> dict[str, str]:
        """The report row as strings."""
        return {
            "export_line": str(self.export_line),
            "record_id": self.record_id,
            "outcome": self.outcome,
            "matched_record": self.matched_record,
            "matched_on": self.matched_on,
            "matched_value": self.matched_value,
            "merged_fields": ";".join(self.merged_fields),
            "title": self.title,
        }


class _Index:
    """DOI, PMID and title+year -> record id of the record that was kept."""

    def __init__(self) -> None:
        self.doi: dict[str, str] = {}
        self.pmid: dict[str, str] = {}
        self.title: dict[tuple[str, str], str] = {}
        self.ids: dict[str, tuple[str, str]] = {}  # record id -> (doi, pmid)

    def add(self, record_id: str, fields: Mapping[str, str]) -> None:
        doi, pmid = normalise_doi(fields.get("doi", "")), fields.get("pmid", "").strip()
        title = normalise_title(fields.get("title", ""))
        if doi:
            self.doi.setdefault(doi, record_id)
        if pmid:
            self.pmid.setdefault(pmid, record_id)
        if title and fields.get("year"):
            self.title.setdefault((title, str(fields["year"]).strip()), record_id)
        old_doi, old_pmid = self.ids.get(record_id, ("", ""))
        self.ids[record_id] = (old_doi or doi, old_pmid or pmid)

    def match(self, fields: Mapping[str, str]) -> tuple[str, str, str] | None:
        """``(record id, matched_on, matched value)`` of the first match, or None."""
        doi, pmid = normalise_doi(fields.get("doi", "")), fields.get("pmid", "").strip()
        if doi and doi in self.doi:
            return self.doi[doi], "doi", doi
        if pmid and pmid in self.pmid:
            return self.pmid[pmid], "pmid", pmid
        key = (normalise_title(fields.get("title", "")), str(fields.get("year", "")).strip())
        if key[0] and key[1] and key in self.title:
            target = self.title[key]
            their_doi, their_pmid = self.ids.get(target, ("", ""))
            if (doi and their_doi and doi != their_doi) or (
                pmid and their_pmid and pmid != their_pmid
            ):
                return None  # same title, different identifiers: distinct reports
            return target, "title+year", f"{key[0]} ({key[1]})"
        return None


def ledger_index(rows: Iterable[Mapping[str, str]]) -> _Index:
    """Index of a ledger; a duplicate row points at the record it duplicates."""
    index = _Index()
    for row in rows:
        index.add(row.get("duplicate_of") or row["record_id"], row)
    return index


def deduplicate(
    ledger_rows: Sequence[Mapping[str, str]],
    records: Sequence[ExportRecord],
    new_ids: Sequence[str],
    progress: Progress | None = None,
) -> tuple[list[dict[str, str]], list[Outcome]]:
    """Match export records against the ledger and each other.

    Returns the ledger rows to append (bibliographic fields and ``duplicate_of``;
    ``new_ids[i]`` is the id of ``records[i]``) and one :class:`Outcome` each.
    """
    index = ledger_index(ledger_rows)
    batch = _Index()
    rows: list[dict[str, str]] = []
    by_id: dict[str, dict[str, str]] = {}
    outcomes: list[Outcome] = []
    step = max(1, len(records) // 20)
    for i, (rec, rid) in enumerate(zip(records, new_ids, strict=True)):
        fields = {k: rec.fields.get(k, "") for k in BIBLIO_FIELDS}
        fields["doi"] = bare_doi(fields["doi"])
        row = {"record_id": rid, **fields, "duplicate_of": ""}
        outcome = Outcome(rec.line, rid, "new", fields["title"])
        hit = index.match(fields)
        where = "ledger"
        if hit is None:
            hit, where = batch.match(fields), "batch"
        if hit is None:
            batch.add(rid, fields)
            by_id[rid] = row
        else:
            target, outcome.matched_on, outcome.matched_value = hit
            row["duplicate_of"] = outcome.matched_record = target
            outcome.outcome = f"duplicate of {where} record"
            if where == "batch":
                outcome.merged_fields = _merge(by_id[target], fields)
            # the duplicate's identifiers now lead to the kept record as well
            (index if where == "ledger" else batch).add(target, fields)
        rows.append(row)
        outcomes.append(outcome)
        if progress and (i + 1) % step == 0:
            progress("matching", i + 1, len(records))
    return rows, outcomes


def _merge(kept: dict[str, str], other: Mapping[str, str]) -> list[str]:
    """Fill the kept record's empty identifier fields from its duplicate."""
    merged = []
    for name in MERGE_FIELDS:
        if not kept.get(name) and other.get(name):
            kept[name] = other[name]
            merged.append(name)
    return merged

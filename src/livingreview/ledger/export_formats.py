"""Readers for text search exports (RIS flavours, PubMed/MEDLINE) into one record shape.

Every reader checks the structure of the whole file before anything is
returned: an empty file, a web page saved under an export's name, a record
without its first or last tag, or a file cut off in the middle is a
:class:`DataError` naming the file, the line and the record, so nothing of a
malformed export reaches the ledger. Tabular exports (CSV, tab-delimited) are
read by :mod:`.export_tables`, tagged text from Web of Science and the Cochrane
Library by :mod:`.export_tagged`.

The MEDLINE parser is written here (the format is a few tag rules) because the
only PyPI parser, ``nbib``, has not been released since 2021. RIS goes through
``rispy`` after the structure check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import rispy

from ..errors import DataError, Problem, raise_if_any
from ..io import read_text
from .export_common import (
    EXPORT_FIX,
    ExportRecord,
    check_not_empty_or_html,
    clean,
    first_of,
    make_record,
)

# --------------------------------------------------------------------------- #
# RIS
# --------------------------------------------------------------------------- #

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def ris_record_starts(path: str | Path, text: str) -> list[int]:
    """Lines where records start; every structural problem is raised at once.

    A RIS record runs from ``TY  -`` to ``ER  -``. A tag outside a record (the
    record's ``TY`` line is missing), a ``TY`` before the previous record's
    ``ER``, a file ending inside a record (truncated) and a line that is
    neither a tag nor the continuation of one are problems.
    """
    check_not_empty_or_html(path, text, "RIS")
    problems: list[Problem] = []
    starts: list[int] = []
    start: int | None = None
    title = ""

    def problem(line: int, message: str, found: str = "", fix: str = EXPORT_FIX) -> None:
        problems.append(Problem(str(path), message, row=line, found=found or None, fix=fix))

    skipping = False  # inside a record whose TY is missing: wait for its ER
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        match = _RIS_TAG.match(line.rstrip())
        if not match:
            if start is None and not skipping:
                problem(number, "line is not a RIS tag ('XX  - value')", line.strip())
            continue  # a wrapped value inside a record
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if start is not None:
                problem(
                    start,
                    f"record {len(starts)} ({title or 'no title'}) has no ER line "
                    "before the next record",
                    fix="add 'ER  - ' at the end of the record, or " + EXPORT_FIX,
                )
            start, title, skipping = number, "", False
            starts.append(number)
        elif tag == "ER":
            if start is None and not skipping:
                problem(number, "ER line without a record (no TY line before it)")
            start, skipping = None, False
        elif start is None:
            if not skipping:
                problem(
                    number,
                    f"record {len(starts) + 1} has no TY line (its first tag is outside a record)",
                    line.strip(),
                    fix="add 'TY  - JOUR' (or the record's type) as its first line, or "
                    + EXPORT_FIX,
                )
            skipping = True
        elif tag in ("TI", "T1") and not title:
            title = value[:60]
    if start is not None:
        problem(
            start,
            f"the last record (record {len(starts)}, {title or 'no title'}) has no ER line: "
            "the file ends inside it (truncated?)",
            fix="download the export again, or add 'ER  - ' if the record is complete",
        )
    raise_if_any(problems, DataError, f"{path} is not a complete RIS export")
    return starts


def read_ris(path: str | Path) -> list[ExportRecord]:
    """Parse a RIS file (Ovid, Embase, EBSCO, Zotero, EndNote, Cochrane flavours).

    The structure is checked first (:func:`ris_record_starts`), then the records
    are parsed by ``rispy``; each keeps the line of its ``TY`` tag.
    """
    text = read_text(path)
    starts = ris_record_starts(path, text)
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises plain IOError/ValueError for bad files
        raise DataError.single(path, f"is not a RIS file ({exc})", fix=EXPORT_FIX) from None
    if len(entries) != len(starts):
        raise DataError.single(
            path,
            f"has {len(starts)} TY lines but {len(entries)} records could be read",
            fix=EXPORT_FIX,
        )
    return [_ris_record(line, entry) for line, entry in zip(starts, entries, strict=True)]


def _ris_record(line: int, entry: Mapping[str, Any]) -> ExportRecord:
    pmid = ""
    for key in ("accession_number", "id", "notes", "note", "custom1"):
        for value in entry.get(key) or [] if isinstance(entry.get(key), list) else [entry.get(key)]:
            text = clean(value)
            match = re.fullmatch(r"(?:PMID:?\s*|MEDLINE:\s*)?(\d{1,9})", text)
            if match:
                pmid = match.group(1)
                break
        if pmid:
            break
    urls = entry.get("urls") or []
    doi = first_of(entry, "doi")
    if not doi:
        found = re.search(r"\b10\.\d{4,9}/\S+", " ".join(clean(u) for u in urls))
        doi = found.group(0) if found else ""
    return make_record(
        line,
        title=first_of(entry, "title", "primary_title", "translated_title"),
        authors=entry.get("authors") or entry.get("first_authors") or [],
        year=first_of(entry, "year", "publication_year", "date"),
        journal=first_of(
            entry,
            "journal_name",
            "alternate_title3",
            "secondary_title",
            "alternate_title2",
            "alternate_title1",
        ),
        doi=doi,
        pmid=pmid,
        url=clean(urls[0]) if urls else "",
        abstract=first_of(entry, "abstract", "notes_abstract"),
        keywords=entry.get("keywords") or [],
    )


# --------------------------------------------------------------------------- #
# PubMed / MEDLINE
# --------------------------------------------------------------------------- #

_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")


def read_pubmed(path: str | Path) -> list[ExportRecord]:
    """Parse PubMed's MEDLINE text format (``.nbib`` / ``.txt``).

    Records are separated by blank lines and each must start with ``PMID-``
    (as PubMed writes them); a record without it is an error, not merged into
    the record before. Continuation lines are indented by six spaces.
    """
    text = read_text(path)
    check_not_empty_or_html(path, text, "PubMed (MEDLINE)")
    records: list[ExportRecord] = []
    problems: list[Problem] = []
    tags: dict[str, list[str]] = {}
    start = 0
    last: str | None = None

    def flush() -> None:
        if not tags:
            return
        if "PMID" not in tags:
            title = tags.get("TI", [""])[0][:60]
            problems.append(
                Problem(
                    str(path),
                    f"record {len(records) + 1} ({title or 'no title'}) has no PMID line",
                    row=start,
                    expected="PMID- <number> as the record's first line",
                    fix="export the search from PubMed as 'PubMed' (MEDLINE) format",
                )
            )
        records.append(_medline_record(start, tags))

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            flush()
            tags, last = {}, None
            continue
        match = _MEDLINE_TAG.match(line)
        if match and not line.startswith(" "):
            tag, value = match.groups()
            if not tags:
                start = number
            elif tag == "PMID":
                problems.append(
                    Problem(
                        str(path),
                        f"record {len(records) + 2} starts without the blank line that "
                        "separates records",
                        row=number,
                        fix="export the search from PubMed as 'PubMed' (MEDLINE) format",
                    )
                )
                flush()
                tags, start = {}, number
            tags.setdefault(tag, []).append(value.strip())
            last = tag
        elif line.startswith("      ") and last and tags:
            tags[last][-1] += " " + line.strip()  # continuation of the previous tag
        else:
            problems.append(
                Problem(
                    str(path),
                    "line is neither a MEDLINE tag nor a continuation",
                    row=number,
                    found=line[:40],
                    expected="'TAG - value' or a line indented by six spaces",
                    fix="export the search from PubMed as 'PubMed' (MEDLINE) format",
                )
            )
    flush()
    raise_if_any(problems, DataError, f"{path} is not a complete PubMed (MEDLINE) export")
    return records


def _medline_record(line: int, tags: Mapping[str, list[str]]) -> ExportRecord:
    doi = ""
    for value in [*tags.get("LID", []), *tags.get("AID", [])]:
        if value.endswith("[doi]"):
            doi = value[: -len("[doi]")].strip()
            break
    pmid = tags.get("PMID", [""])[0].strip()
    return make_record(
        line,
        title=tags.get("TI", [""])[0],
        authors=tags.get("AU") or tags.get("FAU") or [],
        year=tags.get("DP", [""])[0],
        journal=(tags.get("JT") or tags.get("TA") or [""])[0],
        doi=doi,
        pmid=pmid,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else "",
        abstract=tags.get("AB", [""])[0],
        keywords=tags.get("OT") or tags.get("MH") or [],
    )


# --------------------------------------------------------------------------- #
# Choosing the reader
# --------------------------------------------------------------------------- #

Reader = Callable[[str | Path], list[ExportRecord]]


def _readers() -> dict[str, Reader]:
    from .export_registers import read_ictrp
    from .export_tables import read_csv_export, read_tab_export
    from .export_tagged import read_cochrane, read_wos

    return {
        "ris": read_ris,
        "pubmed": read_pubmed,
        "csv": read_csv_export,
        "wos": read_wos,
        "tab": read_tab_export,
        "cochrane": read_cochrane,
        "ictrp": read_ictrp,
    }


FORMATS = ("ris", "pubmed", "csv", "wos", "tab", "cochrane", "ictrp")
"""ris: RIS from any database or reference manager (Ovid, Embase, EBSCO, Zotero,
EndNote, Cochrane Library); pubmed: PubMed/MEDLINE text; csv: CSV (Scopus,
ClinicalTrials.gov, WHO ICTRP, any CSV with a title column); wos: Web of
Science plain text; tab: tab-delimited (Web of Science); cochrane: Cochrane
Library plain text; ictrp: WHO ICTRP XML."""


def detect_format(path: str | Path) -> str:
    """Format from the first line of the file, then from its extension."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    except FileNotFoundError:
        raise DataError.single(path, "file not found", fix="correct the path") from None
    first = head.split("\n", 1)[0]
    if re.match(r"TY  -", first):
        return "ris"
    if re.match(r"PMID- ?\d", first):
        return "pubmed"
    if re.match(r"FN |VR ", first):
        return "wos"
    if re.match(r"Record #\d+ of \d+", first):
        return "cochrane"
    if "<Trials_downloaded_from_ICTRP" in head or (
        path.suffix.lower() == ".xml" and "<Trial>" in head
    ):
        return "ictrp"
    if first.startswith("PT\t") or (path.suffix.lower() in (".txt", ".tsv") and "\t" in first):
        return "tab"
    suffix = path.suffix.lower()
    formats = {".ris": "ris", ".nbib": "pubmed", ".txt": "pubmed", ".medline": "pubmed"}
    formats.update({".csv": "csv", ".tsv": "tab", ".xml": "ictrp"})
    if suffix not in formats:
        raise DataError.single(
            path,
            "cannot tell the export format from the file",
            found=suffix or "(no extension)",
            expected=".ris, .nbib, .txt, .csv, .tsv or .xml",
            fix="pass --format " + "|".join(FORMATS),
        )
    return formats[suffix]


def read_export(path: str | Path, fmt: str = "auto") -> list[ExportRecord]:
    """Records of an export file in file order (``fmt``: auto or one of :data:`FORMATS`)."""
    fmt = detect_format(path) if fmt == "auto" else fmt
    readers = _readers()
    if fmt not in readers:
        raise DataError.single(
            path, "unknown export format", found=fmt, expected=", ".join(FORMATS)
        )
    return readers[fmt](path)

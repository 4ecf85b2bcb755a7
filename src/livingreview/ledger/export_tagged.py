"""Tagged text exports: Web of Science plain text and the Cochrane Library's plain text.

Web of Science ("Plain text file"): a ``FN``/``VR`` header, then records of
two-letter tags in the first two columns (values continue on lines indented by
three spaces), each ending with ``ER``; the file ends with ``EF``.

Cochrane Library (CENTRAL, "Plain text"): records start with
``Record #N of M`` and hold ``TAG: value`` lines (``ID: CN-…``, ``AU``, ``TI``,
``SO``, ``YR``, ``DOI``, ``KY``, ``AB``, ``US`` for the record's address).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import DataError, Problem, raise_if_any
from ..io import read_text
from ..wording import join_words
from .export_common import EXPORT_FIX, ExportRecord, check_not_empty_or_html, make_record

_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")


def read_wos(path: str | Path) -> list[ExportRecord]:
    """Parse a Web of Science plain-text export; a missing ``ER`` or ``EF`` is an error."""
    text = read_text(path)
    check_not_empty_or_html(path, text, "Web of Science")
    problems: list[Problem] = []
    records: list[ExportRecord] = []
    tags: dict[str, list[str]] = {}
    start: int | None = None
    last = ""
    ended = False
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        tag = line[:2]
        if line.startswith("   ") and start is not None and last:
            tags[last].append(line.strip())
            continue
        if tag in ("FN", "VR") and start is None:
            continue
        if line.rstrip() == "EF":
            ended = True
            continue
        if line.rstrip() == "ER":
            if start is None:
                problems.append(Problem(str(path), "ER line without a record", row=number))
            else:
                records.append(_wos_record(start, tags))
            start, tags, last = None, {}, ""
            continue
        match = _WOS_TAG.match(line)
        if not match:
            problems.append(
                Problem(
                    str(path),
                    "line is not a Web of Science tag ('XX value')",
                    row=number,
                    found=line.strip(),
                    fix=EXPORT_FIX,
                )
            )
            continue
        if start is None:
            start = number
            if match.group(1) != "PT":
                problems.append(
                    Problem(
                        str(path),
                        f"record {len(records) + 1} does not start with PT",
                        row=number,
                        found=line.strip(),
                        fix=EXPORT_FIX,
                    )
                )
        last = match.group(1)
        tags.setdefault(last, []).append(match.group(2).strip())
    if start is not None:
        problems.append(
            Problem(
                str(path),
                f"the last record (record {len(records) + 1}) has no ER line: the file ends "
                "inside it (truncated?)",
                row=start,
                fix=EXPORT_FIX,
            )
        )
    elif not ended and records:
        problems.append(
            Problem(
                str(path),
                "the file has no EF line at its end (truncated?)",
                row=max(i for i, line in enumerate(lines, start=1) if line.strip()),
                fix=EXPORT_FIX,
            )
        )
    raise_if_any(problems, DataError, f"{path} is not a complete Web of Science export")
    return records


def _wos_record(line: int, tags: dict[str, list[str]]) -> ExportRecord:
    return make_record(
        line,
        title=" ".join(tags.get("TI", [])),
        authors=tags.get("AU") or tags.get("AF") or [],
        year=" ".join(tags.get("PY", []) or tags.get("PD", [])),
        journal=" ".join(tags.get("SO", [])),
        doi=" ".join(tags.get("DI", [])),
        pmid=" ".join(tags.get("PM", [])),
        abstract=" ".join(tags.get("AB", [])),
        keywords=" ".join(tags.get("DE", [])),
        extra={"accession": " ".join(tags.get("UT", []))},
    )


_COCHRANE_START = re.compile(r"^Record #\d+ of \d+\s*$")
_COCHRANE_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}):\s?(.*)$")


def read_cochrane(path: str | Path) -> list[ExportRecord]:
    """Parse a Cochrane Library plain-text export (CENTRAL); every record needs ID and TI."""
    text = read_text(path)
    check_not_empty_or_html(path, text, "Cochrane Library")
    problems: list[Problem] = []
    records: list[ExportRecord] = []
    start, count, tags, last = 0, 0, None, ""

    def flush() -> None:  # one record at a time, so a large file is not held twice
        if tags is None:
            return
        missing = [t for t in ("ID", "TI") if t not in tags]
        if missing:
            problems.append(
                Problem(
                    str(path),
                    f"record {count} lacks its {join_words(missing)} line(s) (truncated?)",
                    row=start,
                    fix=EXPORT_FIX,
                )
            )
            return
        records.append(_cochrane_record(start, tags))

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if _COCHRANE_START.match(line):
            flush()
            start, count, tags, last = number, count + 1, {}, ""
            continue
        match = _COCHRANE_TAG.match(line)
        if tags is None:
            problems.append(
                Problem(
                    str(path),
                    "line comes before the first 'Record #1 of N' line",
                    row=number,
                    found=line.strip(),
                    fix=EXPORT_FIX,
                )
            )
        elif match:
            last = match.group(1)
            tags.setdefault(last, []).append(match.group(2).strip())
        elif last:
            tags[last][-1] += " " + line.strip()
    flush()
    raise_if_any(problems, DataError, f"{path} is not a complete Cochrane Library export")
    return records


def _cochrane_record(start: int, tags: dict[str, list[str]]) -> ExportRecord:
    return make_record(
        start,
        title=tags["TI"][0],
        authors=[a for v in tags.get("AU", []) for a in v.split(";")],
        year=(tags.get("YR") or tags.get("PY") or [""])[0],
        journal=(tags.get("SO") or [""])[0],
        doi=(tags.get("DOI") or [""])[0],
        pmid=next((v for v in tags.get("PM", []) if v.isdigit()), ""),
        url=(tags.get("US") or [""])[0],
        abstract=(tags.get("AB") or [""])[0],
        keywords=tags.get("KY", []),
        extra={"accession": tags["ID"][0]},
    )

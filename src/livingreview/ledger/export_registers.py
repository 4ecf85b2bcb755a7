"""Trial-register exports in XML: the WHO ICTRP search portal's "Export to XML".

Each ``<Trial>`` element holds ``TrialID``, ``Public_title``,
``Scientific_title``, ``Date_registration`` (DD/MM/YYYY), ``Source_Register``,
``web_address``, ``Condition`` and more. ClinicalTrials.gov and ICTRP CSV
downloads are read by :mod:`.export_tables` (column names in its ``ALIASES``).
The XML is parsed by ``lxml`` with entities and network access switched off.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..errors import DataError, Problem, raise_if_any
from ..io import read_text
from .export_common import EXPORT_FIX, ExportRecord, check_not_empty_or_html, make_record


def read_ictrp(path: str | Path) -> list[ExportRecord]:
    """Parse a WHO ICTRP XML export; a trial without TrialID or title is an error."""
    text = read_text(path)
    check_not_empty_or_html(path, text, "WHO ICTRP XML", xml=True)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise DataError.single(
            path,
            f"is not complete XML ({exc.msg})",
            row=line,
            fix="the file may be cut off; " + EXPORT_FIX,
        ) from None
    problems: list[Problem] = []
    records = []
    for number, trial in enumerate(root.iter("Trial"), start=1):

        def get(tag: str, trial=trial) -> str:
            return " ".join((trial.findtext(tag) or "").split())

        title = get("Public_title") or get("Scientific_title")
        if not get("TrialID") or not title:
            problems.append(
                Problem(
                    str(path),
                    f"trial {number} has no TrialID or title",
                    row=trial.sourceline,
                    fix=EXPORT_FIX,
                )
            )
            continue
        records.append(
            make_record(
                trial.sourceline or 1,
                title=title,
                year=get("Date_registration"),
                journal="",
                url=get("web_address"),
                abstract=get("Scientific_title") if get("Public_title") else "",
                keywords=get("Condition"),
                extra={"register_id": get("TrialID"), "register": get("Source_Register")},
            )
        )
    if not records and not problems:
        problems.append(Problem(str(path), "has no <Trial> elements", row=1, fix=EXPORT_FIX))
    raise_if_any(problems, DataError, f"{path} is not a complete WHO ICTRP export")
    return records

"""The PRISMA2020 R package / Shiny app CSV template, written and read back."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..errors import PrismaError, Problem, raise_if_any
from ..io import read_text
from .invariants import _box, check_invariants
from .model import BOX_OF_FIELD, UNSPECIFIED_REASON, PrismaCounts

# --------------------------------------------------------------------------- #
# PRISMA2020 R package / Shiny app CSV template
# --------------------------------------------------------------------------- #

TEMPLATE_HEADER = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

# The template exactly as PRISMA2020 ships it (inst/extdata/PRISMA.csv, with the
# meta-analysis rows of PR #75); the ``n`` column holds the package's defaults.
TEMPLATE_CSV = """\
data,node,box,description,boxtext,tooltips,url,n
NA,node4,prevstud,Grey title box; Previous studies,Previous studies,Grey title box; Previous studies,prevstud.html,0
previous_studies,node5,box1,Studies included in previous version of review,Studies included in previous version of review,Studies included in previous version of review,previous_studies.html,0
previous_reports,NA,box1,Reports of studies included in previous version of review,Reports of studies included in previous version of review,NA,previous_reports.html,0
NA,node6,newstud,Yellow title box; Identification of new studies via databases and registers,Identification of new studies via databases and registers,Yellow title box; Identification of new studies via databases and registers,newstud.html,0
database_results,node7,box2,Records identified from: Databases,Databases,Records identified from: Databases and Registers,database_results.html,0
database_specific_results,NA,box2,Records identified from: specific databases,Specific Databases,NA,database_results.html,"Database 1, xxx; Database 2, xxx; Database 3, xxx"
register_results,NA,box2,Records identified from: Registers,Registers,NA,NA,0
register_specific_results,NA,box2,Records identified from: specific registers,Specific Registers,NA,database_results.html,"Register 1, xxx; Register 2, xxx; Register 3, xxx"
NA,node16,othstud,Grey title box; Identification of new studies via other methods,Identification of new studies via other methods,Grey title box; Identification of new studies via other methods,othstud.html,0
website_results,node17,box11,Records identified from: Websites,Websites,"Records identified from: Websites, Organisations and Citation Searching",website_results.html,0
organisation_results,,box11,Records identified from: Organisations,Organisations,NA,NA,0
citations_results,NA,box11,Records identified from: Citation searching,Citation searching,NA,NA,0
duplicates,node8,box3,Duplicate records,Duplicate records,Duplicate records,duplicates.html,0
excluded_automatic,NA,box3,Records marked as ineligible by automation tools,Records marked as ineligible by automation tools,NA,NA,0
excluded_other,NA,box3,Records removed for other reasons,Records removed for other reasons,NA,NA,0
records_screened,node9,box4,Records screened (databases and registers),Records screened,Records screened (databases and registers),records_screened.html,0
records_excluded,node10,box5,Records excluded (databases and registers),Records excluded,Records excluded (databases and registers),records_excluded.html,0
dbr_sought_reports,node11,box6,Reports sought for retrieval (databases and registers),Reports sought for retrieval,Reports sought for retrieval (databases and registers),dbr_sought_reports.html,0
dbr_notretrieved_reports,node12,box7,Reports not retrieved (databases and registers),Reports not retrieved,Reports not retrieved (databases and registers),dbr_notretrieved_reports.html,0
other_sought_reports,node18,box12,Reports sought for retrieval (other),Reports sought for retrieval,Reports sought for retrieval (other),other_sought_reports.html,0
other_notretrieved_reports,node19,box13,Reports not retrieved (other),Reports not retrieved,Reports not retrieved (other),other_notretrieved_reports.html,0
dbr_assessed,node13,box8,Reports assessed for eligibility (databases and registers),Reports assessed for eligibility,Reports assessed for eligibility (databases and registers),dbr_assessed.html,0
dbr_excluded,node14,box9,"Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]",Reports excluded,Reports excluded (databases and registers),dbrexcludedrecords.html,"Reason1, xxx; Reason2, xxx; Reason3, xxx"
other_assessed,node20,box14,Reports assessed for eligibility (other),Reports assessed for eligibility,Reports assessed for eligibility (other),other_assessed.html,0
other_excluded,node21,box15,"Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]",Reports excluded,Reports excluded (other),other_excluded.html,"Reason1, xxx; Reason2, xxx; Reason3, xxx"
new_studies,node15,box10,New studies included in review,New studies included in review,New studies included in review,new_studies.html,0
new_reports,NA,box10,Reports of new included studies,Reports of new included studies,NA,NA,0
total_studies,node22,box16,Total studies included in review,Total studies included in review,Total studies included in review,total_studies.html,0
total_reports,NA,box16,Reports of total included studies,Reports of total included studies,NA,NA,0
identification,node1,identification,Blue identification box,Identification,Blue identification box,identification.html,0
screening,node2,screening,Blue screening box,Screening,Blue screening box,screening.html,0
included,node3,included,Blue included box,Included,Blue included box,included.html,0
total_studies_ma,node23,box17,Total studies included in meta-analysis,Total studies included in meta-analysis,Total studies included in meta-analysis,total_studies_meta_analysis.html,0
total_reports_ma,NA,box17,Reports of total included studies in meta-analysis,Reports of total included studies in meta-analysis,NA,NA,0
"""  # noqa: E501

TEMPLATE_ROWS: tuple[tuple[str, ...], ...] = tuple(
    tuple(row) for row in list(csv.reader(io.StringIO(TEMPLATE_CSV)))[1:]
)
"""The 34 template rows (8 fields each; the last is the default ``n``)."""

_FIELD_OF_DATA = {
    "database_specific_results": "database_specific",
    "register_specific_results": "register_specific",
}
_LIST_FIELDS = (
    "database_specific",
    "register_specific",
    "dbr_excluded",
    "other_excluded",
    "withdrawn_reasons",
)
# Changed decisions on records of the previous version: not part of the template.
CHANGED_ROWS = (
    "withdrawn_studies",
    "withdrawn_reports",
    "withdrawn_reasons",
    "reassessed_reports",
    "reassessed_studies",
)
_OPTIONAL_FIELDS = (
    "previous_studies",
    "previous_reports",
    "total_studies_ma",
    "total_reports_ma",
    # What was read for each assessment: not part of the PRISMA2020 template.
    "dbr_assessed_full_text",
    "dbr_assessed_without_full_text",
    "other_assessed_full_text",
    "other_assessed_without_full_text",
    *CHANGED_ROWS,
)
_COUNT_FIELDS = tuple(f.name for f in fields(PrismaCounts))

# R's PRISMA2020 cuts a list item at its first comma, so a comma inside a name
# is written as U+201A (a look-alike) and turned back into a comma on import.
_COMMA_STAND_IN = "\u201a"


def _field_of(data_key: str) -> str | None:
    name = _FIELD_OF_DATA.get(data_key, data_key)
    return name if name in _COUNT_FIELDS else None


def _format_list(name: str, items: Mapping[str, int]) -> str:
    if not items:
        # A number is what R expects for "no reasons"; NA marks "no per-source detail".
        return "0" if name in ("dbr_excluded", "other_excluded") else "NA"
    if list(items) == [UNSPECIFIED_REASON]:
        return str(items[UNSPECIFIED_REASON])
    bad = [k for k in items if ";" in k or not k.strip()]
    if bad:
        raise PrismaError.single(
            "PRISMA CSV",
            f"{name}: a name cannot contain ';' or be blank in the PRISMA2020 template",
            found=bad[0],
            fix="reword the label (data/protocol.yaml or the source name in data/records.csv)",
        )
    return "; ".join(f"{k.replace(',', _COMMA_STAND_IN)}, {n}" for k, n in items.items())


def to_prisma2020_csv(counts: PrismaCounts) -> str:
    """Return the counts as the PRISMA2020 R package / Shiny app CSV template.

    Same 8 columns and 34 rows as the package's ``PRISMA.csv``; only ``n`` is
    filled. ``None`` counts are written ``NA`` (R then drops the previous-studies
    arm); lists are ``"Name, count; Name, count"``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_HEADER)
    for row in TEMPLATE_ROWS:
        name = _field_of(row[0])
        n = row[-1]
        if name is not None:
            value = getattr(counts, name)
            if name in _LIST_FIELDS:
                n = _format_list(name, value)
            else:
                n = "NA" if value is None else str(value)
        writer.writerow((*row[:-1], n))
    # An update whose decision on a record of the previous version changed needs more
    # than the template's boxes to add up; these rows follow the template's own (the R
    # package finds its rows by name and reads no others: no name here contains one of
    # its names).
    for name in CHANGED_ROWS:
        value = getattr(counts, name)
        if value is None:
            continue
        n = _format_list(name, value) if name in _LIST_FIELDS else str(value)
        label = CHANGED_LABELS[name]
        writer.writerow((name, "NA", BOX_OF_FIELD[name], label, label, "NA", "NA", n))
    return out.getvalue()


CHANGED_LABELS = {
    "withdrawn_studies": "Studies included in the previous version excluded from this update",
    "withdrawn_reports": "Reports of the previous version no longer included",
    "withdrawn_reasons": "Reports of the previous version no longer included: reasons",
    "reassessed_reports": "Earlier records included on re-assessment",
    "reassessed_studies": "Studies of earlier records included on re-assessment",
}


_LIST_ITEM = re.compile(r"^(?P<name>.*?)\s*,\s*(?P<n>[0-9][0-9,]*|xxx)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^[0-9][0-9,]*$")
_MISSING = {"", "NA", "N/A"}


def _parse_number(text: str) -> int:
    if not _NUMBER.match(text):
        raise ValueError(text)
    return int(text.replace(",", ""))  # thousands separators, as R's scales::comma writes


def _parse_list(name: str, text: str) -> dict[str, int]:
    text = text.strip()
    if text.upper() in _MISSING:
        return {}
    if _NUMBER.match(text):
        if name in ("database_specific", "register_specific"):
            raise ValueError(text)
        n = _parse_number(text)
        return {UNSPECIFIED_REASON: n} if n else {}
    items: dict[str, int] = {}
    placeholders = 0
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _LIST_ITEM.match(part)
        if not match:
            raise ValueError(part)
        label = match["name"].replace(_COMMA_STAND_IN, ",")
        if match["n"].lower() == "xxx":
            placeholders += 1
            continue
        items[label] = items.get(label, 0) + _parse_number(match["n"])
    if placeholders and items:
        raise ValueError(text)
    return items  # all placeholders: the template's untouched default, i.e. no detail


def _read_template(text_or_path: str | Path) -> tuple[str, str]:
    """Return ``(file name for messages, CSV text)``."""
    if isinstance(text_or_path, Path) or "\n" not in text_or_path:
        return str(text_or_path), read_text(text_or_path, PrismaError)
    return "PRISMA CSV", text_or_path.lstrip("\ufeff")


def from_prisma2020_csv(text_or_path: str | Path) -> PrismaCounts:
    """Read a PRISMA2020 CSV template (ours or one filled in by hand) into counts.

    Rows are matched by their ``data`` key, so row order and the descriptive
    columns do not matter; only ``data`` and ``n`` are required. ``NA`` or an
    empty cell means 0, except for the previous-version and meta-analysis rows
    where it means "not applicable" (``None``). Counts may have thousands
    separators. Untouched ``xxx`` placeholders mean "no detail". The result is
    checked with :func:`check_invariants`; every problem is reported at once.
    """
    file, text = _read_template(text_or_path)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in ("data", "n") if c not in header]
    if missing:
        raise PrismaError.single(
            file,
            "is not a PRISMA2020 template",
            row=1,
            column=missing[0],
            expected=",".join(TEMPLATE_HEADER),
            fix="start from the PRISMA2020 package's PRISMA.csv",
        )
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        name = _field_of((row.get("data") or "").strip())
        if name is None:
            continue  # title boxes, side bands, unknown rows: no count
        if name in lines:
            problems.append(
                Problem(
                    file,
                    "row appears twice",
                    row=line,
                    column="data",
                    found=row["data"],
                    fix=f"keep one row for {row['data']}",
                )
            )
            continue
        lines[name] = line
        raw = (row.get("n") or "").strip()
        try:
            values[name] = _parse_value(name, raw)
        except ValueError:
            expected = "'Name, count; Name, count'" if name in _LIST_FIELDS else "a whole number"
            problems.append(
                Problem(
                    file,
                    f"{_box(name)}: cannot read the count",
                    row=line,
                    column="n",
                    found=raw,
                    expected=expected,
                    fix="enter the count (NA if not applicable)",
                )
            )
    for name in _COUNT_FIELDS:
        if name not in values and name not in _OPTIONAL_FIELDS:
            problems.append(
                Problem(
                    file,
                    f"row for {_box(name)} is missing",
                    column="data",
                    fix="add the row from the PRISMA2020 template",
                )
            )
    raise_if_any(problems, PrismaError, f"{file} cannot be read")
    counts = PrismaCounts(**{n: values.get(n) for n in _COUNT_FIELDS})
    check_invariants(counts, source=file)
    return counts


def _parse_value(name: str, raw: str) -> Any:
    if name in _LIST_FIELDS:
        return _parse_list(name, raw)
    if raw.upper() in _MISSING:
        return None if name in _OPTIONAL_FIELDS else 0
    return _parse_number(raw)

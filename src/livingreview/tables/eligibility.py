"""Text for the methods chapter generated from ``data/protocol.yaml``.

The eligibility criteria and the list of full-text exclusion reasons are kept as
data (so the screening ledger can be checked against them) and shown in the
methods chapter from the same source, so the published criteria can never
drift from the ones applied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import DataError
from ..io import read_yaml, write_text
from ..markdown import escape_markdown

DOMAIN_LABELS = {
    "population": "Population",
    "intervention": "Intervention",
    "comparator": "Comparator",
    "outcome": "Outcomes",
    "design": "Study design",
    "report": "Reports",
}


def eligibility_markdown(protocol: dict[str, Any]) -> str:
    """A Markdown table of the criteria: ID (cited in the text, "P3"), domain, criterion.

    The dashes of the separator line set the relative column widths (Pandoc
    uses them once a row is longer than a line): a narrow ID, a domain column
    wide enough for "Intervention", and the rest for the criterion.
    """
    lines = ["| ID | Domain | Criterion |", "|:----|:------------|:" + "-" * 59 + "|"]
    for item in protocol.get("eligibility", []):
        domain = DOMAIN_LABELS.get(item["domain"], item["domain"].capitalize())
        ident = escape_markdown(str(item.get("id", "")))
        lines.append(f"| {ident} | {escape_markdown(domain)} | {escape_markdown(item['text'])} |")
    return "\n".join(lines) + "\n"


def exclusion_reasons_markdown(protocol: dict[str, Any]) -> str:
    """A bullet list of the full-text exclusion reasons, in protocol order."""
    reasons = protocol.get("exclusion_reasons", {})
    return "".join(f"- {escape_markdown(label)}\n" for label in reasons.values())


def write_methods_tables(protocol: str | Path, criteria: str | Path, reasons: str | Path) -> None:
    """Write the eligibility table and the exclusion-reason list for the methods chapter."""
    data = read_yaml(protocol, DataError)
    write_text(criteria, eligibility_markdown(data))  # type: ignore[arg-type]
    write_text(reasons, exclusion_reasons_markdown(data))  # type: ignore[arg-type]

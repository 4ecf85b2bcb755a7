"""The sensitivity-analysis table and the sentences that report it.

Both are generated from :func:`livingreview.synthesis.sensitivity.evaluate`, so
the text can never say more than the analyses show. Studies are named by
their citation (``[@bib_key]``), which citeproc renders in every format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..io import write_text
from ..markdown import escape_inline
from ..synthesis.narrative import DIRECTION_LABELS
from ..synthesis.sensitivity import SensitivityResult
from ..wording import counted, join_words

NONE = "none"


def _cite(
    ids: Sequence[str],
    keys: Mapping[str, str],
    labels: Mapping[str, str],
    *,
    in_prose: bool = False,
) -> str:
    """ "Bloch 2012 [@bloch2012]; ..." for studies (in a table cell), "A [@a], B [@b] and
    C [@c]" ``in_prose``; a record id for a report without a study row."""
    if not ids:
        return NONE
    cited = [
        f"{escape_inline(labels.get(i, i))} [@{keys[i]}]" if i in keys else escape_inline(i)
        for i in ids
    ]
    return join_words(cited) if in_prose else "; ".join(cited)


def _directions(counts: Mapping[str, int]) -> str:
    parts = [
        f"{DIRECTION_LABELS.get(d, d).lower()}: {n}"
        for d, n in sorted(counts.items(), key=lambda kv: list(DIRECTION_LABELS).index(kv[0]))
        if n
    ]
    return "; ".join(parts) or NONE


def sensitivity_table(
    results: Sequence[SensitivityResult],
    keys: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
) -> str:
    """A pipe table: one row per analysis with its studies, changes and anxiety directions."""
    lines = [
        "| Analysis | Studies | Left out | Added | Anxiety direction (studies) |",
        "|:--|--:|:--|:--|:--|",
    ]
    for r in results:
        cells = [
            escape_inline(r.label),
            str(len(r.studies)),
            _cite(r.left_out, keys, labels or {}) if r.id != "primary" else "",
            _cite(r.added, keys, labels or {}) if r.id != "primary" else "",
            _directions(r.anxiety),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def sensitivity_sentences(
    results: Sequence[SensitivityResult],
    keys: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
) -> str:
    """One sentence per sensitivity analysis, comparing it with the primary analysis."""
    if len(results) <= 1:
        return "No sensitivity analyses were declared in the protocol.\n"
    primary = results[0]
    benefit = primary.anxiety.get("benefit", 0)
    total = sum(primary.anxiety.values())
    out = [
        f"In the primary analysis {counted(len(primary.studies), 'study was', 'studies were')} "
        f"included, and anxiety improved in {benefit:,} of the {total:,} with an anxiety result."
    ]
    for r in results[1:]:
        change = []
        if r.left_out:
            change.append(f"leaves out {_cite(r.left_out, keys, labels or {}, in_prose=True)}")
        if r.added:
            change.append(f"adds {_cite(r.added, keys, labels or {}, in_prose=True)}")
        what = ", and ".join(change) if change else "changes no study"
        benefit = r.anxiety.get("benefit", 0)
        total = sum(r.anxiety.values())
        remain = counted(len(r.studies), "study remains", "studies remain")
        out.append(
            f"{escape_inline(r.label)} {what} ({remain}; anxiety improved in "
            f"{benefit:,} of the {total:,} with an anxiety result)."
        )
    return " ".join(out) + "\n"


def write_sensitivity(
    inputs: Mapping[str, str | Path],
    table_path: str | Path,
    text_path: str | Path,
    *,
    results_path: str | Path | None = None,
) -> None:
    """Load the data files named in ``inputs`` and write the table and the sentences,
    and (``results_path``) the evaluated analyses, which the sensitivity plot reads."""
    from ..evidence.studies import study_labels
    from ..synthesis.sensitivity import evaluate_files, results_to_json

    evaluated = evaluate_files(inputs)
    studies = evaluated.studies
    keys = dict(zip(studies["study_id"], studies["bib_key"], strict=True))
    labels = study_labels(studies, inputs["bibliography"])
    write_text(table_path, sensitivity_table(evaluated.results, keys, labels))
    write_text(text_path, sensitivity_sentences(evaluated.results, keys, labels))
    if results_path is not None:
        write_text(results_path, results_to_json(evaluated.results))


__all__ = ["sensitivity_sentences", "sensitivity_table", "write_sensitivity"]

"""Tables of included studies, written as Pandoc Markdown.

The characteristics table is a Pandoc *grid table*: it is the only Markdown
table form in which a cell can span all columns, so each diagnosis group gets a
bold heading row across the full width (rendered as ``colspan`` in HTML,
``gridSpan`` in DOCX and ``table.cell(colspan: ..)`` in Typst), and long cell
text wraps over several source lines. Grid-table cells are parsed as *block*
Markdown, so besides escaping inline markup every wrapped line is protected
against being read as a list item, heading or definition (see
the line-start rules of :mod:`livingreview.markdown`).

Cell text from the data is always escaped, so a value cannot inject markup or
HTML. The only markup we emit ourselves is the citation ``@bib_key`` in the
Study column (rendered by citeproc in the style the review's CSL chooses) and
the bold group headings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..evidence.studies import _text, check_protocol_codes, grouped_studies
from ..io import write_text
from ..markdown import MISSING, escape_inline, protect_line_start

# Abbreviations that may occur in the table, with their expansions. Only those
# that occur in a rendered table are listed in its note. Matching is
# case-sensitive and whole-token; longer forms win ("GAD-7" is not also "GAD").
ABBREVIATIONS: dict[str, str] = {
    "AMPA": "α-amino-3-hydroxy-5-methyl-4-isoxazolepropionic acid",
    "BAI": "Beck Anxiety Inventory",
    "BDI": "Beck Depression Inventory",
    "BDNF": "brain-derived neurotrophic factor",
    "BP": "blood pressure",
    "BPRS": "Brief Psychiatric Rating Scale",
    "CADSS": "Clinician-Administered Dissociative States Scale",
    "CAPS-5": "Clinician-Administered PTSD Scale for DSM-5",
    "CBT": "cognitive behavioural therapy",
    "CGI": "Clinical Global Impression",
    "CGI-I": "Clinical Global Impression – Improvement",
    "CGI-S": "Clinical Global Impression – Severity",
    "DBP": "diastolic blood pressure",
    "DSM-5": "Diagnostic and Statistical Manual of Mental Disorders, 5th edition",
    "DSM-IV": "Diagnostic and Statistical Manual of Mental Disorders, 4th edition",
    "ECT": "electroconvulsive therapy",
    "EEG": "electroencephalography",
    "FQ": "Fear Questionnaire",
    "GABA": "γ-aminobutyric acid",
    "GAD": "generalised anxiety disorder",
    "GAD-7": "Generalized Anxiety Disorder 7-item scale",
    "HADS": "Hospital Anxiety and Depression Scale",
    "HCN1": "hyperpolarisation-activated cyclic nucleotide-gated channel 1",
    "HAM-A": "Hamilton Anxiety Rating Scale",
    "HAM-D": "Hamilton Depression Rating Scale",
    "HAMD": "Hamilton Depression Rating Scale",
    "HAMD-17": "17-item Hamilton Depression Rating Scale",
    "HAMD6": "6-item Hamilton Depression Rating Scale",
    "HDRS": "Hamilton Depression Rating Scale",
    "HNK": "hydroxynorketamine",
    "HR": "heart rate",
    "IES-R": "Impact of Event Scale – Revised",
    "IM": "intramuscular",
    "IV": "intravenous",
    "KAP": "ketamine-assisted psychotherapy",
    "LSAS": "Liebowitz Social Anxiety Scale",
    "MADRS": "Montgomery–Åsberg Depression Rating Scale",
    "MDD": "major depressive disorder",
    "NMDA": "N-methyl-D-aspartate",
    "mTOR": "mechanistic target of rapamycin",
    "OCD": "obsessive-compulsive disorder",
    "OCD-VAS": "visual analogue scale of OCD symptoms",
    "PCL-5": "PTSD Checklist for DSM-5",
    "PHQ-9": "Patient Health Questionnaire, 9 items",
    "PK": "pharmacokinetics",
    "PTSD": "post-traumatic stress disorder",
    "QIDS-SR": "Quick Inventory of Depressive Symptomatology – Self-Report",
    "QIDS-SR16": "16-item Quick Inventory of Depressive Symptomatology – Self-Report",
    "RCT": "randomised controlled trial",
    "SAD": "social anxiety disorder",
    "SBP": "systolic blood pressure",
    "SC": "subcutaneous",
    "SDS": "Sheehan Disability Scale",
    "SNRI": "serotonin–noradrenaline reuptake inhibitor",
    "SSRI": "selective serotonin reuptake inhibitor",
    "STAI": "State-Trait Anxiety Inventory",
    "TrkB": "tropomyosin receptor kinase B",
    "TRD": "treatment-resistant depression",
    "VAS": "visual analogue scale",
    "Y-BOCS": "Yale-Brown Obsessive Compulsive Scale",
    "YMRS": "Young Mania Rating Scale",
}

# Routes recognised in free-text `route` cells for the summary table, in display order.
ROUTE_PATTERNS: dict[str, str] = {
    "IV": r"\bIV\b|intravenous",
    "SC": r"\bSC\b|subcutaneous",
    "IM": r"\bIM\b|intramuscular",
    "oral": r"\boral\b",
    "intranasal": r"intranasal|\bnasal\b",
    "sublingual": r"sublingual",
}


@dataclass(frozen=True)
class Column:
    """One column of the characteristics table."""

    header: str
    width: int
    """Minimum width in characters; Pandoc turns widths into relative column widths."""
    key: str = ""
    """Name of the column in ``tables.headings`` of config/config.yaml."""


# Minimums are relative to the content-based widths of the long free-text columns
# (about 40-50 for design and finding), so a short column keeps a readable width.
# The headings are neutral; a review names its own in config/config.yaml
# (``tables: headings:``, for example "Refractory definition" for population_definition).
COLUMNS: tuple[Column, ...] = (
    Column("Study", 26, "study"),
    Column("Design and blinding", 20, "design"),
    Column("n", 14, "n"),
    Column("Population", 16, "population"),
    Column("Population definition", 16, "population_definition"),
    Column("Intervention (route / dose / schedule)", 18, "intervention"),
    Column("Comparator", 24, "comparator"),
    Column("Outcome measures (timepoints)", 18, "outcome_measures"),
    Column("Main finding", 26, "main_finding"),
    Column("Duration of effect", 24, "effect_duration"),
    Column("Adverse effects", 18, "adverse_effects"),
)
#: Headings of the summary table (``summary_by_diagnosis``) that a review may rename.
SUMMARY_HEADINGS: dict[str, str] = {"group": "Group", "routes": "Routes"}


def heading_keys() -> list[str]:
    """Every heading a review may rename in ``tables.headings`` (config/config.yaml)."""
    from ..synthesis.narrative import FINDINGS_HEADINGS

    return [c.key for c in COLUMNS] + list(SUMMARY_HEADINGS) + list(FINDINGS_HEADINGS)


def headed_columns(headings: Mapping[str, str] | None = None) -> tuple[Column, ...]:
    """:data:`COLUMNS` with the review's own headings (``tables.headings``)."""
    named = headings or {}
    return tuple(Column(named.get(c.key, c.header), c.width, c.key) for c in COLUMNS)


# ---------------------------------------------------------------------------
# public API


NO_STUDIES = "No studies were included."


def characteristics_table(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    *,
    years: Mapping[str, int] | None = None,
    labels: Mapping[str, str] | None = None,
    headings: Mapping[str, str] | None = None,
) -> str:
    """Return the characteristics-of-included-studies table as a Pandoc grid table.

    One row per study, grouped under a bold full-width heading row per diagnosis
    group (groups in protocol order, empty groups left out); within a group rows
    are ordered by year, then ``study_id`` (see :func:`grouped_studies`).
    ``years`` optionally maps ``study_id`` to the publication year (see
    :func:`study_years`); ``labels`` maps ``study_id`` to a reader-facing label
    ("Glue 2017", see :func:`livingreview.figures.study_labels`) shown before
    the citation, so the Study column reads the same under numeric styles.
    Empty values are shown as an en dash; see :func:`characteristics_note`.
    ``headings`` renames columns by key (``tables.headings`` in config/config.yaml;
    see :data:`COLUMNS`).

    Raises :class:`DataError` if a study uses a diagnosis group or design class
    that the protocol does not define.
    """
    groups = _grouped_rows(studies, diagnosis_labels, design_labels, years, labels or {})
    body = [(label, [_escape_row(cells) for cells in rows]) for label, rows in groups]
    header = [escape_inline(c.header) for c in headed_columns(headings)]
    # A table needs a body: with no included studies it says so in one full-width row.
    return _grid_table(header, body or [(NO_STUDIES, [])])


def characteristics_note(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    headings: Mapping[str, str] | None = None,
) -> str:
    """Return the note under the characteristics table.

    It explains the en dash (if any cell is empty) and expands every
    abbreviation from :data:`ABBREVIATIONS` that occurs in the table, and only those.
    """
    groups = _grouped_rows(studies, diagnosis_labels, design_labels, None)
    texts = [label for label, _ in groups]
    texts += [c.header for c in headed_columns(headings)]
    texts += [cell for _, rows in groups for cells in rows for cell in cells[1:]]
    parts = []
    if any(
        cell == MISSING or cell.startswith(f"{MISSING} (")  # "– (24 h)": measures not given
        for _, rows in groups
        for cells in rows
        for cell in cells
    ):
        parts.append(f"{MISSING}, not reported or not extracted.")
    used = abbreviations_used(texts)
    if used:
        parts.append("Abbreviations: " + "; ".join(f"{k}, {v}" for k, v in used.items()) + ".")
    return ("*Note.* " + " ".join(parts) + "\n") if parts else ""


def abbreviations_used(texts: Iterable[str]) -> dict[str, str]:
    """Return the known abbreviations occurring in ``texts``, sorted, with expansions."""
    found: set[str] = set()
    for text in texts:
        found.update(_ABBREVIATION_RE.findall(text))
    return {k: ABBREVIATIONS[k] for k in sorted(found, key=str.casefold)}


def summary_by_diagnosis(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    *,
    design_labels: Mapping[str, str] | None = None,
    extra_columns: Mapping[str, Callable[[pd.DataFrame], str]] | None = None,
    headings: Mapping[str, str] | None = None,
) -> str:
    """Return a Markdown pipe table summarising the studies per diagnosis group.

    Columns: group (protocol order, empty groups left out), number of studies,
    participants enrolled (the sum of the studies' ``n``, the number enrolled or
    randomised; a study without ``n`` adds nothing and is counted beside the sum as
    "of unknown size"), designs (studies per design class, named by
    ``design_labels`` when given, else by code) and routes (studies per
    recognised route; a study with several routes counts under each). A final
    row gives the totals. Participants are summed over studies, so anyone who
    took part in more than one study is counted more than once.

    ``extra_columns`` maps further headers to functions that return the
    (already escaped) Markdown cell for a group's rows, for example the
    direction and duration columns of :func:`livingreview.synthesis.findings_columns`.
    """
    check_protocol_codes(studies, "diagnosis_group", diagnosis_labels, "diagnosis_groups")
    if design_labels is not None:
        check_protocol_codes(studies, "design_class", design_labels, "design_classes")
    extra = dict(extra_columns or {})
    names = {**SUMMARY_HEADINGS, **(headings or {})}
    group, routes = (escape_inline(names[k]) for k in ("group", "routes"))
    lines = [
        f"| {group} | Studies | Participants enrolled | Designs | {routes} |"
        + "".join(f" {escape_inline(h)} |" for h in extra),
        "|:------------------|------:|----------:|:---------------------|:--------------|"
        + ":--------------|" * len(extra),
    ]
    for code, label in diagnosis_labels.items():
        group = studies[studies["diagnosis_group"] == code]
        if len(group):
            row = _summary_row(escape_inline(label), group, design_labels)
            lines.append(row + "".join(f" {cell(group)} |" for cell in extra.values()))
    total = _summary_row("**Total**", studies, design_labels)
    lines.append(total + "".join(f" {cell(studies)} |" for cell in extra.values()))
    return "\n".join(lines) + "\n"


def write_table(markdown: str, path: str | Path) -> Path:
    """Write a generated Markdown table atomically (UTF-8, ``\\n`` line endings)."""
    if markdown and not markdown.endswith("\n"):
        markdown += "\n"
    return write_text(path, markdown)


# ---------------------------------------------------------------------------
# rows and cells (plain text; escaped only when the table is assembled)


def _cells(
    record: Mapping[str, Any], design_labels: Mapping[str, str], label: str | None = None
) -> list[str]:
    """Plain-text cells of one study (first cell: escaped label and the citation markup)."""
    # The headings ("Design and blinding", "... (timepoints)") and the field labels of
    # the phone's cards name these parts, so a cell never repeats "blinding:" or
    # "timepoints:"; blinding the design text already states is not printed twice.
    design = _join([design_labels[record["design_class"]], _text(record.get("design"))], ": ")
    blinding = _absence(_text(record.get("blinding")), "no blinding", keep_absent=False)
    if blinding and blinding.casefold() not in design.casefold():
        design = f"{design}; {blinding}"
    route = _join([_text(record.get(c)) for c in ("route", "dose", "schedule")], "; ")
    measures = _text(record.get("anxiety_scales"))
    timepoints = _text(record.get("timepoints"))
    if timepoints:
        measures = f"{measures or MISSING} ({timepoints})"
    cells = [
        _study_cell(str(record["bib_key"]), label),
        design,
        _text(record.get("n")),
        _text(record.get("diagnosis")),
        _text(record.get("refractory_definition")),
        route,
        _absence(_text(record.get("comparator")), "No comparator", keep_absent=True),
        measures,
        _text(record.get("main_finding")),
        _text(record.get("effect_duration")),
        _text(record.get("adverse_effects")),
    ]
    return [c if c else MISSING for c in cells]


# A value that records an absence as the data convention does ("None", "None (open-label)";
# studies.csv README: "none" for uncontrolled studies), not as text a reader can read alone.
NONE_VALUE = re.compile(r"^none\s*(?:\((?P<why>.*)\))?\s*$", re.IGNORECASE | re.DOTALL)


def _absence(value: str, absent: str, keep_absent: bool) -> str:
    """``value`` as a reader understands it in a cell: "None" -> ``absent`` ("no
    comparator"); "None (open-label)" -> "open-label" (``keep_absent``: "no
    comparator (open-label)"); any other value unchanged."""
    match = NONE_VALUE.match(value)
    if not match:
        return value
    why = (match["why"] or "").strip()
    if not why:
        return absent
    return f"{absent} ({why})" if keep_absent else why


def _study_cell(key: str, label: str | None) -> str:
    # Without a label the in-text form (@key) lets an author-date style name the study.
    return f"{escape_inline(label)} [{_citation(key)}]" if label else _citation(key)


def _citation(key: str) -> str:
    # Pandoc reads a bare key only if it ends in a letter or digit; braces allow the rest.
    bare = re.fullmatch(r"[A-Za-z0-9_]+(?:[:.-][A-Za-z0-9_]+)*", key)
    return f"@{key}" if bare else f"@{{{key}}}"


def _join(parts: Iterable[str], sep: str) -> str:
    return sep.join(p for p in parts if p)


# ---------------------------------------------------------------------------
# escaping


def _escape_row(cells: list[str]) -> list[str]:
    return [cells[0], *(escape_inline(c) for c in cells[1:])]


# ---------------------------------------------------------------------------
# grid table assembly


def _display_width(text: str) -> int:
    """Width in terminal cells, as Pandoc measures grid tables (wide = 2, combining = 0)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by display width; words longer than ``width`` stay whole.

    Lines are one character short of ``width``: the backslash that
    :func:`protect_line_start` may add must still fit the grid cell.
    """
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and _display_width(candidate) > width - 1:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return [protect_line_start(line) for line in lines]


def _column_widths(header: list[str], body: list[tuple[str, list[list[str]]]]) -> list[int]:
    """Column widths from the content, so long free-text columns (design, finding) get room.

    Each column gets the most of: its declared minimum, its longest unbreakable
    word, and twice its mean cell length to the power 0.55 (the power
    keeps a column with 300-character cells from taking the whole table).
    Pandoc turns these widths into relative column widths in every format.
    """
    widths = []
    for i, column in enumerate(COLUMNS):
        cells = [header[i]] + [cells[i] for _, rows in body for cells in rows]
        longest = max(_display_width(w) + 1 for c in cells for w in c.split(" "))
        values = [_display_width(c) for _, rows in body for c in (r[i] for r in rows)]
        content = round(2 * (sum(values) / len(values)) ** 0.55) if values else 0
        widths.append(max(column.width, longest, content))
    return widths


def _grid_table(header: list[str], body: list[tuple[str, list[list[str]]]]) -> str:
    widths = _column_widths(header, body)
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    head_rule = rule.replace("-", "=")
    span = sum(w + 3 for w in widths) - 3  # a full-width cell absorbs the inner borders
    out = [rule, *_grid_row(header, widths), head_rule]
    for label, rows in body:
        out += [f"| {_pad(line, span)} |" for line in _wrap(f"**{escape_inline(label)}**", span)]
        out.append(rule)
        for cells in rows:
            out += _grid_row(cells, widths)
            out.append(rule)
    return "\n".join(out) + "\n"


def _grid_row(cells: list[str], widths: list[int]) -> list[str]:
    wrapped = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max(len(w) for w in wrapped)
    lines = []
    for i in range(height):
        parts = [
            _pad(w[i] if i < len(w) else "", width)
            for w, width in zip(wrapped, widths, strict=True)
        ]
        lines.append("| " + " | ".join(parts) + " |")
    return lines


# ---------------------------------------------------------------------------
# summary table helpers


def _summary_row(label: str, group: pd.DataFrame, design_labels: Mapping[str, str] | None) -> str:
    n = pd.to_numeric(group["n"], errors="coerce") if "n" in group else pd.Series(dtype=float)
    missing = int(n.isna().sum()) if len(n) else len(group)
    total = int(n.sum(skipna=True)) if len(n) else 0
    unknown = f"{missing} {'study' if missing == 1 else 'studies'} of unknown size"
    if missing and missing == len(group):
        participants = f"{MISSING} ({unknown})"
    elif missing:
        participants = f"{total} (and {unknown})"
    else:
        participants = str(total)
    designs = _counts(group["design_class"].tolist(), design_labels)
    routes = _route_counts(group["route"].tolist() if "route" in group else [None] * len(group))
    return f"| {label} | {len(group)} | {participants} | {designs} | {routes} |"


def _counts(codes: list[Any], labels: Mapping[str, str] | None) -> str:
    order = list(labels) if labels is not None else sorted({str(c) for c in codes})
    parts = []
    for code in order:
        k = sum(1 for c in codes if c == code)
        if k:
            name = labels[code] if labels is not None else code.replace("_", " ")
            parts.append(f"{escape_inline(name)} ({k})")
    return "; ".join(parts) or MISSING


def _route_counts(routes: list[Any]) -> str:
    """Studies per recognised route; a study with several routes counts under each."""
    counts: dict[str, int] = {}
    for value in routes:
        text = _text(value)
        matched = [
            r
            for r, pattern in ROUTE_PATTERNS.items()
            if re.search(pattern, text, flags=re.IGNORECASE)
        ]
        if not text:
            matched = ["not reported"]
        elif not matched:
            matched = ["other"]
        for route in matched:
            counts[route] = counts.get(route, 0) + 1
    order = [*ROUTE_PATTERNS, "other", "not reported"]
    return "; ".join(f"{r} ({counts[r]})" for r in order if r in counts) or MISSING


_ABBREVIATION_RE = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?!\w)"
)


def _grouped_rows(
    studies: pd.DataFrame,
    diagnosis_labels: Mapping[str, str],
    design_labels: Mapping[str, str],
    years: Mapping[str, int] | None,
    labels: Mapping[str, str] | None = None,
) -> list[tuple[str, list[list[str]]]]:
    """Return ``[(group label, [cells per study])]`` in display order.

    The first cell of each row is the citation markup; the rest is plain text.
    """
    check_protocol_codes(studies, "design_class", design_labels, "design_classes")
    return [
        (label, [_cells(r, design_labels, (labels or {}).get(r["study_id"])) for r in members])
        for _, label, members in grouped_studies(studies, diagnosis_labels, years=years)
    ]

"""The records behind each box of the PRISMA flow diagram, as a page of the book.

The website's flow diagram is interactive: every box links to a section of a
generated appendix, ``results/prisma/records.qmd``, that lists the records
behind it (title, year, source, decision, reason). DOCX and PDF carry the same
appendix as their static twin.

Each record of the ledger appears once, in the section of the box where it
left the flow (removed before screening, excluded at screening, not
retrieved, excluded at full text, or included). Boxes that records pass
through (identified, screened, sought, assessed, total) list where their
records went, with links, so a reader can follow every count down to the
records. Both the sections and the diagram come from the same walk of the
ledger (:func:`livingreview.prisma.flow_records`), so a section lists exactly
as many records as its box shows.

The appendix scales with the ledger (issue 19). Reports assessed in full text
(not retrieved, excluded, included, previous version) are always listed, as
Cochrane's "characteristics of excluded studies" are. Records that left the
flow before full text (removed before screening, excluded at screening, not
sought, awaiting a decision) are listed only while a box holds at most
``listed`` records (:data:`LISTED`); above that the box gives its count per
source and reason, in every format. The website also carries a records browser
(:mod:`livingreview.prisma.records_browser`) that loads the ledger page by page
with filters by box, source and reason, so no format holds a table of every record.

Sections have plain ids ``box-<box name>`` (for example
``#box-records-screened``), not ``sec-`` ids, so they are not numbered
cross-reference targets. Every data value is escaped
(:func:`livingreview.markdown.escape_markdown`): a title holding HTML or
Markdown shows as text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..evidence.studies import study_labels
from ..io import write_text
from ..ledger.fields import read_from_phrase
from ..ledger.stages import AWAITING_LABELS
from ..markdown import escape_markdown
from ..validation import load_table
from ..wording import counted
from .counts import (
    WITHDRAWN_MISSING,
    FlowRecords,
    counts_to_json,
    derive_counts,
    derive_counts_from_files,
    flow_records,
    read_counts,
    read_reason_labels,
)
from .flow_diagram import draw_flow_diagram, drawn_boxes
from .model import PreviousVersion, PrismaCounts, awaiting_stage
from .records_browser import DATA_DIR, browser_block, browser_files, write_browser

# What a box lists when its records also go on to other boxes.
LISTED_WITH_TARGETS = {
    "website_results": "Records identified but not sought (duplicates, removed or screened out):",
    "previous_studies": "The reports the previous version included, with their decision now:",
    "reassessed": "The records included on re-assessment:",
}
# The records browser's name of a box whose drawn count holds records listed elsewhere:
# what it lists (see browser_titles).
LISTED_ONLY = {
    "website_results": "Records identified by other methods, not sought for retrieval",
    # reports of the previous version now awaiting a decision or gone from the ledger
    # are listed only in the box of those excluded from this update
    "previous_studies": "Reports included in the previous version, with a decision now",
}
SECTION_PREFIX = "box-"
PAGE_TITLE = "PRISMA flow diagram: the records behind each box"
PAGE_ID = "sec-prisma-records"
NO_RECORDS_LINK = ("total_studies_ma",)  # the meta-analysis box has no record-level data

# Boxes of records that left before full text: listed only up to LISTED records.
SCREENING_BOXES = ("duplicates", "records_excluded", "website_results", "awaiting")
LISTED = 100
# PRISMA 2020's "Reports excluded" (of the reports assessed for eligibility): the decision
# says what was read (records.csv read_from), never "full text" unless it was.
EXCLUDED = "Excluded at eligibility assessment"
COLUMNS = ("Record", "Title", "Year", "Source", "Decision", "Reason")
# Dashes per column in the pipe table's separator: Pandoc's relative column widths.
WIDTHS = (10, 31, 7, 14, 18, 20)
# An empty caption that gives the table the class "cards": on a phone the website shows
# one card per record, each field labelled by its column (DOCX and PDF print a table).
CARDS = ": {.cards}"


def section_id(box: str) -> str:
    """Id of the section for ``box`` (a name in :data:`flow_diagram.BOX_NAMES`)."""
    return SECTION_PREFIX + box.replace("_", "-")


def _n(count: int | None) -> str:
    return f"n = {(count or 0):,}"


def _studies_reports(studies: int | None, reports: int | None) -> str:
    """A box's two counts with their nouns: "(1 study, 8 reports)" (0 when empty)."""
    studies_text = counted(studies or 0, "study", "studies")
    return f"({studies_text}, {counted(reports or 0, 'report', 'reports')})"


def _titles(counts: PrismaCounts) -> dict[str, str]:
    """Heading of each box's section, with its count(s) as drawn."""
    c, r = counts, _drawn_records(counts)  # r: the records behind a box, as the browser's
    new = "New studies included in the review" if c.is_update else "Studies included in the review"
    return {
        "previous_studies": "Studies included in the previous version "
        f"{_studies_reports(c.previous_studies, r['previous_studies'])}",
        "database_results": "Records identified from databases and registers "
        f"({_n(c.dbr_identified)})",
        "duplicates": f"Records removed before screening ({_n(r['duplicates'])})",
        "records_screened": f"Records screened ({_n(c.records_screened)})",
        "records_excluded": f"Records excluded at screening ({_n(r['records_excluded'])})",
        "dbr_sought_reports": "Reports sought for retrieval, databases and registers "
        f"({_n(c.dbr_sought_reports)})",
        "dbr_notretrieved_reports": "Reports not retrieved, databases and registers "
        f"({_n(r['dbr_notretrieved_reports'])})",
        "dbr_assessed": "Reports assessed for eligibility, databases and registers "
        f"({_n(c.dbr_assessed)})",
        "dbr_excluded": f"Reports excluded, databases and registers ({_n(r['dbr_excluded'])})",
        "website_results": f"Records identified by other methods ({_n(r['website_results'])})",
        "other_sought_reports": "Reports sought for retrieval, other methods "
        f"({_n(c.other_sought_reports)})",
        "other_notretrieved_reports": "Reports not retrieved, other methods "
        f"({_n(r['other_notretrieved_reports'])})",
        "other_assessed": "Reports assessed for eligibility, other methods "
        f"({_n(c.other_assessed)})",
        "other_excluded": f"Reports excluded, other methods ({_n(r['other_excluded'])})",
        "new_studies": f"{new} {_studies_reports(c.new_studies, r['new_studies'])}",
        "total_studies": "Total studies included in the review "
        f"{_studies_reports(c.total_studies, c.total_reports)}",
        "previous_withdrawn": "Studies included in the previous version excluded from this "
        f"update {_studies_reports(c.withdrawn_studies, r['previous_withdrawn'])}",
        "reassessed": "Records of earlier versions included on re-assessment "
        f"({counted(r['reassessed'], 'report', 'reports')}, "
        f"{counted(c.reassessed_studies or 0, 'new study', 'new studies')})",
    }


def _drawn_records(counts: PrismaCounts) -> dict[str, int]:
    """How many records (reports, for boxes of studies) each box that lists records
    stands for, as drawn."""
    c = counts
    return {
        "previous_studies": c.previous_reports or 0,
        "duplicates": c.duplicates + c.excluded_automatic + c.excluded_other,
        "records_excluded": c.records_excluded,
        "dbr_notretrieved_reports": c.dbr_notretrieved_reports,
        "dbr_excluded": c.dbr_excluded_total,
        "website_results": c.other_identified,
        "other_notretrieved_reports": c.other_notretrieved_reports,
        "other_excluded": c.other_excluded_total,
        "new_studies": c.new_reports or 0,
        "previous_withdrawn": c.withdrawn_reports or 0,
        "reassessed": c.reassessed_reports or 0,
    }


def browser_titles(
    counts: PrismaCounts, exits: Mapping[str, Sequence[Mapping[str, str]]]
) -> dict[str, str]:
    """The records browser's name of each box of ``exits``, with the count it lists.

    The browser lists per box only the records that left the flow there. A box whose
    drawn count holds more (the other methods' first box counts every record identified,
    the browser lists those never sought) is named by what it lists, with that count:
    "Records identified by other methods (n = 6)" listing 2 records misled.
    """
    titles, drawn = _titles(counts), _drawn_records(counts)
    out = {}
    for box, rows in exits.items():
        if len(rows) == drawn.get(box, len(rows)):
            out[box] = titles[box]
        elif box in LISTED_ONLY:
            out[box] = f"{LISTED_ONLY[box]} ({_n(len(rows))})"
        else:  # not expected: say how many are listed rather than a count that misleads
            out[box] = f"{titles[box]}: {counted(len(rows), 'record', 'records')} listed"
    return out


def _flows_to(counts: PrismaCounts) -> dict[str, list[tuple[str, str, int]]]:
    """Boxes that records pass through: the boxes their records go on to, with counts."""
    c = counts
    removed = c.duplicates + c.excluded_automatic + c.excluded_other
    dbr_included = c.dbr_assessed - c.dbr_excluded_total
    other_included = c.other_assessed - c.other_excluded_total
    included = "Included in the review"
    return {
        "database_results": [
            ("duplicates", "Removed before screening", removed),
            ("records_screened", "Screened", c.records_screened),
        ],
        "records_screened": [
            ("records_excluded", "Excluded at screening", c.records_excluded),
            ("dbr_sought_reports", "Sought for retrieval", c.dbr_sought_reports),
        ],
        "dbr_sought_reports": [
            ("dbr_notretrieved_reports", "Not retrieved", c.dbr_notretrieved_reports),
            ("dbr_assessed", "Assessed for eligibility", c.dbr_assessed),
        ],
        "dbr_assessed": [
            ("dbr_excluded", "Excluded", c.dbr_excluded_total),
            ("new_studies", included, dbr_included),
        ],
        "website_results": [
            ("other_sought_reports", "Sought for retrieval", c.other_sought_reports),
        ],
        "other_sought_reports": [
            ("other_notretrieved_reports", "Not retrieved", c.other_notretrieved_reports),
            ("other_assessed", "Assessed for eligibility", c.other_assessed),
        ],
        "other_assessed": [
            ("other_excluded", "Excluded", c.other_excluded_total),
            ("new_studies", included, other_included),
        ],
        "total_studies": [
            (
                "previous_studies",
                "Included in the previous version and still included",
                (c.previous_reports or 0) - (c.withdrawn_reports or 0),
            ),
            ("new_studies", "Newly included", c.new_reports),
        ],
        "previous_studies": [
            (
                "previous_withdrawn",
                "No longer included (excluded from this update)",
                c.withdrawn_reports or 0,
            ),
            (
                "total_studies",
                "Still included",
                (c.previous_reports or 0) - (c.withdrawn_reports or 0),
            ),
        ],
        "reassessed": [("new_studies", "Included in this version", c.reassessed_reports or 0)],
    }


def _exits(flow: FlowRecords) -> dict[str, list[dict[str, str]]]:
    """The records listed in each box's section (each new record in exactly one)."""
    return {
        "previous_studies": flow.previous,
        "duplicates": flow.dbr_removed,
        "records_excluded": flow.dbr_screened_out,
        "dbr_notretrieved_reports": flow.dbr_not_retrieved,
        "dbr_excluded": flow.dbr_excluded,
        "website_results": flow.other_not_sought,
        "other_notretrieved_reports": flow.other_not_retrieved,
        "other_excluded": flow.other_excluded,
        "new_studies": flow.included,
        "previous_withdrawn": flow.withdrawn,
        "reassessed": flow.reassessed,
    }


def decision(
    row: Mapping[str, str],
    reason_labels: Mapping[str, str],
    study_names: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """``(decision, reason)`` of a ledger row, as shown in the records table.

    An included record names its study by ``study_names`` (study id to the
    label readers see, "Glue 2017"), never by the internal id when a label exists.
    """
    if list(row) == ["record_id"]:  # a report of the previous version no longer in the ledger
        return WITHDRAWN_MISSING, ""
    if row.get("duplicate_of"):
        return f"Duplicate of {row['duplicate_of']}", row.get("removed_reason", "")
    if row.get("removed") == "automation":
        return "Marked ineligible by an automation tool", row.get("removed_reason", "")
    if row.get("removed"):
        return "Removed for another reason", row.get("removed_reason", "")
    if row.get("screening") == "exclude":
        return "Excluded at screening", row.get("screening_reason", "")
    if row.get("retrieval") == "not_retrieved":
        return "Not retrieved", ""
    if row.get("eligibility") == "exclude":
        code = row.get("exclusion_reason", "")
        read = read_from_phrase(row.get("read_from", ""))
        return (f"{EXCLUDED} of {read}" if read else EXCLUDED), reason_labels.get(code, code)
    if row.get("eligibility") == "include":
        study = row.get("study_id", "")
        name = (study_names or {}).get(study, study)
        return (f"Included: study {name}" if study else "Included"), ""
    stage = awaiting_stage(row)
    return (AWAITING_LABELS[stage], "") if stage else ("", "")


def records_table(
    rows: Sequence[Mapping[str, str]],
    reason_labels: Mapping[str, str],
    study_names: Mapping[str, str] | None = None,
) -> str:
    """A Markdown pipe table of ``rows``; every value escaped."""
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join(":" + "-" * (w - 1) for w in WIDTHS) + "|",
    ]
    for row in rows:
        decided, reason = decision(row, reason_labels, study_names)
        cells = (
            row.get("record_id", ""),
            row.get("title", ""),
            row.get("year", ""),
            row.get("source", ""),
            decided,
            reason,
        )
        lines.append("| " + " | ".join(escape_markdown(c) for c in cells) + " |")
    return "\n".join([*lines, "", CARDS])


def counts_table(rows: Sequence[Mapping[str, str]], reason_labels: Mapping[str, str]) -> str:
    """A Markdown pipe table of how many ``rows`` share a source, decision and reason."""
    groups: dict[tuple[str, str, str], int] = {}
    for row in rows:
        decided, reason = decision(row, reason_labels)
        if row.get("duplicate_of"):  # one line for all duplicates, not one per original
            decided = "Duplicate of an earlier record"
        key = (row.get("source", ""), decided, reason)
        groups[key] = groups.get(key, 0) + 1
    lines = ["| Source | Decision | Reason | Records |", "|:---|:---|:---|---:|"]
    for (source, decided, reason), n in sorted(groups.items()):
        cells = [escape_markdown(c) for c in (source, decided, reason)]
        lines.append("| " + " | ".join(cells) + f" | {n:,} |")
    return "\n".join([*lines, "", CARDS])


def _box_records(
    box: str,
    rows: Sequence[Mapping[str, str]],
    reason_labels: Mapping[str, str],
    listed: int,
    study_names: Mapping[str, str] | None = None,
) -> list[str]:
    """The records part of a box's section: the table of its records, or counts."""
    if box not in SCREENING_BOXES or len(rows) <= listed:
        return [records_table(rows, reason_labels, study_names), ""]
    counted = f"The {len(rows):,} records of this box, by source and reason"
    return [
        *by_format(
            f"{counted} (the records browser above lists each one):",
            f"{counted} (the website version of this appendix lists each one):",
        ),
        "",
        counts_table(rows, reason_labels),
        "",
        '::: {.content-visible when-format="html"}',
        f'[Show these records in the browser](#records-browser){{data-box="{box}"}}',
        ":::",
        "",
    ]


def by_format(web: str, print_: str) -> list[str]:
    """Markdown that says ``web`` on the website and ``print_`` in DOCX and PDF, so words
    about links, the browser and its filters never reach print (issue 14)."""
    return [
        '::: {.content-visible when-format="html"}',
        web,
        ":::",
        "",
        '::: {.content-hidden when-format="html"}',
        print_,
        ":::",
    ]


def records_page_markdown(
    counts: PrismaCounts,
    flow: FlowRecords | None,
    reason_labels: Mapping[str, str],
    counts_source: str | None = None,
    study_names: Mapping[str, str] | None = None,
    listed: int = LISTED,
) -> str:
    """The appendix page: one section per drawn box, listing its records.

    ``flow`` is ``None`` when the counts come from a PRISMA2020 template
    (``counts_source`` names it): the sections then give the counts only.
    Boxes of records that left before full text list their records only up
    to ``listed`` of them, and give counts per source and reason above that.
    """
    titles, flows_to = _titles(counts), _flows_to(counts)
    exits = _exits(flow) if flow is not None else {}
    out = [
        f"# {PAGE_TITLE} {{#{PAGE_ID}}}",
        "",
        *_introduction(flow, counts_source, counts.is_update),
        "",
    ]
    if flow is not None:  # the browser and its heading are the website's only
        out = ["---", "resources:", f"  - {DATA_DIR}/*.js", "---", "", *out]
        out += [
            '::: {.content-visible when-format="html"}',
            "## Records browser {#records-browser .unnumbered}",
            "",
            browser_block(),
            ":::",
            "",
        ]
    for box in drawn_boxes(counts):
        if box in NO_RECORDS_LINK:
            continue
        out += [f"## {titles[box]} {{#{section_id(box)} .unnumbered}}", ""]
        present = set(drawn_boxes(counts))
        targets = [t for t in flows_to.get(box, []) if t[0] in present]
        if targets:
            out += ["The records of this box went on to:", ""]
            out += [f"- [{label}](#{section_id(t)}) ({_n(n)})" for t, label, n in targets]
            out.append("")
        if flow is None:
            continue
        rows = exits.get(box)
        if rows is None:
            continue
        if targets and rows:  # a box its records pass through that also lists them
            out += [LISTED_WITH_TARGETS[box], ""]
        if rows:
            out += _box_records(box, rows, reason_labels, listed, study_names)
        elif not targets:
            out += ["No records.", ""]
    if flow is not None and flow.awaiting:
        out += [
            f"## Awaiting a decision {{#{section_id('awaiting')} .unnumbered}}",
            "",
            "These records have been found but not yet decided; they enter the flow "
            "diagram once their next decision is recorded.",
            "",
            *_box_records("awaiting", flow.awaiting, reason_labels, listed, study_names),
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def _introduction(flow: FlowRecords | None, counts_source: str | None, update: bool) -> list[str]:
    if flow is None:  # the template's path is for the team, not for readers
        return [
            "The counts of the flow diagram were read from a PRISMA2020 template; "
            "the review's build has no record-level list behind them."
        ]
    changed = ""
    if flow.withdrawn:
        changed += (
            "; those no longer included are listed again, with their decision now, in the "
            "box of the studies excluded from this update"
        )
    if flow.reassessed:
        changed += (
            "; records of earlier versions included now, on re-assessment, are listed in "
            "their own box and among the new reports"
        )
    # On the website every record is listed; in print a box may give a count (records
    # excluded at screening, or a list longer than tables.print_rows), so it says
    # "is counted", which holds for a list and for a count.
    where = {
        verb: (
            f"The previous version's included reports are listed in its box{changed}. "
            f"Every record found since then {verb} once, in the box where it left the flow"
            if update
            else f"Every record of the screening ledger {verb} once, in the box where it left "
            "the flow"
        )
        for verb in ("appears", "is counted")
    }
    return by_format(
        f"Each box of the PRISMA flow diagram links to its section below. {where['appears']}; "
        "boxes that records pass through link to the boxes their records went on to.",
        f"Each box of the PRISMA flow diagram has a section below. {where['is counted']}; "
        "boxes that records pass through list the boxes their records went on to.",
    )


def record_links(
    counts: PrismaCounts, svg_path: str | Path, page_path: str | Path
) -> dict[str, str]:
    """Link of every drawn box to its section, relative to where the SVG is published.

    ``svg_path`` and ``page_path`` are in the project (``results/figures/prisma_flow.svg``,
    ``results/prisma/records.qmd``; relative paths are taken from the working folder);
    both keep their place under ``_book/``, so the link also works when the SVG file
    is opened on its own.
    """
    page = Path(page_path).with_suffix(".html").resolve()
    url = Path(os.path.relpath(page, Path(svg_path).resolve().parent)).as_posix()
    return {b: f"{url}#{section_id(b)}" for b in drawn_boxes(counts) if b not in NO_RECORDS_LINK}


def derive_prisma_outputs(
    records: str | Path,
    protocol: str | Path,
    counts_json: str | Path,
    template_csv: str | Path,
    records_page: str | Path | None = None,
    counts_template: str | Path | None = None,
    previous: PreviousVersion | None = None,
    cumulative_json: str | Path | None = None,
    cited: str = "update",
    studies: str | Path | None = None,
    bibliography: str | Path | None = None,
    records_data: str | Path | None = None,
) -> PrismaCounts:
    """Counts (JSON + PRISMA2020 template), for rule derive_prisma_counts; and the
    records page too when ``records_page`` is given (see :func:`write_records_page`).

    ``counts_json`` holds the diagram of this version (the PRISMA 2020
    updated-review diagram when ``previous`` is given); ``cumulative_json`` the
    diagram over every record of every version. The records page lists the
    records behind the boxes of the ``cited`` diagram (``update`` or
    ``cumulative``), the one the Results chapter shows.

    ``records_data`` is passed on to :func:`write_records_page`.

    With ``counts_template`` the counts come from that PRISMA2020 template
    instead of the ledger (see :func:`~livingreview.prisma.derive_counts_from_files`)
    and the page gives counts only. Every file is written atomically, and
    nothing is written unless every check passes.
    """
    counts = derive_counts_from_files(
        records, protocol, counts_json, template_csv, previous, counts_template
    )
    shown, shown_previous = counts, previous
    if cumulative_json is not None:
        cumulative = counts
        if previous is not None and counts_template is None:
            ledger = load_table(records, "records")
            cumulative = derive_counts(
                ledger, read_reason_labels(protocol), records_file=str(records)
            )
        write_text(cumulative_json, counts_to_json(cumulative, read_reason_labels(protocol)))
        if cited == "cumulative":
            shown, shown_previous = cumulative, None
    if records_page is not None:
        write_records_page(
            records,
            protocol,
            shown,
            records_page,
            counts_template,
            shown_previous,
            studies,
            bibliography,
            records_data,
        )
    return counts


def write_records_page(
    records: str | Path,
    protocol: str | Path,
    counts: PrismaCounts | str | Path,
    records_page: str | Path,
    counts_template: str | Path | None = None,
    previous: PreviousVersion | None = None,
    studies: str | Path | None = None,
    bibliography: str | Path | None = None,
    records_data: str | Path | None = None,
) -> None:
    """The records appendix, for rule write_records_appendix (``counts``: derived or their JSON).

    With ``studies`` and ``bibliography`` included records name their study
    by its label ("Glue 2017") rather than its internal id. A rule of its own,
    so editing a study's values rewrites this page but never redraws the
    flow diagram. The records browser's files go to ``records_data`` (by default
    ``records-data/`` next to the page, where its front matter publishes them from).
    """
    if not isinstance(counts, PrismaCounts):
        counts = read_counts(counts)
    reason_labels = read_reason_labels(protocol)
    flow = None if counts_template else flow_records(load_table(records, "records"), previous)
    source = str(counts_template) if counts_template else None
    names = None
    if studies is not None and bibliography is not None:
        names = study_labels(load_table(studies, "studies"), bibliography)
    write_text(records_page, records_page_markdown(counts, flow, reason_labels, source, names))
    boxes = []
    if flow is not None:
        exits = _exits(flow)
        titles = browser_titles(counts, exits)
        present = set(drawn_boxes(counts))
        boxes = [(b, titles[b], exits[b]) for b in exits if b in present and exits[b]]
        if flow.awaiting:
            boxes.append(("awaiting", "Awaiting a decision", flow.awaiting))
    write_browser(
        records_data or Path(records_page).parent / DATA_DIR,
        browser_files(boxes, lambda row: decision(row, reason_labels, names)),
    )


def draw_linked_flow_diagram(
    counts_json: str | Path,
    svg: str | Path | None,
    pdf: str | Path | None,
    png: str | Path | None,
    records_page: str | Path,
    other: tuple[str | Path, Sequence[str | Path]] | None = None,
) -> None:
    """Draw the flow diagram with every box of the SVG linked to its records section
    (a rendition given as None is not drawn: no output format shows it).

    ``other`` is ``(counts json, renditions)`` of the diagram the chapter does not
    cite (the updated-review or the cumulative one), drawn without links; its
    renditions are told apart by their suffixes (``.svg``, ``.pdf``, ``.png``).
    """
    counts = read_counts(counts_json)
    links = record_links(counts, svg, records_page) if svg else None
    draw_flow_diagram(counts, svg, pdf, png, links=links)
    if other is not None:
        by_suffix = {Path(path).suffix: path for path in other[1]}
        renditions = (by_suffix.get(f".{ext}") for ext in ("svg", "pdf", "png"))
        draw_flow_diagram(read_counts(other[0]), *renditions)

"""Generated sentences: the prose whose wording the data decide.

Chapters include these Markdown files (``{{< include ../results/text/NAME.md >}}``)
instead of retyping them, so the words "every", "only" or "no database" can
never outlive the data that made them true:

- :func:`search_methods_paragraph`: which sources were searched, with dates
  (from the ledger: databases, registers and other methods);
- :func:`study_selection_paragraph`: the flow from records identified to
  studies included, quoting only numbers the cited flow diagram shows;
- :func:`flow_figure_markdown`: the flow diagram with its caption (which
  PRISMA 2020 template, which arms) and alternative text;
- :func:`effect_direction_paragraph`: the direction-of-effect summary per
  outcome domain;
- :func:`unresolved_reports_paragraph`: the reports the review could not settle
  (a criterion that could not be judged from what was read, or a report that
  could not be obtained), cited by name for the limitations.

Each function takes plain values and returns Markdown; :func:`write_generated_text`
is the adapter the workflow rule calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError
from ..io import read_text, write_text
from ..ledger.fields import read_from_phrase
from ..markdown import escape_inline
from ..prisma.flow_content import description as flow_description
from ..validation import load_table
from ..wording import count_value, counted, join_words, long_date_range, long_dates_in

DIAGRAMS = ("cumulative", "update")
"""Which flow diagram the Results chapter cites (config ``prisma.results_diagram``)."""

OTHER_METHOD_WORDS = {
    "website": "websites",
    "organisation": "organisations",
    "citation_search": "citation searching",
}
# Outcome domain -> (how the sentence names it, pronoun for "studies that reported ...").
DOMAIN_PHRASES = {
    "anxiety": ("anxiety (including PTSD symptoms)", "it"),
    "depression": ("depressive symptoms", "them"),
}


def _n(value: int) -> str:
    return f"{value:,}"


def _records_word(n: int) -> str:
    return "record" if n == 1 else "records"


# --------------------------------------------------------------------------- #
# Search methods
# --------------------------------------------------------------------------- #


def _dates(rows: pd.DataFrame) -> str:
    dates = sorted({str(d) for d in rows["search_date"] if str(d).strip()})
    if not dates:
        return "date not recorded"
    try:
        return long_date_range(dates[0], dates[-1])
    except ValueError:  # not a calendar date: quoted as the ledger writes it
        first, last = long_dates_in(dates[0]), long_dates_in(dates[-1])
        return first if len(dates) == 1 else f"{first} to {last}"


def _sources(records: pd.DataFrame, types: Sequence[str]) -> list[str]:
    """``Name (date; n records)`` per source of the given types, in ledger order."""
    rows = records[records["source_type"].isin(types)]
    out = []
    for name in dict.fromkeys(rows["source"]):
        own = rows[rows["source"] == name]
        out.append(
            f"{escape_inline(str(name))} ({_dates(own)}; {_n(len(own))} {_records_word(len(own))})"
        )
    return out


def search_methods_paragraph(records: pd.DataFrame) -> str:
    """Which sources were searched and when, from ``data/records.csv``."""
    databases = _sources(records, ["database"])
    registers = _sources(records, ["register"])
    other = _sources(records, list(OTHER_METHOD_WORDS))
    parts = []
    if databases:
        parts.append(f"Bibliographic databases were searched: {join_words(databases)}.")
    if registers:
        parts.append(f"Trial registers were searched: {join_words(registers)}.")
    kinds = join_words(
        OTHER_METHOD_WORDS[t] for t in OTHER_METHOD_WORDS if (records["source_type"] == t).any()
    )
    if not databases and not registers:
        parts.append(
            "No bibliographic database or trial register was searched; all "
            f"{_n(len(records))} records were identified through other methods"
            + (f" ({kinds}): {join_words(other)}." if other else ".")
        )
    elif other:
        parts.append(f"Other methods ({kinds}) were also used: {join_words(other)}.")
    return " ".join(parts) + "\n"


# --------------------------------------------------------------------------- #
# Study selection and the flow diagram
# --------------------------------------------------------------------------- #


def _reasons(excluded: Mapping[str, int]) -> str:
    """``label (n)`` per exclusion reason, most frequent first (ties in protocol order)."""
    ordered = sorted(excluded.items(), key=lambda item: -item[1])
    return "; ".join(
        f"{escape_inline(label[:1].lower() + label[1:])} ({_n(n)})" for label, n in ordered
    )


def _were(n: int) -> str:
    return f"{_n(n)} {'was' if n == 1 else 'were'}"


def _arm_sentence(sought: int, not_retrieved: int, assessed: int, excluded: Any) -> str:
    """From reports sought to reports excluded, for one arm.

    The PRISMA 2020 "reports excluded" box lists the reasons without a total, so
    the sentence gives the reports excluded per reason and no total.
    """
    text = (
        f"Of {counted(sought, 'report', 'reports')} sought, {_n(not_retrieved)} could not be "
        f"retrieved and {_were(assessed)} assessed for eligibility"
    )
    if not sum(excluded.values()):
        return text + "; 0 were excluded."
    return text + f". Reasons for excluding reports (number of reports): {_reasons(excluded)}."


def _other_kinds(c: Any) -> str:
    """Which other methods found records: websites, organisations, citation searching."""
    found = [
        word
        for word, n in zip(
            OTHER_METHOD_WORDS.values(),
            (c.website_results, c.organisation_results, c.citations_results),
            strict=True,
        )
        if n
    ]
    return join_words(found) or "none"


def _changed_decisions_sentences(c: Any) -> list[str]:
    """What re-assessing records of the previous version changed, as the diagram's
    boxes under "Previous studies" show it (nothing when no decision changed)."""
    out = []
    if c.withdrawn_studies is not None:
        text = (
            f"Re-assessment excluded {counted(c.withdrawn_studies, 'study', 'studies')} that "
            "the previous version included, and "
            f"{counted(c.withdrawn_reports, 'report', 'reports')} of that version "
            f"{'is' if c.withdrawn_reports == 1 else 'are'} no longer included"
        )
        if c.withdrawn_reasons:
            text += f" (reasons, number of reports: {_reasons(c.withdrawn_reasons)})"
        out.append(text + ".")
    if c.reassessed_reports is not None:
        out.append(
            f"On re-assessment, {counted(c.reassessed_reports, 'record', 'records')} that an "
            f"earlier version did not include {'is' if c.reassessed_reports == 1 else 'are'} "
            f"now included, adding {counted(c.reassessed_studies or 0, 'study', 'studies')} to "
            "the new studies."
        )
    return out


def study_selection_paragraph(counts: Any) -> str:
    """The flow from identification to inclusion, quoting only numbers the diagram shows.

    ``counts`` is the :class:`~livingreview.prisma.model.PrismaCounts` of the
    diagram the chapter cites (the caption names the previous version).
    """
    c = counts
    out = []
    if c.is_update:
        out.append(
            f"The previous version of the review included "
            f"{counted(c.previous_studies or 0, 'study', 'studies')} in "
            f"{counted(c.previous_reports or 0, 'report', 'reports')} (@fig-prisma)."
        )
    since = " since then" if c.is_update else ""
    ref = "" if c.is_update else " (@fig-prisma)"
    if c.has_dbr_arm:
        removed = c.duplicates + c.excluded_automatic + c.excluded_other
        text = (
            "Databases and registers yielded "
            f"{counted(c.dbr_identified, 'record', 'records')}{since}{ref}"
        )
        text += f"; {_were(removed)} removed before screening" if removed else ""
        text += (
            f", {_were(c.records_screened)} screened and {_n(c.records_excluded)} excluded on "
            "title and abstract. "
        )
        out.append(
            text
            + _arm_sentence(
                c.dbr_sought_reports,
                c.dbr_notretrieved_reports,
                c.dbr_assessed,
                c.dbr_excluded,
            )
        )
        ref = ""
    if c.has_other_arm:
        out.append(
            f"Other methods ({_other_kinds(c)}) identified "
            f"{counted(c.other_identified, 'record', 'records')}"
            f"{since}{ref}. "
            + _arm_sentence(
                c.other_sought_reports,
                c.other_notretrieved_reports,
                c.other_assessed,
                c.other_excluded,
            )
        )
    if not (c.has_dbr_arm or c.has_other_arm):
        out.append(f"No new records were identified{since}{ref}.")
    if c.is_update:
        out += _changed_decisions_sentences(c)
        out.append(
            f"The update added {counted(c.new_studies, 'new study', 'new studies')} in "
            f"{counted(c.new_reports, 'report', 'reports')}, so the review includes "
            f"{counted(c.total_studies, 'study', 'studies')} in "
            f"{counted(c.total_reports, 'report', 'reports')}."
        )
    else:
        out.append(
            f"In all, {counted(c.total_studies, 'study', 'studies')}, described in "
            f"{counted(c.total_reports, 'report', 'reports')}, were included."
        )
    return " ".join(out) + "\n"


def _arms(c: Any) -> list[str]:
    arms = []
    if c.has_dbr_arm:
        arms.append("databases and registers")
    if c.has_other_arm or not arms:
        arms.append("other methods")
    return arms


def flow_caption(counts: Any, diagram: str, previous_version: str | None = None) -> str:
    """Caption of the flow diagram: which PRISMA 2020 template and which arms it shows."""
    c = counts
    arms = _arms(c)
    only = " only" if len(arms) == 1 else ""
    if c.is_update:
        version = escape_inline(previous_version or "(previous)")
        changed = [
            f"the studies of version {version} excluded from this update"
            if c.withdrawn_studies is not None
            else "",
            "the records of earlier versions included on re-assessment"
            if c.reassessed_reports is not None
            else "",
        ]
        beside = (
            " Under Previous studies, boxes of their own show "
            f"{join_words(t for t in changed if t)}."
            if any(changed)
            else ""
        )
        return (
            "PRISMA 2020 flow diagram for updated systematic reviews: the studies included in "
            f"version {version}, and the records identified since then through "
            f"{join_words(arms)}{only}, derived from the screening ledger.{beside}"
        )
    scope = " over every version of the review" if diagram == "cumulative" else ""
    return (
        f"PRISMA 2020 flow diagram for new systematic reviews{scope}: records identified through "
        f"{join_words(arms)}{only}, derived from the screening ledger."
    )


def flow_alt(counts: Any, previous_version: str | None = None) -> str:
    """Alt text of a flow diagram: every box it draws with its count, in reading order (the
    same description as the website's diagram), quoted for a ``fig-alt`` attribute."""
    version = escape_inline(previous_version) if previous_version else None
    return flow_description(counts, version).replace('"', "”")


def flow_figure_markdown(
    counts: Any, diagram: str, image: str, previous_version: str | None = None
) -> str:
    """The figure block the Results chapter includes: image, id ``fig-prisma``, caption, alt."""
    caption = flow_caption(counts, diagram, previous_version)
    alt = flow_alt(counts, previous_version)
    return (
        f'![{caption}]({image}){{#fig-prisma width="100%" data-source="data/records.csv" '
        f'fig-alt="{alt}"}}\n'
    )


def other_flow_figure_markdown(
    counts: Any, cited_counts: Any, diagram: str, image: str, previous_version: str | None = None
) -> str:
    """The diagram the Results chapter does not cite (``diagram`` names it), for the version
    history; empty when the review is not an update (both diagrams are then the same)."""
    if not (counts.is_update or cited_counts.is_update):
        return ""
    ident = f"fig-prisma-{diagram}"
    heading = {  # its own heading: it does not belong to the section before it
        "update": "## Flow diagram of this update {.unnumbered}",
        "cumulative": "## Flow diagram of every version together {.unnumbered}",
    }[diagram]
    lead = {
        "update": f"For comparison, @{ident} shows the same review as an update, in the "
        "PRISMA 2020 template for updated reviews.",
        "cumulative": f"For comparison, @{ident} counts every record of every version together.",
    }[diagram]
    caption = flow_caption(counts, diagram, previous_version)
    alt = flow_alt(counts, previous_version)
    return (
        f'{heading}\n\n{lead}\n\n![{caption}]({image}){{#{ident} width="100%" '
        f'data-source="data/records.csv" fig-alt="{alt}"}}\n'
    )


# --------------------------------------------------------------------------- #
# Direction of effect
# --------------------------------------------------------------------------- #


def _domain_sentence(domain: str, v: Mapping[str, int | str]) -> str | None:
    n = count_value(v.get("studies", 0))
    if not n:
        return None
    benefit, harm = count_value(v.get("benefit", 0)), count_value(v.get("harm", 0))
    unclear = count_value(v.get("no_clear_difference", 0))
    unknown = count_value(v.get("not_reported", 0))
    if domain == "adverse_effects":
        text = (
            f"adverse effects occurred in {_n(harm)} of the {_n(n)} studies with an "
            "adverse-effect result"
        )
        rest = []
        if unclear:
            rest.append(f"{_n(unclear)} found no clear difference")
        if unknown:
            rest.append(f"{_n(unknown)} gave no direction")
        return text + (f" ({join_words(rest)})" if rest else "")
    label, pronoun = DOMAIN_PHRASES.get(domain, (domain.replace("_", " "), "it"))
    if benefit == n:
        which = {1: "the one study", 2: "both studies"}.get(n, f"all {_n(n)} studies")
        return f"{label} improved in {which} that reported {pronoun}"
    rest = []
    if unclear:
        rest.append(f"no clear difference in {_n(unclear)}")
    if harm:
        rest.append(f"worsened in {_n(harm)}")
    if unknown:
        rest.append(f"no direction reported in {_n(unknown)}")
    return f"{label} improved in {_n(benefit)} of {_n(n)} studies that reported {pronoun}" + (
        f" ({join_words(rest)})" if rest else ""
    )


def effect_direction_paragraph(synthesis: Mapping[str, Any]) -> str:
    """One sentence per outcome domain from the ``synthesis`` variables."""
    parts = [
        s
        for domain in ("anxiety", "depression", "adverse_effects")
        if (s := _domain_sentence(domain, synthesis.get(domain) or {})) is not None
    ]
    if not parts:
        return "No study reported a result with a direction of effect.\n"
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + ".\n"


# --------------------------------------------------------------------------- #
# What could not be settled (limitations)
# --------------------------------------------------------------------------- #

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _spelled(n: int, one: str, many: str) -> str:
    """``"four reports"``: a count that opens a sentence, in words up to ten."""
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else _n(n)
    return f"{word} {one if n == 1 else many}"


def _cite(rows: pd.DataFrame) -> str:
    """``[@a; @b]`` for the rows' citation keys (rows without one are left out)."""
    keys = [str(k) for k in rows["bib_key"] if str(k).strip()]
    return f" [{'; '.join('@' + k for k in keys)}]" if keys else ""


def _read_from(rows: pd.DataFrame) -> str:
    """What the rows' decisions were based on (:func:`..ledger.fields.read_from_phrase`)."""
    return read_from_phrase("+".join(str(value) for value in rows["read_from"]), "or")


def unresolved_reports_paragraph(
    records: pd.DataFrame,
    protocol: Mapping[str, Any],
    facts: pd.DataFrame | None = None,
) -> str:
    """Reports excluded because a criterion could not be judged, and reports not obtained.

    The criterion that could not be judged is the one the eligibility code gives
    for the report's recorded facts (the first that is unclear); without a facts
    table the reports are listed without it.
    """
    from ..evidence.eligibility import unclear_criteria

    reason = protocol.get("undetermined_reason")
    excluded = (records["eligibility"] == "exclude") & (records["exclusion_reason"] == reason)
    undecided = records[excluded] if reason else records.iloc[0:0]
    missing = records[records["retrieval"] == "not_retrieved"]
    parts = []
    if len(undecided):
        verb = "was" if len(undecided) == 1 else "were"
        head = (
            f"{_spelled(len(undecided), 'report', 'reports')} {verb} excluded because a criterion "
            "could not be judged from what was read"
        )
        read = _read_from(undecided)
        if read:
            head += f" ({read})" if "full text" in read else f" ({read} only)"
        by_facts = {}
        if facts is not None and len(facts):
            by_facts = {str(row["record_id"]): row for row in facts.to_dict("records")}
        # Each report counts under every criterion its facts leave open, not only
        # the first, so "O1 for 4 reports" counts all four whose outcome is unknown.
        groups: dict[str, list[int]] = {}
        several = False  # a report leaves more than one criterion open
        for i, rid in enumerate(undecided["record_id"]):
            row = by_facts.get(str(rid))
            open_ = unclear_criteria(row, protocol) if row is not None else []
            several = several or len(open_) > 1
            for criterion in open_ or [""]:
                groups.setdefault(criterion, []).append(i)
        domains = {c["id"]: c.get("domain", "") for c in protocol.get("eligibility", [])}
        order = [c["id"] for c in protocol.get("eligibility", [])] + [""]
        clauses = []
        for cid in sorted(groups, key=order.index):
            rows = undecided.iloc[groups[cid]]
            if cid:
                what = " ".join(w for w in ("the", domains.get(cid, ""), "criterion", cid) if w)
                clauses.append(f"{what} for {counted(len(rows), 'report', 'reports')}{_cite(rows)}")
            else:
                clauses.append(f"{counted(len(rows), 'report', 'reports')}{_cite(rows)}")
        body = (
            f"{head}{_cite(undecided)}" if list(groups) == [""] else f"{head}: {'; '.join(clauses)}"
        )
        if several:
            body += " (a report is counted under every criterion it leaves open)"
        its, them = ("its", "it") if len(undecided) == 1 else ("their", "them")
        parts.append(
            f"{body}. Obtaining {its} full text or registration may move {them} into the review."
        )
    if len(missing):
        verb = "was" if len(missing) == 1 else "were"
        parts.append(
            f"{_spelled(len(missing), 'report', 'reports')} could not be obtained{_cite(missing)} "
            f"and {verb} not assessed."
        )
    if not parts:
        return "Every report sought was obtained, and every criterion could be judged.\n"
    return " ".join(p[:1].upper() + p[1:] for p in parts) + "\n"


# --------------------------------------------------------------------------- #
# The workflow adapter
# --------------------------------------------------------------------------- #

GENERATED = (
    "search_methods",
    "study_selection",
    "prisma_figure",
    "other_flow_figure",
    "effect_direction",
    "unresolved_reports",
)


def write_generated_text(
    *,
    records: str | Path,
    counts_json: str | Path,
    other_counts_json: str | Path,
    previous_json: str | Path,
    synthesis: str | Path,
    diagram: str,
    image: str,
    other_image: str,
    outputs: Mapping[str, str | Path],
    protocol: str | Path | None = None,
    facts: str | Path | None = None,
) -> dict[str, str]:
    """Write every generated sentence file (``outputs``: name in :data:`GENERATED` -> path).

    ``counts_json`` holds the counts of the flow diagram the Results chapter cites,
    ``diagram`` says which one it is (``cumulative`` or ``update``) and ``image``
    is its path as the including chapter writes it; ``other_counts_json`` and
    ``other_image`` are the other diagram's, shown in the version history.
    ``synthesis`` (results/text/synthesis.json) holds the ``synthesis`` variables
    that collect_variables wrote beside ``_variables.yml``. ``protocol`` and
    ``facts`` (``eligibility_facts.csv``, optional) name the criterion that could
    not be judged for each undecided report.
    """
    from ..evidence.review_data import read_protocol
    from ..prisma.counts import read_counts

    if diagram not in DIAGRAMS:
        raise DataError.single(
            "config/config.yaml", "unknown flow diagram", column="prisma.results_diagram",
            found=diagram, expected=" or ".join(DIAGRAMS),
        )  # fmt: skip
    ledger = load_table(records, "records")
    previous = json.loads(read_text(previous_json))
    version = previous.get("version") if isinstance(previous, dict) else None
    counts = read_counts(counts_json)
    other = read_counts(other_counts_json)
    other_diagram = DIAGRAMS[1 - DIAGRAMS.index(diagram)]
    values = json.loads(read_text(synthesis))  # the synthesis.* variables alone
    texts = {
        "search_methods": search_methods_paragraph(ledger),
        "study_selection": study_selection_paragraph(counts),
        "prisma_figure": flow_figure_markdown(counts, diagram, image, version),
        "other_flow_figure": other_flow_figure_markdown(
            other, counts, other_diagram, other_image, version
        ),
        "effect_direction": effect_direction_paragraph(values or {}),
        "unresolved_reports": unresolved_reports_paragraph(
            ledger,
            read_protocol(protocol) if protocol else {},
            load_table(facts, "eligibility_facts") if facts else None,
        ),
    }
    for name, path in outputs.items():
        write_text(path, texts[name])
    return texts

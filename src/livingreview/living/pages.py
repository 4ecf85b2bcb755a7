"""Pages derived from the releases: What's new, version history and Cite this version."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..bibliography import entry_keys, load_bibliography
from ..io import write_text
from ..markdown import escape_markdown
from ..prisma.records_appendix import CARDS, by_format
from ..wording import join_words, long_date, long_dates_in
from ..workflow import CHANGES_SECTION, files_declaring
from .corrections import Correction, correction_markdown, corrections_of, read_corrections
from .releases import (
    FIELD_LABELS,
    KEY_FIELDS,
    RELEASES_DIR,
    Release,
    load_releases,
    read_release_state,
)

# --------------------------------------------------------------------------- #
# Markdown: What's new, version history, cite this version
# --------------------------------------------------------------------------- #


def _format_date(iso: str) -> str:
    return long_date(iso)


def _note(text: str) -> str:
    """An authors' note (or reason) as Markdown, its dates written as the page writes them."""
    return long_dates_in(escape_markdown(text))


def _value(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    return escape_markdown(value)


KEY_NUMBERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Included studies", ("studies", "included")),
    ("Included reports", ("prisma", "reports", "total")),
    ("Participants enrolled (sum of the study sizes reported)", ("studies", "participants")),
    ("Studies of unknown size", ("studies", "participants_unknown")),
    ("Randomised studies", ("studies", "randomised")),
    ("Non-randomised studies", ("studies", "nonrandomised")),
    ("Single-dose studies", ("studies", "single_dose")),
    ("Repeated-dose studies", ("studies", "repeated_dose")),
)


def _lookup(variables: Mapping[str, Any], path: Sequence[str]) -> Any:
    value: Any = variables
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _number_rows(old: Release, new: Release) -> list[tuple[str, Any, Any]]:
    """Key numbers (overall, per diagnostic group and design) that differ."""
    rows = [
        (label, _lookup(old.variables, path), _lookup(new.variables, path))
        for label, path in KEY_NUMBERS
    ]
    for section, noun in (("diagnosis", "Studies"), ("design", "Studies")):
        groups = {**(old.variables.get(section) or {}), **(new.variables.get(section) or {})}
        for code, group in groups.items():
            label = f"{noun}: {group.get('label', code)}"
            rows.append(
                (
                    label,
                    _lookup(old.variables, (section, code, "studies")),
                    _lookup(new.variables, (section, code, "studies")),
                )
            )
    return [(label, a, b) for label, a, b in rows if a != b]


def study_changes(old: Release, new: Release) -> tuple[list[str], list[str], dict[str, list]]:
    """Studies added, removed, and changed (study_id -> [(field, old, new)])."""
    added = sorted(set(new.studies) - set(old.studies))
    removed = sorted(set(old.studies) - set(new.studies))
    changed: dict[str, list[tuple[str, Any, Any]]] = {}
    for sid in sorted(set(old.studies) & set(new.studies)):
        diffs = [
            (name, old.studies[sid].get(name), new.studies[sid].get(name))
            for name in KEY_FIELDS
            if old.studies[sid].get(name) != new.studies[sid].get(name)
        ]
        if diffs:
            changed[sid] = diffs
    return added, removed, changed


def _study_ref(release: Release, sid: str, labels: Mapping[str, str]) -> str:
    key = release.studies[sid].get("bib_key")
    name = escape_markdown(labels.get(sid, sid))
    return f"{name} [@{key}]" if key else name


def release_study_labels(releases: Sequence[Release], bibliography: str | Path) -> dict[str, str]:
    """Reader-facing labels ("Glue 2017") of every study in any release, from the bibliography."""
    from ..evidence.studies import study_labels

    keys: dict[str, str] = {}
    for release in releases:
        for sid, values in release.studies.items():
            if values.get("bib_key"):
                keys[sid] = values["bib_key"]
    columns = {"study_id": list(keys), "bib_key": list(keys.values())}
    return study_labels(columns, bibliography) if keys else {}


def _has_section(book: Any, ident: str) -> bool:
    """Whether a chapter of ``book`` declares the section ``{#ident}``."""
    return bool(files_declaring([book.root / path for path in book.files], ident))


def whats_new_markdown(
    releases: Sequence[Release],
    labels: Mapping[str, str] | None = None,
    draft_changes: str | None = None,
) -> str:
    """The "What's new" section: the diff of the last two releases, with the authors' note.

    ``labels`` maps study ids to reader-facing labels (see :func:`release_study_labels`);
    studies without one are shown by their id. ``draft_changes`` is the id of the section
    listing what a draft changes since the latest release (``sec-changes``), given when
    the outputs are a draft: the section then first says that it describes that
    release, not the draft, and where the draft's changes are.
    """
    labels = labels or {}
    head = "## What's new {.unnumbered}\n\n"
    if not releases:
        return head + "No version of this review has been released yet.\n"
    new = releases[-1]
    lines = [
        f"## What's new in version {new.version} {{.unnumbered}}",
        "",
        f"*Released {_format_date(new.date)}.* {_note(new.note)}",
        "",
    ]
    if draft_changes:  # first, under the heading
        lines[2:2] = [
            f"This is a draft after version {new.version}, not yet released: what it "
            f"changes since version {new.version} is listed in @{draft_changes}. What "
            f"follows describes version {new.version}.",
            "",
        ]
    if len(releases) == 1:
        lines.append(
            f"This is the first released version: it includes {len(new.studies)} "
            f"{'study' if len(new.studies) == 1 else 'studies'}."
        )
        return "\n".join(lines) + "\n"
    old = releases[-2]
    lines.append(f"Compared with version {old.version} ({_format_date(old.date)}):")
    lines.append("")
    lines += data_changes_lines(old, new, labels)
    return "\n".join(lines) + "\n"


def data_changes_lines(
    old: Release,
    new: Release,
    labels: Mapping[str, str],
    why: Mapping[str, str] | None = None,
    new_name: str | None = None,
    more_numbers: Sequence[tuple[str, Any, Any]] = (),
) -> list[str]:
    """Studies added, removed and changed, and the counts that changed, as Markdown lines.

    ``why`` gives, per study id added or removed, the reason shown after it (Markdown);
    ``new_name`` heads the column of ``new`` ("Version 2.0" by default); ``more_numbers``
    are further ``(label, old, new)`` rows of the table of counts (shown when they differ).
    """
    why = why or {}
    lines: list[str] = []
    added, removed, changed = study_changes(old, new)

    def ref(release: Release, sid: str) -> str:
        reason = f" ({why[sid]})" if why.get(sid) else ""
        return _study_ref(release, sid, labels) + reason

    lines.append(_study_list("Studies added", [ref(new, s) for s in added]))
    lines.append(_study_list("Studies removed", [ref(old, s) for s in removed]))
    if changed:
        lines.append(f"- **Studies with changed values ({len(changed)}):**")
        for sid, diffs in changed.items():
            parts = "; ".join(
                f"{FIELD_LABELS[f]} {_coded(old, f, a)} → {_coded(new, f, b)}" for f, a, b in diffs
            )
            lines.append(f"  - {_study_ref(new, sid, labels)}: {parts}")
    else:
        lines.append("- **Studies with changed values:** none.")
    lines.append("")
    numbers = _number_rows(old, new) + [(label, a, b) for label, a, b in more_numbers if a != b]
    if numbers:
        lines += [
            "Counts that changed:",
            "",
            f"| | Version {old.version} | {new_name or f'Version {new.version}'} |",
            "|:---|---:|---:|",
        ]
        lines += [f"| {escape_markdown(label)} | {a} | {b} |" for label, a, b in numbers]
    else:
        lines.append("No counts changed.")
    return lines


# Study values that are codes, and the section of the release's numbers naming them.
CODED_FIELDS = {"design_class": "design", "diagnosis_group": "diagnosis"}


def _coded(release: Release, field: str, value: Any) -> str:
    """A study value as readers see it: a design or diagnosis code by its label
    (from the release's own numbers), anything else as it is."""
    section = release.variables.get(CODED_FIELDS.get(field, ""))
    group = section.get(value) if isinstance(section, Mapping) and value else None
    if isinstance(group, Mapping) and group.get("label"):
        return escape_markdown(str(group["label"]))
    return _value(value)


def _study_list(title: str, refs: list[str]) -> str:
    if not refs:
        return f"- **{title}:** none."
    return f"- **{title} ({len(refs)}):** " + "; ".join(refs) + "."


def _scope_text(release: Release) -> str:
    if release.scope.cutoff is None:  # as of the release: the ledger grows after it
        n = len(release.record_ids)
        return f"the {n} record{'s' if n != 1 else ''} in the ledger at release"
    cut = release.scope.cutoff
    month = date(int(cut[:4]), int(cut[5:]), 1).strftime("%B %Y")
    n = len(release.scope.assignments)
    extra = f"; {n} record{'s' if n != 1 else ''} assigned by hand" if n else ""
    return f"records published up to {month}{extra}"


def _event(old: Release | None, new: Release) -> str:
    """The What's new table's event: the version and what happened to the studies (the
    description is the authors' note, which often names the version itself)."""
    if old is None:
        return f"Version {new.version}: first version released"
    added, removed, _ = study_changes(old, new)
    if added or removed:
        return f"Version {new.version}: " + ("new studies added" if added else "studies removed")
    return f"Version {new.version}: updated, no change in included studies"


CORRECTIONS_ID = "sec-corrections"  # the version history's "Corrections to released versions"


def _correction_link(version: str, corrections: Sequence[Correction]) -> str:
    """What follows the links to a corrected version's files ("" if no correction applies):
    each correction's warning of what is wrong in them, then "(see [correction](...))"."""
    noted = corrections_of(version, corrections)
    if not noted:
        return ""
    link = f"(see [{'correction' if len(noted) == 1 else 'corrections'}](#{CORRECTIONS_ID}))"
    warnings = [correction_markdown(c.warning) for c in noted if c.warning]
    if not warnings:
        return f" {link}"
    return " **Warning:** " + " ".join(warnings) + f" {link}"


def correction_notice(version: str, corrections: Sequence[Correction]) -> str:
    """A sentence for where the build tells readers to cite ``version``: that the version
    as released has a correction, when it was noted and where to read it ("" if none)."""
    noted = corrections_of(version, corrections)
    if not noted:
        return ""
    dates = join_words(dict.fromkeys(_format_date(c.date) for c in noted))
    what = "a correction" if len(noted) == 1 else f"{len(noted)} corrections"
    return (
        f"The PDF and DOCX of version {version} as released have {what} (noted {dates}): "
        f"see [Corrections to released versions](#{CORRECTIONS_ID}) in the version history."
    )


def history_markdown(
    releases: Sequence[Release],
    link_prefix: str = "",
    corrections: Sequence[Correction] = (),
    site_url: str | None = None,
) -> str:
    """Cochrane-style What's new and History tables, plus how each version was scoped.

    ``link_prefix`` leads to the site root, where ``releases/<version>/review.pdf``
    and ``.docx`` are published. Links in an included file are relative to that
    file (Quarto rewrites them onto the including page), so the prefix counts the
    included file's folder and the including page's folder. A version that
    ``corrections`` correct has a link to them beside its downloads (the page lists
    them after the tables, :func:`corrections_markdown`).

    DOCX and PDF name the website where the files are: at ``site_url`` (``book:
    site-url``), where the History table's links lead in print too (the renderer
    makes them absolute); without one, print says the files are on the review's
    website and its History table has no Downloads column (a link that cannot work
    is not printed).
    """
    if not releases:
        return "No version of this review has been released yet.\n"
    lines = [
        "## What's new {.unnumbered}",
        "",
        "| Date | Event | Description |",
        # a separator's dashes give the columns' relative widths (the rows are longer
        # than a line): the description takes most, not a third; the date keeps a
        # month's name ("27 November 2026") on one line in the DOCX
        "|:--------|:--------|:------------------------------|",
    ]
    for i in range(len(releases) - 1, -1, -1):
        old, new = (releases[i - 1] if i else None), releases[i]
        text = _note(new.note)
        if old is not None:
            added, removed, changed = study_changes(old, new)
            text += (
                f" Studies added: {len(added)}, removed: {len(removed)}, "
                f"with changed values: {len(changed)}."
            )
        lines.append(f"| {_format_date(new.date)} | {_event(old, new)} | {text} |")
    lines += [
        "",
        CARDS,  # a phone shows one card per version: its long notes stay readable
        "",
        "## History {.unnumbered}",
        "",
    ]
    available = "Every version's PDF and DOCX stay available"
    if site_url:
        lines += by_format(
            f"{available} at the links in the table below.",
            f"{available} on the review's website, <{site_url}>, at the links in the table below.",
        )
        lines += ["", *_history_table(releases, link_prefix, corrections)]
    else:  # print has no address for the files: it says where they are, in words
        lines += by_format(
            f"{available} at the links in the table below.",
            f"{available} on the review's website.",
        )
        lines += [
            "",
            '::: {.content-visible when-format="html"}',
            *_history_table(releases, link_prefix, corrections),
            ":::",
            "",
            '::: {.content-hidden when-format="html"}',
            *_history_table(releases, None, corrections),
            ":::",
        ]
    scoped = [r for r in releases if r.scope.assignments]
    for rel in scoped:
        lines += [
            "",
            f"Records of version {rel.version} whose publication date could not be compared "
            f"with the cut-off, and how they were assigned:",
            "",
        ]
        lines += [
            f"- {escape_markdown(a.record_id)} ({'in' if a.in_scope else 'not in'} version "
            f"{rel.version}): {_note(a.reason)}"
            for a in rel.scope.assignments
        ]
    return "\n".join(lines) + "\n"


def _history_table(
    releases: Sequence[Release], link_prefix: str | None, corrections: Sequence[Correction]
) -> list[str]:
    """The History table, newest first; ``link_prefix`` ``None``: without its Downloads
    column (a version's correction, if any, then has a Corrections column)."""
    corrected = any(corrections_of(r.version, corrections) for r in releases)
    last = "Downloads" if link_prefix is not None else ("Corrections" if corrected else "")
    head = "| Version | Released | Latest search | Covers | Studies | Reports |"
    # the widths the website's table has: wider last columns squeezed the dates in Word
    rule = "|:----|:------|:------|:-------------|----:|----:|" + (":-------|" if last else "")
    lines = [head + (f" {last} |" if last else ""), rule]
    for rel in reversed(releases):
        searched = _format_date(rel.search_date) if rel.search_date else ""
        row = (
            f"| {rel.version} | {_format_date(rel.date)} | {searched} | {_scope_text(rel)} | "
            f"{len(rel.studies)} | {len(rel.report_ids)} |"
        )
        noted = _correction_link(rel.version, corrections)
        if link_prefix is not None:
            base = f"{link_prefix}{RELEASES_DIR}/{rel.version}"
            row += f" [PDF]({base}/review.pdf), [DOCX]({base}/review.docx){noted} |"
        elif last:
            row += f" {noted.strip()} |"
        lines.append(row)
    return lines


def corrections_markdown(corrections: Sequence[Correction]) -> str:
    """The version history's section listing ``corrections`` (``releases/corrections.yaml``):
    what released files, which are never changed, say wrongly ("" if nothing)."""
    if not corrections:
        return ""
    lines = [
        f"## Corrections to released versions {{#{CORRECTIONS_ID} .unnumbered}}",
        "",
        "Released versions are never changed; errors found in them are corrected here.",
        "",
    ]
    for c in corrections:
        versions = list(c.versions)
        named = (
            f"Version {versions[0]}"
            if len(versions) == 1
            else "Versions " + ", ".join(versions[:-1]) + " and " + versions[-1]
        )
        lines.append(f"- {named} (noted {_format_date(c.date)}): {correction_markdown(c.text)}")
    return "\n".join(lines) + "\n"


def _family_given(name: str) -> tuple[str, str]:
    """ "Helgi B. Schiöth" -> ("Schiöth", "Helgi B."): the last word is the family name."""
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if parts else ("", "")


def _initials(given: str) -> str:
    return "".join(p[0] for p in re.split(r"[\s.\-]+", given) if p)


def _cited_name(author: str | Any) -> tuple[str, str, bool]:
    """(family, given, is_organisation) of a person's name string or an ``Author``."""
    if isinstance(author, str):
        return (*_family_given(author), False)
    if getattr(author, "organisation", False):
        return (author.name, "", True)
    return (*_family_given(author.name), False)


def citation_markdown(
    title: str,
    authors: Sequence[str | Any],
    releases: Sequence[Release],
    state: Mapping[str, Any],
    based_on: str | None = None,
    corrections: Sequence[Correction] = (),
    draft_changes: str | None = None,
) -> str:
    """The "Cite this version" block: a formatted reference and its BibTeX entry.

    ``authors`` are names (people) or ``Author`` objects, whose organisation
    names are cited whole ("Living Review Maintainers", never "Maintainers
    LR"). ``based_on`` is the full citation of the review this version
    continues; it is printed after the reference and kept in the BibTeX note.
    A draft is no version of its own: readers are told to cite the latest release,
    whose text may differ (``draft_changes``: the id of the section listing what the
    draft changes). When ``corrections`` apply to the version cited, a notice beside
    the reference leads to them.
    """
    head = "## Cite this version {.unnumbered}\n\n"
    if not releases:
        return head + "No version of this review has been released yet, so there is none to cite.\n"
    latest = releases[-1]
    intro = ""
    if state.get("status") != "released":
        where = f" (see @{draft_changes})" if draft_changes else ""
        intro = (
            f"This is a draft made after version {latest.version}, not yet released: "
            f"it is not a version of its own and can still change. Cite the latest "
            f"released version, {latest.version}, whose text and numbers may differ "
            f"from this draft's{where}:\n\n"
        )
    names = [_cited_name(a) for a in authors]
    formatted = ", ".join(
        fam if org else f"{fam} {_initials(given)}".strip() for fam, given, org in names
    )
    text = (
        (f"{escape_markdown(formatted)}. " if formatted else "")  # no author named yet
        + f"{escape_markdown(title)}. Version {latest.version}, "
        f"released {_format_date(latest.date)}."
    )
    first = names[0][0].split()[0] if names and names[0][0] else "review"
    key = re.sub(r"[^a-z0-9]", "", first.lower()) or "review"
    key = f"{key}{latest.date[:4]}v{latest.version.replace('.', '_')}"
    bib_authors = " and ".join(
        f"{{{fam}}}" if org else f"{fam}, {given}".strip(", ") for fam, given, org in names
    )
    note = f"Version {latest.version}, released {_format_date(latest.date)}"
    if based_on:
        note += f". Based on: {_plain(based_on)}"
        text += f"\n\nThis living version is based on: {based_on}"
    notice = correction_notice(latest.version, corrections)
    if notice:
        text += f"\n\n{notice}"
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            *([f"  author = {{{bib_authors}}},"] if bib_authors else []),
            f"  title = {{{title}}},",
            f"  year = {{{latest.date[:4]}}},",
            f"  version = {{{latest.version}}},",
            f"  note = {{{note}}}",
            "}",
        ]
    )
    # BibTeX is for the website's readers; print formats carry the formatted reference only.
    web_only = '::: {.content-visible when-format="html"}\n'
    return head + intro + text + "\n\n" + web_only + "```bibtex\n" + bibtex + "\n```\n:::\n"


def _after(section: str) -> str:
    """``section`` as the continuation of a page ("" stays "")."""
    return f"\n{section}" if section else ""


def _plain(markdown: str) -> str:
    """Markdown emphasis and braces removed, for a BibTeX field."""
    return re.sub(r"[*_{}]", "", markdown).strip()


def write_release_pages(
    snapshots: Sequence[str | Path],
    state_json: str | Path,
    quarto: str | Path,
    whats_new: str | Path,
    history: str | Path,
    citation: str | Path,
    link_prefix: str = "",
    bibliography: str | Path | None = None,
    corrections: str | Path | None = None,
) -> None:
    """Write What's new, the version history and Cite this version as Markdown.

    With ``bibliography``, studies in What's new are named as in the tables; with
    ``corrections`` (``releases/corrections.yaml``) the history ends with them.
    """
    from ..render.project import load_book

    releases = load_releases(snapshots)
    state = read_release_state(state_json)
    book = load_book(Path(quarto).resolve().parent)
    title = str(book.metadata.get("title") or "")
    if book.metadata.get("subtitle"):
        title = f"{title}: {book.metadata['subtitle']}"
    labels = release_study_labels(releases, bibliography) if bibliography else {}
    draft = state.get("status") == "draft" and _has_section(book, CHANGES_SECTION)
    write_text(whats_new, whats_new_markdown(releases, labels, CHANGES_SECTION if draft else None))
    noted = read_corrections(corrections, releases, *_keys(bibliography)) if corrections else []
    write_text(
        history,
        history_markdown(releases, link_prefix, noted, book.site_url)
        + _after(corrections_markdown(noted)),
    )
    based_on = book.metadata.get("based-on")
    write_text(
        citation,
        citation_markdown(
            title,
            list(book.authors),
            releases,
            state,
            str(based_on) if based_on else None,
            noted,
            CHANGES_SECTION if draft else None,
        ),
    )


def _keys(bibliography: str | Path | None) -> tuple[frozenset[str] | None, str]:
    """The citation keys a correction may cite (None: not checked) and their file's name."""
    if not bibliography:
        return None, "the bibliography"
    return entry_keys(load_bibliography(bibliography)), Path(bibliography).as_posix()

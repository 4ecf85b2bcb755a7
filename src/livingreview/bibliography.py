"""Load the review's BibTeX file and check that every cited key is in it.

Parsing is done by bibtexparser v2, which turns blocks it cannot read into
``failed_blocks`` instead of stopping; we turn each of those, and every entry
without a title, into a :class:`~livingreview.errors.Problem` so that one run
reports everything wrong with the file.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
)

from .errors import BibliographyError, Problem, raise_if_any
from .io import read_text

__all__ = [
    "Citation",
    "bibliography_problems",
    "check_keys",
    "completeness_problems",
    "entry_keys",
    "load_bibliography",
    "missing_key_problems",
    "parse_bibliography",
    "unconfirmed_fields",
]


@dataclass(frozen=True)
class Citation:
    """One use of a citation key: where it was cited (file, line, column or key)."""

    key: str
    file: str
    line: int | None = None
    column: str | None = None


def _line(block: Block) -> int | None:
    # bibtexparser counts lines from 0; every message in this project counts from 1.
    return None if block.start_line is None else block.start_line + 1


def _failed_block_problem(file: str, block: ParsingFailedBlock) -> Problem:
    raw_head = (block.raw or "").strip().splitlines()[0] if (block.raw or "").strip() else ""
    if isinstance(block, DuplicateBlockKeyBlock):
        return Problem(
            file,
            "duplicate citation key",
            row=_line(block),
            column=block.key,
            found=raw_head,
            expected="each key used by one entry only",
            fix="merge the two entries or give one of them a different key",
        )
    if isinstance(block, DuplicateFieldKeyBlock):
        return Problem(
            file,
            f"entry has a field twice ({', '.join(sorted(block.duplicate_keys))})",
            row=_line(block),
            column=getattr(block.ignore_error_block, "key", None),
            fix="keep one value for each field",
        )
    detail = str(getattr(block, "error", "") or "").strip().splitlines()
    reason = detail[0] if detail else "syntax error"
    unbalanced = _unbalanced_field(block.raw or "")
    start = _line(block)
    if unbalanced is not None and start is not None:
        key, name, offset, balance = unbalanced
        braces = f"{balance} '{{' not closed" if balance > 0 else f"{-balance} '}}' too many"
        field_text = (block.raw or "").splitlines()[offset].partition("=")[2].strip()
        what, expected, fix = (
            braces,
            "as many '}' as '{' in each field",
            f"close each '{{' of the {name} field with '}}' (write \\{{ or \\}} for a "
            "literal brace)",
        )
        if field_text.startswith('"') and field_text.count('"') % 2:
            what, expected, fix = (
                "an opening '\"' but no closing '\"'",
                f'{name} = "..." or {name} = {{...}}',
                f"end the {name} value with '\"' before its comma, or write it in braces",
            )
        return Problem(
            file,
            f"entry{f' {key}' if key else ''} cannot be parsed: its {name} field has "
            f"{what} (the entry starts at line {start})",
            row=start + offset,
            column=f"{key}.{name}" if key else name,
            found=(block.raw or "").splitlines()[offset].strip(),
            expected=expected,
            fix=fix,
        )
    return Problem(
        file,
        f"entry cannot be parsed ({reason})",
        row=_line(block),
        found=raw_head,
        expected="@type{key, field = {value}, ...}",
        fix="check the braces, quotes and commas of this entry",
    )


# What a year field may hold: four digits, as the study labels ("Glue 2017") and the
# reference list need. A work not yet published gives its expected year; an undated
# one has no year field or BibTeX's conventional "n.d." (labelled "Yermus", never
# "Yermus n.d.": studies.author_year_label).
YEAR = re.compile(r"\{?(\d{4}|n\.\s?d\.)\}?", re.IGNORECASE)


def year_problem(file: str, key: str, year: Field) -> Problem:
    """A year that is not four digits, at the line of the year field."""
    line = None if year.start_line is None else year.start_line + 1
    return Problem(
        file,
        "year is not a four-digit year",
        row=line,
        column=f"{key}.year",
        found=str(year.value).strip(),
        expected="a year such as 2021",
        fix="write the year of publication as four digits (the expected year for a "
        "paper in press), or n.d. (or no year field) if the work is undated",
    )


ENTRY_HEAD = re.compile(r"\s*@\w+\s*[{(]\s*([^,\s]*)")
FIELD_HEAD = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=")


def _unbalanced_field(raw: str) -> tuple[str, str, int, int] | None:
    """The first field of an entry that failed to parse whose braces do not balance:
    (entry key, field name, its line within the entry, '{' minus '}'), or None.

    The entry is cut at each line that starts like a field (``name =``) and its
    closing brace (a last line of its own) is set aside, so an unclosed brace in a
    title is found at the title, not at the entry's first line."""
    lines = raw.rstrip().splitlines()
    head = ENTRY_HEAD.match(lines[0]) if lines else None
    if head is None:
        return None
    if len(lines) > 1 and lines[-1].strip() in ("}", ")"):
        lines = lines[:-1]
    starts = [i for i, line in enumerate(lines) if i and FIELD_HEAD.match(line)]
    for first, end in zip(starts, [*starts[1:], len(lines)][: len(starts)], strict=True):
        text = re.sub(r"\\[{}]", "", "\n".join(lines[first:end]))
        balance = text.count("{") - text.count("}")
        if balance:
            name = FIELD_HEAD.match(lines[first]).group(1).lower()  # type: ignore[union-attr]
            return head.group(1), name, first, balance
    return None


# Text after an entry that shows the entry was closed too early by a '}' too many:
# its remaining fields (``, journal = {J},``) or a stray closing brace.
LOST_FIELD = re.compile(r"(?m)^[\s,]*([A-Za-z][\w:.+-]*)\s*=")
FIELD_LINE = re.compile(r"(?m)^[\s,]*[A-Za-z][\w:.+-]*\s*=\s*[{\"\d]")


def _cut_off_problems(file: str, blocks: list[Block]) -> list[Problem]:
    """Entries that a '}' too many closed early: bibtexparser ends the entry there and
    keeps the rest (the fields after it) as a comment, so they would be lost silently.
    Each is reported at the field with the extra brace, naming the fields lost."""
    problems = []
    for entry, after in itertools.pairwise(blocks):
        if not (isinstance(entry, Entry) and isinstance(after, ImplicitComment)):
            continue
        rest = after.raw or ""
        if not (rest.lstrip().startswith((",", "}")) or FIELD_LINE.search(rest)):
            continue
        lost = [m.group(1).lower() for m in LOST_FIELD.finditer(rest)]
        lost_words = (
            f"the fields after it ({', '.join(lost)}) are lost" if lost else "a '}' is left over"
        )
        field = _unbalanced_field(entry.raw or "")
        start = _line(entry)
        if field is not None and start is not None and field[3] < 0:
            _, name, offset, _ = field
            problems.append(
                Problem(
                    file,
                    f"entry {entry.key} ends early: its {name} field has {-field[3]} '}}' "
                    f"too many, so {lost_words} (the entry starts at line {start})",
                    row=start + offset,
                    column=f"{entry.key}.{name}",
                    found=(entry.raw or "").splitlines()[offset].strip(),
                    expected="as many '}' as '{' in each field",
                    fix=f"remove the extra '}}' from the {name} field (write \\}} for a "
                    "literal brace)",
                )
            )
            continue
        problems.append(
            Problem(
                file,
                f"entry {entry.key} ends early: a '}}' too many closes it, so {lost_words}",
                row=start,
                column=entry.key,
                found=rest.strip().splitlines()[0] if rest.strip() else None,
                expected="as many '}' as '{' in each field, and one '}' closing the entry",
                fix="remove the extra '}' so the entry's closing brace comes after its last field",
            )
        )
    return problems


# A field value that runs on into the next field's line: the comma between them is
# missing, so bibtexparser reads ``{Journal}\n  year = {2017}`` as the journal.
RUN_ON_FIELD = re.compile(r"[}\"]\s*\n\s*([A-Za-z][\w:.+-]*)\s*=\s*[{\"\d]")


def _entry_shape_problems(file: str, entry: Entry) -> list[Problem]:
    """An entry without a citation key, and each field that swallowed the next one
    because the comma between them is missing (the next field would be lost)."""
    problems = []
    if not entry.key.strip():
        problems.append(
            Problem(
                file,
                "entry has no citation key",
                row=_line(entry),
                found=(entry.raw or "").splitlines()[0].strip() if entry.raw else None,
                fix=f"write the key after '@{entry.entry_type}{{', e.g. "
                f"@{entry.entry_type}{{smith2020,",
            )
        )
    for field in entry.fields:
        value = str(field.value)
        run_on = RUN_ON_FIELD.search(value)
        if run_on is None or field.start_line is None:
            continue
        line = field.start_line + 1 + value.count("\n", 0, run_on.start() + 1)
        # the field's own line holds "name = {": its value starts on that line
        problems.append(
            Problem(
                file,
                f"a comma is missing after the {field.key} field of entry {entry.key}, so "
                f"the {run_on.group(1).lower()} field on the next line is read as part of it",
                row=line,
                column=f"{entry.key}.{field.key}",
                found=value.splitlines()[0].strip(),
                expected="a comma after each field's value",
                fix=f"add a comma at the end of the {field.key} line",
            )
        )
    return problems


def bibliography_problems(library: Library, file: str | Path) -> list[Problem]:
    """Return one problem per failed block, per entry closed early by a '}' too many
    and per entry that lacks a title."""
    file = str(file)
    problems = [_failed_block_problem(file, block) for block in library.failed_blocks]
    problems += _cut_off_problems(file, library.blocks)
    for entry in library.entries:
        problems += _entry_shape_problems(file, entry)
        title = entry.fields_dict.get("title")
        if title is None or not str(title.value).strip():
            problems.append(
                Problem(
                    file,
                    "entry has no title",
                    row=_line(entry),
                    column=entry.key,
                    fix="add a title = {...} field",
                )
            )
        year = entry.fields_dict.get("year")
        if year is not None and not YEAR.fullmatch(str(year.value).strip()):
            problems.append(year_problem(file, entry.key, year))
        if "crossref" in entry.fields_dict:
            problems.append(
                Problem(
                    file,
                    "entry uses crossref, which the citation processor does not follow "
                    "(the parent's fields, such as booktitle, would be lost)",
                    row=_line(entry),
                    column=entry.key,
                    found=str(entry.fields_dict["crossref"].value),
                    fix="copy the fields this entry needs from the cross-referenced entry "
                    "and remove crossref",
                )
            )
    return sorted(problems, key=lambda p: (p.row or 0, p.message))


def parse_bibliography(
    path: str | Path, *, decode_latex: bool = False
) -> tuple[Library, list[Problem]]:
    """Parse a UTF-8 ``.bib`` file; return the library and every problem in it.

    Entries that parsed are usable even when others failed, so callers can go
    on checking citation keys and report everything in one run. A file that
    cannot be read as UTF-8 raises :class:`BibliographyError` at once. With
    ``decode_latex`` field values are decoded from LaTeX (``{\\"u}`` -> ü,
    ``\\&`` -> &), as readers see them in tables and figures.
    """
    path = Path(path)
    text = read_text(path, BibliographyError)
    # bibtexparser also logs each failed block; we report them ourselves.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR + 1)
    try:
        middleware = [LatexDecodingMiddleware()] if decode_latex else []
        library = bibtexparser.parse_string(text, append_middleware=middleware)
    finally:
        logger.setLevel(level)
    return library, bibliography_problems(library, path)


def load_bibliography(path: str | Path, *, decode_latex: bool = False) -> Library:
    """Parse a UTF-8 ``.bib`` file and return the bibtexparser ``Library``.

    Raises :class:`BibliographyError` listing every block that failed to parse,
    every duplicate key and every entry without a title.
    """
    library, problems = parse_bibliography(path, decode_latex=decode_latex)
    raise_if_any(problems, BibliographyError, f"{path} is not valid")
    return library


def missing_key_problems(
    citations: Iterable[Citation], keys: Iterable[str], bib_file: str | Path
) -> list[Problem]:
    """Return one problem per citation whose key is not among ``keys``."""
    known = set(keys)
    return [
        Problem(
            c.file,
            f"cites a key that is not in {bib_file}",
            row=c.line,
            column=c.column,
            found=c.key,
            expected=f"a key defined in {bib_file}",
            fix=f"add an entry with key '{c.key}' to {bib_file} or correct the key",
        )
        for c in citations
        if c.key not in known
    ]


def entry_keys(library: Library) -> frozenset[str]:
    """Keys of the parsed entries (duplicates, which bibtexparser sets aside, excluded)."""
    return frozenset(e.key for e in library.entries if isinstance(e, Entry))


def check_keys(cited_keys: Iterable[Citation], library_path: str | Path) -> Library:
    """Load ``library_path`` and raise :class:`BibliographyError` for unknown keys.

    ``cited_keys`` lists every use of a key with the place it was cited; each
    unknown key is reported at each place. Returns the loaded library.
    """
    library = load_bibliography(library_path)
    problems = missing_key_problems(cited_keys, entry_keys(library), library_path)
    raise_if_any(problems, BibliographyError, f"unknown citation keys (see {library_path})")
    return library


# Fields each entry type needs for a reference a journal would print. ``pages``
# also holds an article's e-locator (e932, 2045125320922474, n71).
REQUIRED_FIELDS = {
    "article": ("author", "title", "journal", "year", "volume", "pages"),
    "book": ("author|editor", "title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "misc": ("author", "title", "year", "doi|url|howpublished"),
    "online": ("author", "title", "year", "url|doi"),
    "techreport": ("author", "title", "institution", "year"),
    "phdthesis": ("author", "title", "school", "year"),
}


def _field(entry: Entry, name: str) -> str:
    value = entry.fields_dict.get(name)
    return "" if value is None else str(value.value).strip()


def completeness_problems(
    library: Library, file: str | Path, keys: Iterable[str] | None = None
) -> list[Problem]:
    """One problem per missing field of each entry (only ``keys``, if given), by key and field.

    Each entry type needs the fields in :data:`REQUIRED_FIELDS` (``a|b``: one
    of them). A single author followed by ``others`` ("et al.") is an error: the
    reference must list its authors. An article with a URL but no DOI is
    flagged, because journal articles have DOIs and a bare URL rots.

    A field that no source read could confirm is named in the entry's
    ``unconfirmed = {volume, pages}`` field instead of being guessed: the gap
    is then on record (and listed by :func:`unconfirmed_fields`), not an error.
    """
    file = str(file)
    wanted = None if keys is None else set(keys)
    problems: list[Problem] = []
    for entry in library.entries:
        if wanted is not None and entry.key not in wanted:
            continue
        kind = entry.entry_type.lower()
        waived = unconfirmed_fields(entry)
        for need in REQUIRED_FIELDS.get(kind, ("author|editor", "title", "year")):
            options = need.split("|")
            if not any(_field(entry, f) for f in options) and not waived & set(options):
                problems.append(
                    Problem(
                        file,
                        f"@{kind} entry has no {' or '.join(options)}",
                        row=_line(entry),
                        column=f"{entry.key}.{options[0]}",
                        fix=f"add {options[0]} = {{...}} from the publisher's or PubMed's record",
                    )
                )
        authors = [a.strip() for a in re.split(r"\s+and\s+", _field(entry, "author")) if a.strip()]
        if len(authors) == 2 and authors[1].lower() == "others" and "author" not in waived:
            problems.append(
                Problem(
                    file,
                    "entry lists one author and 'others' (et al.)",
                    row=_line(entry),
                    column=f"{entry.key}.author",
                    found=_field(entry, "author"),
                    fix="list every author as the publisher's record gives them",
                )
            )
        if (
            kind == "article"
            and _field(entry, "url")
            and not _field(entry, "doi")
            and "doi" not in waived
        ):
            problems.append(
                Problem(
                    file,
                    "article has a bare URL but no DOI",
                    row=_line(entry),
                    column=f"{entry.key}.doi",
                    found=_field(entry, "url"),
                    fix="add the article's doi = {...} (and drop the URL)",
                )
            )
    return problems


def unconfirmed_fields(entry: Entry) -> set[str]:
    """Fields an entry's ``unconfirmed = {...}`` names as not confirmed by any source read."""
    return {
        f.strip().lower() for f in re.split(r"[,;\s]+", _field(entry, "unconfirmed")) if f.strip()
    }

"""Load the review's BibTeX file and check that every cited key is in it.

Parsing is done by bibtexparser v2, which turns blocks it cannot read into
``failed_blocks`` instead of stopping; we turn each of those, and every entry
without a title, into a :class:`~livingreview.errors.Problem` so that one run
reports everything wrong with the file.
"""

from __future__ import annotations

import logging
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
    ParsingFailedBlock,
)

from .errors import BibliographyError, Problem, raise_if_any
from .io import read_text

__all__ = [
    "Citation",
    "bibliography_problems",
    "check_keys",
    "entry_keys",
    "load_bibliography",
    "missing_key_problems",
    "parse_bibliography",
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
    return Problem(
        file,
        f"entry cannot be parsed ({reason})",
        row=_line(block),
        found=raw_head,
        expected="@type{key, field = {value}, ...}",
        fix="check the braces, quotes and commas of this entry",
    )


def bibliography_problems(library: Library, file: str | Path) -> list[Problem]:
    """Return one problem per failed block and per entry that lacks a title."""
    file = str(file)
    problems = [_failed_block_problem(file, block) for block in library.failed_blocks]
    for entry in library.entries:
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

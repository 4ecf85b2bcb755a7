"""Read a Quarto book project: ``_quarto.yml``, ``_variables.yml`` and the chapter list.

Only what the renderer uses is read, into small frozen dataclasses, and every
problem with the configuration becomes a :class:`~livingreview.errors.ConfigError`
that names ``_quarto.yml`` and the key to fix.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Problem
from ..io import read_yaml

QUARTO_FILE = "_quarto.yml"
VARIABLES_FILE = "_variables.yml"

# Keys of _quarto.yml that configure the build rather than describe the document.
_NON_METADATA_KEYS = {"project", "book", "format", "crossref", "website", "execute", "filters"}

DEFAULT_CROSSREF = {
    "fig-prefix": "Figure",
    "tbl-prefix": "Table",
    "sec-prefix": "Section",
    "eq-prefix": "Equation",
    "ch-prefix": "Chapter",
    "fig-title": "Figure",
    "tbl-title": "Table",
    "title-delim": ":",
    "appendix-title": "Appendix",
    "appendix-delim": " —",
}


@dataclass(frozen=True)
class Author:
    """One author as shown on the title page."""

    name: str
    affiliations: tuple[str, ...] = ()
    orcid: str | None = None
    email: str | None = None
    # True for a group or organisation written as ``name: {literal: ...}``: its
    # name is never split into family and given names when it is cited.
    organisation: bool = False


@dataclass(frozen=True)
class BookEntry:
    """One file of the book in reading order.

    ``kind`` is ``chapter`` (including ``index.qmd``), ``part`` (a part title
    page, from a file or from a plain title) or ``appendix``.
    """

    kind: str
    path: Path | None  # relative to the project; None for a title-only part
    title: str | None = None  # only for a title-only part

    @property
    def html_path(self) -> str | None:
        """Where Quarto puts this file's page in ``_book/``."""
        if self.path is None:
            return None
        return self.path.with_suffix(".html").as_posix()


@dataclass(frozen=True)
class Book:
    """Everything the renderer needs from ``_quarto.yml``."""

    root: Path
    entries: tuple[BookEntry, ...]
    metadata: dict[str, Any]  # document metadata: title, subtitle, author, abstract ...
    authors: tuple[Author, ...]
    output_file: str
    output_dir: str
    downloads: tuple[str, ...]
    bibliography: tuple[Path, ...]
    csl: Path | None
    link_citations: bool
    lang: str
    crossref: dict[str, str]
    formats: dict[str, dict[str, Any]]
    variables: dict[str, Any] = field(default_factory=dict)
    resources: tuple[str, ...] = ()  # project: resources: files published with the website

    @property
    def files(self) -> list[Path]:
        """Every source file of the book, in reading order."""
        return [e.path for e in self.entries if e.path is not None]

    def format_option(self, fmt: str, key: str, default: Any = None) -> Any:
        """An option of ``format: <fmt>:``, falling back to top-level metadata."""
        opts = self.formats.get(fmt) or {}
        if key in opts:
            return opts[key]
        return self.metadata.get(key, default)


def _problem(message: str, key: str, fix: str, found: object = None) -> Problem:
    return Problem(
        QUARTO_FILE, message, column=key, fix=fix, found=None if found is None else str(found)
    )


def load_book(root: Path) -> Book:
    """Read ``root/_quarto.yml`` (and ``_variables.yml`` if present) into a :class:`Book`."""
    root = Path(root).resolve()
    config_path = root / QUARTO_FILE
    if not config_path.exists():
        raise ConfigError(
            [
                Problem(
                    str(config_path),
                    "file not found",
                    fix="create _quarto.yml with a book: chapters: list",
                )
            ]
        )
    raw = read_yaml(config_path, ConfigError) or {}
    if not isinstance(raw, dict):
        raise ConfigError(
            [
                _problem(
                    "is not a YAML mapping",
                    "(top level)",
                    "write key: value pairs",
                    type(raw).__name__,
                )
            ]
        )
    problems: list[Problem] = []
    project = raw.get("project") or {}
    book = raw.get("book") or {}
    if project.get("type", "book") != "book":
        problems.append(
            _problem(
                "only book projects are supported by the embedded backend",
                "project.type",
                "set project: type: book",
                project.get("type"),
            )
        )
    entries = _read_entries(book, problems)
    metadata = {k: v for k, v in raw.items() if k not in _NON_METADATA_KEYS}
    for key in (
        "title",
        "subtitle",
        "author",
        "date",
        "abstract",
        "keywords",
        "version",
        "description",
        "affiliations",
        "doi",
        "based-on",
    ):
        if key in book:
            metadata[key] = book[key]
    metadata["book"] = book
    bibliography = metadata.get("bibliography") or []
    if isinstance(bibliography, str):
        bibliography = [bibliography]
    csl = metadata.get("csl")
    for bib in bibliography:
        if not (root / bib).exists():
            problems.append(
                _problem(
                    "bibliography file not found",
                    "bibliography",
                    "correct the path (relative to the project folder)",
                    bib,
                )
            )
    if csl and not (root / csl).exists():
        problems.append(
            _problem(
                "CSL style file not found",
                "csl",
                "correct the path or remove csl: to use Chicago author-date",
                csl,
            )
        )
    crossref = dict(DEFAULT_CROSSREF)
    crossref.update(
        {
            k: str(v)
            for k, v in (raw.get("crossref") or {}).items()
            if isinstance(v, str | int | float)
        }
    )
    formats = raw.get("format") or {}
    if not isinstance(formats, dict):
        formats = {str(f): {} for f in (formats if isinstance(formats, list) else [formats])}
    formats = {k: (v if isinstance(v, dict) else {}) for k, v in formats.items()}
    variables: dict[str, Any] = {}
    if (root / VARIABLES_FILE).exists():
        loaded = read_yaml(root / VARIABLES_FILE, ConfigError)
        if loaded is not None and not isinstance(loaded, dict):
            problems.append(
                Problem(VARIABLES_FILE, "is not a YAML mapping", fix="write name: value pairs")
            )
        variables = loaded or {}
    authors = _read_authors(metadata, problems)
    if problems:
        raise ConfigError(problems, summary=f"{QUARTO_FILE}: {len(problems)} problem(s)")
    return Book(
        root=root,
        entries=tuple(entries),
        metadata=metadata,
        authors=tuple(authors),
        output_file=str(book.get("output-file") or _slug(str(metadata.get("title") or "book"))),
        output_dir=str(project.get("output-dir") or "_book"),
        downloads=tuple(str(d) for d in (book.get("downloads") or [])),
        bibliography=tuple(root / b for b in bibliography),
        csl=(root / csl) if csl else None,
        link_citations=bool(metadata.get("link-citations", False)),
        lang=str(metadata.get("lang") or "en"),
        crossref=crossref,
        formats=formats,
        variables=variables,
        resources=_as_tuple(project.get("resources")),
    )


def _as_tuple(value: object) -> tuple[str, ...]:
    """A YAML string or list of strings as a tuple."""
    if value is None:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split()) or "book"


def _read_entries(book: dict[str, Any], problems: list[Problem]) -> list[BookEntry]:
    entries: list[BookEntry] = []

    def add_file(item: object, kind: str, key: str) -> None:
        if isinstance(item, str):
            entries.append(BookEntry(kind, Path(item)))
        elif isinstance(item, dict) and "part" in item:
            part = str(item["part"])
            if part.endswith((".qmd", ".md")):
                entries.append(BookEntry("part", Path(part)))
            else:
                entries.append(BookEntry("part", None, title=part))
            for sub in item.get("chapters") or []:
                add_file(sub, kind, key)
        elif isinstance(item, dict) and "href" in item:
            entries.append(BookEntry(kind, Path(str(item["href"]))))
        else:
            problems.append(
                _problem(
                    "a chapter entry must be a file name or a part:",
                    key,
                    "list files such as manuscript/01-intro.qmd",
                    item,
                )
            )

    chapters = book.get("chapters")
    if not chapters:
        problems.append(
            _problem(
                "the book lists no chapters",
                "book.chapters",
                "add book: chapters: with index.qmd first",
            )
        )
    for item in chapters or []:
        add_file(item, "chapter", "book.chapters")
    for item in book.get("appendices") or []:
        add_file(item, "appendix", "book.appendices")
    return entries


def _read_authors(metadata: dict[str, Any], problems: list[Problem]) -> list[Author]:
    """Normalise Quarto's author forms (string, list, dicts with affiliations)."""
    raw = metadata.get("author") or metadata.get("authors") or []
    if isinstance(raw, str | dict):
        raw = [raw]
    shared = {}
    for aff in metadata.get("affiliations") or []:
        if isinstance(aff, dict) and "id" in aff:
            shared[str(aff["id"])] = _affiliation_text(aff)
    authors = []
    for item in raw:
        if isinstance(item, str):
            authors.append(Author(item))
            continue
        if not isinstance(item, dict):
            problems.append(
                _problem(
                    "an author must be a name or a mapping with name:",
                    "book.author",
                    "write - name: Jane Doe",
                    item,
                )
            )
            continue
        name = item.get("name")
        organisation = isinstance(name, dict) and bool(name.get("literal"))
        if isinstance(name, dict):
            name = name.get("literal") or " ".join(
                str(name[k]) for k in ("given", "family") if name.get(k)
            )
        affs = item.get("affiliations") or item.get("affiliation") or []
        if isinstance(affs, str | dict):
            affs = [affs]
        texts = []
        for aff in affs:
            if isinstance(aff, dict) and "ref" in aff:
                texts.append(shared.get(str(aff["ref"]), str(aff["ref"])))
            elif isinstance(aff, dict):
                texts.append(_affiliation_text(aff))
            elif str(aff) in shared:
                texts.append(shared[str(aff)])
            else:
                texts.append(str(aff))
        authors.append(
            Author(
                str(name or ""),
                tuple(texts),
                str(item["orcid"]) if item.get("orcid") else None,
                str(item["email"]) if item.get("email") else None,
                organisation,
            )
        )
    return authors


def _affiliation_text(aff: dict[str, Any]) -> str:
    parts = [aff.get(k) for k in ("department", "name", "city", "country")]
    return ", ".join(str(p) for p in parts if p)


def source_date_epoch() -> int:
    """``SOURCE_DATE_EPOCH`` if set, else 0: the one timestamp every output may carry."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    return 0


def source_date() -> dt.datetime:
    """:func:`source_date_epoch` as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(source_date_epoch(), tz=dt.UTC)

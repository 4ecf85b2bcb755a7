"""Read a Quarto book project: ``_quarto.yml``, ``_variables.yml`` and the chapter list.

Only what the renderer uses is read, into small frozen dataclasses, and every
problem with the configuration becomes a :class:`~livingreview.errors.ConfigError`
that names ``_quarto.yml`` and the key to fix.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import load_config
from ..errors import ConfigError, Problem
from ..io import read_yaml, with_key_lines, yaml_value
from ..paths import output_dir_problems, path_problem
from .long_tables import DEFAULT_TABLE_PRINT_ROWS

QUARTO_FILE = "_quarto.yml"
VARIABLES_FILE = "_variables.yml"
DEFAULT_TABLE_ROWS_PER_PAGE = 50  # config/README.md: tables.rows_per_page

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
    "lst-prefix": "Listing",
    "lst-title": "Listing",
    "title-delim": ":",
    "appendix-title": "Appendix",
    "appendix-delim": " —",
    "fig-labels": "arabic",
    "tbl-labels": "arabic",
    "eq-labels": "arabic",
    "subref-labels": "alpha a",
    "chapters": "true",
    "ref-hyperlink": "true",
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
    # config/config.yaml tables.rows_per_page: a website table with more rows is paged
    table_rows_per_page: int = DEFAULT_TABLE_ROWS_PER_PAGE
    # config/config.yaml tables.print_rows: a longer table prints a note instead of its rows
    table_print_rows: int = DEFAULT_TABLE_PRINT_ROWS
    # whether the website is built beside DOCX and PDF (render.formats has html; set by
    # render_embedded): a print note that points to the website needs one
    website: bool = True
    # book: site-url: the published website's address (Quarto's base URL), ending in
    # "/"; DOCX and PDF link to the website's files there (None: printed as text)
    site_url: str | None = None

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
        QUARTO_FILE,
        message,
        column=key,
        fix=fix,
        found=None if found is None else yaml_value(found),
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
    project = _mapping(raw, "project", problems)
    book = _mapping(raw, "book", problems)
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
    bibliography = list(_as_tuple(bibliography, "bibliography", problems))
    csl = metadata.get("csl")
    if csl is not None and not isinstance(csl, str):
        problems.append(_problem("must be a file name", "csl", "write refs/style.csl", csl))
        csl = None
    for key, value in [("bibliography", b) for b in bibliography] + [("csl", csl)]:
        if not value or path_problem(root, value, file=QUARTO_FILE, key=key) is not None:
            continue  # the path guard below reports paths that leave the project
        if not (root / value).exists():
            problems.append(
                _problem(
                    "bibliography file not found"
                    if key == "bibliography"
                    else "CSL style file not found",
                    key,
                    "correct the path (relative to the project folder)",
                    value,
                )
            )
    crossref = dict(DEFAULT_CROSSREF)
    crossref.update(
        {
            k: str(v)
            for k, v in _mapping(raw, "crossref", problems).items()
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
    output_dir = project.get("output-dir") if isinstance(project, dict) else None
    output_dir = "_book" if output_dir is None else output_dir
    if isinstance(output_dir, str):
        problems += output_dir_problems(
            root, output_dir, file=QUARTO_FILE, key="project.output-dir"
        )
    else:
        problems.append(
            _problem(
                "must be a folder name",
                "project.output-dir",
                "write one folder name, such as output-dir: _book",
                output_dir,
            )
        )
    resources = _as_tuple(project.get("resources"), "project.resources", problems)
    site_url = _site_url(book.get("site-url"), problems)
    problems += _path_problems(root, entries, resources, bibliography, csl)
    if problems:
        problems = with_key_lines(problems, config_path)  # each at the line of its key
        raise ConfigError(problems, summary=f"{QUARTO_FILE}: {len(problems)} problem(s)")
    tables = _table_settings(root)
    return Book(
        root=root,
        entries=tuple(entries),
        metadata=metadata,
        authors=tuple(authors),
        output_file=str(book.get("output-file") or _slug(str(metadata.get("title") or "book"))),
        output_dir=str(output_dir),
        downloads=_as_tuple(book.get("downloads"), "book.downloads", problems),
        bibliography=tuple(root / b for b in bibliography),
        csl=(root / csl) if csl else None,
        link_citations=bool(metadata.get("link-citations", False)),
        lang=str(metadata.get("lang") or "en"),
        crossref=crossref,
        formats=formats,
        variables=variables,
        resources=resources,
        table_rows_per_page=int(tables.get("rows_per_page", DEFAULT_TABLE_ROWS_PER_PAGE)),
        table_print_rows=int(tables.get("print_rows", DEFAULT_TABLE_PRINT_ROWS)),
        site_url=site_url,
    )


def _site_url(value: object, problems: list[Problem]) -> str | None:
    """``book: site-url``: an http(s) address with a host, ending in ``/`` (``None``
    when absent or empty); anything else is a problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else ""
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        problems.append(
            _problem(
                "must be the web address the website is published at",
                "book.site-url",
                "write the address, such as site-url: https://example.org/review/ "
                "(or delete the line)",
                value,
            )
        )
        return None
    if parts.query or parts.fragment:
        problems.append(
            _problem(
                "must be the address of the website's folder, without ? or #",
                "book.site-url",
                "write the address up to the folder, such as https://example.org/review/",
                value,
            )
        )
        return None
    return text if text.endswith("/") else text + "/"


def _table_settings(root: Path) -> dict[str, Any]:
    """``tables:`` of ``config/config.yaml`` (validated; empty without a config file
    or the key): ``rows_per_page`` and ``print_rows``. Inside the workflow a config the
    Snakefile checked before is not checked against its schema again (issue 19:
    ``validation.schema_errors`` finds its record in the workflow's folder)."""
    path = root / "config" / "config.yaml"
    if not path.is_file():
        return {}
    return load_config(path, root).get("tables") or {}


def _as_tuple(value: object, key: str, problems: list[Problem]) -> tuple[str, ...]:
    """A YAML string or list of strings as a tuple (anything else is a problem)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problems.append(
        _problem(
            "must be a file name or a list of file names",
            key,
            "write one path per line, such as - data/studies.csv",
            value,
        )
    )
    return ()


def _path_problems(
    root: Path,
    entries: list[BookEntry],
    resources: tuple[str, ...],
    bibliography: list[Any],
    csl: object,
) -> list[Problem]:
    """Every configured path must stay inside the project and name a file, not a folder."""
    named: list[tuple[str, object]] = [
        ("book.chapters", e.path.as_posix()) for e in entries if e.path is not None
    ]
    named += [("project.resources", r) for r in resources]
    named += [("bibliography", b) for b in bibliography]
    if csl:
        named.append(("csl", csl))
    problems = []
    for key, value in named:
        problem = path_problem(root, value, file=QUARTO_FILE, key=key)
        if problem is None and (root / str(value)).is_dir():
            problem = _problem("is a folder, not a file", key, "name the file itself", value)
        if problem is not None:
            problems.append(problem)
    return problems


def _mapping(raw: dict[str, Any], key: str, problems: list[Problem]) -> dict[str, Any]:
    """``raw[key]`` when it is a mapping (or absent); anything else is a problem."""
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(
            _problem(
                "must be a mapping of keys to values",
                key,
                f"write {key}: then indented keys",
                value,
            )
        )
        return {}
    return value


def _as_list(value: object, key: str, problems: list[Problem]) -> list[Any]:
    """A YAML list (or nothing); anything else is a problem."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    problems.append(
        _problem("must be a list", key, "write one entry per line, starting with -", value)
    )
    return []


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
            for sub in _as_list(item.get("chapters"), f"{key} (part)", problems):
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
    for item in _as_list(chapters, "book.chapters", problems):
        add_file(item, "chapter", "book.chapters")
    for item in _as_list(book.get("appendices"), "book.appendices", problems):
        add_file(item, "appendix", "book.appendices")
    seen: set[str] = set()
    for entry in entries:  # a file twice: its ids twice, and the reader reads it twice
        name = os.path.normpath(entry.path) if entry.path is not None else None
        if name is not None and name in seen:
            key = "book.appendices" if entry.kind == "appendix" else "book.chapters"
            problems.append(
                _problem(
                    "the book lists this file twice",
                    key,
                    "keep one entry for it in book: chapters: or appendices:",
                    entry.path.as_posix(),  # type: ignore[union-attr]
                )
            )
        seen.add(name or "")
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

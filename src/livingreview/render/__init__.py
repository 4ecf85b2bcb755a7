"""Render the review (a Quarto book) to a website, one DOCX and one PDF.

Two backends behind one entry point, :func:`render_book`:

- ``quarto``: the Quarto CLI, when it is on PATH (or asked for);
- ``embedded``: Pandoc (``pypandoc-binary``) and Typst (``typst``) driven from
  Python, implementing the subset of Quarto the review uses (see
  :mod:`.book`). It always works, because Quarto cannot be installed here.

Both write the same layout into a staging folder that replaces ``_book/``
only when every format succeeded, so a failed render leaves the last good
output in place. :func:`check_manuscript` reports, by file and line, anything
the embedded backend would not render faithfully.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import hashlib
import io
import json
import logging
import re
import shutil
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path

from ..errors import ManuscriptError, Problem, RenderError, raise_if_any
from ..io import read_yaml, write_text
from ..paths import (
    OUTPUT_MARKER,
    inside_project,
    leftover_folders,
    make_output_folder,
    recover_output,
    remove_output_folder,
    render_backend,
    swap_in,
)
from . import embedded, typst_pdf
from .book import build_book
from .chapter_memo import ChapterMemo, stored_memo
from .compat import quarto_differences
from .embedded import render_html_pages
from .isolated import in_child_handing_over
from .matter import missing_prisma_declarations
from .project import Book, load_book
from .quarto import render_quarto
from .reference_docx import build_reference_docx, write_reference_docx

__all__ = [
    "build_reference_docx",
    "check_manuscript",
    "check_manuscript_findings",
    "check_manuscript_or_raise",
    "check_manuscript_report",
    "manifest",
    "render_book",
    "render_book_with_manifest",
    "render_pages",
    "write_check_report",
    "write_reference_docx",
]

BACKENDS = ("auto", "quarto", "embedded")
FORMAT_ALIASES = {"html": "html", "docx": "docx", "pdf": "pdf", "typst": "pdf"}


def check_manuscript(
    project_dir: Path, quarto_compatible: bool = False, on_false_claim: str = "stop"
) -> list[Problem]:
    """Every problem the embedded renderer would hit, each with file and line.

    Unsupported Quarto syntax, unknown shortcodes and variables, includes that
    are missing, cyclic or outside the project, unresolved cross-references,
    citation keys missing from the bibliography, images that do not exist
    (after the format's default extension) or cannot go into the PDF, and
    checked claims that are false or cannot be evaluated (false claims are left
    out when ``on_false_claim`` is ``mark`` and the build is a draft: see
    :func:`check_manuscript_findings`). With ``quarto_compatible``, also what
    would render differently under real Quarto.
    """
    return check_manuscript_findings(project_dir, on_false_claim, quarto_compatible)[0]


def check_manuscript_findings(
    project_dir: Path, on_false_claim: str = "stop", quarto_compatible: bool = False
) -> tuple[list[Problem], list[Problem]]:
    """``(problems, warnings)``: warnings are the false claims a draft build marks."""
    problems, warnings, _ = _checked(project_dir, on_false_claim, quarto_compatible)
    return problems, warnings


def _checked(
    project_dir: Path, on_false_claim: str, quarto_compatible: bool = False
) -> tuple[list[Problem], list[Problem], int]:
    """``(problems, warnings, number of source files)`` of the book."""
    root = Path(project_dir)
    with _no_cycle_collection(), stored_memo(root) as memo:
        model = build_book(root, on_false_claim=on_false_claim, memo=memo)
    problems = list(model.problems)
    if quarto_compatible:
        problems += quarto_differences(model)
    return problems, list(model.warnings), len(model.book.files)


def check_manuscript_or_raise(project_dir: Path, on_false_claim: str = "stop") -> list[Problem]:
    """:func:`check_manuscript`, raising :class:`ManuscriptError` if anything is wrong;
    returns the warnings (false claims marked in a draft build)."""
    return _checked_or_raise(project_dir, on_false_claim)[0]


def _checked_or_raise(project_dir: Path, on_false_claim: str) -> tuple[list[Problem], int]:
    problems, warnings, files = _checked(project_dir, on_false_claim)
    raise_if_any(problems, ManuscriptError, "the manuscript has problems")
    return warnings, files


def render_book(
    project_dir: Path,
    backend: str = "auto",
    formats: Sequence[str] = ("html", "docx", "pdf"),
    release_files: Sequence[str | Path] = (),
    lenient: bool = False,
    on_false_claim: str = "stop",
    keep_formats: Sequence[str] = (),
    isolate: bool = False,
    report: Path | str | None = None,
) -> dict[str, str]:
    """Render the book into its output folder and return its manifest ``{relative path: sha256}``.

    ``backend`` is ``auto`` (Quarto if on PATH, else embedded), ``quarto`` or
    ``embedded``; ``formats`` any of ``html``, ``docx``, ``pdf``.
    ``release_files`` (``releases/<version>/review.pdf`` ...) are published at
    the same paths inside the new output, before it is swapped in. ``lenient``
    (embedded backend) renders unresolved cross-references as ``?@id`` with a
    warning, as Quarto does, instead of refusing the book. ``keep_formats``
    (``docx``, ``pdf``) not rendered now keep the files the last build wrote, and
    the website keeps its links to them (the preview's website-only rebuilds). ``on_false_claim``
    (``stop`` or ``mark``) says what a false checked claim does in a draft build.
    ``isolate`` (embedded backend) builds the book and writes the website and the
    DOCX in a child process (:mod:`.isolated`), so Typst compiles the PDF in a
    process without what that left resident (the one-shot ``render_book`` rule).
    ``report`` is where the manuscript check's report goes (:func:`write_check_report`):
    the book is checked before anything is rendered, from the same book model the
    embedded backend then writes, and a problem stops the render.

    The output folder (``project: output-dir:``, checked by
    :func:`livingreview.paths.output_dir_problems`) is replaced only when every
    format rendered, and only if the build made it; an earlier interrupted swap
    is finished first (:func:`livingreview.paths.recover_output`).
    """
    root = Path(project_dir).resolve()
    if backend not in BACKENDS:
        raise RenderError(
            [Problem("render", f"unknown backend '{backend}'", expected=", ".join(BACKENDS))]
        )
    wanted = []
    for fmt in formats:
        if fmt not in FORMAT_ALIASES:
            raise RenderError(
                [Problem("render", f"unknown format '{fmt}'", expected="html, docx or pdf")]
            )
        if FORMAT_ALIASES[fmt] not in wanted:
            wanted.append(FORMAT_ALIASES[fmt])
    backend = render_backend(backend)  # auto: Quarto if on PATH
    book = load_book(root)
    target = root / book.output_dir
    staging, _ = leftover_folders(target)
    _output_step(
        target, "finish an earlier interrupted build", lambda: recover_output(target, root)
    )
    _output_step(target, "create the staging folder", lambda: make_output_folder(staging))
    kept = [  # formats not rendered now whose last file stays, linked from the website
        fmt
        for fmt in ("docx", "pdf")
        if fmt in keep_formats
        and fmt not in wanted
        and (target / f"{book.output_file}.{fmt}").is_file()
    ]
    hashed: dict[str, str] = {}  # of files the embedded render wrote
    try:
        if backend == "quarto":
            if report is not None:
                write_check_report(root, report, *_checked_or_raise(root, on_false_claim))
            render_quarto(root, staging, wanted)
            (staging / OUTPUT_MARKER).touch()  # in case Quarto cleaned the folder
        else:
            pdf = staging / f"{book.output_file}.pdf"
            args = (root, staging, wanted, kept, lenient, on_false_claim, report)
            if isolate:  # Typst in this process, beside the child when the book is small
                (source, hashed), _ = in_child_handing_over(
                    _write_embedded,
                    *args,
                    receive=lambda data: typst_pdf.compile_pdf(book, data.decode("utf-8"), pdf),
                )
            else:
                source, hashed = _write_embedded(None, *args)
            if source is not None:  # Typst last, alone (render_embedded)
                typst_pdf.compile_pdf(book, source, pdf)
        written_here = []  # after the child hashed (it never hashes what Typst writes)
        for fmt in kept:  # after the render: Quarto may empty the folder
            name = f"{book.output_file}.{fmt}"
            shutil.copyfile(target / name, staging / name)
            written_here.append(name)
        written_here += _place_release_files(root, staging, release_files)
        if backend == "quarto":
            _neutralise_published_csvs(book, staging)
    except BaseException:
        remove_output_folder(staging)
        raise
    _output_step(target, "put the new output in place", lambda: _swap(staging, target))
    for name in written_here:  # hashed again: written after the embedded render's files
        hashed.pop(name, None)
    return manifest(target, hashed)


def render_pages(project_dir: Path, sources: Collection[str]) -> list[str]:
    """Re-render in place only the website pages made from ``sources`` (project-relative
    chapter or included files) and return them; for ``livingreview preview``.

    The whole book is still checked (numbering, cross-references and citations
    span chapters), but only chapters whose inputs changed since the last call
    are parsed, numbered and resolved again (:mod:`.chapter_memo`); a problem
    raises :class:`ManuscriptError` before any page is written. Other pages
    whose content the edit changed (a reference to a renumbered figure, the
    reference list) are written too, found by comparing each page's inputs with
    the last call's (:mod:`.page_deps`), and the search index's entries for the
    pages written are made again. With ``sources`` empty nothing is written: the
    site is noted as it is (as the preview starts, and after a full build). DOCX
    and PDF stay as the last full build left them.
    """
    root = Path(project_dir).resolve()
    with _no_cycle_collection():
        return _render_pages(root, sources)


# each chapter's state from the last preview save (render_pages), by project
_MEMOS: dict[Path, ChapterMemo] = {}


def _render_pages(root: Path, sources: Collection[str]) -> list[str]:
    model = build_book(root, memo=_MEMOS.setdefault(root, ChapterMemo()))
    raise_if_any(model.problems, ManuscriptError, "the manuscript has problems")
    site = root / model.book.output_dir
    if not (site / "index.html").is_file():
        raise RenderError.single(
            site, "the website has not been built yet", fix="run `snakemake` once first"
        )
    wanted = set(sources)
    pages = sorted(
        ch.page
        for ch in model.chapters
        if ch.page and (ch.rel in wanted or {rel for rel, _ in ch.source.origins} & wanted)
    )
    render_html_pages(model, site, pages)
    return pages


def _write_embedded(
    hand_over: Callable[[bytes], None] | None,
    root: Path,
    staging: Path,
    formats: Sequence[str],
    kept: Sequence[str],
    lenient: bool,
    on_false_claim: str,
    report: Path | str | None,
) -> tuple[str | None, dict[str, str]]:
    """The book built and every format but the PDF written into ``staging`` by the
    embedded backend. Returns the PDF's Typst source (None without a PDF, or when it
    went to ``hand_over``: :func:`_typst_beside`) and the SHA-256 of each file
    written, by relative path (while Typst may still lay out the PDF). With a
    ``report``, the check's report is written once the book has no problem."""
    with _no_cycle_collection():
        with stored_memo(root) as memo:  # what earlier builds parsed, replayed
            model = build_book(root, lenient=lenient, on_false_claim=on_false_claim, memo=memo)
        raise_if_any(model.problems, ManuscriptError, "the manuscript has problems")
        if report is not None:  # which also logs the warnings
            write_check_report(root, report, list(model.warnings), len(model.book.files))
        else:
            for warning in model.warnings:
                logging.getLogger("livingreview").warning("%s", warning)
        offer = None if hand_over is None else functools.partial(_typst_beside, hand_over)
        source = embedded.render_embedded(model, staging, formats, kept, offer)
    _neutralise_published_csvs(model.book, staging)
    return source, manifest(staging, skip=typst_pdf.written_beside(model.book))


# The largest Typst source (characters) compiled while the website and the DOCX are
# still being written (and only when their large tables are cached: render_embedded).
# Typst's layout takes about 1.1 KB per character (0.63 GB for the 0.57 million of
# 1,000 studies); a larger book compiles alone, after the rest (issue 19).
TYPST_BESIDE_AT_MOST = 1_000_000


def _typst_beside(hand_over: Callable[[bytes], None], source: str) -> bool:
    """Hand the PDF's Typst ``source`` over to be compiled at once, beside the rest of
    the render, if it is small enough; True if it was."""
    if len(source) > TYPST_BESIDE_AT_MOST:
        return False
    hand_over(source.encode("utf-8"))
    return True


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a book is parsed and written.

    The book model is millions of small dicts and lists without reference cycles
    (freed as soon as unused); each full collection walked all of them again,
    about 40% of a preview save at 1,000 studies. Collection resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _swap(staging: Path, target: Path) -> None:
    try:
        swap_in(staging, target)
    except BaseException:
        if staging.exists():
            remove_output_folder(staging)
        raise


def _output_step(target: Path, action: str, step: object) -> None:
    """Run a file-system step on the output folder, turning its failures into messages."""
    name = f"{target.name}/"
    try:
        step()  # type: ignore[operator]
    except ValueError as exc:
        raise RenderError(
            [
                Problem(
                    name,
                    f"could not {action}: {exc}",
                    fix="move that folder away yourself (the build only deletes what it made)",
                )
            ]
        ) from None
    except OSError as exc:
        raise RenderError(
            [
                Problem(
                    exc.filename or name,
                    f"could not {action}: {exc.strerror or exc}",
                    fix="check the folder's permissions and free disk space, then build again",
                )
            ]
        ) from None


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Where a cell can start with one of them: after a comma or a line break, maybe
# quoted (the text's first cell is checked on its own). More places match (inside
# quoted cells); a file with no match has no cell to change.
MAYBE_FORMULA = re.compile(r'[,\n\r]"?[=+\-@\t\r]')


def _neutralise_published_csvs(book: Book, staging: Path) -> None:
    """:func:`neutralise_formulas` on each CSV the book publishes."""
    for rel in book.resources:
        if rel.lower().endswith(".csv") and (staging / rel).is_file():
            neutralise_formulas(staging / rel)


def neutralise_formulas(path: Path) -> bool:
    """Make a published CSV safe to open in a spreadsheet (OWASP "CSV injection").

    A cell that starts with ``= + - @``, a tab or a carriage return, and is not a
    plain number, gets a leading apostrophe, so Excel or LibreOffice shows it as
    text instead of running it as a formula. The file is rewritten only if a cell
    changed; returns whether it did.
    """
    text = path.read_text(encoding="utf-8-sig")
    if not MAYBE_FORMULA.search(text) and not text.lstrip('"').startswith(FORMULA_START):
        return False  # no cell starts with a formula character (100,000 rows: 0.5 s saved)
    rows = list(csv.reader(io.StringIO(text)))
    changed = False
    for row in rows:
        for i, cell in enumerate(row):
            if cell.startswith(FORMULA_START) and not _is_number(cell):
                row[i] = "'" + cell
                changed = True
    if changed:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return changed


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _place_release_files(root: Path, staging: Path, files: Sequence[str | Path]) -> list[str]:
    """Copy each release's PDF/DOCX into the new output at the same relative path;
    returns those paths."""
    placed = []
    for path in sorted(Path(f) for f in files):
        source = inside_project(
            root, path.as_posix(), file=path.as_posix(), key="release file", error=RenderError
        )
        destination = staging / source.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        placed.append(source.relative_to(root).as_posix())
    return placed


def manifest(
    folder: Path, hashed: Mapping[str, str] | None = None, skip: Collection[str] = ()
) -> dict[str, str]:
    """``{relative posix path: sha256}`` of every file under ``folder``, sorted.

    Each file is hashed as it is read, a megabyte at a time: read whole, the DOCX
    (37 MB at 1,000 studies) sat on top of what Typst's compile left resident.
    ``hashed`` holds digests already taken of files that have not changed since
    (the embedded render's, taken while Typst laid out the PDF); the files in
    ``skip`` (relative paths) are left out, not even opened."""
    folder = Path(folder)
    hashed = hashed or {}
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in skip:
            continue
        if rel in hashed:
            out[rel] = hashed[rel]
            continue
        with path.open("rb") as file:
            out[rel] = hashlib.file_digest(file, "sha256").hexdigest()
    return out


def check_manuscript_report(
    project_dir: Path, report: Path | str, on_false_claim: str = "stop"
) -> None:
    """Check the manuscript: raise on any problem, else write its report
    (:func:`write_check_report`)."""
    write_check_report(project_dir, report, *_checked_or_raise(project_dir, on_false_claim))


def write_check_report(
    project_dir: Path, report: Path | str, warnings: Sequence[Problem], files: int
) -> None:
    """Write the report of a manuscript check that passed (of ``files`` source files):
    it lists, and logs, the false claims a draft build marks (``warnings``) and the
    declarations PRISMA 2020 requires that are still empty."""
    notes = []
    if warnings:
        notes.append(f"{len(warnings)} claim(s) marked 'needs revision' in this draft:")
        notes += [f"  - {w}" for w in warnings]
    notes += missing_prisma_declarations(read_yaml(Path(project_dir) / "_quarto.yml"))
    if notes:
        logging.getLogger("livingreview").warning("\n".join(notes))
    text = f"manuscript check passed: {files} files, no problems\n"
    text += "".join(f"{line}\n" for line in notes)
    write_text(report, text)


def render_book_with_manifest(
    project_dir: Path,
    backend: str,
    formats: Sequence[str],
    manifest: Path | str,
    release_files: Sequence[str | Path] = (),
    on_false_claim: str = "stop",
    keep_formats: Sequence[str] = (),
    isolate: bool = False,
    report: Path | str | None = None,
) -> dict[str, str]:
    """Render the book and write its manifest as JSON (the workflow's record of the
    render), and the check's ``report`` (:func:`render_book`)."""
    files = render_book(
        project_dir,
        backend=backend,
        formats=formats,
        release_files=release_files,
        on_false_claim=on_false_claim,
        keep_formats=keep_formats,
        isolate=isolate,
        report=report,
    )
    write_text(manifest, json.dumps(files, indent=1, sort_keys=True) + "\n")
    return files

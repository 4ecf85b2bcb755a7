"""Command-line interface: ``livingreview <command>``.

The workflow runs the same functions; the CLI is for checking and rendering by
hand (for example ``livingreview check`` while editing a chapter).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import ReviewError


def _validate(args: argparse.Namespace) -> int:
    from .config import load_config
    from .evidence.review_data import load_configured_data
    from .living.releases import find_snapshots, previous_version_of
    from .prisma.counts import derive_counts

    data = load_configured_data(args.project, args.config)
    # The same ledger checks the build runs when it counts the flow diagram's boxes.
    records_file = load_config(Path(args.project) / args.config, args.project)["data"]["records"]
    derive_counts(
        data.records,
        {str(k): str(v) for k, v in (data.protocol.get("exclusion_reasons") or {}).items()},
        previous_version_of(find_snapshots(args.project), data.records),
        records_file=records_file,
    )
    print(f"data are valid: {len(data.records)} records, {len(data.studies)} included studies")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .render import check_manuscript

    problems = check_manuscript(Path(args.project))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the manuscript", file=sys.stderr)
        return 1
    print("manuscript check passed")
    return 0


def _render(args: argparse.Namespace) -> int:
    from .render import render_book

    manifest = render_book(Path(args.project), backend=args.backend, formats=args.formats)
    print(f"rendered {len(manifest)} files into {Path(args.project) / '_book'}")
    return 0


def _data_path(args: argparse.Namespace, name: str) -> Path:
    from .config import load_config

    root = Path(args.project)
    return root / load_config(root / "config" / "config.yaml", root)["data"][name]


def _progress(stage: str, done: int, total: int) -> None:
    print(f"{stage}: {done:,} of {total:,} records", file=sys.stderr)


def _import_search(args: argparse.Namespace) -> int:
    from .ledger.search_import import import_search
    from .prisma.counts import slugify

    stem = f"{args.search_date}_{slugify(args.source)}"
    sheet = Path(args.sheet or Path(args.project) / "screening" / f"{stem}.csv")
    report = Path(args.report or Path(args.project) / "screening" / f"{stem}_dedup.csv")
    result = import_search(
        _data_path(args, "records"),
        args.export,
        source=args.source,
        source_type=args.source_type,
        search_date=args.search_date,
        sheet=sheet,
        report=report,
        fmt=args.format,
        progress=_progress,
    )
    print(result.summary())
    print(f"screening sheet: {sheet}\nde-duplication report: {report}")
    return 0


def _screening_sheet(args: argparse.Namespace) -> int:
    from .ledger.screening import write_pending_sheet

    count = write_pending_sheet(_data_path(args, "records"), args.output)
    print(f"{count} records awaiting screening written to {args.output}")
    return 0


def _apply_screening(args: argparse.Namespace) -> int:
    from .ledger.screening import apply_screening

    updated = apply_screening(_data_path(args, "records"), args.sheet, _data_path(args, "protocol"))
    print(f"decisions for {len(updated)} records copied into the ledger")
    return 0


def _release(args: argparse.Namespace) -> int:
    from .living.make_release import make_release
    from .living.releases import Scope, parse_assignment

    scope = Scope(args.cutoff, tuple(parse_assignment(a) for a in args.assign))
    folder = make_release(
        Path(args.project),
        version=args.version,
        release_date=args.date,
        note=args.note,
        scope=scope,
    )
    print(f"released version {args.version} into {folder}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and documentation."""
    parser = argparse.ArgumentParser(prog="livingreview", description=__doc__)
    parser.add_argument("--project", default=".", help="review project folder (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check every data file and their links")
    validate.add_argument("--config", default="config/config.yaml")
    validate.set_defaults(func=_validate)

    check = sub.add_parser("check", help="check the chapters: syntax, references, citations, files")
    check.set_defaults(func=_check)

    render = sub.add_parser("render", help="render _book/ (website, DOCX, PDF)")
    render.add_argument("--backend", choices=["auto", "quarto", "embedded"], default="auto")
    render.add_argument(
        "--formats", nargs="+", choices=["html", "docx", "pdf"], default=["html", "docx", "pdf"]
    )
    render.set_defaults(func=_render)

    imp = sub.add_parser(
        "import-search",
        help="import a search export (RIS, PubMed/MEDLINE, CSV) into the ledger, de-duplicated",
    )
    imp.add_argument("export", help="the exported file")
    imp.add_argument("--source", required=True, help="database or method, e.g. MEDLINE")
    imp.add_argument(
        "--source-type",
        required=True,
        choices=["database", "register", "website", "organisation", "citation_search"],
    )
    imp.add_argument("--search-date", required=True, help="YYYY-MM-DD the search was run")
    imp.add_argument("--format", choices=["auto", "ris", "pubmed", "csv"], default="auto")
    imp.add_argument(
        "--sheet", help="screening sheet to write (default screening/<date>_<source>.csv)"
    )
    imp.add_argument("--report", help="de-duplication report (default ..._dedup.csv)")
    imp.set_defaults(func=_import_search)

    sheet = sub.add_parser("screening-sheet", help="write a sheet of records awaiting screening")
    sheet.add_argument("output", help="CSV file to write")
    sheet.set_defaults(func=_screening_sheet)

    apply = sub.add_parser("apply-screening", help="copy a completed screening sheet's decisions")
    apply.add_argument("sheet", help="the completed sheet")
    apply.set_defaults(func=_apply_screening)

    release = sub.add_parser("release", help="freeze the evidence state as a citable version")
    release.add_argument("--version", required=True, help="version number, e.g. 2.0")
    release.add_argument("--date", required=True, help="release date YYYY-MM-DD")
    release.add_argument("--note", required=True, help="the authors' sentence for What's new")
    release.add_argument("--cutoff", help="cover only records published up to YYYY-MM")
    release.add_argument(
        "--assign",
        action="append",
        default=[],
        metavar="ID=in|out: REASON",
        help="place a record whose date cannot be compared with the cut-off (repeatable)",
    )
    release.set_defaults(func=_release)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; a ReviewError is printed without a traceback and gives exit status 1."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ReviewError as exc:
        print(exc, file=sys.stderr)
        return 1

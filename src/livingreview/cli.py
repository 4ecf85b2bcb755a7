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
    from .evidence import load_review_data

    root = Path(args.project)
    config = load_config(root / args.config)
    paths = {key: root / value for key, value in config["data"].items()}
    data = load_review_data(
        protocol=paths["protocol"],
        records=paths["records"],
        studies=paths["studies"],
        sources=paths["extraction_sources"],
        bibliography=paths["bibliography"],
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; a ReviewError is printed without a traceback and gives exit status 1."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ReviewError as exc:
        print(exc, file=sys.stderr)
        return 1

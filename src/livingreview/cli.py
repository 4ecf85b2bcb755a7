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
    import os

    from .evidence.review_data import configured_data_files, load_data_files
    from .evidence.status import DECISION_LOG, validated_review_status
    from .living.releases import find_snapshots, previous_version_of
    from .prisma.counts import derive_counts

    root = Path(args.project)
    files = configured_data_files(root, args.config)
    data = load_data_files(files)
    # The same ledger checks the build runs when it counts the flow diagram's boxes.
    derive_counts(
        data.records,
        {str(k): str(v) for k, v in (data.protocol.get("exclusion_reasons") or {}).items()},
        previous_version_of(find_snapshots(root), data.records),
        records_file=Path(os.path.relpath(files["records"], root)).as_posix(),
    )
    if files.get("effects"):  # the meta-analyses' numbers, checked as the build checks them
        from .evidence.effects import load_effects

        load_effects(files["effects"], data.studies, data.protocol.get("analyses") or [])
    print(f"data are valid: {len(data.records)} records, {len(data.studies)} included studies")
    # The to-do line from the data just validated: the ledger is read once.
    status = validated_review_status(
        data, files.get("outcomes"), files.get("risk_of_bias"), root / DECISION_LOG
    )
    print(status.summary())
    return 0


def _status(args: argparse.Namespace) -> int:
    from .evidence.status import configured_status

    status = configured_status(args.project, args.config)
    for line in status.lines():
        print(line)
    print(status.summary())
    return 0 if status.complete else 1


def _claims_on_false(root: Path) -> str:
    """``claims.on_false`` of config/config.yaml (``stop`` when there is no config)."""
    from .config import load_config

    path = root / "config" / "config.yaml"
    if not path.exists():
        return "stop"
    return str((load_config(path).get("claims") or {}).get("on_false", "stop"))


def _check(args: argparse.Namespace) -> int:
    from .render import check_manuscript_findings

    root = Path(args.project)
    problems, warnings = check_manuscript_findings(
        root, _claims_on_false(root), quarto_compatible=args.quarto_compatible
    )
    for warning in warnings:
        print(f"needs revision (marked in this draft): {warning}", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the manuscript", file=sys.stderr)
        return 1
    print("manuscript check passed")
    return 0


def _render(args: argparse.Namespace) -> int:
    from .render import render_book

    root = Path(args.project)
    manifest = render_book(
        root,
        backend=args.backend,
        formats=args.formats,
        lenient=args.lenient,
        on_false_claim=_claims_on_false(root),
    )
    print(f"rendered {len(manifest)} files into {Path(args.project) / '_book'}")
    return 0


def _data_path(args: argparse.Namespace, name: str) -> Path:
    from .config import load_config

    root = Path(args.project)
    return root / load_config(root / "config" / "config.yaml", root)["data"][name]


def _progress(stage: str, done: int, total: int) -> None:
    print(f"{stage}: {done:,} of {total:,}", file=sys.stderr)


def _screening_folder(args: argparse.Namespace) -> Path:
    return Path(args.project) / "screening"


def _import_search(args: argparse.Namespace) -> int:
    from .ledger.search_import import import_search

    result = import_search(
        _data_path(args, "records"),
        args.export,
        source=args.source,
        source_type=args.source_type,
        search_date=args.search_date,
        folder=_screening_folder(args),
        sheet=args.sheet,
        report=args.report,
        fmt=args.format,
        progress=_progress,
    )
    print(result.summary())
    if result.earlier is None:
        print(f"batch {result.batch}\nscreening sheet: {result.sheet}")
        print(f"de-duplication report: {result.report}")
    return 0


def _screening_sheet(args: argparse.Namespace) -> int:
    from .ledger.screening import write_pending_sheet

    count = write_pending_sheet(_data_path(args, "records"), args.output, args.stage, args.reviewer)
    print(f"{count} records awaiting {args.stage} written to {args.output}")
    return 0


def _apply_screening(args: argparse.Namespace) -> int:
    from .ledger.screening import apply_screening

    result = apply_screening(
        _data_path(args, "records"),
        args.sheet,
        _data_path(args, "protocol"),
        reviewer=args.reviewer,
        decided_on=args.date or "",
        log=_screening_folder(args) / "decisions.csv",
    )
    print(result.summary())
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _import_decisions(args: argparse.Namespace) -> int:
    from .ledger.decision_exports import decisions_to_sheets

    sheets = decisions_to_sheets(
        _data_path(args, "records"),
        args.export,
        _screening_folder(args),
        tool=args.tool,
        stage=args.stage,
        reviewer=args.reviewer,
        decision=args.decision or "",
    )
    for sheet in sheets:
        print(f"completed sheet: {sheet}")
    print("next: check them, then `livingreview apply-screening SHEET` for each")
    return 0


def _conflicts(args: argparse.Namespace) -> int:
    from .ledger.reviewers import find_conflicts, read_decision_log
    from .ledger.screening import write_conflicts_sheet

    log = _screening_folder(args) / "decisions.csv"
    conflicts = find_conflicts(read_decision_log(log))
    for c in conflicts:
        print(f"{c.record_id} ({c.stage}): {c.describe()}")
    if not conflicts:
        print("no open disagreements between reviewers")
        return 0
    if args.output:
        write_conflicts_sheet(_data_path(args, "records"), log, args.output)
        print(
            f"{len(conflicts)} disagreements written to {args.output}; fill in the decision, "
            "then `livingreview apply-screening` it to record the resolutions"
        )
    return 1


def _release(args: argparse.Namespace) -> int:
    from .living.make_release import make_release, rebuild_project
    from .living.releases import Scope, parse_assignment

    scope = Scope(args.cutoff, tuple(parse_assignment(a) for a in args.assign))
    result = make_release(
        Path(args.project),
        version=args.version,
        release_date=args.date,
        note=args.note,
        scope=scope,
        check_only=args.check,
        progress=_say,
    )
    if args.check:
        problems = len(result.false)  # type: ignore[union-attr]
        print(
            f"dry run: nothing was written; version {args.version} "
            + ("can be released" if not problems else f"would be refused ({problems} claim(s))")
        )
        return 1 if problems else 0
    if not args.no_rebuild:
        rebuild_project(args.project, progress=_say)
    rel = Path(result).relative_to(Path(args.project).resolve())  # type: ignore[arg-type]
    print(
        f"released version {args.version} into {rel}/\n"
        "Next steps:\n"
        f"  1. Look at {rel}/review.pdf and {rel}/review.docx"
        + ("" if args.no_rebuild else " and the website in _book/")
        + ".\n"
        "  2. Re-read every claim listed above as changed since the previous release.\n"
        f'  3. Commit the release: git add {rel} && git commit -m "Release {args.version}"\n'
        "  4. Push to publish the website (it lists every release).\n"
        "  5. Start the next update with `livingreview import-search`; "
        "`livingreview status` shows progress."
    )
    return 0


def _init(args: argparse.Namespace) -> int:
    from .living.new_project import create_project
    from .living.package_origin import package_origin

    origin = package_origin()
    files = create_project(args.folder, title=args.title, origin=origin)
    print(f"created a review project with {len(files)} files in {args.folder}")
    if origin.warning():
        print(origin.warning(), file=sys.stderr)
    print(f"next: cd {args.folder} && snakemake   (see README.md there)")
    return 0


def _docx_feedback(args: argparse.Namespace) -> int:
    from .living.docx_feedback import apply_feedback, feedback_report, read_feedback

    items = read_feedback(args.docx, args.project)
    print(feedback_report(items, args.docx), end="")
    if args.apply:
        changed = apply_feedback(items, args.project)
        applied = sum(1 for i in items if i.action == "apply")
        print(f"applied {applied} change(s) to {len(changed)} file(s): {', '.join(changed) or '-'}")
    return 0


def _preview(args: argparse.Namespace) -> int:
    from .living.preview import preview

    preview(Path(args.project), port=args.port, cores=args.cores)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and documentation."""
    parser = argparse.ArgumentParser(
        prog="livingreview",
        description="Check, render and keep a living systematic review up to date. The "
        "workflow (snakemake) runs the same functions; these commands are for work by "
        "hand, for example 'livingreview check' while editing a chapter.",
    )
    parser.add_argument("--project", default=".", help="review project folder (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create a new review project (zero studies) in FOLDER")
    init.add_argument("folder", help="folder to create (must be absent or empty)")
    init.add_argument("--title", default="A living systematic review", help="the review's title")
    init.set_defaults(func=_init)

    feedback = sub.add_parser(
        "docx-feedback",
        help="report the comments and tracked changes of a returned review.docx by chapter line",
    )
    feedback.add_argument("docx", help="the DOCX a co-author edited (made by the build)")
    feedback.add_argument(
        "--apply",
        action="store_true",
        help="write insertions and deletions into plain prose paragraphs of the chapters "
        "(nothing is written if any change cannot be placed)",
    )
    feedback.set_defaults(func=_docx_feedback)

    live = sub.add_parser(
        "preview",
        help="serve the website on 127.0.0.1, rebuild on save and reload the open page",
    )
    live.add_argument("--port", type=int, default=4848, help="port on 127.0.0.1 (default 4848)")
    live.add_argument("--cores", type=int, default=2, help="cores for a workflow rebuild")
    live.set_defaults(func=_preview)

    validate = sub.add_parser("validate", help="check every data file and their links")
    validate.add_argument("--config", default="config/config.yaml")
    validate.set_defaults(func=_validate)

    status = sub.add_parser(
        "status",
        help="to-do list: the stage each record waits at and what each included study lacks "
        "(exit 0 when nothing is missing)",
    )
    status.add_argument("--config", default="config/config.yaml")
    status.set_defaults(func=_status)

    check = sub.add_parser("check", help="check the chapters: syntax, references, citations, files")
    check.add_argument(
        "--quarto-compatible",
        action="store_true",
        help="also report what would render differently under real Quarto",
    )
    check.set_defaults(func=_check)

    render = sub.add_parser("render", help="render _book/ (website, DOCX, PDF)")
    render.add_argument("--backend", choices=["auto", "quarto", "embedded"], default="auto")
    render.add_argument(
        "--formats", nargs="+", choices=["html", "docx", "pdf"], default=["html", "docx", "pdf"]
    )
    render.add_argument(
        "--lenient",
        action="store_true",
        help="render unresolved cross-references as ?@id with a warning, as Quarto does "
        "(embedded backend), instead of refusing the book",
    )
    render.set_defaults(func=_render)

    imp = sub.add_parser(
        "import-search",
        help="import a search export (RIS, PubMed/MEDLINE, Web of Science, Scopus, Cochrane, "
        "registers) into the ledger, de-duplicated; the same file twice is a no-op",
    )
    imp.add_argument("export", help="the exported file")
    imp.add_argument("--source", required=True, help="database or method, e.g. MEDLINE")
    imp.add_argument(
        "--source-type",
        required=True,
        choices=["database", "register", "website", "organisation", "citation_search"],
    )
    imp.add_argument("--search-date", required=True, help="YYYY-MM-DD the search was run")
    imp.add_argument(
        "--format",
        choices=["auto", "ris", "pubmed", "csv", "wos", "tab", "cochrane", "ictrp"],
        default="auto",
        help="export format (default: told from the file)",
    )
    imp.add_argument(
        "--sheet", help="screening sheet to write (default screening/<date>_<source>[_N].csv)"
    )
    imp.add_argument("--report", help="de-duplication report (default ..._dedup.csv)")
    imp.set_defaults(func=_import_search)

    sheet = sub.add_parser(
        "screening-sheet", help="write a sheet of the records waiting at one stage"
    )
    sheet.add_argument("output", help="CSV file to write (never overwritten)")
    sheet.add_argument(
        "--stage", choices=["screening", "retrieval", "eligibility", "linking"], default="screening"
    )
    sheet.add_argument("--reviewer", default="", help="name to put in the reviewer column")
    sheet.set_defaults(func=_screening_sheet)

    apply = sub.add_parser(
        "apply-screening", help="record a completed sheet's decisions (any stage, any reviewer)"
    )
    apply.add_argument("sheet", help="the completed sheet")
    apply.add_argument("--reviewer", default="", help="who decided (for empty reviewer cells)")
    apply.add_argument("--date", help="when (YYYY-MM-DD) for empty decided_on cells; default today")
    apply.set_defaults(func=_apply_screening)

    decisions = sub.add_parser(
        "import-decisions",
        help="turn a Rayyan, ASReview or Covidence export into completed sheets (per reviewer)",
    )
    decisions.add_argument("export", help="the tool's CSV export")
    decisions.add_argument("--tool", required=True, choices=["rayyan", "asreview", "covidence"])
    decisions.add_argument("--stage", choices=["screening", "eligibility"], default="screening")
    decisions.add_argument("--reviewer", default="", help="who screened (ASReview, Covidence)")
    decisions.add_argument(
        "--decision", choices=["include", "exclude"], help="the list a Covidence file is"
    )
    decisions.set_defaults(func=_import_decisions)

    conflicts = sub.add_parser(
        "conflicts", help="list disagreements between the two reviewers (exit 1 if any)"
    )
    conflicts.add_argument("--output", help="also write them to this sheet to record resolutions")
    conflicts.set_defaults(func=_conflicts)

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
    release.add_argument(
        "--check",
        action="store_true",
        help="dry run: list the studies added and removed, the claims whose truth changed "
        "and any that fail; write nothing",
    )
    release.add_argument(
        "--no-rebuild", action="store_true", help="do not rebuild _book/ after the release"
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

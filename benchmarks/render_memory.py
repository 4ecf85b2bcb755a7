"""Benchmark: the peak memory of ``render_book`` by phase, in this process.

Usage (DIR is a built project, e.g. the SYNTHETIC 1,000-study review that
``python benchmarks/scale.py --sizes 1000:100000 --no-floor --keep K`` keeps; the
render replaces DIR's ``_book/``, so run it on a copy):

    python benchmarks/render_memory.py DIR
    PYTHONPATH=<other checkout>/src python benchmarks/render_memory.py DIR   # before

It runs :func:`livingreview.render.render_book` as the ``render_book`` rule runs
it (the workflow's environment and caches under ``results/cache/``) and samples
the summed RSS of this process and its children (Pandoc) every 20 ms. Printed:
the RSS at the start of each phase (the book model, citeproc, each format,
Typst's compile), the peak of the whole tree and of this process in each phase,
and CPU seconds. Typst runs in this process (the ``typst`` wheel), so its
compile shows as this process's growth. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.proc_tree import process_tree, rss_kb

PHASES = (
    "citeproc_book",
    "write_html",
    "docx_document",
    "convert_docx",
    "typst_document",
    "typst_source",
)


class Sampler(threading.Thread):
    """Peak RSS (KB) of the whole tree and of this process, per phase."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.phase = "start"
        self.tree: dict[str, float] = {}
        self.own: dict[str, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.done.is_set():
            total = sum(rss_kb(p) for p in process_tree(me))
            own = rss_kb(me)
            self.tree[self.phase] = max(self.tree.get(self.phase, 0.0), total)
            self.own[self.phase] = max(self.own.get(self.phase, 0.0), own)
            time.sleep(0.02)


def _wrap(module: object, name: str, sampler: Sampler, label: str) -> None:
    original = getattr(module, name, None)
    if original is None:  # an older checkout without this step
        return

    def phase(*args: object, **kwargs: object) -> object:
        print(f"  {label:22s} starts at {rss_kb(os.getpid()) / 1024:6.0f} MB", flush=True)
        sampler.phase = label
        try:
            return original(*args, **kwargs)
        finally:
            sampler.phase = f"after {label}"

    setattr(module, name, phase)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument(
        "--isolate",
        action="store_true",
        help="as the render_book rule renders: the book and the website and DOCX in a "
        "child process, Typst here (phases in the child are printed but counted here "
        "as the phase 'isolated')",
    )
    args = parser.parse_args(argv)
    project = args.project.resolve()
    os.chdir(project)
    import typst
    import yaml

    import livingreview.render as render
    import livingreview.render.embedded as embedded
    import livingreview.render.typst_pdf as typst_pdf
    from livingreview.workflow import cache_environment, reproducible_environment

    os.environ.update(reproducible_environment("."))
    os.environ.update(cache_environment("."))
    sampler = Sampler()
    sampler.start()
    _wrap(render, "build_book", sampler, "build_book")
    for name in PHASES:
        _wrap(embedded, name, sampler, name)
    _wrap(typst_pdf, "compile_pdf", sampler, "compile_pdf")  # called from render_book
    _wrap(typst, "query", sampler, "typst.query")
    _wrap(typst, "compile", sampler, "typst.compile")
    config = yaml.safe_load((project / "config" / "config.yaml").read_text(encoding="utf-8"))
    print(f"{render.__file__}, load {os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    extra = {"isolate": True} if args.isolate else {}
    if args.isolate:
        sampler.phase = "isolated"
    render.render_book(project, backend="embedded", formats=config["render"]["formats"], **extra)
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    peak = max(sampler.tree.values())
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s (Pandoc {kids.ru_utime + kids.ru_stime:.1f})")
    print(f"peak RSS: whole tree {peak / 1024:.0f} MB, this process {own.ru_maxrss / 1024:.0f} MB")
    if args.isolate:
        print(f"  the child's peak: {kids.ru_maxrss / 1024:.0f} MB (with its Pandoc)")
    for phase, kb in sampler.tree.items():
        print(
            f"  {phase:28s} tree {kb / 1024:6.0f} MB  this process {sampler.own[phase] / 1024:6.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

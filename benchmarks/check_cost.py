"""Benchmark: what the manuscript check costs in a built project (issue 19): the check
`render_book` starts with, and `livingreview check`.

    python benchmarks/check_cost.py PROJECT              # CPU seconds of the check
    python benchmarks/check_cost.py PROJECT --profile F  # and a cProfile dump in F

Runs the check (`check_manuscript_report`) in PROJECT as the workflow does
(its cache folders and reproducible environment set, the report written to
results/check/manuscript.txt) and prints the CPU seconds of the check, of the
Pandoc processes it started, of the whole process (start and imports included)
and its peak RSS. Run it with `PYTHONPATH=SNAPSHOT/src` to measure other code.

The memo in results/cache/model/ is used only by the code, Pandoc and Python that
wrote it, and Pandoc's bibliography read is kept under the file's absolute path:
to measure an edit, let the same code check the project once at the path it is
then measured at, copy it, make the edit, and measure on the copy moved back to
that path (benchmarks/results.md, session s11-checkmemo, gives the commands).
"""

from __future__ import annotations

import cProfile
import os
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    project = Path(argv[0]).resolve()
    os.chdir(project)
    from livingreview.workflow import cache_environment, reproducible_environment

    os.environ.update(reproducible_environment(project))
    os.environ.update(cache_environment(project))
    started, wall = time.process_time(), time.time()
    import livingreview
    from livingreview.render import check_manuscript_report

    print("code", livingreview.__file__)
    imported = time.process_time() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = time.process_time()
    profile = cProfile.Profile() if "--profile" in argv else None
    if profile:
        profile.enable()
    check_manuscript_report(Path("."), "results/check/manuscript.txt", on_false_claim="stop")
    if profile:
        profile.disable()
        profile.dump_stats(argv[argv.index("--profile") + 1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pandoc = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    print(
        f"check cpu {time.process_time() - before:.2f} s + children {pandoc:.2f} s, "
        f"import {imported:.2f}, wall {time.time() - wall:.2f}"
    )
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    print(
        f"process total cpu {total + pandoc:.2f} s (python {total:.2f} + pandoc {pandoc:.2f}), "
        f"peak rss {own.ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main(sys.argv[1:])

"""The floor of a build: every rule's script run in one Python process, in order.

Run in a project after `snakemake --skip-script-cleanup` has built it: the scripts
Snakemake generated (.snakemake/scripts/tmp*.<rule>.py, each its preamble with the
job's inputs, outputs and params followed by the rule's script) are run again one
after the other, oldest first (the order Snakemake started them, which respects
the dependencies), in this one process. Each library is imported once and no
Snakemake scheduling runs: what is left is the work itself.

    python benchmarks/floor.py [project]    # prints wall and CPU seconds
"""

from __future__ import annotations

import os
import runpy
import sys
import time
from pathlib import Path


def main() -> int:
    project = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    os.chdir(project)
    scripts = sorted((project / ".snakemake" / "scripts").glob("tmp*.py"), key=os.path.getmtime)
    if not scripts:
        sys.exit("no kept scripts: build with `snakemake --skip-script-cleanup` first")
    start, cpu = time.perf_counter(), time.process_time()
    for script in scripts:
        runpy.run_path(str(script), run_name="__main__")
    print(
        f"floor: {len(scripts)} scripts, {time.perf_counter() - start:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU (this process)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

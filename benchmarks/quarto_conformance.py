"""Benchmark: how much of Quarto's own test corpus the embedded backend passes.

Usage (from the project root, in the project's environment):

    python benchmarks/quarto_conformance.py                 # print the pass rate
    python benchmarks/quarto_conformance.py --update-known  # rewrite known_failures.yml

Runs ``tests/unit/test_quarto_corpus.py`` (one case per expectation of the
documents in ``tests/fixtures/quarto/``), then prints the pass rate overall,
per document and per kind of check, and the machine it ran on. A case listed
in ``known_failures.yml`` (a strict xfail) counts as a failure here.
``--update-known`` writes every failing case into that file, keeping the
reasons already written and marking new ones "TODO: reason" for a person to
fill in.

Last recorded: 284/294 = 96.6% (49 of 55 documents pass every case), on
`vm` (2 cores, Python 3.11.7), 2026-11-30; 259/294 = 88.1% before Quarto's
Typst markup was adopted. The 10 remaining failures and their reasons are in
``tests/fixtures/quarto/README.md``.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/unit/test_quarto_corpus.py"
KNOWN = ROOT / "tests" / "fixtures" / "quarto" / "known_failures.yml"


def run_cases() -> dict[str, str]:
    """``{case id: passed|failed|xfailed|xpassed}`` for every corpus case."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                TEST,
                "-q",
                "-p",
                "no:cacheprovider",
                "-k",
                "test_quarto_expectation",
                f"--junitxml={report}",
                "--tb=no",
            ],
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        tree = ET.parse(report)
    out = {}
    for case in tree.iter("testcase"):
        name = case.get("name", "")
        if "[" not in name:
            continue
        ident = name[name.index("[") + 1 : -1]
        if case.find("skipped") is not None and "xfail" in (
            case.find("skipped").get("type", "") + case.find("skipped").get("message", "")
        ):
            out[ident] = "xfailed"
        elif case.find("failure") is not None or case.find("error") is not None:
            out[ident] = "failed"
        else:
            out[ident] = "passed"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update-known", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    results = run_cases()
    elapsed = time.perf_counter() - start
    total = len(results)
    passed = sum(1 for r in results.values() if r == "passed")
    print(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''}".strip())
    print(f"python {platform.python_version()}, {elapsed:.1f} s for {total} cases")
    print(f"pass rate: {passed}/{total} = {100 * passed / max(total, 1):.1f}%")
    by_kind: dict[str, Counter] = defaultdict(Counter)
    by_doc: dict[str, Counter] = defaultdict(Counter)
    for ident, result in results.items():
        doc = ident.split("/", 1)[0]
        kind = ident.split(":")[2].split("#")[0].rstrip("!")
        ok = "passed" if result == "passed" else "failed"
        by_kind[kind][ok] += 1
        by_doc[doc][ok] += 1
    print("\n| check | passed | total |\n| --- | --- | --- |")
    for kind, count in sorted(by_kind.items()):
        print(f"| {kind} | {count['passed']} | {count['passed'] + count['failed']} |")
    complete = sum(1 for c in by_doc.values() if not c["failed"])
    print(f"\ndocuments passing every expectation: {complete}/{len(by_doc)}")
    if args.update_known:
        known = yaml.safe_load(KNOWN.read_text(encoding="utf-8")) or {}
        failing = sorted(i for i, r in results.items() if r in ("failed", "xfailed"))
        new = {i: known.get(i, "TODO: reason") for i in failing}
        text = yaml.safe_dump(new, allow_unicode=True, width=100, sort_keys=True)
        KNOWN.write_text(
            "# Corpus cases that fail, each with its reason (strict xfails: a case that\n"
            "# starts passing fails the run until it is removed from this list).\n" + text,
            encoding="utf-8",
        )
        print(f"wrote {len(new)} known failures to {KNOWN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

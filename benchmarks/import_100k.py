"""Benchmark: import 100,000 synthetic search records per export format, then `status`.

SYNTHETIC DATA generated here (titles "Synthetic record N", DOIs 10.9999/bench.N,
PMIDs from 80000000); none of it is evidence. One record in ten is a planted
duplicate (by DOI, PMID or title + year) so the matching is exercised.

    python benchmarks/import_100k.py                       # every format, then status
    python benchmarks/import_100k.py --format ris          # one format
    python benchmarks/import_100k.py --records 20000       # smaller

The exports are written first; each is then imported in a fresh process, so the
peak memory printed (max RSS) is that import's alone (Python, the package and
its libraries included). The import covers parse, structure checks, matching,
validation and writing the ledger, sheet, report and import log. `status` is
then timed on the 100,000-record ledger the CSV import produced. Targets
(issue 13): import <= 10 s and <= 500 MB per format on this machine.
Wall time depends on what else the machine runs (the load average is printed);
CPU time is the process's own. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LEDGER_HEADER = (
    "record_id,source_type,source,search_date,title,authors,year,journal,doi,pmid,url,"
    "duplicate_of,removed,removed_reason,screening,screening_reason,retrieval,eligibility,"
    "exclusion_reason,study_id,bib_key,notes\n"
)
FORMATS = ("csv", "ris", "pubmed", "wos", "tab", "cochrane", "ictrp")
SUFFIX = {"csv": "csv", "ris": "ris", "pubmed": "nbib", "wos": "txt", "tab": "txt"}
SUFFIX.update({"cochrane": "txt", "ictrp": "xml"})


def synthetic_records(n: int) -> list[dict[str, str]]:
    """``n`` synthetic records; every tenth repeats an earlier one by DOI, PMID or title."""
    out = []
    for i in range(n):
        rec = {
            "title": f"Synthetic record {i}: ketamine and anxiety, part {i % 97}",
            "authors": f"Synthetic, {chr(65 + i % 26)}; Benchmark, {chr(65 + i % 7)}.",
            "year": str(1990 + i % 35),
            "journal": f"Journal of Synthetic Results {i % 50}",
            "doi": f"10.9999/bench.{i}",
            "pmid": str(80000000 + i),
            "url": "",
        }
        if i % 10 == 9:
            earlier = out[i // 2]
            kind = (i // 10) % 3
            if kind == 0:
                rec["doi"] = earlier["doi"].upper()
            elif kind == 1:
                rec.update(doi="", pmid=earlier["pmid"])
            else:
                rec.update(doi="", pmid="", title=earlier["title"].upper(), year=earlier["year"])
        out.append(rec)
    return out


def _authors(r: dict[str, str]) -> list[str]:
    return [a.strip() for a in r["authors"].split(";")]


def write_export(records: list[dict[str, str]], path: Path, fmt: str) -> None:
    """Write the records in the layout of ``fmt`` (see tests/fixtures/formats/)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = handle.write
        if fmt in ("csv", "tab"):
            if fmt == "tab":
                header = ["PT", "AU", "TI", "SO", "PY", "DI", "PM"]
                w("\t".join(header) + "\t\n")
                for r in records:
                    cells = ["J", "; ".join(_authors(r)), r["title"], r["journal"], r["year"]]
                    w("\t".join([*cells, r["doi"], r["pmid"]]) + "\t\n")
                return
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
        elif fmt == "ris":
            for r in records:
                w(f"TY  - JOUR\nTI  - {r['title']}\nPY  - {r['year']}\n")
                for a in _authors(r):
                    w(f"AU  - {a}\n")
                w(f"JO  - {r['journal']}\n")
                if r["doi"]:
                    w(f"DO  - {r['doi']}\n")
                if r["pmid"]:
                    w(f"AN  - {r['pmid']}\n")
                w("ER  - \n\n")
        elif fmt == "pubmed":
            for j, r in enumerate(records):
                w(f"PMID- {r['pmid'] or 70000000 + j}\nTI  - {r['title']}\n")
                w(f"DP  - {r['year']}\nJT  - {r['journal']}\n")
                for a in _authors(r):
                    w(f"AU  - {a}\n")
                if r["doi"]:
                    w(f"LID - {r['doi']} [doi]\n")
                w("\n")
        elif fmt == "wos":
            w("FN Clarivate Analytics Web of Science\nVR 1.0\n")
            for r in records:
                w(f"PT J\nAU {_authors(r)[0]}\n")
                for a in _authors(r)[1:]:
                    w(f"   {a}\n")
                w(f"TI {r['title']}\nSO {r['journal']}\nPY {r['year']}\n")
                if r["doi"]:
                    w(f"DI {r['doi']}\n")
                if r["pmid"]:
                    w(f"PM {r['pmid']}\n")
                w("ER\n\n")
            w("EF\n")
        elif fmt == "cochrane":
            for i, r in enumerate(records, start=1):
                w(f"Record #{i} of {len(records)}\nID: CN-{i:08d}\n")
                for a in _authors(r):
                    w(f"AU: {a}\n")
                w(f"TI: {r['title']}\nSO: {r['journal']}\nYR: {r['year']}\n")
                if r["doi"]:
                    w(f"DOI: {r['doi']}\n")
                if r["pmid"]:
                    w(f"PM: {r['pmid']}\n")
                w("\n")
        else:  # ictrp: register records have no DOI/PMID; the title+year duplicates remain
            w('<?xml version="1.0" encoding="UTF-8"?>\n<Trials_downloaded_from_ICTRP>\n')
            for i, r in enumerate(records):
                title = r["title"].replace("&", "&amp;").replace("<", "&lt;")
                w(f"<Trial><TrialID>SYN{i:08d}</TrialID><Public_title>{title}</Public_title>")
                w(f"<Date_registration>01/01/{r['year']}</Date_registration></Trial>\n")
            w("</Trials_downloaded_from_ICTRP>\n")


def run_one(export: Path, fmt: str) -> None:
    """Import ``export`` into an empty ledger and print the figures (a fresh process)."""
    from livingreview.evidence.status import review_status
    from livingreview.ledger.search_import import import_search

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ledger = folder / "records.csv"
        ledger.write_text(LEDGER_HEADER, encoding="utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        result = import_search(
            ledger,
            export,
            source="Synthetic benchmark",
            source_type="register" if fmt == "ictrp" else "database",
            search_date="2024-01-01",
            folder=folder / "screening",
            fmt=fmt,
        )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        n = len(result.rows)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{fmt:9s} {n:,} records: {seconds:5.1f} s wall, {cpu:5.1f} s CPU, "
            f"peak {peak_mb:4.0f} MB ({len(result.new):,} new, "
            f"{len(result.duplicates):,} duplicates)",
            flush=True,
        )
        if fmt == "csv":
            del result
            start, cpu = time.perf_counter(), time.process_time()
            summary = review_status(ledger).summary()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"status    on the {n:,}-record ledger: {seconds:5.1f} s wall, {cpu:5.1f} s CPU, "
                f"peak {peak_mb:4.0f} MB (import and status together) ({summary[:60]}...)",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--format", choices=["all", *FORMATS], default="all")
    parser.add_argument("--import-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.import_only:
        run_one(args.import_only, args.format)
        return 0
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    records = synthetic_records(args.records)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS if args.format == "all" else (args.format,):
            export = Path(tmp) / f"export.{SUFFIX[fmt]}"
            write_export(records, export, fmt)
            cmd = [sys.executable, __file__, "--format", fmt, "--import-only", str(export)]
            subprocess.run(cmd, check=True)  # a fresh process: its peak memory is the import's
            export.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: import 100,000 synthetic search records into a ledger.

SYNTHETIC DATA generated here (titles "Synthetic record N", DOIs 10.9999/bench.N,
PMIDs from 80000000); none of it is evidence. About one record in ten is a
planted duplicate (by DOI, PMID or title + year) so the matching is exercised.

    python benchmarks/import_100k.py [--records 100000] [--format csv|ris|pubmed]

Prints the seconds taken by the import (parse, match, validate, write the
ledger, sheet and report) and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

from livingreview.ledger.search_import import import_search

LEDGER_HEADER = (
    "record_id,source_type,source,search_date,title,authors,year,journal,doi,pmid,url,"
    "duplicate_of,removed,removed_reason,screening,screening_reason,retrieval,eligibility,"
    "exclusion_reason,study_id,bib_key,notes\n"
)


def synthetic_records(n: int) -> list[dict[str, str]]:
    """``n`` synthetic records; every tenth repeats an earlier one by DOI, PMID or title."""
    out = []
    for i in range(n):
        rec = {
            "title": f"Synthetic record {i}: ketamine and anxiety, part {i % 97}",
            "authors": f"Synthetic A{i % 13}; Benchmark B{i % 7}",
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


def write_export(records: list[dict[str, str]], path: Path, fmt: str) -> None:
    """Write the records as a CSV, RIS or PubMed export."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
        elif fmt == "ris":
            for r in records:
                handle.write(f"TY  - JOUR\nTI  - {r['title']}\nPY  - {r['year']}\n")
                if r["doi"]:
                    handle.write(f"DO  - {r['doi']}\n")
                if r["pmid"]:
                    handle.write(f"AN  - {r['pmid']}\n")
                handle.write("ER  - \n\n")
        else:
            for j, r in enumerate(records):
                handle.write(f"PMID- {r['pmid'] or 70000000 + j}\nTI  - {r['title']}\n")
                handle.write(f"DP  - {r['year']}\n")
                if r["doi"]:
                    handle.write(f"LID - {r['doi']} [doi]\n")
                handle.write("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "ris", "pubmed"], default="csv")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ledger = folder / "records.csv"
        ledger.write_text(LEDGER_HEADER, encoding="utf-8")
        suffix = {"csv": "csv", "ris": "ris", "pubmed": "nbib"}[args.format]
        export = folder / f"export.{suffix}"
        write_export(synthetic_records(args.records), export, args.format)
        start = time.perf_counter()
        result = import_search(
            ledger,
            export,
            source="Synthetic benchmark",
            source_type="database",
            search_date="2024-01-01",
            sheet=folder / "sheet.csv",
            report=folder / "report.csv",
            fmt=args.format,
        )
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(result.summary())
    print(f"import of {args.records:,} {args.format} records: {seconds:.1f} s")
    print(f"peak memory (max RSS of the process): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

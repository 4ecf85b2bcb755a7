"""Make the BCG worked example: `livingreview init` plus the 13 published BCG trials.

Usage (in the project's environment):

    python examples/bcg-review/build_review.py /tmp/bcg-review
    cd /tmp/bcg-review && snakemake

PUBLISHED DATA, not review data: the 2x2 counts of the 13 trials of BCG
vaccination against tuberculosis tabulated by Colditz et al., JAMA
1994;271(9):698-702 (doi:10.1001/jama.1994.03510330076038), as stored in the R
package metadat (`dat.bcg`) and in ../bcg/bcg_trials.csv. Nothing else is
added: no trial report was read, so every value beyond the counts, the year,
the first author and the allocation method is left empty, and every
risk-of-bias result is recorded as "Not assessed (full text not obtained)".
It shows that the tool is not tied to one review: the same template, workflow
and checks build a review of a different question from its data alone.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

from livingreview.evidence.risk_of_bias import NOT_ASSESSED
from livingreview.living.new_project import create_project

HERE = Path(__file__).resolve().parent
TRIALS = HERE.parent / "bcg" / "bcg_trials.csv"
TITLE = "BCG vaccine for the prevention of tuberculosis: a worked example"
SOURCE = "https://doi.org/10.1001/jama.1994.03510330076038"
DATASET = "https://wviechtb.github.io/metadat/reference/dat.bcg.html"
READ = "2x2 counts as tabulated by Colditz et al. 1994 (metadat dat.bcg); trial report not read"
DESIGN = {"random": "rct_parallel", "alternate": "non_randomised_controlled",
          "systematic": "non_randomised_controlled"}  # fmt: skip
TOOL = {"rct_parallel": ("RoB 2", 5), "non_randomised_controlled": ("ROBINS-I", 7)}
BIB_MARKER = "% The BCG trials (written by examples/bcg-review/build_review.py)\n"
FIRST_SEARCH, LATEST_SEARCH = "2026-11-01", "2026-11-30"  # illustrative dates: no search ran
NOT_JUDGED = "Not judged: only the published counts were read for this worked example"

PROTOCOL = {
    "question": "Does BCG vaccination prevent tuberculosis, compared with no vaccination?",
    "eligibility": [
        {"id": "P1", "domain": "population",
         "text": "People of any age without tuberculosis at the start of the trial."},
        {"id": "I1", "domain": "intervention", "text": "BCG vaccination."},
        {"id": "C1", "domain": "comparator", "text": "No vaccination."},
        {"id": "O1", "domain": "outcome", "text": "Cases of tuberculosis during follow-up."},
        {"id": "D1", "domain": "design",
         "text": "Prospective trials with random, alternate or systematic allocation."},
    ],
    "exclusion_reasons": {"wrong_design": "Study design not eligible"},
    "diagnosis_groups": {"tuberculosis": "Prevention of tuberculosis"},
    "design_classes": {
        "rct_parallel": "Randomised controlled trial",
        "rct_crossover": "Randomised controlled trial, crossover",
        "non_randomised_controlled": "Trial with alternate or systematic allocation",
        "single_arm": "Uncontrolled (single-arm) study",
        "observational": "Observational study",
    },
    "analyses": [{
        "id": "tuberculosis",
        "outcome": "Cases of tuberculosis, BCG vaccination compared with no vaccination",
        "measure": "RR", "model": "random_reml", "ci_method": "hksj",
        "subgroups": ["design_class"], "lower_is_better": True,
        "favours": {"intervention": "vaccine", "control": "no vaccination"},
    }],
    "search": {"methods": (
        "This worked example takes the 13 trials tabulated by Colditz et al. (1994), "
        "as stored in the metadat data set dat.bcg; no search was run."
    )},
}  # fmt: skip


def bibtex_authors(author: str) -> str:
    """The table's author text as BibTeX names: "A & B" -> "A and B", "A et al" ->
    "A and others", a group name ("TPT Madras") kept whole in braces."""
    if author.endswith(" et al"):
        return author[: -len(" et al")] + " and others"
    if " & " in author:
        return author.replace(" & ", " and ")
    return f"{{{author}}}" if " " in author else author


def _key(row: dict[str, str]) -> str:
    return (
        re.sub(r"[^a-z]", "", row["author"].split()[0].lower()) + row["year"] + "t" + row["trial"]
    )


def _rows(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def build(dest: Path, until_year: int | None = None) -> Path:
    """Write the example project into ``dest`` (absent or empty) and return it.

    ``until_year`` keeps only the trials published up to that year, as a first
    version of the review would have had them (an illustration: :func:`update` then
    adds the later trials, found by a later search)."""
    create_project(dest, title=TITLE)
    (dest / "data" / "protocol.yaml").write_text(
        "# Protocol of the BCG worked example (see examples/bcg-review/README.md).\n"
        + yaml.safe_dump(PROTOCOL, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    refs = dest / "refs" / "references.bib"
    refs.write_text(refs.read_text(encoding="utf-8") + "\n" + BIB_MARKER, encoding="utf-8")
    _write_data(dest, until_year, until_year)
    return dest


def update(dest: Path, first_until: int) -> Path:
    """Add the trials published after ``first_until`` to a project made by
    ``build(dest, until_year=first_until)``: a later search found them."""
    _write_data(dest, None, first_until)
    return dest


def _write_data(dest: Path, until_year: int | None, first_until: int | None) -> None:
    data = dest / "data"
    trials = [
        row
        for row in csv.DictReader(TRIALS.open(encoding="utf-8"))
        if until_year is None or int(row["year"]) <= until_year
    ]
    records, studies, sources, rob, bib, effects = [], [], [], [], [], []
    for row in trials:
        i = int(row["trial"])
        key = _key(row)
        first = first_until is not None and int(row["year"]) <= first_until
        search_date = FIRST_SEARCH if first else LATEST_SEARCH
        n = sum(int(row[c]) for c in ("tpos", "tneg", "cpos", "cneg"))
        design = DESIGN[row["alloc"]]
        records.append({
            "record_id": f"B{i:02d}", "source_type": "citation_search",
            "source": "Trials tabulated by Colditz et al. 1994", "search_date": search_date,
            "title": f"BCG trial {row['trial']} of Colditz et al. 1994", "authors": row["author"],
            "year": row["year"], "url": SOURCE, "screening": "include", "retrieval": "retrieved",
            "eligibility": "include", "study_id": key, "bib_key": key, "notes": READ,
        })  # fmt: skip
        studies.append({
            "study_id": key, "bib_key": key, "diagnosis_group": "tuberculosis",
            "design_class": design, "n": n,
            "comparator": "No vaccination",
        })  # fmt: skip
        sources.append({"study_id": key, "field": "*", "source": SOURCE, "note": READ})
        effects.append({
            "study_id": key, "analysis": "tuberculosis", "measure_used": "Tuberculosis cases",
            "timepoint": "End of follow-up", "events_t": row["tpos"],
            "n_t": int(row["tpos"]) + int(row["tneg"]), "events_c": row["cpos"],
            "n_c": int(row["cpos"]) + int(row["cneg"]), "read_from": "dataset",
            "source": f"{SOURCE} | {DATASET}", "notes": READ,
        })  # fmt: skip
        tool, domains = TOOL[design]
        judgement = {f"D{d}": NOT_ASSESSED for d in range(1, domains + 1)}
        support = {f"D{d}_support": NOT_JUDGED for d in range(1, domains + 1)}
        rob.append({
            "study_id": key, "tool": tool, "result_assessed": "Cases of tuberculosis",
            **judgement, "overall": NOT_ASSESSED, "weight": n, **support,
            "overall_support": NOT_JUDGED, "source": SOURCE,
        })  # fmt: skip
        bib.append(
            # the trial's own report was not read: the entry names it as the table does,
            # and says which fields no source read confirms (the bibliography gate)
            f"@misc{{{key},\n  unconfirmed = {{author, doi}},\n"
            f"  author = {{{bibtex_authors(row['author'])}}},\n"
            f"  year = {{{row['year']}}},\n"
            f"  title = {{{{BCG}} trial {row['trial']} in Colditz et al. (1994)}}\n}}\n"
        )
    _rows(data / "records.csv", _header(data / "records.csv"), records)
    _rows(data / "studies.csv", _header(data / "studies.csv"), studies)
    _rows(data / "extraction_sources.csv", _header(data / "extraction_sources.csv"), sources)
    _rows(data / "risk_of_bias.csv", _header(data / "risk_of_bias.csv"), rob)
    _rows(data / "effects.csv", _header(data / "effects.csv"), effects)
    refs = dest / "refs" / "references.bib"
    base = refs.read_text(encoding="utf-8").split(BIB_MARKER)[0]
    refs.write_text(base + BIB_MARKER + "\n".join(bib), encoding="utf-8")


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))

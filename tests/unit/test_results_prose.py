"""Hand-written sentences about single outcomes say no more than the extraction sheet.

The chapters describe some results in words (the cited studies' own findings),
which the claim scanner lets through because they carry a citation. These tests
hold two kinds of them to ``data/outcomes.csv``:

- a "no difference" from a controlled comparison must name the outcome it was
  found on when the same study found a benefit on another outcome (the PTSD
  trial found no difference in PTSD symptoms but a benefit on depression);
- a sentence about blood pressure cites only reports that measured it, and,
  without citations, names the study that did.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from livingreview.text.claims import without_claims

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [ROOT / "index.qmd", *sorted((ROOT / "manuscript").glob("*.qmd"))]


def _sentences(text: str) -> list[str]:
    text = re.sub(r"\{\{<[^>]*>\}\}", " VAR ", text)
    text = re.sub(r"\{[#.][^}]*\}", " ", text)
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(\[`*])|\n\s*\n", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def _all_sentences(chapters: list[Path], abstract: str = "") -> list[str]:
    out = _sentences(abstract)
    for path in chapters:
        lines = path.read_text(encoding="utf-8").splitlines()
        # Checked claims stay in: only their markup goes, their words are prose too.
        out += _sentences("\n".join(lines))
        out += _sentences("\n".join(without_claims(lines)))
    return out


def _abstract() -> str:
    return str(yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["abstract"])


def _cited(sentence: str) -> set[str]:
    keys = set(re.findall(r"@([a-z][\w-]*)", sentence))
    return {k for k in keys if not re.match(r"(sec|fig|tbl|eq)-", k)}


def _symptoms(measure: str) -> str:
    """ "PCL-5 (PTSD symptoms)" -> "PTSD symptoms"; the measure itself otherwise."""
    found = re.search(r"\(([^)]*symptoms)\)", measure)
    return found.group(1) if found else measure


def null_without_outcome(sentences: list[str], outcomes: pd.DataFrame) -> list[str]:
    """Sentences saying a study found no difference without naming the outcome,
    for studies whose controlled comparisons found a benefit on another outcome."""
    controlled = outcomes[outcomes["comparison"] == "control"]
    flagged = []
    for study, rows in controlled.groupby("study_id"):
        null = rows[rows["direction"] == "no_clear_difference"]
        if null.empty or not (rows["direction"] == "benefit").any():
            continue
        reports = set(rows["report"]) | {study}
        names = {_symptoms(m) for m in null["measure"]}
        for sentence in sentences:
            cites = _cited(sentence) & reports and "no difference" in sentence
            if cites and not any(name in sentence for name in names):
                flagged.append(sentence)
    return flagged


def blood_pressure_misattributed(sentences: list[str], outcomes: pd.DataFrame) -> list[str]:
    """Sentences about blood pressure that cite a report which did not measure it, or
    that cite nothing and do not name the study that did when only one did."""
    harms = outcomes[outcomes["domain"] == "adverse_effects"]
    measured = harms[harms["measure"].str.contains("blood pressure", case=False)]
    reports = set(measured["report"])
    studies = set(measured["study_id"])
    flagged = []
    for sentence in sentences:
        if "blood pressure" not in sentence.lower():
            continue
        cited = _cited(sentence)
        wrong = bool(cited - reports)
        unnamed = not cited and len(studies) == 1 and "Glue" not in sentence
        if wrong or unnamed:
            flagged.append(sentence)
    return flagged


def _outcomes() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data/outcomes.csv", dtype=str).fillna("")


def test_the_shipped_text_limits_the_trial_null_to_its_outcome() -> None:
    assert null_without_outcome(_all_sentences(CHAPTERS, _abstract()), _outcomes()) == []


def test_the_shipped_text_attributes_blood_pressure_to_the_studies_that_measured_it() -> None:
    assert blood_pressure_misattributed(_all_sentences(CHAPTERS, _abstract()), _outcomes()) == []


def test_dissociation_is_the_adverse_effect_most_often_reported() -> None:
    # Results 3.4 and the abstract say so; the extraction sheet must agree.
    harms = _outcomes().query("domain == 'adverse_effects'")
    studies = {
        word: set(harms.loc[harms["measure"].str.contains(word, case=False), "study_id"])
        for word in ("dissociat", "blood pressure")
    }
    assert len(studies["dissociat"]) > len(studies["blood pressure"]) == 1


def test_the_old_sentences_are_caught() -> None:
    outcomes = _outcomes()
    old_null = (
        "The only randomised trial, placebo-controlled and in PTSD, found no difference "
        "between ketamine and placebo [@abdallah2022]."
    )
    assert null_without_outcome([old_null], outcomes) == [old_null]
    old_harms = (
        "Where adverse effects were reported, the most consistent were transient "
        "dissociation and rises in blood pressure and heart rate around dosing "
        "[@glue2017; @glue2018; @albott2018; @abdallah2022]."
    )
    old_abstract = (
        "Transient dissociation and rises in blood pressure were the most consistent "
        "adverse effects."
    )
    assert blood_pressure_misattributed([old_harms, old_abstract], outcomes) == [
        old_harms,
        old_abstract,
    ]

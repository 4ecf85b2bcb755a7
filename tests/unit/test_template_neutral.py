"""A new review (`livingreview init`) carries nothing of the ketamine review: its table
headings are neutral, and a review names its own in config/config.yaml (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from livingreview.synthesis.narrative import findings_columns
from livingreview.tables.characteristics import (
    characteristics_table,
    heading_keys,
    summary_by_diagnosis,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "src" / "livingreview" / "project_template"
KETAMINE_WORDS = re.compile(r"ketamine|anxiety|anxiolytic|refractory|diagnosis", re.IGNORECASE)
STUDY = {"study_id": "s1", "bib_key": "s1", "diagnosis_group": "all", "design_class": "rct",
         "n": 10}  # fmt: skip
EMPTY_OUTCOMES = pd.DataFrame(
    columns=["study_id", "domain", "direction", "time_role", "time_value", "time_unit", "dosing"]
)


def _headers(headings=None) -> tuple[str, str]:
    studies = pd.DataFrame([STUDY])
    table = characteristics_table(studies, {"all": "All"}, {"rct": "RCT"}, headings=headings)
    summary = summary_by_diagnosis(
        studies, {"all": "All"}, design_labels={"rct": "RCT"},
        extra_columns=findings_columns(EMPTY_OUTCOMES, headings), headings=headings,
    )  # fmt: skip
    head = " ".join(line for line in table.splitlines()[:4] if line.startswith("|"))
    return head, summary.splitlines()[0]


def test_default_headings_name_no_review_topic() -> None:
    characteristics, summary = _headers()
    assert not KETAMINE_WORDS.search(characteristics), characteristics
    assert not KETAMINE_WORDS.search(summary), summary
    assert "Population" in characteristics and "Intervention" in characteristics
    assert summary.startswith("| Group |")


def test_a_review_names_its_own_headings() -> None:
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    characteristics, summary = _headers(config["tables"]["headings"])
    assert "Refractory" in characteristics and "Main anxiety finding" in characteristics
    assert summary.startswith("| Diagnosis group |")
    assert "Reported duration of anxiolytic effect" in summary


def test_every_renameable_heading_is_in_the_config_schema() -> None:
    schema = yaml.safe_load(
        (ROOT / "src/livingreview/schemas/config.schema.yaml").read_text(encoding="utf-8")
    )
    names = schema["properties"]["tables"]["properties"]["headings"]["propertyNames"]["enum"]
    assert names == heading_keys()


def test_template_text_names_no_ketamine_topic() -> None:
    """Chapters, configuration, protocol and READMEs of a new project (data column names
    of studies.csv are the package's schema and excepted)."""
    found = []
    for path in TEMPLATE.rglob("*"):
        if path.is_file() and path.suffix in {".qmd", ".yml", ".yaml", ".md", ".txt"}:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"ketamine|anxiolytic|anxiety", line, re.IGNORECASE):
                    found.append(f"{path.relative_to(TEMPLATE)}:{n}: {line}")
    assert not found, found

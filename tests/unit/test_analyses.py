"""Declared meta-analyses: data/effects.csv, pooling, and the statement when nothing pools."""

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from meta_fixtures import BCG_CNEG, BCG_CPOS, BCG_TNEG, BCG_TPOS

from livingreview.errors import DataError
from livingreview.evidence.effects import load_effects
from livingreview.evidence.review_data import read_protocol
from livingreview.synthesis import effect_sizes as es
from livingreview.synthesis.analyses import analysis_variables, run_analysis
from livingreview.synthesis.meta_analysis import mantel_haenszel, rma
from livingreview.validation import load_table

COLUMNS = [
    "study_id",
    "analysis",
    "measure_used",
    "timepoint",
    "events_t",
    "n_t",
    "events_c",
    "n_c",
    "mean_t",
    "sd_t",
    "mean_c",
    "sd_c",
    "estimate",
    "ci_lower",
    "ci_upper",
    "read_from",
    "source",
    "notes",
]
SRC = "https://example.org/synthetic"


def write_effects(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({"measure_used": "scale", "timepoint": "end", "read_from": "abstract"} | r)
    return path


# Synthetic studies and analyses (labelled: test data, not review data).
STUDIES = pd.DataFrame(
    {
        "study_id": [f"s{i:02d}" for i in range(1, 14)] + ["open1"],
        "design_class": ["rct_parallel"] * 13 + ["single_arm"],
        "diagnosis_group": ["a"] * 6 + ["b"] * 7 + ["a"],
    }
)
LABELS = {s: s.upper() for s in STUDIES["study_id"]}


def analysis(**kw):
    base = {"id": "primary", "outcome": "Relapse", "measure": "RR", "model": "random_reml"}
    return base | kw


def bcg_rows():
    return [
        {
            "study_id": f"s{i + 1:02d}",
            "analysis": "primary",
            "events_t": int(BCG_TPOS[i]),
            "n_t": int(BCG_TPOS[i] + BCG_TNEG[i]),
            "events_c": int(BCG_CPOS[i]),
            "n_c": int(BCG_CPOS[i] + BCG_CNEG[i]),
            "source": SRC,
        }
        for i in range(13)
    ]


def test_pooled_analysis_equals_the_engine_and_names_the_study_without_numbers(tmp_path):
    eff = load_effects(write_effects(tmp_path / "e.csv", bcg_rows()), STUDIES, [analysis()])
    res = run_analysis(
        analysis(ci_method="hksj", subgroups=["diagnosis_group"]), eff, STUDIES, LABELS
    )
    e = es.binary("RR", BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    direct = rma(e.yi, e.vi, method="REML", test="hksj")
    assert res.result.estimate == pytest.approx(direct.estimate)
    assert res.result.ci_lb == pytest.approx(direct.ci_lb)
    assert res.missing == {"open1": "has no control group"}
    assert res.statement.startswith("This analysis pooled 13 studies.")
    assert "OPEN1 had no control group, so it cannot enter." in res.statement
    assert res.egger is not None and res.egger_note == ""
    assert len(res.leave_one_out) == 13
    assert set(res.subgroups["diagnosis_group"].groups) == {"a", "b"}
    v = analysis_variables(res)
    assert (v["estimate"], v["ci_lower"], v["ci_upper"]) == ("0.49", "0.33", "0.73")  # README
    assert v["pooled"] == "yes" and v["k"] == 13
    assert v["i2"] == "92%" and v["i2_q"] == "92%"
    assert v["egger"].startswith("Egger's regression test: z = ")
    assert v["subgroup_diagnosis_group"].startswith("Q = ")


def test_mantel_haenszel_model_uses_the_counts(tmp_path):
    eff = load_effects(write_effects(tmp_path / "e.csv", bcg_rows()), STUDIES, [analysis()])
    res = run_analysis(analysis(model="mantel_haenszel"), eff, STUDIES, LABELS)
    assert res.result.estimate == pytest.approx(
        mantel_haenszel("RR", BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG).estimate
    )


def test_egger_is_suppressed_below_ten_studies(tmp_path):
    eff = load_effects(write_effects(tmp_path / "e.csv", bcg_rows()[:5]), STUDIES, [analysis()])
    res = run_analysis(analysis(), eff, STUDIES, LABELS)
    assert res.egger is None
    assert "at least 10 studies" in res.egger_note
    assert analysis_variables(res)["egger"] == res.egger_note


def test_estimates_with_ci_are_pooled_on_the_log_scale(tmp_path):
    rows = [
        {
            "study_id": "s01",
            "analysis": "primary",
            "estimate": 0.5,
            "ci_lower": 0.25,
            "ci_upper": 1.0,
        },
        {
            "study_id": "s02",
            "analysis": "primary",
            "estimate": 0.8,
            "ci_lower": 0.4,
            "ci_upper": 1.6,
        },
    ]
    rows = [r | {"source": SRC} for r in rows]
    eff = load_effects(write_effects(tmp_path / "e.csv", rows), STUDIES, [analysis()])
    res = run_analysis(analysis(model="common_effect"), eff, STUDIES, LABELS)
    se = np.log(2) / 1.959963984540054
    assert res.studies[0].vi == pytest.approx(se**2)
    w = 1 / se**2
    assert res.result.estimate == pytest.approx((w * np.log(0.5) + w * np.log(0.8)) / (2 * w))


def test_nothing_to_pool_gives_a_statement_naming_who_lacks_what(tmp_path):
    eff = load_effects(write_effects(tmp_path / "e.csv", []), STUDIES, [analysis(measure="SMD")])
    res = run_analysis(analysis(measure="SMD"), eff, STUDIES.iloc[[0, 1, 13]], LABELS)
    assert res.result is None
    assert res.statement.startswith("Nothing is pooled for relapse in this version.")
    assert "OPEN1 had no control group, so it cannot enter." in res.statement
    # a controlled study without a row has not been extracted: the sentence says so
    # and never blames its report for numbers nobody has looked for
    assert (
        "The numbers the analysis needs from S01 and S02 (means, SDs and group sizes per "
        "arm, or an effect estimate with its 95% confidence interval) have not yet been "
        "extracted from their reports." in res.statement
    )
    assert "have no means" not in res.statement
    assert analysis_variables(res)["pooled"] == "no"


def test_one_study_with_numbers_is_not_pooled_and_the_statement_says_why(tmp_path):
    rows = [{"study_id": "s01", "analysis": "primary", "estimate": 0.5, "ci_lower": 0.25,
             "ci_upper": 1.0, "source": SRC}]  # fmt: skip
    eff = load_effects(write_effects(tmp_path / "e.csv", rows), STUDIES, [analysis()])
    res = run_analysis(analysis(), eff, STUDIES.iloc[[0, 1]], LABELS)
    assert res.result is None
    assert res.statement.startswith(
        "Nothing is pooled for relapse in this version: only one study, S01, has its "
        "numbers extracted, and pooling needs at least 2."
    )
    assert "from S02 (event counts per arm" in res.statement


def test_methods_describe_the_declared_analysis_whether_or_not_it_was_pooled():
    from livingreview.text.meta_section import NONE_DECLARED, methods_markdown

    text = methods_markdown(
        [analysis(measure="SMD", ci_method="hksj", subgroups=["diagnosis_group"])]
    )
    assert text.startswith("The protocol pre-specifies a meta-analysis of relapse:")
    expected = (
        "standardised mean difference (Hedges' g), pooled by random effects (REML)",
        "Hartung-Knapp-Sidik-Jonkman confidence interval",
        "subgroups by diagnosis group",
        "once at least two studies have entered it",
        "prediction interval",
    )
    assert [phrase for phrase in expected if phrase not in text] == []
    common = methods_markdown([analysis(model="common_effect", ci_method="wald")])
    assert "Wald confidence interval" in common and "prediction interval" not in common
    assert methods_markdown([]) == NONE_DECLARED


@pytest.mark.parametrize(
    "row, column, message",
    [
        ({"study_id": "zz"}, "study_id", "not in data/studies.csv"),
        ({"analysis": "other"}, "analysis", "not declared"),
        ({"events_t": 500}, "events_t", "exceeds"),
        ({"n_c": ""}, "estimate", "no complete set"),
    ],
)
def test_bad_effect_rows_name_line_and_column(tmp_path, row, column, message):
    path = write_effects(tmp_path / "e.csv", [bcg_rows()[0] | row])
    with pytest.raises(DataError) as err:
        load_effects(path, STUDIES, [analysis()])
    problem = err.value.problems[0]
    assert (problem.row, problem.column) == (2, column)
    assert message in problem.message and problem.fix


def test_measure_that_the_numbers_cannot_give_is_refused(tmp_path):
    path = write_effects(tmp_path / "e.csv", bcg_rows()[:1])
    with pytest.raises(DataError, match="cannot give the analysis's measure SMD"):
        load_effects(path, STUDIES, [analysis(measure="SMD")])


def test_review_effects_file_is_valid_and_every_row_is_sourced(project_root: Path):
    protocol = read_protocol(project_root / "data/protocol.yaml")
    studies = load_table(project_root / "data/studies.csv", "studies")
    eff = load_effects(project_root / "data/effects.csv", studies, protocol["analyses"])
    assert all(str(s).startswith(("http", "PMID:", "PMCID:", "doi:")) for s in eff["source"])
    assert {a["id"] for a in protocol["analyses"]} >= set(eff["analysis"])

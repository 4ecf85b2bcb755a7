"""Run the meta-analyses declared in ``protocol.yaml`` on ``data/effects.csv``.

For each declared analysis: the study effect sizes (from counts, means or a reported
estimate with its CI), the pooled model, subgroup comparisons, leave-one-out, Egger's
test (only from :data:`~.meta_sensitivity.EGGER_MIN_STUDIES` studies on) and a
sentence for the reader.  Studies without the numbers are never imputed: the sentence
names them and what they lack.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..evidence.effects import NEEDED
from ..wording import counted, join_words
from . import effect_sizes as es
from .meta_analysis import MetaResult, mantel_haenszel, peto, rma
from .meta_sensitivity import EGGER_MIN_STUDIES, EggerResult, SubgroupResult, egger_test, subgroups

CONTROLLED_DESIGNS = frozenset({"rct_parallel", "rct_crossover", "non_randomised_controlled"})
MODELS = {
    "common_effect": "EE",
    "mantel_haenszel": "MH",
    "peto": "Peto",
    "random_dl": "DL",
    "random_reml": "REML",
    "random_pm": "PM",
    "random_ml": "ML",
}
MODEL_FIELDS = (
    "method", "test", "k", "estimate", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub",
    "tau2", "Q", "Qp", "I2", "I2_q", "H2", "pval",
)  # fmt: skip
CI_TESTS = {"wald": "z", "hksj": "hksj", "hksj_adhoc": "hksj-adhoc"}
MIN_STUDIES = 2
"""Studies with numbers an analysis needs before it gives a pooled estimate."""
NO_CONTROL = "has no control group"
NOT_EXTRACTED = "numbers not extracted"


@dataclass(frozen=True)
class StudyEffect:
    study_id: str
    label: str
    yi: float
    vi: float
    corrected: bool = False


@dataclass
class AnalysisResult:
    analysis: Mapping[str, Any]
    studies: list[StudyEffect]
    result: MetaResult | None
    missing: dict[str, str]  # study_id -> what it lacks
    statement: str
    subgroups: dict[str, SubgroupResult] = field(default_factory=dict)
    leave_one_out: list[MetaResult] = field(default_factory=list)
    egger: EggerResult | None = None
    egger_note: str = ""

    @property
    def directions(self) -> tuple[str, str]:
        """The direction labels, lower values first (``favours`` in the protocol)."""
        return directions(self.analysis)


def directions(analysis: Mapping[str, Any]) -> tuple[str, str]:
    """The labels "Favours <intervention>" and "Favours <control>", in axis order."""
    names = analysis.get("favours") or {"intervention": "intervention", "control": "control"}
    treated, control = (f"Favours {names[k]}" for k in ("intervention", "control"))
    return (treated, control) if analysis.get("lower_is_better", True) else (control, treated)


def _effect(measure: str, row: Mapping[str, Any]) -> es.EffectSizes:
    kind = row["kind"]
    if kind == "counts":
        a, n1, c, n2 = (row[k] for k in ("events_t", "n_t", "events_c", "n_c"))
        return es.binary(measure, [a], [n1 - a], [c], [n2 - c])
    if kind == "means":
        return es.continuous(
            measure, *(row[k] for k in ("mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c"))
        )
    return es.from_ci(
        row["estimate"], row["ci_lower"], row["ci_upper"], ratio=measure in es.RATIO_MEASURES
    )


def _fit(analysis: Mapping[str, Any], effects: list[StudyEffect], counts: pd.DataFrame | None):
    method = MODELS[analysis["model"]]
    test = CI_TESTS[analysis.get("ci_method", "hksj")]
    y = np.array([e.yi for e in effects])
    v = np.array([e.vi for e in effects])

    def fit(idx: np.ndarray) -> MetaResult:
        if method in ("MH", "Peto") and counts is not None:
            cells = [counts[k].to_numpy(dtype=float)[idx] for k in ("a", "b", "c", "d")]
            if method == "MH":
                return mantel_haenszel(analysis["measure"], *cells)
            return peto(*cells)
        m = "EE" if method in ("MH", "Peto") else method
        return rma(y[idx], v[idx], method=m, test=test if m != "EE" else "z")

    return fit


def run_analysis(
    analysis: Mapping[str, Any],
    effects: pd.DataFrame,
    studies: pd.DataFrame,
    labels: Mapping[str, str],
) -> AnalysisResult:
    """Pool one declared analysis, or explain why it cannot be pooled."""
    measure = analysis["measure"]
    rows = effects[effects["analysis"] == analysis["id"]].to_dict("records")
    rows.sort(key=lambda r: str(r["study_id"]))
    found = {r["study_id"] for r in rows}
    missing: dict[str, str] = {}
    for s in studies.sort_values("study_id").to_dict("records"):
        if s["study_id"] in found:
            continue
        controlled = s.get("design_class") in CONTROLLED_DESIGNS
        missing[s["study_id"]] = NOT_EXTRACTED if controlled else NO_CONTROL
    study_effects = []
    for r in rows:
        e = _effect(measure, r)
        study_effects.append(
            StudyEffect(
                r["study_id"],
                labels.get(r["study_id"], r["study_id"]),
                float(e.yi[0]),
                float(e.vi[0]),
                bool(e.corrected[0]),
            )
        )
    out = AnalysisResult(analysis, study_effects, None, missing, "")
    out.statement = _statement(analysis, study_effects, missing, labels)
    if len(study_effects) < MIN_STUDIES:
        return out
    counts = None
    if MODELS[analysis["model"]] in ("MH", "Peto"):
        if any(r["kind"] != "counts" for r in rows):
            raise ValueError(
                f"analysis {analysis['id']}: Mantel-Haenszel and Peto need event counts for "
                "every study; use an inverse-variance model or give counts"
            )
        counts = pd.DataFrame(
            {
                "a": [r["events_t"] for r in rows],
                "b": [r["n_t"] - r["events_t"] for r in rows],
                "c": [r["events_c"] for r in rows],
                "d": [r["n_c"] - r["events_c"] for r in rows],
            }
        )
    fit = _fit(analysis, study_effects, counts)
    k = len(study_effects)
    out.result = fit(np.arange(k))
    if k >= 3:
        from .meta_sensitivity import leave_one_out

        out.leave_one_out = leave_one_out(fit, k)
    y = np.array([e.yi for e in study_effects])
    v = np.array([e.vi for e in study_effects])
    by_id = studies.set_index("study_id")
    for column in analysis.get("subgroups", []):
        groups = [str(by_id.loc[e.study_id, column]) for e in study_effects]
        if len(set(groups)) > 1:
            method = MODELS[analysis["model"]]
            out.subgroups[column] = subgroups(
                y, v, groups, method="EE" if method in ("MH", "Peto") else method
            )
    if k >= EGGER_MIN_STUDIES:
        out.egger = egger_test(y, v)
    else:
        out.egger_note = (
            f"Egger's test and the funnel plot need at least {EGGER_MIN_STUDIES} studies; "
            f"this analysis has {k}."
        )
    out.statement = _statement(analysis, study_effects, missing, labels, out.result)
    return out


def _statement(
    analysis: Mapping[str, Any],
    effects: Sequence[StudyEffect],
    missing: Mapping[str, str],
    labels: Mapping[str, str],
    result: MetaResult | None = None,
) -> str:
    """What a reader sees: what was pooled, or why nothing was, from the extraction
    state (a controlled study without a row in the effects file has not had its
    numbers extracted yet; that is never said to be a gap in its report)."""
    outcome = analysis["outcome"].rstrip(".")
    outcome = outcome[0].lower() + outcome[1:]
    names: dict[str, list[str]] = {NOT_EXTRACTED: [], NO_CONTROL: []}
    for sid, why in missing.items():
        names.setdefault(why, []).append(labels.get(sid, sid))
    k = len(effects)
    if result is not None:
        text = [f"This analysis pooled {counted(k, 'study', 'studies')}."]
    elif k == 0:
        text = [f"Nothing is pooled for {outcome} in this version."]
    else:
        text = [
            f"Nothing is pooled for {outcome} in this version: only one study, "
            f"{labels.get(effects[0].study_id, effects[0].study_id)}, has its numbers "
            f"extracted, and pooling needs at least {MIN_STUDIES}."
        ]
    waiting = names[NOT_EXTRACTED]
    if waiting:
        needed = NEEDED.get(analysis["measure"], "numbers")
        whose = "its reports" if len(waiting) == 1 else "their reports"
        text.append(
            f"The numbers the analysis needs from {join_words(waiting)} ({needed}, or "
            f"an effect estimate with its 95% confidence interval) have not yet been "
            f"extracted from {whose}."
        )
    if names[NO_CONTROL]:
        lacking = names[NO_CONTROL]
        text.append(
            f"{join_words(lacking)} had no control group, so "
            + ("it cannot enter." if len(lacking) == 1 else "they cannot enter.")
        )
    return " ".join(text)


def analysis_variables(res: AnalysisResult) -> dict[str, Any]:
    """Variables for ``_variables.yml`` (``meta.<analysis id>.*``), numbers as displayed."""
    a = res.analysis
    measure = a["measure"]
    v: dict[str, Any] = {
        "outcome": a["outcome"],
        "k": len(res.studies),
        "k_missing": len(res.missing),
        "statement": res.statement,
        "pooled": "yes" if res.result is not None else "no",
    }
    r = res.result
    if r is None:
        return v

    def fmt(x: float) -> str:
        return f"{float(es.back_transform(measure, [x])[0]):.2f}".replace("-", "−")

    v.update(
        {
            "estimate": fmt(r.estimate),
            "ci_lower": fmt(r.ci_lb),
            "ci_upper": fmt(r.ci_ub),
            "pi_lower": fmt(r.pi_lb) if r.random else "",
            "pi_upper": fmt(r.pi_ub) if r.random else "",
            "tau2": f"{r.tau2:.3f}",
            "i2": f"{r.I2:.0f}%",
            "q": f"{r.Q:.2f}",
            "p": _p(r.pval),
            "p_eq": _p_eq(r.pval),
            "q_p": _p(r.Qp),
            "i2_q": f"{r.I2_q:.0f}%",
            "egger": _egger_text(res),
        }
    )
    for column, sub in res.subgroups.items():
        v[f"subgroup_{column}"] = f"Q = {sub.Q_between:.2f}, df = {sub.df}, p {_p_eq(sub.p)}"
    return v


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _p_eq(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _egger_text(res: AnalysisResult) -> str:
    if res.egger is None:
        return res.egger_note
    e = res.egger
    value = f"{e.stat:.2f}".replace("-", "−")
    stat = f"t = {value}, df = {e.df}" if e.df is not None else f"z = {value}"
    return f"Egger's regression test: {stat}, p {_p_eq(e.pval)}."


def run_declared_analyses(
    protocol: Mapping[str, Any],
    effects: pd.DataFrame,
    studies: pd.DataFrame,
    labels: Mapping[str, str],
) -> list[AnalysisResult]:
    """Every analysis declared under ``analyses`` in protocol.yaml, in declared order."""
    return [run_analysis(a, effects, studies, labels) for a in protocol.get("analyses", [])]


def results_json(results: Sequence[AnalysisResult]) -> dict[str, Any]:
    """A JSON-ready summary: full-precision results plus the displayed variables."""
    out: dict[str, Any] = {}
    for res in results:
        r = res.result
        out[res.analysis["id"]] = {
            "variables": analysis_variables(res),
            "measure": res.analysis["measure"],
            "directions": list(res.directions),
            "studies": [e.study_id for e in res.studies],
            "missing": dict(res.missing),
            "egger_note": res.egger_note,
            "model": None if r is None else {k: getattr(r, k) for k in MODEL_FIELDS},
        }
    return out


def load_and_run(
    protocol_path: str | Path,
    effects_path: str | Path,
    studies_path: str | Path,
    rob_path: str | Path | None,
    bibliography: str | Path,
    out_json: str | Path,
) -> tuple[list[AnalysisResult], pd.DataFrame | None]:
    """Load the files, run every declared analysis and write the results JSON atomically."""
    from ..evidence.effects import load_effects
    from ..evidence.review_data import read_protocol
    from ..evidence.risk_of_bias import load_risk_of_bias
    from ..evidence.studies import study_labels
    from ..io import atomic_path
    from ..validation import load_table

    protocol = read_protocol(protocol_path)
    studies = load_table(studies_path, "studies")
    effects = load_effects(effects_path, studies, protocol.get("analyses", []))
    rob = None if rob_path is None else load_risk_of_bias(rob_path, studies)
    results = run_declared_analyses(protocol, effects, studies, study_labels(studies, bibliography))
    with atomic_path(out_json) as tmp:
        tmp.write_text(json.dumps(results_json(results), indent=2, sort_keys=True) + "\n")
    return results, rob

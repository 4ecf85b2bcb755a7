"""Worked example: the 13 BCG vaccine trials (a published data set, not review data).

Data: Colditz GA et al. Efficacy of BCG vaccine in the prevention of tuberculosis.
JAMA 1994;271(9):698-702, doi:10.1001/jama.1994.03510330076038, as tabulated in the R
package metafor/metadat (``dat.bcg``) and in ../shared/reference/metafor_bcg.md.

Writes to OUTDIR (default results/examples/bcg):
- forest_bcg.{svg,pdf,png}: REML random-effects model with HKSJ interval and
  prediction interval (metafor's README prints RR 0.49 [0.33, 0.73], PI 0.14-1.76);
- two illustrative "releases" (1.0: trials published up to 1965; 2.0: all 13) and
  the living view history_bcg.{svg,pdf,png} with the sentence on whether the
  conclusion changed (history_bcg.txt).

Run: python examples/bcg/run_example.py [OUTDIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIRECTIONS = ("Favours vaccine", "Favours control")


def load_trials(path: Path = HERE / "bcg_trials.csv") -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run(outdir: str | Path = "results/examples/bcg") -> str:
    from livingreview.figures.forest import forest_figure, forest_rows
    from livingreview.figures.release_history import history_figure
    from livingreview.synthesis.analyses import AnalysisResult, StudyEffect, analysis_variables
    from livingreview.synthesis.effect_sizes import binary
    from livingreview.synthesis.meta_analysis import rma
    from livingreview.synthesis.release_history import conclusion_sentence, meta_history

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    trials = load_trials()
    analysis = {"id": "bcg", "outcome": "Tuberculosis", "measure": "RR", "model": "random_reml"}

    def pool(rows):
        cells = [[int(t[c]) for t in rows] for c in ("tpos", "tneg", "cpos", "cneg")]
        e = binary("RR", *cells)
        effects = [
            StudyEffect(t["trial"], f"{t['author']}, {t['year']}", float(y), float(v))
            for t, y, v in zip(rows, e.yi, e.vi, strict=True)
        ]
        result = rma(e.yi, e.vi, method="REML", test="hksj")
        return effects, result

    effects, result = pool(trials)
    forest_figure(
        forest_rows(effects, result),
        result,
        "RR",
        *(outdir / f"forest_bcg.{ext}" for ext in ("svg", "pdf", "png")),
        directions=DIRECTIONS,
    )
    snapshots = []
    for version, date, rows in (
        ("1.0", "1966-01-01", [t for t in trials if int(t["year"]) <= 1965]),
        ("2.0", "1981-01-01", trials),
    ):
        eff, res = pool(rows)
        variables = analysis_variables(AnalysisResult(analysis, eff, res, {}, ""))
        snapshots.append(
            {"version": version, "date": date, "variables": {"meta": {"bcg": variables}}}
        )
    points = meta_history(snapshots, "bcg")
    history_figure(
        points,
        "RR",
        *(outdir / f"history_bcg.{ext}" for ext in ("svg", "pdf", "png")),
        label="Risk ratio",
    )
    sentence = conclusion_sentence(points, "RR", DIRECTIONS)
    (outdir / "history_bcg.txt").write_text(sentence + "\n", encoding="utf-8")
    return sentence


if __name__ == "__main__":
    print(run(*sys.argv[1:]))

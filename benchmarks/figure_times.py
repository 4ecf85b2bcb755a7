"""Benchmark: where a study figure's time goes, per rendition (issue 19).

SYNTHETIC DATA when run on a review made by make_scaled_review
(tests/workflow/fixture_review.py); none of it is evidence.

    python benchmarks/figure_times.py PROJECT [--figures rob effect onset overview sensitivity]
        [--formats svg png]

PROJECT is a review that has been built once (`snakemake` in it: the sensitivity
plot reads results/tables/sensitivity.json). Each figure is drawn in this one
process, without the figure cache, into a temporary folder, in the renditions
``--formats`` (default: those this project's _quarto.yml shows). Prints CPU seconds
per figure: laying out, writing each rendition, and the rest (building the
figure, reading nothing: the tables are loaded once before). Times are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.scale import machine  # noqa: E402

FIGURES = ("rob", "effect", "onset", "overview", "sensitivity")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--figures", nargs="+", choices=FIGURES, default=list(FIGURES))
    parser.add_argument("--formats", nargs="+", choices=("svg", "pdf", "png"))
    args = parser.parse_args(argv)
    os.environ.pop("LIVINGREVIEW_FIGURE_CACHE", None)
    os.chdir(args.project)

    import matplotlib.figure as mfigure

    from livingreview.evidence.outcomes import load_outcomes
    from livingreview.evidence.review_data import read_protocol
    from livingreview.evidence.risk_of_bias import load_risk_of_bias
    from livingreview.evidence.studies import study_labels
    from livingreview.figures import common
    from livingreview.figures.effect_direction import effect_direction_parts
    from livingreview.figures.onset_duration import onset_duration_parts
    from livingreview.figures.risk_of_bias import traffic_light_parts
    from livingreview.figures.sensitivity import sensitivity_parts
    from livingreview.figures.study_overview import study_overview_parts
    from livingreview.paths import figure_formats
    from livingreview.validation import load_table

    spent: dict[str, float] = defaultdict(float)
    savefig, freeze = mfigure.Figure.savefig, common.freeze_layout

    def timed_savefig(self, fname, *a, format=None, **k):
        start = time.process_time()
        savefig(self, fname, *a, format=format, **k)
        spent[f"write {format}"] += time.process_time() - start

    def timed_freeze(fig):
        start = time.process_time()
        freeze(fig)
        spent["layout"] += time.process_time() - start

    mfigure.Figure.savefig, common.freeze_layout = timed_savefig, timed_freeze
    formats = tuple(args.formats or figure_formats("."))
    protocol = read_protocol("data/protocol.yaml")
    studies = load_table("data/studies.csv", "studies")
    outcomes = load_outcomes("data/outcomes.csv", studies)
    rob = load_risk_of_bias("data/risk_of_bias.csv", studies)
    labels = study_labels(studies, "refs/references.bib")
    groups, designs = protocol["diagnosis_groups"], protocol["design_classes"]
    print(machine())
    print(
        f"{len(studies):,} studies; renditions {', '.join(formats)}; load {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="lr-figtimes-") as tmp:
        out = Path(tmp)
        parts = {"labels": labels, "formats": formats}
        jobs = {
            "rob": lambda: traffic_light_parts(rob, out / "rob", out / "rob.md", **parts),
            "effect": lambda: effect_direction_parts(
                studies, outcomes, groups, designs, out / "ed", out / "ed.md", **parts
            ),
            "onset": lambda: onset_duration_parts(
                studies, outcomes, groups, out / "on", out / "on.md", **parts
            ),
            "overview": lambda: study_overview_parts(
                studies, groups, designs, out / "ov", out / "ov.md", **parts
            ),
            "sensitivity": lambda: sensitivity_parts(
                {
                    "protocol": "data/protocol.yaml",
                    "results": "results/tables/sensitivity.json",
                    "studies": "data/studies.csv",
                    "outcomes": "data/outcomes.csv",
                    "bibliography": "refs/references.bib",
                },
                out / "se",
                out / "se.md",
                formats=formats,
            ),
        }
        for name in args.figures:
            spent.clear()
            start = time.process_time()
            jobs[name]()
            total = time.process_time() - start
            steps = "  ".join(f"{k} {v:.2f}" for k, v in sorted(spent.items()))
            print(f"{name:12s} {total:6.2f} CPU s  {steps}  rest {total - sum(spent.values()):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The living view as a figure: pooled estimate and 95% CI per release."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ..synthesis.release_history import NULL, HistoryPoint, version_name
from .common import CM, OKABE_ITO, figure_style, save_figure


def history_figure(
    points: Sequence[HistoryPoint],
    measure: str,
    out_svg: str | Path | None,
    out_pdf: str | Path | None,
    out_png: str | Path | None,
    *,
    label: str = "Pooled estimate",
) -> None:
    """Estimate and 95% CI per release, oldest at the top (SVG, PDF, PNG)."""
    pooled = [p for p in points if p.estimate is not None]
    if not pooled:
        raise ValueError("no release has pooled this analysis")
    null = NULL.get(measure, 0.0)
    with figure_style():
        fig = Figure(figsize=(12 * CM, 0.5 + 0.3 * len(points)), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for i, p in enumerate(points):
            y = -i
            if p.estimate is None:
                ax.text(null, y, "not pooled", ha="center", va="center", color="#555555")
                continue
            ax.plot([p.ci_lower, p.ci_upper], [y, y], color="#222222", lw=0.8)
            (dot,) = ax.plot([p.estimate], [y], "D", color=OKABE_ITO["vermillion"], ms=5)
            dot.set_gid(f"history:{p.version}")
        ax.axvline(null, color="#333333", lw=0.6)
        ax.set_yticks(
            [-i for i in range(len(points))],
            [
                f"{version_name(p).capitalize()} ({p.date + '; ' if p.date else ''}k = {p.k})"
                for p in points
            ],
        )
        if null == 1.0:
            ax.set_xscale("log")
            lo = min(p.ci_lower for p in pooled)
            hi = max(max(p.ci_upper for p in pooled), 1.0)
            ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)]
            ticks = [t for t in ticks if lo / 1.5 <= t <= hi * 1.5]
            ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
            ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel(f"{label} (95% CI)")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    save_figure(fig, out_svg, out_pdf, out_png)

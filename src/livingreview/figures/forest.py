"""Forest plot of one meta-analysis, in the publication layout.

Columns, left to right: study label; the study estimate as a square (area ∝ weight)
with its 95% confidence interval; the estimate and interval as numbers; the weight;
and, when risk-of-bias judgements are given, one robvis-style dot per domain.  Below
the studies: the pooled diamond, the prediction interval bar (random-effects models),
the heterogeneity statistics (saying which I² is shown) and, under the axis, the
direction labels ("Favours intervention" / "Favours control", named in the protocol).

Ratio measures are drawn on a log axis labelled on the ratio scale; the numbers in the
table are back-transformed.  Rows have a constant height, so 100 studies stay legible:
SVG and PNG are one tall figure (for screens), and the PDF puts at most
:data:`ROWS_PER_PAGE` studies on a page, the pooled rows on the last one.

Artists carry gids for tests: ``forest:study:<id>``, ``forest:pooled``,
``forest:prediction`` and ``forest:rob:<id>:<domain>:<judgement>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from ..io import atomic_path
from ..synthesis.effect_sizes import MEASURE_LABELS, RATIO_MEASURES, back_transform
from ..synthesis.meta_analysis import MetaResult
from .common import CM, METADATA, OKABE_ITO, PNG_DPI, figure_style
from .risk_of_bias import COLOURS, SYMBOL_INK, SYMBOLS

ROW_IN = 0.17  # height of one row, inches (as the other row-based figures)
ROWS_PER_PAGE = 45
PNG_MAX_HEIGHT_PX = 20000
WIDTH_CM = 17.0
Z95 = 1.959963984540054
# column edges as fractions of the figure width
LABEL_W, PLOT_W, NUM_W, WEIGHT_W = 0.27, 0.33, 0.19, 0.07
ROB_W, ROB_COLUMN_W = 0.12, 0.024  # the risk-of-bias area, and the least width per domain
OVERALL = "Overall"
MODEL_NAMES = {
    "EE": "Common effect (inverse variance)",
    "MH": "Common effect (Mantel-Haenszel)",
    "Peto": "Common effect (Peto)",
    "DL": "Random effects (DerSimonian-Laird)",
    "REML": "Random effects (REML)",
    "PM": "Random effects (Paule-Mandel)",
    "ML": "Random effects (ML)",
}


@dataclass(frozen=True)
class ForestRow:
    study_id: str
    label: str
    yi: float
    vi: float
    weight: float  # percent of the pooled model's weight


def forest_rows(effects: Sequence[Any], result: MetaResult | None) -> list[ForestRow]:
    """Rows from study effects (``study_id, label, yi, vi``) and the model's weights."""
    if result is not None and len(result.weights) == len(effects):
        weights = [float(w) for w in result.weights]
    else:
        inv = [1 / e.vi for e in effects]
        weights = [100 * w / sum(inv) for w in inv]
    pairs = zip(effects, weights, strict=True)
    return [ForestRow(e.study_id, e.label, e.yi, e.vi, w) for e, w in pairs]


def _fmt(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace("-", "−")


def _nice_step(raw: float) -> float:
    mag = 10 ** np.floor(np.log10(raw)) if raw > 0 else 1.0
    return next((m * mag for m in (1, 2, 2.5, 5) if raw <= m * mag), 10 * mag)


def _ticks(lo: float, hi: float, ratio: bool) -> tuple[list[float], list[str]]:
    if ratio:
        cands = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        vals = [c for c in cands if lo <= np.log(c) <= hi]
        if len(vals) > 7:
            vals = [c for c in (0.01, 0.1, 1, 10, 100) if lo <= np.log(c) <= hi]
        return [float(np.log(c)) for c in vals], [f"{c:g}" for c in vals]
    step = _nice_step((hi - lo) / 5)
    vals = list(np.arange(np.ceil(lo / step) * step, hi + 1e-12, step))
    return [float(v) for v in vals], [f"{v:g}".replace("-", "−") for v in vals]


def _limits(effects: Sequence[Any], result: MetaResult | None) -> tuple[float, float]:
    lo = [e.yi - Z95 * np.sqrt(e.vi) for e in effects]
    hi = [e.yi + Z95 * np.sqrt(e.vi) for e in effects]
    if result is not None:
        lo += [result.ci_lb] + ([result.pi_lb] if np.isfinite(result.pi_lb) else [])
        hi += [result.ci_ub] + ([result.pi_ub] if np.isfinite(result.pi_ub) else [])
    # an extremely imprecise study is drawn with an arrow instead of squashing the rest
    centre = float(np.median([e.yi for e in effects]))
    core = float(np.percentile(hi, 75) - np.percentile(lo, 25)) or 1.0
    a = max(min([*lo, 0.0]), centre - 3 * core)
    b = min(max([*hi, 0.0]), centre + 3 * core)
    pad = 0.05 * (b - a)
    return a - pad, b + pad


def heterogeneity_text(result: MetaResult) -> str:
    """Heterogeneity statistics in one line, saying which I² is shown."""
    p = "< 0.001" if result.Qp < 0.001 else f"= {result.Qp:.3f}"
    parts = [f"Q = {result.Q:.2f}, df = {result.df}, p {p}"]
    if result.random:
        parts += [f"τ² = {result.tau2:.3f}", f"I² = {result.I2:.0f}% (from τ²)"]
    else:
        parts += [f"I² = {result.I2:.0f}% (from Q)"]
    return "Heterogeneity: " + "; ".join(parts)


class _Page:
    """Drawing helpers for one page: text columns at fixed figure fractions."""

    def __init__(self, fig: Figure, n_lines: int, xlim: tuple[float, float], n_rob: int):
        height = fig.get_figheight()
        bottom = 0.5 / height
        # many domains (ROBINS-I has seven, plus overall) take their room from the plot
        rob_w = max(ROB_W, n_rob * ROB_COLUMN_W + 0.01)
        self.plot_w = PLOT_W - (rob_w - ROB_W)
        self.ax = fig.add_axes((LABEL_W, bottom, self.plot_w, 1 - bottom - 0.04 / height))
        self.ax.set_ylim(-(n_lines - 0.5), 0.5)
        self.ax.set_xlim(*xlim)
        self.ax.set_yticks([])
        for side in ("left", "right", "top"):
            self.ax.spines[side].set_visible(False)
        self.tr = self.ax.get_yaxis_transform()
        rob_x0 = LABEL_W + self.plot_w + NUM_W + WEIGHT_W + 0.01
        rob_step = (1 - rob_x0 - 0.01) / max(n_rob, 1)
        self.rob_x = [self._x(rob_x0 + (j + 0.5) * rob_step) for j in range(n_rob)]
        self.x_rob = self._x(rob_x0)
        self.x_label = self._x(0.01)
        self.x_num = self._x(LABEL_W + self.plot_w + NUM_W - 0.005)
        self.x_weight = self._x(LABEL_W + self.plot_w + NUM_W + WEIGHT_W - 0.005)

    def _x(self, fig_frac: float) -> float:
        return (fig_frac - LABEL_W) / self.plot_w

    def text(self, x: float, y: float, s: str, ha: str = "left", **kw: Any) -> None:
        self.ax.text(x, y, s, transform=self.tr, ha=ha, va="center", clip_on=False, **kw)


def _interval_text(measure: str, values: Sequence[float], digits: int, ni: Any) -> str:
    est, lo, hi = back_transform(measure, list(values), ni)
    return f"{_fmt(est, digits)} [{_fmt(lo, digits)}, {_fmt(hi, digits)}]"


def _draw_page(
    fig: Figure,
    effects: Sequence[Any],
    result: MetaResult | None,
    measure: str,
    *,
    xlim: tuple[float, float],
    rob: Mapping[str, Mapping[str, str]] | None,
    rob_domains: Sequence[str],
    directions: tuple[str, str],
    ni_all: Sequence[float] | None,
    continued: bool,
    total_weight: float,
) -> None:
    ratio = measure in RATIO_MEASURES
    digits = 1 if measure == "MD" else 2
    domains = list(rob_domains) if rob else []
    n_summary = 0 if result is None else (4 if result.random else 3) + 1
    page = _Page(fig, len(effects) + n_summary + 1, xlim, len(domains))
    ax = page.ax
    # the line of no effect runs through the studies and the pooled rows, not through
    # the heterogeneity text under them
    low, high = ax.get_ylim()
    end = low if result is None else -(len(effects) + (3.0 if result.random else 2.0))
    ax.axvline(0.0, ymin=(end - low) / (high - low), color="#333333", linewidth=0.6, zorder=1)
    ticks, tick_labels = _ticks(*xlim, ratio)
    ax.set_xticks(ticks, tick_labels)
    label = MEASURE_LABELS.get(measure, "Effect")
    ax.set_xlabel(label + (" (log scale)" if ratio else ""), fontsize=7, labelpad=2)

    bold = {"fontweight": "bold"}
    page.text(page.x_label, 0, "Study" + (" (continued)" if continued else ""), **bold)
    page.text(page.x_num, 0, f"{'Ratio' if ratio else 'Estimate'} [95% CI]", ha="right", **bold)
    page.text(page.x_weight, 0, "Weight", ha="right", **bold)
    for x, dom in zip(page.rob_x, domains, strict=True):
        # "O" (overall) keeps the column narrow; the legend below says what it is
        page.text(x, 0, "O" if dom == OVERALL else dom, ha="center", fontsize=6.5, **bold)

    max_w = max([e.weight for e in effects] + [1e-12])
    for i, e in enumerate(effects):
        y = -(i + 1)
        lo, hi = e.yi - Z95 * np.sqrt(e.vi), e.yi + Z95 * np.sqrt(e.vi)
        ax.plot([max(lo, xlim[0]), min(hi, xlim[1])], [y, y], color="#222222", lw=0.7, zorder=2)
        for end, edge, sign in ((lo, xlim[0], -1), (hi, xlim[1], 1)):
            if sign * (end - edge) > 0:  # interval runs off the axis: arrow at the edge
                ax.annotate(
                    "",
                    xy=(edge, y),
                    xytext=(edge - sign * 0.03 * (xlim[1] - xlim[0]), y),
                    arrowprops={"arrowstyle": "->", "lw": 0.7},
                )
        size = 2.5 + 5.0 * np.sqrt(e.weight / max_w)
        (sq,) = ax.plot(
            [min(max(e.yi, xlim[0]), xlim[1])],
            [y],
            marker="s",
            markersize=size,
            color=OKABE_ITO["blue"],
            linestyle="none",
            zorder=3,
        )
        sq.set_gid(f"forest:study:{e.study_id}")
        page.text(page.x_label, y, e.label)
        page.text(page.x_num, y, _interval_text(measure, (e.yi, lo, hi), digits, ni_all), "right")
        page.text(page.x_weight, y, f"{100 * e.weight / total_weight:.1f}%", "right")
        for x, dom in zip(page.rob_x, domains, strict=True):
            judgement = (rob or {}).get(e.study_id, {}).get(dom)
            if not judgement:
                continue
            (dot,) = ax.plot(
                [x],
                [y],
                transform=page.tr,
                marker="o",
                markersize=7,
                markerfacecolor=COLOURS.get(judgement, "#D0D0D0"),
                markeredgecolor="#555555",
                markeredgewidth=0.4,
                linestyle="none",
                clip_on=False,
            )
            dot.set_gid(f"forest:rob:{e.study_id}:{dom}:{judgement}")
            ink = SYMBOL_INK.get(judgement, "black")
            symbol = SYMBOLS.get(judgement, "?")
            page.text(x, y, symbol, "center", fontsize=6, color=ink, **bold)
    if result is not None:
        _draw_summary(page, len(effects), result, measure, digits, xlim, ni_all)
        if domains:
            _draw_rob_legend(page, len(effects), effects, rob or {}, domains)
    left, right = directions
    null = LABEL_W + page.plot_w * (0.0 - xlim[0]) / (xlim[1] - xlim[0])
    grey = {"fontsize": 6.5, "color": "#333333", "va": "bottom"}
    fig.text(null - 0.01, 0.04 / fig.get_figheight(), f"← {left}", ha="right", **grey)
    fig.text(null + 0.01, 0.04 / fig.get_figheight(), f"{right} →", ha="left", **grey)


def _draw_rob_legend(
    page: _Page,
    n_rows: int,
    effects: Sequence[Any],
    rob: Mapping[str, Mapping[str, str]],
    domains: Sequence[str],
) -> None:
    """Under the risk-of-bias columns: what the columns are, then each judgement shown."""
    shown: list[str] = []
    for e in effects:
        for dom in domains:
            judgement = rob.get(e.study_id, {}).get(dom)
            if judgement and judgement not in shown:
                shown.append(judgement)
    small = {"fontsize": 5.5, "color": "#333333"}
    y = -(n_rows + 1.5)
    names = [d for d in domains if d != OVERALL]
    columns = f"{names[0]}–{names[-1]}: domains" if len(names) > 1 else ", ".join(names)
    page.text(page.x_rob, y, columns + ("; O: overall" if OVERALL in domains else ""), **small)
    for judgement in shown:
        y -= 1
        short = judgement.split(" (")[0]  # "Not assessed (full text not obtained)"
        page.text(page.x_rob + 0.06, y, short, **small)
        page.ax.plot(
            [page.x_rob + 0.02], [y], transform=page.tr, marker="o", markersize=5,
            markerfacecolor=COLOURS.get(judgement, "#D0D0D0"), markeredgecolor="#555555",
            markeredgewidth=0.4, linestyle="none", clip_on=False,
        )  # fmt: skip


def _draw_summary(
    page: _Page,
    n_rows: int,
    result: MetaResult,
    measure: str,
    digits: int,
    xlim: tuple[float, float],
    ni_all: Any,
) -> None:
    ax = page.ax
    bold = {"fontweight": "bold"}
    ax.axhline(-(n_rows + 0.6), color="#999999", linewidth=0.4)
    y = -(n_rows + 1.5)
    est, lb, ub = result.estimate, result.ci_lb, result.ci_ub
    diamond = Polygon(
        [(lb, y), (est, y + 0.38), (ub, y), (est, y - 0.38)],
        closed=True,
        facecolor=OKABE_ITO["vermillion"],
        edgecolor="#222222",
        linewidth=0.5,
        zorder=3,
    )
    diamond.set_gid("forest:pooled")
    ax.add_patch(diamond)
    name = MODEL_NAMES.get(result.method, result.method)
    if result.test != "z":  # "Random effects (REML)" -> "Random effects (REML, HKSJ CI)"
        name = name[:-1] + ", HKSJ CI)" if name.endswith(")") else name + " (HKSJ CI)"
    page.text(page.x_label, y, name, **bold)
    page.text(
        page.x_num, y, _interval_text(measure, (est, lb, ub), digits, ni_all), "right", **bold
    )
    page.text(page.x_weight, y, "100%", "right", **bold)
    y -= 1
    if result.random and np.isfinite(result.pi_lb):
        (bar,) = ax.plot(
            [max(result.pi_lb, xlim[0]), min(result.pi_ub, xlim[1])],
            [y, y],
            color=OKABE_ITO["vermillion"],
            linewidth=2.2,
            solid_capstyle="butt",
            zorder=3,
        )
        bar.set_gid("forest:prediction")
        page.text(page.x_label, y, "95% prediction interval")
        _, plo, phi = back_transform(measure, [est, result.pi_lb, result.pi_ub], ni_all)
        page.text(page.x_num, y, f"[{_fmt(plo, digits)}, {_fmt(phi, digits)}]", "right")
        y -= 1
    page.text(page.x_label, y, heterogeneity_text(result), fontsize=6.5)
    p = "< 0.001" if result.pval < 0.001 else f"= {result.pval:.3f}"
    stat = "t" if result.test != "z" else "z"
    page.text(
        page.x_label, y - 1, f"Overall effect: {stat} = {_fmt(result.stat, 2)}, p {p}", fontsize=6.5
    )


def build_forest(
    effects: Sequence[Any],
    result: MetaResult | None,
    measure: str,
    *,
    rob: Mapping[str, Mapping[str, str]] | None = None,
    rob_domains: Sequence[str] = (),
    directions: tuple[str, str] = ("Favours intervention", "Favours control"),
    ni_all: Sequence[float] | None = None,
    rows_per_page: int | None = None,
) -> list[Figure]:
    """Forest plot pages. ``effects`` have ``study_id, label, yi, vi, weight``."""
    if not effects:
        raise ValueError("a forest plot needs at least one study")
    xlim = _limits(effects, result)
    per = len(effects) if rows_per_page is None else max(1, rows_per_page)
    chunks = [list(effects[i : i + per]) for i in range(0, len(effects), per)]
    total = sum(e.weight for e in effects) or 1.0
    figs = []
    with figure_style():
        for n, chunk in enumerate(chunks):
            res = result if n == len(chunks) - 1 else None
            n_summary = 0 if res is None else (4 if res.random else 3) + 1
            fig = Figure(figsize=(WIDTH_CM * CM, (len(chunk) + n_summary + 1) * ROW_IN + 0.62))
            FigureCanvasAgg(fig)
            _draw_page(
                fig,
                chunk,
                res,
                measure,
                xlim=xlim,
                rob=rob,
                rob_domains=rob_domains,
                directions=directions,
                ni_all=ni_all,
                continued=n > 0,
                total_weight=total,
            )
            figs.append(fig)
    return figs


def forest_figure(
    effects: Sequence[Any],
    result: MetaResult | None,
    measure: str,
    out_svg: str | Path | None,
    out_pdf: str | Path | None,
    out_png: str | Path | None,
    **kwargs: Any,
) -> None:
    """Write the forest plot: SVG and PNG as one figure, the PDF paged (a rendition
    given as None is not written)."""
    (single,) = build_forest(effects, result, measure, **kwargs)
    if len(effects) <= ROWS_PER_PAGE:
        pages = [single]
    else:
        pages = build_forest(effects, result, measure, rows_per_page=ROWS_PER_PAGE, **kwargs)
    with figure_style():
        # very tall plots (hundreds of studies) get a lower PNG resolution, so the
        # bitmap stays under PNG_MAX_HEIGHT_PX (up to about 380 studies it is 300 dpi)
        dpi = min(PNG_DPI, PNG_MAX_HEIGHT_PX / single.get_figheight())
        for path, fmt in ((out_svg, "svg"), (out_png, "png")):
            if path is not None:
                with atomic_path(path) as tmp:
                    single.savefig(tmp, format=fmt, dpi=dpi, metadata=METADATA[fmt])
        if out_pdf is not None:
            with atomic_path(out_pdf) as tmp, PdfPages(tmp, metadata=METADATA["pdf"]) as pdf:
                for page in pages:
                    pdf.savefig(page)


def rob_by_study(rob: Any) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Risk-of-bias judgements per study (``D1``..``D7``, ``Overall``) from risk_of_bias.csv."""
    judged: dict[str, dict[str, str]] = {}
    used: list[str] = []
    if rob is None:
        return judged, used
    for row in rob.to_dict("records"):
        cells = {}
        for column in [f"D{i}" for i in range(1, 8)] + ["overall"]:
            value = row.get(column)
            if isinstance(value, str) and value:
                name = "Overall" if column == "overall" else column
                cells[name] = value
                if name not in used:
                    used.append(name)
        judged.setdefault(row["study_id"], cells)
    used.sort(key=lambda d: (d == "Overall", d))
    return judged, used


def draw_analyses(
    results: Sequence[Any],
    rob: Any,
    outdir: str | Path,
    formats: Sequence[str] = ("svg", "pdf", "png"),
) -> list[Path]:
    """A forest plot per analysis with at least one study, in ``outdir``, in the
    renditions ``formats`` (of SVG, PDF, PNG).

    Risk-of-bias columns show the domains of the studies in that plot.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    judged, _ = rob_by_study(rob)
    written = []
    for res in results:
        if not res.studies:
            continue
        ids = {e.study_id for e in res.studies}
        domains = sorted(
            {d for s in ids for d in judged.get(s, {})}, key=lambda d: (d == "Overall", d)
        )
        stem = outdir / f"forest_{res.analysis['id']}"
        paths = [
            stem.with_suffix(f".{ext}") if ext in formats else None for ext in ("svg", "pdf", "png")
        ]
        forest_figure(
            forest_rows(res.studies, res.result),
            res.result,
            res.analysis["measure"],
            *paths,
            rob=judged,
            rob_domains=domains,
            directions=res.directions,
        )
        written += [path for path in paths if path is not None]
    return written

"""Risk of bias: ``data/risk_of_bias.csv`` and robvis-style plots.

The data use the robvis layout (McGuinness and Higgins 2021): one row per
study, the tool named per row (RoB 2 for randomised trials, ROBINS-I for
non-randomised studies), judgements in columns D1..Dn and ``overall``, a
``weight`` and a justification per judgement (``<domain>_support``).

Two figures, each with one panel per tool that occurs:

- :func:`build_traffic_light_plot`: studies by domains, one coloured circle
  with a symbol per judgement (+ low, − some concerns/moderate, × high/serious,
  ! critical, ? no information), so it also reads in greyscale;
- :func:`build_summary_plot`: per domain, the share of participants (weighted
  by ``weight``, as robvis's ``rob_summary(weighted = TRUE)``) in each
  judgement, as a stacked bar.

Colours come from the Okabe and Ito palette (``figures.OKABE_ITO``) ordered from
green (low) through yellow and vermillion to a dark wine (critical), with
light grey for "No information"; symbols carry the same information.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .errors import DataError, Problem, raise_if_any
from .figures import (
    CM,
    LEGEND_STYLE,
    OKABE_ITO,
    ROW_PITCH_IN,
    STYLE,
    _chars_per_line,
    figure_style,
    save_figure,
)
from .validation import load_table

RANDOMISED = ("rct_parallel", "rct_crossover")
NO_INFORMATION = "No information"


@dataclass(frozen=True)
class Tool:
    """A risk-of-bias tool: its domains and judgement levels (best to worst)."""

    name: str
    title: str
    domains: tuple[str, ...]
    """Domain names as robvis prints them ("Bias due to ..." is implied)."""
    levels: tuple[str, ...]


TOOLS: dict[str, Tool] = {
    "RoB 2": Tool(
        "RoB 2",
        "RoB 2 (randomised trials)",
        (
            "Randomisation process",
            "Deviations from intended interventions",
            "Missing outcome data",
            "Measurement of the outcome",
            "Selection of the reported result",
        ),
        ("Low", "Some concerns", "High", NO_INFORMATION),
    ),
    "ROBINS-I": Tool(
        "ROBINS-I",
        "ROBINS-I (non-randomised studies)",
        (
            "Confounding",
            "Selection of participants",
            "Classification of interventions",
            "Deviations from intended interventions",
            "Missing data",
            "Measurement of outcomes",
            "Selection of the reported result",
        ),
        ("Low", "Moderate", "Serious", "Critical", NO_INFORMATION),
    ),
}
DOMAIN_COLUMNS = tuple(f"D{i}" for i in range(1, 8))

COLOURS: dict[str, str] = {
    "Low": OKABE_ITO["bluish_green"],
    "Some concerns": OKABE_ITO["yellow"],
    "Moderate": OKABE_ITO["yellow"],
    "High": OKABE_ITO["vermillion"],
    "Serious": OKABE_ITO["vermillion"],
    "Critical": "#7A1F3D",  # darker than vermillion, so the order survives greyscale
    NO_INFORMATION: "#D0D0D0",
}
SYMBOLS: dict[str, str] = {
    "Low": "+",
    "Some concerns": "−",
    "Moderate": "−",
    "High": "×",
    "Serious": "×",
    "Critical": "!",
    NO_INFORMATION: "?",
}
# Symbol colour with enough contrast on each fill.
SYMBOL_INK = {"Low": "white", "High": "white", "Serious": "white", "Critical": "white"}
FIGURE_WIDTH_CM = 8.0
OVERALL_GAP = 0.5  # extra space (in columns) before the Overall column


# ---------------------------------------------------------------------------
# data


def load_risk_of_bias(path: str | Path, studies: pd.DataFrame) -> pd.DataFrame:
    """Read ``data/risk_of_bias.csv``, validate it and check it against ``studies``.

    Beyond the schema: the study is included; its tool matches its design
    (RoB 2 for randomised design classes, ROBINS-I otherwise); every domain
    of the tool and only those are judged, with that tool's levels; and every
    judgement has a justification. Raises :class:`DataError` with every problem.
    """
    rob = load_table(path, "risk_of_bias")
    problems = rob_problems(rob, studies, str(path))
    raise_if_any(problems, DataError, f"{path} is not valid")
    return rob


def rob_problems(rob: pd.DataFrame, studies: pd.DataFrame, file: str) -> list[Problem]:
    """Cross-file and per-tool problems of a validated risk-of-bias table."""
    designs = dict(zip(studies["study_id"], studies["design_class"], strict=True))
    problems: list[Problem] = []
    for row in rob.to_dict("records"):
        line, sid, tool = row["_line"], row["study_id"], TOOLS[row["tool"]]
        if sid not in designs:
            problems.append(
                Problem(
                    file,
                    "study_id is not in data/studies.csv",
                    row=line,
                    column="study_id",
                    found=sid,
                    fix="correct the id, or add the study to data/studies.csv",
                )
            )
        else:
            expected = "RoB 2" if designs[sid] in RANDOMISED else "ROBINS-I"
            if tool.name != expected:
                problems.append(
                    Problem(
                        file,
                        f"tool does not fit the study's design ({designs[sid]})",
                        row=line,
                        column="tool",
                        found=tool.name,
                        expected=expected,
                        fix=f"assess the study with {expected}, or correct design_class "
                        "in data/studies.csv",
                    )
                )
        problems += _judgement_problems(file, line, row, tool)
    return problems


def _judgement_problems(file: str, line: int, row: Mapping[str, Any], tool: Tool) -> list[Problem]:
    problems = []
    used = DOMAIN_COLUMNS[: len(tool.domains)]
    for column in (*DOMAIN_COLUMNS, "overall"):
        value = row.get(column)
        if column not in used and column != "overall":
            if value is not None:
                problems.append(
                    Problem(
                        file,
                        f"{tool.name} has no domain {column}",
                        row=line,
                        column=column,
                        found=value,
                        fix="leave the cell empty",
                    )
                )
            continue
        if value is None:
            problems.append(
                Problem(
                    file,
                    f"{tool.name} judgement is missing",
                    row=line,
                    column=column,
                    expected=f"one of: {', '.join(tool.levels)}",
                    fix=f"enter a judgement ('{NO_INFORMATION}' if the sources do not allow one)",
                )
            )
        elif value not in tool.levels:
            problems.append(
                Problem(
                    file,
                    f"not a {tool.name} judgement",
                    row=line,
                    column=column,
                    found=value,
                    expected=f"one of: {', '.join(tool.levels)}",
                    fix=f"use the levels of {tool.name}",
                )
            )
        support = row.get(f"{column}_support")
        if value is not None and not support:
            problems.append(
                Problem(
                    file,
                    "judgement has no justification",
                    row=line,
                    column=f"{column}_support",
                    fix="say in a sentence what the sources state (or do not state)",
                )
            )
    return problems


def by_tool(
    rob: pd.DataFrame, labels: Mapping[str, str] | None = None
) -> list[tuple[Tool, pd.DataFrame]]:
    """``[(tool, its rows)]`` for the tools that occur, in :data:`TOOLS` order.

    Rows are sorted by study label (``labels``, default the ``study_id``) and
    get a ``label`` column.
    """
    labels = labels or {}
    out = []
    for name, tool in TOOLS.items():
        rows = rob[rob["tool"] == name].copy()
        if len(rows):
            rows["label"] = [labels.get(s, s) for s in rows["study_id"]]
            out.append((tool, rows.sort_values(["label", "study_id"], kind="stable")))
    return out


# ---------------------------------------------------------------------------
# traffic-light plot


def build_traffic_light_plot(
    rob: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    width_cm: float = FIGURE_WIDTH_CM,
) -> Figure:
    """Traffic-light plot: one panel per tool, a row per study, a column per domain + Overall.

    Each judgement is a circle in its colour with its symbol; circles carry
    the gid ``rob:<tool>:<study_id>:<column>:<judgement>``. Under each panel
    a key names the domains and the judgements the tool uses.
    """
    panels = by_tool(rob, labels)
    width_in = width_cm * CM
    with figure_style():
        wrap = _chars_per_line(width_in, 7.0)
        keys = [_domain_key(tool, wrap) for tool, _ in panels]
        heights = [
            len(rows) * ROW_PITCH_IN * 1.3 + 0.55 + (k.count("\n") + 1) * 0.135
            for (_, rows), k in zip(panels, keys, strict=True)
        ]
        fig = Figure(figsize=(width_in, sum(heights) + 0.1), layout="constrained")
        FigureCanvasAgg(fig)
        if not panels:
            _empty(fig)
            return fig
        subfigs = fig.subfigures(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
        for sub, (tool, rows), key in zip(subfigs, panels, keys, strict=True):
            _traffic_panel(sub, tool, rows, key)
    return fig


def _domain_key(tool: Tool, wrap: int) -> str:
    lines = [f"D{i}: {name}" for i, name in enumerate(tool.domains, start=1)]
    symbols = "; ".join(f"{SYMBOLS[level]} {level.lower()}" for level in tool.levels)
    return "\n".join(line for text in [*lines, symbols] for line in textwrap.wrap(text, wrap))


def _traffic_panel(sub: Any, tool: Tool, rows: pd.DataFrame, key: str) -> None:
    ax = sub.add_subplot()
    columns = [*DOMAIN_COLUMNS[: len(tool.domains)], "overall"]
    # the Overall column stands apart, behind a divider, so its wider heading has room
    xs = [*range(len(columns) - 1), len(columns) - 1 + OVERALL_GAP]
    for y, row in enumerate(rows.to_dict("records")):
        for x, column in zip(xs, columns, strict=True):
            judgement = row[column]
            (dot,) = ax.plot(
                [x],
                [y],
                linestyle="none",
                marker="o",
                markersize=9.5,
                markerfacecolor=COLOURS[judgement],
                markeredgecolor="#555555",
                markeredgewidth=0.5,
                zorder=2,
                clip_on=False,
            )
            dot.set_gid(f"rob:{tool.name}:{row['study_id']}:{column}:{judgement}")
            ax.text(
                x,
                y,
                SYMBOLS[judgement],
                ha="center",
                va="center_baseline",
                fontsize=7.5,
                fontweight="bold",
                color=SYMBOL_INK.get(judgement, "black"),
                zorder=3,
            )
    ax.set_xticks(xs, [c if c != "overall" else "Overall" for c in columns])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), list(rows["label"]))
    ax.set_xlim(-0.6, xs[-1] + 0.6)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.axvline(len(columns) - 1.5 + OVERALL_GAP / 2, color="#BBBBBB", linewidth=0.6)
    ax.tick_params(length=0, pad=3)
    for side in ax.spines.values():
        side.set_visible(False)
    sub.suptitle(tool.title, fontweight="bold", fontsize=STYLE["font.size"], x=0.02, ha="left")
    sub.supxlabel(key, x=0.02, ha="left", fontsize=7, linespacing=1.25)


# ---------------------------------------------------------------------------
# weighted summary plot


def judgement_shares(rows: pd.DataFrame, tool: Tool, column: str) -> dict[str, float]:
    """Share of the total ``weight`` per judgement in ``column`` (levels with zero left out)."""
    weights = pd.to_numeric(rows["weight"], errors="coerce").fillna(0).astype(float)
    total = float(weights.sum()) or 1.0
    shares = {}
    for level in tool.levels:
        weight = float(weights[rows[column] == level].sum())
        if weight:
            shares[level] = weight / total
    return shares


def build_summary_plot(
    rob: pd.DataFrame,
    *,
    width_cm: float = FIGURE_WIDTH_CM,
) -> Figure:
    """Weighted summary bar plot: one panel per tool, a bar per domain and Overall.

    Each bar splits 100 % of the participants (``weight``) by judgement;
    segments carry the gid ``share:<tool>:<column>:<judgement>:<percent>``.
    """
    panels = by_tool(rob)
    width_in = width_cm * CM
    with figure_style():
        wrap = max(16, int(_chars_per_line(width_in, 7.0) * 0.4))
        heights = [(len(tool.domains) + 1) * 0.34 + 1.0 for tool, _ in panels]
        fig = Figure(figsize=(width_in, sum(heights) + 0.1), layout="constrained")
        FigureCanvasAgg(fig)
        if not panels:
            _empty(fig)
            return fig
        subfigs = fig.subfigures(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
        for sub, (tool, rows) in zip(subfigs, panels, strict=True):
            _summary_panel(sub, tool, rows, wrap)
    return fig


def _summary_panel(sub: Any, tool: Tool, rows: pd.DataFrame, wrap: int) -> None:
    ax = sub.add_subplot()
    columns = [*DOMAIN_COLUMNS[: len(tool.domains)], "overall"]
    names = [*tool.domains, "Overall risk of bias"]
    for y, column in enumerate(columns):
        left = 0.0
        for level, share in judgement_shares(rows, tool, column).items():
            (bar,) = ax.barh(
                y,
                share * 100,
                left=left,
                height=0.7,
                color=COLOURS[level],
                edgecolor="#555555",
                linewidth=0.4,
            )
            bar.set_gid(f"share:{tool.name}:{column}:{level}:{share * 100:.1f}")
            left += share * 100
    ax.set_yticks(
        range(len(columns)), ["\n".join(textwrap.wrap(n, wrap)) for n in names], fontsize=7
    )
    ax.set_ylim(len(columns) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", length=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Share of participants (weighted by n)", fontsize=7, labelpad=2)
    n = len(rows)
    sub.suptitle(
        f"{tool.name}: {n} {'study' if n == 1 else 'studies'}",
        fontweight="bold",
        fontsize=STYLE["font.size"],
        x=0.02,
        ha="left",
    )
    handles = [
        Patch(facecolor=COLOURS[lv], edgecolor="#555555", linewidth=0.4, label=lv)
        for lv in tool.levels
    ]
    sub.legend(
        handles=handles,
        loc="outside lower center",
        ncols=3,
        fontsize=7,
        **{**LEGEND_STYLE, "handlelength": 0.9},
    )


def _empty(fig: Figure) -> None:
    fig.text(0.5, 0.5, "No risk-of-bias assessments", ha="center", va="center")


def traffic_light_figure(
    rob: pd.DataFrame,
    out_svg: str | Path,
    out_pdf: str | Path,
    out_png: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Draw the traffic-light plot (:func:`build_traffic_light_plot`); write SVG, PDF, PNG."""
    save_figure(build_traffic_light_plot(rob, labels=labels), out_svg, out_pdf, out_png)


def summary_figure(
    rob: pd.DataFrame, out_svg: str | Path, out_pdf: str | Path, out_png: str | Path
) -> None:
    """Draw the weighted summary plot (:func:`build_summary_plot`); write SVG, PDF, PNG."""
    save_figure(build_summary_plot(rob), out_svg, out_pdf, out_png)


def rob_variables(rob: pd.DataFrame) -> dict[str, Any]:
    """Counts for the prose: studies assessed per tool and per overall judgement."""
    out: dict[str, Any] = {"assessed": len(rob)}
    for name, tool in TOOLS.items():
        rows = rob[rob["tool"] == name]
        key = name.lower().replace(" ", "").replace("-", "_")
        out[key] = {
            "studies": len(rows),
            **{
                lv.lower().replace(" ", "_"): int((rows["overall"] == lv).sum())
                for lv in tool.levels
            },
        }
    return out

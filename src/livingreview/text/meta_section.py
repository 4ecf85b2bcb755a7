"""The meta-analysis section a Results chapter includes (``results/text/meta_analyses.md``)
and the paragraph the Methods include (``results/text/meta_methods.md``).

For each analysis declared in the protocol, in declared order: the generated
statement (what was pooled, which studies lack which numbers), the pooled estimate
with its confidence and prediction intervals and the heterogeneity statistics, the
forest plot, and the living view (the pooled estimate per release) once a release has
pooled it.  Every number is a ``{{< var meta.<id>.* >}}`` shortcode, so the text stays
true when the data change; nothing here is a number typed by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from pathlib import Path
from typing import Any

from ..figures.forest import MODEL_NAMES
from ..synthesis.effect_sizes import MEASURE_LABELS
from ..wording import number_word

FORMATS = ("svg", "pdf", "png")
NONE_DECLARED = "The protocol declares no meta-analysis.\n"
CI_NAMES = {
    "z": "Wald",
    "hksj": "Hartung-Knapp-Sidik-Jonkman",
    "hksj-adhoc": "Hartung-Knapp-Sidik-Jonkman (ad hoc correction)",
}


def _var(analysis: str, name: str) -> str:
    return f"{{{{< var meta.{analysis}.{name} >}}}}"


def figure_id(kind: str, analysis: str) -> str:
    """Cross-reference id of an analysis's figure: ``fig-forest-<id>``, ``fig-history-<id>``."""
    return f"fig-{kind}-{analysis.replace('_', '-')}"


def _pooled_paragraph(key: str, entry: Mapping[str, Any]) -> str:
    model = entry.get("model") or {}
    measure = MEASURE_LABELS.get(entry["measure"], "effect").lower()
    method = MODEL_NAMES.get(model.get("method", ""), "")
    method = method[:1].lower() + method[1:]
    ci = CI_NAMES.get(model.get("test", "z"), "Wald")
    v = lambda name: _var(key, name)  # noqa: E731
    text = (
        f"Pooled by {method} with a {ci} confidence interval, the {measure} was "
        f"{v('estimate')} (95% CI {v('ci_lower')} to {v('ci_upper')}; p {v('p_eq')}; "
        f"@{figure_id('forest', key)})."
    )
    if entry["variables"].get("pi_lower"):
        text += (
            f" The 95% prediction interval, the range in which the effect of a new study "
            f"is expected to lie, was {v('pi_lower')} to {v('pi_upper')}. The between-study "
            f"variance τ² was {v('tau2')} and I² was {v('i2')} (computed from τ²; "
            f"from Cochran's Q = {v('q')}: {v('i2_q')})."
        )
    else:
        text += f" Cochran's Q was {v('q')} and I² {v('i2')}."
    for column in entry.get("subgroups", []):
        name = column.removesuffix("_class").replace("_", " ")
        text += f" Test for differences between subgroups by {name}: {v('subgroup_' + column)}."
    return text + f" {v('egger')}"


def methods_markdown(analyses: Sequence[Mapping[str, Any]]) -> str:
    """The methods paragraph for the meta-analyses declared in the protocol
    (``results/text/meta_methods.md``): for each, what is pooled, how, which studies
    can enter and when the analysis gives a pooled estimate, from the declaration
    alone, so the methods say the same whether or not this version pooled it."""
    from ..evidence.effects import NEEDED
    from ..synthesis.analyses import CI_TESTS, MIN_STUDIES, MODELS
    from ..synthesis.meta_sensitivity import EGGER_MIN_STUDIES

    if not analyses:
        return NONE_DECLARED
    blocks = []
    for a in analyses:
        outcome = a["outcome"].rstrip(".")
        measure = MEASURE_LABELS.get(a["measure"], "effect")
        model = MODELS[a.get("model", "random_reml")]
        method = MODEL_NAMES.get(model, model)
        ci = CI_NAMES.get(CI_TESTS.get(a.get("ci_method", "hksj"), "z"), "Wald")
        by = [c.removesuffix("_class").replace("_", " ") for c in a.get("subgroups", [])]
        text = (
            f"The protocol pre-specifies a meta-analysis of {outcome[0].lower() + outcome[1:]}: "
            f"the {measure[0].lower() + measure[1:]}, pooled by "
            f"{method[0].lower() + method[1:]} with a {ci} confidence interval"
            + (f", and compared between subgroups by {' and by '.join(by)}" if by else "")
            + ". A study enters it once its "
            f"{NEEDED.get(a['measure'], 'numbers')}, or an effect estimate with its 95% "
            "confidence interval, for ketamine and the control condition have been "
            "extracted from a cited report; numbers a report does not give are not "
            "imputed, and a study without a control group cannot enter. The analysis is "
            "run again in every version of the review and gives a pooled estimate once "
            f"at least {number_word(MIN_STUDIES)} studies have entered it"
        )
        if model not in ("EE", "MH", "Peto"):
            text += ", with the between-study variance τ², I² and a 95% prediction interval"
        text += (
            f"; Egger's test for small-study effects is run from {EGGER_MIN_STUDIES} studies on."
        )
        blocks.append(text)
    return "\n\n".join(blocks) + "\n"


def _forest_figure(key: str, entry: Mapping[str, Any], image_dir: str) -> str:
    outcome = entry["outcome"].rstrip(".")
    caption = (
        f"Forest plot: {outcome[0].lower() + outcome[1:]}. Squares: study estimates (area "
        "proportional to the weight) with 95% confidence intervals; diamond: pooled "
        "estimate and its confidence interval"
        + ("; bar: 95% prediction interval" if entry["variables"].get("pi_lower") else "")
        + ". Dots on the right: risk-of-bias judgement per domain and overall."
    )
    alt = (
        "Forest plot with one row per study showing its estimate and confidence interval, "
        "the pooled estimate as a diamond, and the risk-of-bias judgements per domain."
    )
    return (
        f"![{caption}]({image_dir}/forest_{key}){{#{figure_id('forest', key)} "
        f'data-source="data/effects.csv" fig-alt="{alt}"}}'
    )


def _history_figure(key: str, image_dir: str) -> str:
    caption = (
        "The living view: the pooled estimate and its 95% confidence interval in each "
        "released version of the review and in this version."
    )
    alt = "One row per version of the review with its pooled estimate and confidence interval."
    return (
        f"![{caption}]({image_dir}/history_{key}){{#{figure_id('history', key)} "
        f'data-source="releases/" fig-alt="{alt}"}}'
    )


def meta_analyses_markdown(
    analyses: Mapping[str, Mapping[str, Any]],
    forests: Set[str],
    histories: Set[str],
    image_dir: str = "../figures/forest",
) -> str:
    """The section's Markdown. ``analyses``: results JSON entries (with ``outcome`` added)
    by analysis id in declared order; ``forests``/``histories``: ids with that figure
    drawn; ``image_dir``: the figures' folder relative to the included file."""
    if not analyses:
        return NONE_DECLARED
    blocks = []
    for key, entry in analyses.items():
        parts = [_var(key, "statement")]
        if entry["variables"].get("pooled") == "yes":
            parts.append(_pooled_paragraph(key, entry))
        blocks.append(" ".join(parts))
        if key in forests:
            blocks.append(_forest_figure(key, entry, image_dir))
        if key in histories:
            blocks.append(
                f"@{figure_id('history', key)} shows how the pooled estimate moved "
                f"from version to version. {_var(key, 'history')}"
            )
            blocks.append(_history_figure(key, image_dir))
        elif entry["variables"].get("pooled") == "yes":
            blocks.append(_var(key, "history"))
    return "\n\n".join(blocks) + "\n"


def write_meta_section(
    results: list[Any],
    rob: Any,
    snapshots: list[str],
    forest_dir: str | Path,
    out_markdown: str | Path,
    image_dir: str = "../figures/forest",
    formats: Sequence[str] = FORMATS,
    out_methods: str | Path | None = None,
) -> str:
    """Draw the forest plots and living views into ``forest_dir`` (in the renditions
    ``formats``, of SVG, PDF and PNG) and write the section.

    ``results``: :class:`~livingreview.synthesis.analyses.AnalysisResult` per declared
    analysis; ``snapshots``: releases/*/release.yaml.  A living view is drawn for an
    analysis once a release has pooled it (with this build as its last row when the
    build's result differs from that release's). ``out_methods`` receives the methods
    paragraph (:func:`methods_markdown`).
    """
    from ..figures.forest import draw_analyses
    from ..figures.release_history import history_figure
    from ..io import write_text
    from ..synthesis.analyses import analysis_variables, results_json
    from ..synthesis.release_history import (
        current_point,
        meta_history,
        read_snapshots,
        with_current,
    )

    forest_dir = Path(forest_dir)
    written = draw_analyses(results, rob, forest_dir, formats)
    drawn = {Path(p).stem.removeprefix("forest_") for p in written}
    history = read_snapshots(snapshots)
    histories = set()
    for res in results:
        key = res.analysis["id"]
        released = meta_history(history, key)
        if not any(p.estimate is not None for p in released):
            continue
        points = with_current(released, current_point(analysis_variables(res)))
        stem = forest_dir / f"history_{key}"
        label = MEASURE_LABELS.get(res.analysis["measure"], "Pooled estimate")
        history_figure(
            points, res.analysis["measure"],
            *(stem.with_suffix(f".{e}") if e in formats else None for e in FORMATS),
            label=f"Pooled {label[0].lower() + label[1:]}",
        )  # fmt: skip
        histories.add(key)
    entries = results_json(results)
    for res in results:
        entries[res.analysis["id"]]["outcome"] = res.analysis["outcome"]
        entries[res.analysis["id"]]["subgroups"] = list(res.subgroups)
    text = meta_analyses_markdown(entries, drawn, histories, image_dir)
    write_text(out_markdown, text)
    if out_methods is not None:
        write_text(out_methods, methods_markdown([res.analysis for res in results]))
    return text

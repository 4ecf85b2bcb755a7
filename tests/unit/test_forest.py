"""Forest plots: content, the three formats, byte-identical rebuilds and paging."""

import itertools
from pathlib import Path

import numpy as np
import pytest
from meta_fixtures import BCG_AUTHOR, BCG_CNEG, BCG_CPOS, BCG_TNEG, BCG_TPOS, BCG_YEAR
from pypdf import PdfReader

from livingreview.figures.forest import build_forest, forest_figure, forest_rows
from livingreview.synthesis import effect_sizes as es
from livingreview.synthesis.analyses import StudyEffect
from livingreview.synthesis.meta_analysis import rma


def bcg_rows(test="hksj", method="REML"):
    e = es.binary("RR", BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    result = rma(e.yi, e.vi, method=method, test=test)
    effects = [
        StudyEffect(f"t{i + 1}", f"{a}, {y}", float(e.yi[i]), float(e.vi[i]))
        for i, (a, y) in enumerate(zip(BCG_AUTHOR, BCG_YEAR, strict=True))
    ]
    return forest_rows(effects, result), result


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def gids(fig):
    return {a.get_gid() for ax in fig.axes for a in ax.get_children() if a.get_gid()}


def test_forest_shows_numbers_weights_diamond_prediction_and_directions():
    rows, result = bcg_rows()
    (fig,) = build_forest(rows, result, "RR", directions=("Favours vaccine", "Favours control"))
    shown = texts(fig)
    assert "Aronson, 1948" in shown
    assert "0.41 [0.13, 1.26]" in shown  # exp of trial 1 yi and its Wald CI
    assert "0.49 [0.33, 0.73]" in shown  # README: predict(res, transf=exp, digits=2)
    assert "[0.14, 1.76]" in shown  # prediction interval, same source
    assert f"{rows[0].weight:.1f}%" in shown
    assert sum(r.weight for r in rows) == pytest.approx(100)
    assert any("I² = 92% (from τ²)" in t for t in shown)
    assert "← Favours vaccine" in shown and "Favours control →" in shown
    assert {"forest:pooled", "forest:prediction", "forest:study:t1"} <= gids(fig)


def test_common_effect_forest_has_no_prediction_bar_and_says_which_i2():
    rows, result = bcg_rows(test="z", method="EE")
    (fig,) = build_forest(rows, result, "RR")
    assert "forest:prediction" not in gids(fig)
    assert any("(from Q)" in t for t in texts(fig))


def test_risk_of_bias_dots_per_domain():
    rows, result = bcg_rows()
    rob = {"t1": {"D1": "Low", "Overall": "High"}, "t2": {"D1": "Some concerns"}}
    (fig,) = build_forest(rows, result, "RR", rob=rob, rob_domains=["D1", "Overall"])
    found = gids(fig)
    assert "forest:rob:t1:D1:Low" in found
    assert "forest:rob:t1:Overall:High" in found
    assert "forest:rob:t2:D1:Some concerns" in found
    assert not any(g.startswith("forest:rob:t3") for g in found)


def test_three_formats_byte_identical_on_rebuild(tmp_path: Path):
    rows, result = bcg_rows()
    outs = []
    for run in ("a", "b"):
        paths = [tmp_path / f"{run}.{ext}" for ext in ("svg", "pdf", "png")]
        forest_figure(rows, result, "RR", *paths)
        outs.append(paths)
    for one, two in zip(*outs, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.suffix
    svg, pdf, png = outs[0]
    assert b"forest:pooled" in svg.read_bytes()
    assert pdf.read_bytes().startswith(b"%PDF") and b"CreationDate" not in pdf.read_bytes()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_hundred_studies_page_the_pdf_and_keep_rows_legible(tmp_path: Path):
    # synthetic data, generated here (not review data)
    rng = np.random.default_rng(16)
    k = 100
    vi = rng.uniform(0.01, 0.2, k)
    yi = rng.normal(-0.3, np.sqrt(vi + 0.05))
    result = rma(yi, vi, method="REML", test="hksj")
    effects = [StudyEffect(f"s{i:03d}", f"Synthetic study {i}", yi[i], vi[i]) for i in range(k)]
    rows = forest_rows(effects, result)
    paths = [tmp_path / f"f.{ext}" for ext in ("svg", "pdf", "png")]
    forest_figure(rows, result, "SMD", *paths)
    assert len(PdfReader(paths[1]).pages) == 3  # 45 + 45 + 10 rows, pooled rows on the last
    (single,) = build_forest(rows, result, "SMD")
    assert single.get_figheight() / (k + 6) >= 0.16  # inches per row, as the other figures


def test_seven_domains_and_overall_fit_without_overlap_and_are_explained():
    """ROBINS-I has seven domains: with the overall column that is eight risk-of-bias
    columns, whose headings must not run into each other; a legend says what the
    columns and the judgements shown are."""
    rows, result = bcg_rows()
    domains = [f"D{i}" for i in range(1, 8)] + ["Overall"]
    rob = {r.study_id: {d: "Low" for d in domains} for r in rows}
    rob["t1"]["D3"] = "Serious"
    (fig,) = build_forest(rows, result, "RR", rob=rob, rob_domains=domains)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    headers = [t for t in ax.texts if t.get_text() in {*domains[:-1], "O"}]
    assert len(headers) == 8
    boxes = sorted((t.get_window_extent(renderer) for t in headers), key=lambda b: b.x0)
    assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes))
    assert max(b.x1 for b in boxes) <= fig.bbox.width
    shown = texts(fig)
    assert "D1–D7: domains; O: overall" in shown and {"Low", "Serious"} <= set(shown)
    assert "Random effects (REML, HKSJ CI)" in shown

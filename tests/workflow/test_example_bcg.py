"""The BCG worked example (examples/bcg-review/): `livingreview init` plus the 13
published trials builds with `snakemake`, shows all 13 studies, and pools them in a
meta-analysis whose numbers reach the website, the DOCX and the PDF.

The pooled numbers are checked against metafor's published results for dat.bcg
(``../shared/reference/metafor_bcg.md``; metafor README.md:140-166 at commit
71ae8f5ac9befeacc6654ead1b03ff05c065d54d, ``rma(yi, vi, test="knha")`` and
``predict(res, transf=exp, digits=2)``): estimate −0.7145, SE 0.1808, 95% CI −1.1084 to
−0.3206, τ² 0.3132, I² 92.22%, H² 12.86, Q 152.2330 (df 12); RR 0.49 [0.33, 0.73],
95% prediction interval 0.14 to 1.76.  Tolerance 1e-4 (the printed values are 4-decimal
roundings), except I² and H², printed with 2 decimals (tolerance 5e-3).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml

from .test_build import docx_text, html_text, pdf_reading_text, pdf_text, snakemake

pytestmark = pytest.mark.workflow

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "bcg-review" / "build_review.py"
METAFOR_REML_KNHA = {  # metafor README.md:140-153 (see the module docstring)
    "estimate": (-0.7145, 1e-4), "se": (0.1808, 1e-4), "ci_lb": (-1.1084, 1e-4),
    "ci_ub": (-0.3206, 1e-4), "tau2": (0.3132, 1e-4), "Q": (152.2330, 1e-4),
    "I2": (92.22, 5e-3), "H2": (12.86, 5e-3),
}  # fmt: skip
POOLED_TEXT = (
    "the risk ratio was 0.49 (95% CI 0.33 to 0.73; p = 0.002;",
    "prediction interval, the range in which the effect of a new study is expected "
    "to lie, was 0.14 to 1.76",
    "τ² was 0.313 and I² was 92% (computed from τ²",
)


def _module():
    spec = importlib.util.spec_from_file_location("bcg_review", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _module().build(tmp_path_factory.mktemp("bcg") / "bcg-review")
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return project


def test_bcg_example_builds_from_init_plus_data(project: Path) -> None:
    variables = yaml.safe_load((project / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["studies"]["included"] == 13
    assert variables["studies"]["randomised"] == 7
    assert variables["studies"]["participants"] == "357,347"
    table = html_text(project, "manuscript/03-results.html").find(id="tbl-characteristics")
    rows = table.find_all("tbody")[0].find_all("tr")
    studies = [tr for tr in rows if not tr.find("td", colspan=True)]  # group headings left out
    assert len(studies) == 13
    assert "Ferguson 1949" in studies[1].get_text(" ")
    for name in ("review.docx", "review.pdf"):
        assert (project / "_book" / name).is_file()


def test_pooled_model_matches_metafor(project: Path) -> None:
    results = json.loads((project / "results/synthesis/meta_analyses.json").read_text())
    model = results["tuberculosis"]["model"]
    assert (model["method"], model["test"], model["k"]) == ("REML", "hksj", 13)
    for key, (expected, tolerance) in METAFOR_REML_KNHA.items():
        assert model[key] == pytest.approx(expected, abs=tolerance), key
    meta = yaml.safe_load((project / "_variables.yml").read_text(encoding="utf-8"))["meta"]
    shown = {k: meta["tuberculosis"][k] for k in ("estimate", "ci_lower", "ci_upper")}
    assert shown == {"estimate": "0.49", "ci_lower": "0.33", "ci_upper": "0.73"}
    assert (meta["tuberculosis"]["pi_lower"], meta["tuberculosis"]["pi_upper"]) == ("0.14", "1.76")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("’", "'").replace("τ2", "τ²").replace("I2", "I²")


def test_pooled_numbers_and_forest_plot_in_all_three_formats(project: Path) -> None:
    page = html_text(project, "manuscript/03-results.html")
    section = page.find(id="sec-meta-analysis")
    figure = section.find(id="fig-forest-tuberculosis")
    image = figure.find("img")["src"]
    assert (project / "_book/manuscript" / image).resolve().is_file()
    texts = {"html": _flat(section.get_text(" ")), "docx": _flat(docx_text(project))}
    texts["pdf"] = _flat(pdf_reading_text(project))  # sentences across a page turn
    captions = {**texts, "pdf": _flat(pdf_text(project))}  # captions kept
    for fmt, text in texts.items():
        for sentence in POOLED_TEXT:
            assert sentence in text, (fmt, sentence)
        assert "Forest plot: cases of tuberculosis" in captions[fmt], fmt
        assert "Only this version has pooled this analysis (favours vaccine)." in text, fmt
    assert (
        b"forest:pooled"
        in (project / "results/figures/forest/forest_tuberculosis.svg").read_bytes()
    )


def test_living_view_after_a_release_and_an_update(tmp_path: Path) -> None:
    """Version 1.0 with the five trials published up to 1965 is released; the update
    adds the other eight. The book then shows the pooled estimate per version (the
    living view) in all three formats, and says whether the conclusion changed."""
    import subprocess
    import sys

    module = _module()
    project = module.build(tmp_path / "bcg-review", until_year=1965)
    release = subprocess.run(
        [sys.executable, "-m", "livingreview", "release", "--version", "1.0",
         "--date", "2026-11-02", "--note", "The trials published up to 1965.", "--no-rebuild"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert release.returncode == 0, release.stdout[-3000:] + release.stderr[-3000:]
    module.update(project, first_until=1965)
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    snapshot = yaml.safe_load((project / "releases/1.0/release.yaml").read_text(encoding="utf-8"))
    assert snapshot["variables"]["meta"]["tuberculosis"]["k"] == 5
    sentence = (
        "The conclusion did not change from version 1.0 (5 studies) to this version "
        "(13 studies): the pooled estimate favours vaccine."
    )
    figure = html_text(project, "manuscript/03-results.html").find(id="fig-history-tuberculosis")
    assert (project / "_book/manuscript" / figure.find("img")["src"]).resolve().is_file()
    texts = [_flat(html_text(project, "manuscript/03-results.html").get_text(" "))]
    texts += [_flat(docx_text(project)), _flat(pdf_reading_text(project))]
    captions = [*texts[:2], _flat(pdf_text(project))]
    for text, with_captions in zip(texts, captions, strict=True):
        assert sentence in text and "The living view: the pooled estimate" in with_captions
    svg = (project / "results/figures/forest/history_tuberculosis.svg").read_text()
    assert "Version 1.0 (2026-11-02; k = 5)" in svg and "This version (k = 13)" in svg

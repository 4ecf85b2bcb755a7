"""The living view of a meta-analysis and the BCG worked example (13 published trials)."""

import importlib.util
from pathlib import Path

from livingreview.synthesis.release_history import conclusion_sentence, meta_history

ROOT = Path(__file__).resolve().parents[2]


def snap(version, estimate, lo, hi, k=5, pooled="yes"):
    meta = {"pooled": pooled, "k": k, "estimate": estimate, "ci_lower": lo, "ci_upper": hi}
    return {"version": version, "date": "2026-01-01", "variables": {"meta": {"a": meta}}}


def test_history_is_ordered_by_version_and_skips_unpooled_releases():
    points = meta_history(
        [snap("10.0", "0.5", "0.3", "0.8"), snap("2.0", "", "", "", 1, "no")], "a"
    )
    assert [p.version for p in points] == ["2.0", "10.0"]
    assert points[0].estimate is None and points[1].ci_upper == 0.8


def test_sentence_says_whether_the_conclusion_changed():
    same = meta_history(
        [snap("1.0", "0.5", "0.3", "0.8"), snap("2.0", "0.6", "0.4", "0.9", 9)], "a"
    )
    assert conclusion_sentence(same, "RR").startswith(
        "The conclusion did not change from version 1.0"
    )
    moved = meta_history(
        [snap("1.0", "0.5", "0.3", "0.8"), snap("2.0", "0.9", "0.7", "1.2", 9)], "a"
    )
    text = conclusion_sentence(moved, "RR")
    assert text.startswith(
        "The conclusion changed from version 1.0 (5 studies) to version 2.0 (9 studies)"
    )
    assert "favoured intervention and now is inconclusive" in text
    smd = meta_history([snap("1.0", "−0.5", "−0.9", "−0.1")], "a")
    assert (
        conclusion_sentence(smd, "SMD")
        == "Only version 1.0 has pooled this analysis (favours intervention)."
    )
    assert (
        conclusion_sentence([], "RR") == "No version of this review has pooled this analysis yet."
    )


def test_bcg_example_writes_forest_and_living_view_in_three_formats(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "bcg_example", ROOT / "examples/bcg/run_example.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert len(module.load_trials()) == 13
    sentence = module.run(tmp_path)
    for stem in ("forest_bcg", "history_bcg"):
        for ext in ("svg", "pdf", "png"):
            assert (tmp_path / f"{stem}.{ext}").stat().st_size > 1000, (stem, ext)
    assert b"forest:pooled" in (tmp_path / "forest_bcg.svg").read_bytes()
    assert sentence == (
        "The conclusion did not change from version 1.0 (5 studies) to version 2.0 (13 studies): "
        "the pooled estimate favours vaccine."
    )


def test_history_sentence_reaches_the_variables_from_release_snapshots(tmp_path):
    import yaml

    from livingreview.text.variables import meta_variables

    paths = []
    for version, est, lo, hi in (("1.0", "0.5", "0.3", "0.8"), ("2.0", "0.9", "0.7", "1.2")):
        path = tmp_path / version / "release.yaml"
        path.parent.mkdir()
        path.write_text(yaml.safe_dump(snap(version, est, lo, hi)))
        paths.append(path)
    analyses = {
        "a": {"variables": {"k": 5}, "measure": "RR", "directions": ["Favours X", "Favours Y"]}
    }
    out = meta_variables(analyses, paths)
    assert out["a"]["k"] == 5
    assert "favoured x and now is inconclusive" in out["a"]["history"]
    assert (
        meta_variables(analyses)["a"]["history"]
        == "No version of this review has pooled this analysis yet."
    )


def _bcg_results(until_year=None):
    """The BCG trials (published data, meta_fixtures.py) as one declared analysis."""
    import pandas as pd
    from meta_fixtures import BCG_AUTHOR, BCG_CNEG, BCG_CPOS, BCG_TNEG, BCG_TPOS, BCG_YEAR

    from livingreview.synthesis.analyses import run_analysis

    keep = [i for i, y in enumerate(BCG_YEAR) if until_year is None or y <= until_year]
    ids = [f"s{i:02d}" for i in keep]
    effects = pd.DataFrame({
        "study_id": ids, "analysis": "tb", "kind": "counts",
        "events_t": BCG_TPOS[keep], "n_t": BCG_TPOS[keep] + BCG_TNEG[keep],
        "events_c": BCG_CPOS[keep], "n_c": BCG_CPOS[keep] + BCG_CNEG[keep],
    })  # fmt: skip
    studies = pd.DataFrame({"study_id": ids, "design_class": "rct_parallel"})
    labels = {s: f"{BCG_AUTHOR[i]} {BCG_YEAR[i]}" for s, i in zip(ids, keep, strict=True)}
    analysis = {
        "id": "tb", "outcome": "Tuberculosis", "measure": "RR", "model": "random_reml",
        "favours": {"intervention": "vaccine", "control": "no vaccination"},
    }  # fmt: skip
    return [run_analysis(analysis, effects, studies, labels)]


def test_meta_section_shows_the_living_view_once_a_release_pooled(tmp_path):
    import yaml

    from livingreview.synthesis.analyses import analysis_variables
    from livingreview.text.meta_section import write_meta_section

    early = analysis_variables(_bcg_results(until_year=1965)[0])
    release = tmp_path / "releases/1.0/release.yaml"
    release.parent.mkdir(parents=True)
    release.write_text(
        yaml.safe_dump(
            {"version": "1.0", "date": "2026-01-01", "variables": {"meta": {"tb": early}}}
        )
    )
    figures, text_path = tmp_path / "forest", tmp_path / "meta.md"
    text = write_meta_section(_bcg_results(), None, [], figures, text_path)
    assert "(figures/forest/forest_tb)" in text.replace("../", "") and "history_tb" not in text
    assert "{{< var meta.tb.history >}}" in text  # the sentence, without a figure
    text = write_meta_section(_bcg_results(), None, [str(release)], figures, text_path)
    assert "{#fig-history-tb" in text and "@fig-history-tb shows" in text
    for ext in ("svg", "pdf", "png"):
        assert (figures / f"history_tb.{ext}").stat().st_size > 1000
    svg = (figures / "history_tb.svg").read_text()
    assert "Version 1.0 (2026-01-01; k = 5)" in svg and "This version (k = 13)" in svg
    # a build of the latest release itself is not shown twice
    same = write_meta_section(_bcg_results(1965), None, [str(release)], figures, text_path)
    assert "history_tb" in same
    assert "This version" not in (figures / "history_tb.svg").read_text()


def test_template_project_declares_no_analysis_and_says_so(tmp_path):
    from livingreview.text.meta_section import NONE_DECLARED, write_meta_section

    assert write_meta_section([], None, [], tmp_path / "f", tmp_path / "m.md") == NONE_DECLARED


def test_a_release_freezes_the_numbers_not_the_history_sentence():
    """The sentence on how the estimate moved reads differently once the release
    exists, so the release's check of the build's numbers leaves it out (it once
    refused every release of a pooled review)."""
    from livingreview.living.releases import frozen_numbers

    before = {"release": {"version": "draft"}, "meta": {"a": {"k": 5, "history": "Only this"}}}
    after = {"release": {"version": "1.0"}, "meta": {"a": {"k": 5, "history": "Only 1.0"}}}
    assert frozen_numbers(before) == frozen_numbers(after)
    assert frozen_numbers(before) == {"meta": {"a": {"k": 5}}}
    changed = {"meta": {"a": {"k": 6, "history": "Only this"}}}
    assert frozen_numbers(changed) != frozen_numbers(before)

"""Sensitivity analyses: declared definitions evaluated on the same ledger, table and sentences."""

from __future__ import annotations

import pandas as pd

from livingreview.synthesis.sensitivity import evaluate, read_results, results_to_json
from livingreview.tables.sensitivity import sensitivity_sentences, sensitivity_table

# Synthetic review: three studies, one admitted by the authors' label only.
PROTOCOL = {
    "undetermined_reason": "insufficient_information",
    "eligibility": [{"id": "P3", "exclusion_reason": "population_not_refractory"}],
    "sensitivity_analyses": [
        {"id": "operational", "label": "Defining refractory operationally",
         "definitions": {"P3": "operational_only"}},
        {"id": "no_dep", "label": "Excluding depression", "exclude_diagnosis_groups": ["dep"]},
        {"id": "no_crit", "label": "Excluding critical risk", "exclude_overall_risk": ["Critical"]},
    ],
}  # fmt: skip
RECORDS = pd.DataFrame(
    [
        {"record_id": "R1", "eligibility": "include", "study_id": "a"},
        {"record_id": "R2", "eligibility": "include", "study_id": "b"},
        {"record_id": "R3", "eligibility": "include", "study_id": "c"},
        {"record_id": "R4", "eligibility": "exclude", "study_id": None},
    ]
)
FACTS = pd.DataFrame(
    [
        {"record_id": "R1", "refractory_label": "yes", "refractory_required": "yes"},
        {"record_id": "R2", "refractory_label": "yes", "refractory_required": "unclear"},
        {"record_id": "R3", "refractory_label": "no", "refractory_required": "yes"},
        {"record_id": "R4", "refractory_label": "no", "refractory_required": "no"},
    ]
)
STUDIES = pd.DataFrame(
    {
        "study_id": ["a", "b", "c"],
        "bib_key": ["ka", "kb", "kc"],
        "diagnosis_group": ["anx", "anx", "dep"],
    }
)
OUTCOMES = pd.DataFrame(
    [
        {"study_id": "a", "domain": "anxiety", "direction": "no_clear_difference"},
        {"study_id": "b", "domain": "anxiety", "direction": "benefit"},
        {"study_id": "c", "domain": "anxiety", "direction": "benefit"},
    ]
)
ROB = pd.DataFrame(
    {"study_id": ["a", "b", "c"], "overall": ["Some concerns", "Critical", "Serious"]}
)


def test_each_analysis_is_evaluated_against_the_same_ledger() -> None:
    results = {r.id: r for r in evaluate(PROTOCOL, RECORDS, FACTS, STUDIES, OUTCOMES, ROB)}
    assert results["primary"].studies == ("a", "b", "c")
    assert results["primary"].anxiety == {"no_clear_difference": 1, "benefit": 2}
    assert (results["operational"].studies, results["operational"].left_out) == (("a", "c"), ("b",))
    assert results["no_dep"].left_out == ("c",)
    assert results["no_crit"].left_out == ("b",)
    assert results["no_crit"].anxiety == {"no_clear_difference": 1, "benefit": 1}


def test_results_written_for_the_plot_read_back_equal(tmp_path) -> None:
    """The plot draws what the table rule evaluated (one evaluation, issue 19)."""
    results = evaluate(PROTOCOL, RECORDS, FACTS, STUDIES, OUTCOMES, ROB)
    path = tmp_path / "sensitivity.json"
    path.write_text(results_to_json(results), encoding="utf-8")
    assert read_results(path) == results
    assert [r.left_out for r in read_results(path)] == [(), ("b",), ("c",), ("b",)]


def test_table_and_sentences_follow_the_results() -> None:
    results = evaluate(PROTOCOL, RECORDS, FACTS, STUDIES, OUTCOMES, ROB)
    keys = {"a": "ka", "b": "kb", "c": "kc"}
    table = sensitivity_table(results, keys, {"b": "Beta 2020"})
    assert "| Defining refractory operationally | 2 | Beta 2020 [@kb] | none |" in table
    text = sensitivity_sentences(results, keys, {"b": "Beta 2020"})
    assert text.startswith(
        "In the primary analysis 3 studies were included, and anxiety improved in 2 of the 3"
    )
    assert "Defining refractory operationally leaves out Beta 2020 [@kb] (2 studies remain;" in text
    assert (
        sensitivity_sentences(results[:1], keys)
        == "No sensitivity analyses were declared in the protocol.\n"
    )


def test_redefining_a_criterion_without_recorded_facts_is_a_config_error() -> None:
    import pytest

    from livingreview.errors import ConfigError

    with pytest.raises(ConfigError, match="redefines criteria, but no eligibility facts"):
        evaluate(PROTOCOL, RECORDS, None, STUDIES, OUTCOMES, ROB)


def test_figure_shows_each_analysis_as_a_column_of_directions() -> None:
    """One column per analysis: the study's anxiety direction where included, a dash where
    left out (synthetic review above)."""
    from livingreview.figures.sensitivity import build_sensitivity_plot

    results = evaluate(PROTOCOL, RECORDS, FACTS, STUDIES, OUTCOMES, ROB)
    fig = build_sensitivity_plot(results, STUDIES, OUTCOMES, {"anx": "Anxiety", "dep": "Depr."})
    ax = fig.axes[0]
    # the cells are drawn by MarkerCells artists, each marker with its own gid
    cells = {g for a in ax.get_children() for g in getattr(a, "gids", [a.get_gid()]) if g}
    assert cells == {
        "sensitivity:primary:a:no_clear_difference",
        "sensitivity:primary:b:benefit",
        "sensitivity:primary:c:benefit",
        "sensitivity:operational:a:no_clear_difference",
        "sensitivity:operational:b:left_out",
        "sensitivity:operational:c:benefit",
        "sensitivity:no_dep:a:no_clear_difference",
        "sensitivity:no_dep:b:benefit",
        "sensitivity:no_dep:c:left_out",
        "sensitivity:no_crit:a:no_clear_difference",
        "sensitivity:no_crit:b:left_out",
        "sensitivity:no_crit:c:benefit",
    }
    headers = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert headers[0] == "Primary analysis (criteria as written)"
    assert headers[1:] == [a["label"] for a in PROTOCOL["sensitivity_analyses"]]
    # (on two or three lines, as the column's width allows)
    footers = [t.get_text().replace("in\n", "in ") for t in ax.texts if "improved" in t.get_text()]
    assert footers == [
        "3 studies;\nimproved in 2 of 3",
        "2 studies;\nimproved in 1 of 2",
        "2 studies;\nimproved in 1 of 2",
        "2 studies;\nimproved in 1 of 2",
    ]


def test_primary_inclusion_matches_the_row_by_row_walk() -> None:
    """The primary analysis looks only at rows marked include; it finds what walking every
    row finds (an empty decisions mapping walks every row), with and without the column."""
    from livingreview.synthesis.sensitivity import _included_studies

    frame = pd.DataFrame(
        {
            "record_id": ["R1", "R2", "R3", "R4", "R5"],
            "eligibility": ["include", None, "exclude", "include", "include"],
            "study_id": ["S1", "S2", None, None, float("nan")],
        },
        dtype=object,
    )
    for records in (frame, frame.drop(columns="eligibility"), frame.iloc[:0]):
        assert _included_studies(records, None) == _included_studies(records, {})
    assert _included_studies(frame, None) == {"S1", "R4", "R5"}


def test_sentences_list_several_studies_as_prose_and_the_table_keeps_semicolons() -> None:
    """ "leaves out A [@a], B [@b] and C [@c]" in a sentence, "A [@a]; B [@b]; ..." in a cell."""
    from livingreview.tables.sensitivity import _cite

    keys, labels = {"a": "ka", "b": "kb", "c": "kc"}, {"a": "A 2001", "b": "B 2002", "c": "C 2003"}
    assert _cite(("a", "b", "c"), keys, labels, in_prose=True) == (
        "A 2001 [@ka], B 2002 [@kb] and C 2003 [@kc]"
    )
    assert _cite(("a", "b"), keys, labels) == "A 2001 [@ka]; B 2002 [@kb]"


def _printed_type_sizes(svg: str) -> list[float]:
    """Sizes in points of every text of a matplotlib SVG (glyphs drawn as paths, each run
    scaled by size / 100) as the PDF and DOCX print it: at most 80% of the text width and
    60% of the text height of an A4 page (render.finish, book.typ)."""
    import re

    from livingreview.render.finish import FIGURE_MAX_HEIGHT, FIGURE_MAX_WIDTH, docx_text_area

    width, height = (
        float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    )
    text_width, text_height = (72 * v for v in docx_text_area("a4"))
    scale = min(
        1.0, FIGURE_MAX_WIDTH * text_width / width, FIGURE_MAX_HEIGHT * text_height / height
    )
    return [100 * float(s) * scale for s in re.findall(r"scale\(([\d.]+) -[\d.]+\)", svg)]


def test_figure_type_is_at_least_7_pt_where_printed(tmp_path) -> None:
    """Every text of the figure (headings, counts, labels, legend) is at least 7 pt at the
    size the PDF and DOCX print it (it was drawn 16 cm wide, printed at 12.8: 5 pt)."""
    from livingreview.figures.common import save_figure
    from livingreview.figures.sensitivity import build_sensitivity_plot

    results = evaluate(PROTOCOL, RECORDS, FACTS, STUDIES, OUTCOMES, ROB)
    fig = build_sensitivity_plot(results, STUDIES, OUTCOMES, {"anx": "Anxiety", "dep": "Depr."})
    save_figure(fig, tmp_path / "s.svg", None, None)
    sizes = _printed_type_sizes((tmp_path / "s.svg").read_text())
    assert len(sizes) > 20
    assert min(sizes) >= 7.0 - 1e-6, min(sizes)


def test_counts_of_thousands_are_written_with_a_separator() -> None:
    """At 1,000 studies the figure's footer and the sentences write "1,000", as every
    other count in the review does (the figure had read "1000 studies")."""
    from livingreview.figures.sensitivity import _footer
    from livingreview.synthesis.sensitivity import SensitivityResult

    studies = tuple(f"s{i}" for i in range(1000))  # SYNTHETIC study ids
    primary = SensitivityResult("primary", "Primary", studies, (), (), {"benefit": 905, "harm": 95})
    other = SensitivityResult("x", "Synthetic", studies[:-1], (), (), {"benefit": 904, "harm": 95})
    assert _footer(primary, column_pt=1000) == "1,000 studies;\nimproved in 905 of 1,000"
    text = sensitivity_sentences([primary, other], {})
    assert "1,000 studies were included, and anxiety improved in 905 of the 1,000" in text
    assert "999 studies remain; anxiety improved in 904 of the 999" in text

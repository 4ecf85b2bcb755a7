"""Study labels ("First-author year") from BibTeX names, split by BibTeX's rules.

A group or corporate author is written in braces so that BibTeX keeps it whole;
its label is the whole name ("TPT Madras 1980"), never its last word.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from livingreview.evidence.studies import bib_first_author_year, study_labels


@pytest.mark.parametrize(
    ("author", "family"),
    [
        pytest.param("{TPT Madras}", "TPT Madras", id="group-author"),
        pytest.param(
            "{World Health Organization} and Smith, J.", "World Health Organization", id="corporate"
        ),
        pytest.param(
            "{Tuberculosis Prevention Trial, Madras}",
            "Tuberculosis Prevention Trial, Madras",
            id="braced-comma",
        ),
        pytest.param("Smith, John and Jones, K.", "Smith", id="family-comma-given"),
        pytest.param("John Smith and K. Jones", "Smith", id="given-family"),
        pytest.param("Jean de la Fontaine", "de la Fontaine", id="von-part"),
        pytest.param("van der Berg, Anna", "van der Berg", id="von-comma"),
        pytest.param('M{\\"u}ller, Hans and others', "Müller", id="latex-accent"),
        pytest.param("{\\'E}mile Durand", "Durand", id="latex-given"),
        pytest.param("Plato", "Plato", id="one-name"),
    ],
)
def test_first_author_family_name(tmp_path: Path, author: str, family: str) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        f"@article{{k, title = {{T}}, author = {{{author}}}, year = {{1980}}}}\n", encoding="utf-8"
    )
    assert bib_first_author_year(bib) == {"k": (family, 1980)}


def test_group_author_label_keeps_the_whole_name(tmp_path: Path) -> None:
    bib = tmp_path / "bcg.bib"
    bib.write_text(
        "@article{tpt1980, title = {Trial of BCG vaccines in south India}, "
        "author = {{TPT Madras}}, year = {1980}}\n"
        "@article{aronson1948, title = {BCG}, author = {Aronson, J. D.}, year = {1948}}\n"
        "@article{anon, title = {No author}, year = {1950}}\n",
        encoding="utf-8",
    )
    studies = pd.DataFrame(
        {"study_id": ["t8", "t1", "t0"], "bib_key": ["tpt1980", "aronson1948", "anon"]}
    )
    assert study_labels(studies, bib) == {"t8": "TPT Madras 1980", "t1": "Aronson 1948", "t0": "t0"}


@pytest.mark.parametrize(
    "text",
    ["Smith", "2021", "de la Fontaine", "TPT Madras", "M{\\\"u}ller", "O'Brien", "Smith--Jones",
     "Smith  Jones", " Smith", "{\\'E}mile", "~Ng", "2021a", "Caf\\'e"],
)  # fmt: skip
def test_plain_words_skip_the_decoder_and_decode_the_same(text: str) -> None:
    from livingreview.evidence.studies import _LATEX, _latex_text

    assert _latex_text(text) == _LATEX.latex_to_text(text)


def test_an_undated_work_is_labelled_by_its_author_alone(tmp_path: Path) -> None:
    """Issue 14: an entry without a year (yermus_kap) is "Yermus" wherever a label is
    shown (study labels in tables and figures, the studies of "What's new" and the
    citations of "Changes in this version"), never "Yermus n.d." or "Yermus None"."""
    from livingreview.living.reader_words import project_reader_words

    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{undated, title = {Synthetic undated work}, author = {Yermus, Ryan}}\n"
        "@article{nodate, title = {Synthetic work}, author = {Smith, A.}, year = {n.d.}}\n"
        "@article{dated, title = {Synthetic dated work}, author = {Glue, P.}, year = {2017}}\n",
        encoding="utf-8",
    )
    studies = pd.DataFrame({"study_id": ["u", "n", "d"], "bib_key": ["undated", "nodate", "dated"]})
    expected = {"u": "Yermus", "n": "Smith", "d": "Glue 2017"}
    assert study_labels(studies, bib) == expected
    words = project_reader_words(tmp_path, [], bib).labels
    assert {k: words[k] for k in ("undated", "nodate", "dated")} == {
        "undated": "Yermus",
        "nodate": "Smith",
        "dated": "Glue 2017",
    }

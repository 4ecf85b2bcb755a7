"""Anchors from DOCX paragraphs back to chapter lines: which lines get one, and that
only the DOCX keeps them."""

from __future__ import annotations

import pytest

from livingreview.render.source_anchors import (
    anchor_name,
    file_key,
    mark_paragraphs,
    parse_anchor,
)


def marked(text: str, rel: str = "manuscript/01-a.qmd") -> list[int]:
    """1-based lines of ``text`` that received an anchor."""
    lines = text.split("\n")
    out = mark_paragraphs(lines, [(rel, i) for i in range(1, len(lines) + 1)]).split("\n")
    return [i for i, line in enumerate(out, start=1) if line.startswith("[]{#lr_")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Plain prose.\nSecond line.", [1], id="prose"),
        pytest.param("# Head\n\nText.", [3], id="after-heading"),
        pytest.param("@fig-x shows it.", [1], id="crossref-start"),
        pytest.param("[@key] found it.", [1], id="citation-start"),
        pytest.param('"Quoted" start.', [1], id="quote-start"),
        pytest.param('[All were read.]{.claim when="a == 1"} More.', [1], id="claim-start"),
        pytest.param("[A link](https://example.org) starts it.", [1], id="link-start"),
        pytest.param("[x]: https://example.org", [], id="link-reference"),
        pytest.param("[^1]: A footnote.", [], id="footnote"),
        pytest.param(
            "[![A linked figure](one.png){#fig-linked}](https://example.org/)",
            [],
            id="linked-figure",
        ),
        pytest.param("*Emphasis* start.", [1], id="emphasis-start"),
        pytest.param("* a list item", [], id="bullet"),
        pytest.param("1. numbered", [], id="numbered"),
        pytest.param("a) fancy list", [], id="fancy-list"),
        pytest.param("***", [], id="rule"),
        pytest.param("Table: caption", [], id="table-caption"),
        pytest.param("Term\n: definition", [], id="definition"),
        pytest.param("Heading\n=======", [], id="setext"),
        pytest.param("a | b\n--|--\n1 | 2", [], id="pipe-table"),
        pytest.param("```\ncode line\n\nmore code\n```", [], id="code-block"),
        pytest.param("---\ntitle: x\n\nabstract: y\n---\n\nText.", [7], id="front-matter"),
        pytest.param("Text\ncontinues here.", [1], id="continuation-not-marked"),
        pytest.param("  indented text", [], id="indented"),
        pytest.param("![Figure](a.png)", [], id="figure"),
        pytest.param("::: {#tbl-x}\nTable body\n\nCaption.\n:::", [4], id="caption-in-div"),
        pytest.param("{{< include x.md >}}", [], id="shortcode"),
    ],
)
def test_which_lines_get_an_anchor(text: str, expected: list[int]) -> None:
    assert marked(text) == expected


def test_anchor_names_are_word_bookmark_names_and_round_trip() -> None:
    name = anchor_name("manuscript/03-results.qmd", 120)
    assert len(name) < 40 and name.replace("_", "").isalnum() and name[0].isalpha()
    assert parse_anchor(name) == (file_key("manuscript/03-results.qmd"), 120)
    assert parse_anchor("_Toc12345") is None
    assert parse_anchor("sec-results") is None

"""Build-system words never reach readers; provenance and web-only text are per format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.render import check_manuscript, render_book
from livingreview.render.reader_text import leaked_terms, rule_names

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
RULES = {"draw_flow_diagram", "all"}
KEYS = {"smith2020", "yermus_kap", "Lovelace"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("Data: data/studies.csv; rule x.", ["data/studies.csv"], id="data-path"),
        pytest.param("see results/figures/flow.svg", ["results/figures/flow.svg"], id="result"),
        pytest.param("Drawn by rule draw_flow_diagram.", ["draw_flow_diagram"], id="rule"),
        pytest.param("as reported by smith2020", ["smith2020"], id="bib-key"),
        pytest.param("study yermus_kap (n = 3)", ["yermus_kap"], id="study-id"),
        pytest.param("In all studies, Smith 2020 found", [], id="words-are-fine"),
        pytest.param("Lovelace wrote", [], id="key-without-digit-ignored"),
        pytest.param("an and/or rule", [], id="slash-words"),
    ],
)
def test_leaked_terms(text: str, found: list[str]) -> None:
    assert leaked_terms(text, RULES, KEYS) == found


def test_rule_names_read_from_the_workflow(tmp_path: Path) -> None:
    (tmp_path / "workflow" / "rules").mkdir(parents=True)
    (tmp_path / "Snakefile").write_text("rule all:\n    input: []\n")
    (tmp_path / "workflow" / "rules" / "x.smk").write_text("rule draw_x:\n    output: 'a'\n")
    assert rule_names(tmp_path) == {"all", "draw_x"}


def test_rule_names_of_a_project_using_the_packaged_rules(tmp_path: Path) -> None:
    """A review's Snakefile that only loads the package's rules as a module (the shipped
    review, every ``livingreview init`` project) still has its rule names checked."""
    shipped = Path(__file__).parents[2] / "Snakefile"
    shutil.copy(shipped, tmp_path / "Snakefile")
    names = rule_names(tmp_path)
    assert {"draw_pharmacology_figure", "collect_variables", "all"} <= names
    assert leaked_terms("Drawn by code (rule draw_pharmacology_figure).", names, set()) == [
        "draw_pharmacology_figure"
    ]
    (tmp_path / "Snakefile").write_text("rule all:\n    input: []\n")  # a project of its own
    assert rule_names(tmp_path) == {"all"}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    (root / "workflow" / "rules").mkdir(parents=True)
    (root / "workflow" / "rules" / "figures.smk").write_text("rule draw_forest_plot:\n    pass\n")
    return root


def _caption(root: Path, caption: str, attrs: str = "") -> None:
    path = root / "manuscript" / "03-results.qmd"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "![](../results/figures/forest)", f"![{caption}](../results/figures/forest){{{attrs}}}"
    )
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("caption", "found"),
    [
        pytest.param("Forest plot. Data: `data/studies.csv`.", "data/studies.csv", id="path"),
        pytest.param("Forest plot (rule draw_forest_plot).", "draw_forest_plot", id="rule"),
        pytest.param("Forest plot of smith2020.", "smith2020", id="key"),
    ],
)
def test_check_reports_leaks_in_captions(book: Path, caption: str, found: str) -> None:
    _caption(book, caption, "#fig-leak")
    problems = [p for p in check_manuscript(book) if "readers see" in p.message]
    assert [p.found for p in problems] == [found]
    assert problems[0].file == "manuscript/03-results.qmd"
    assert problems[0].row is not None


def test_provenance_is_a_web_only_source_note(book: Path) -> None:
    _caption(
        book,
        "Forest plot.",
        '#fig-prov data-source="refs/references.bib" data-rule="draw_forest_plot"',
    )
    (book / "_quarto.yml").write_text(
        (book / "_quarto.yml")
        .read_text(encoding="utf-8")
        .replace("type: book\n", "type: book\n  resources:\n    - refs/references.bib\n", 1),
        encoding="utf-8",
    )
    assert [p for p in check_manuscript(book) if "readers see" in p.message] == []
    render_book(book, backend="embedded")
    html = (book / "_book" / "manuscript" / "03-results.html").read_text(encoding="utf-8")
    assert 'class="source-note"' in html
    assert 'href="../refs/references.bib"' in html
    # The tooltip names the data file; the workflow step is the build's and is not shown.
    assert 'title="Made from references.bib, published with this review"' in html
    assert "draw_forest_plot" not in html
    assert "data-source" not in html
    from pypdf import PdfReader

    pdf = "".join(p.extract_text() for p in PdfReader(book / "_book" / "review.pdf").pages)
    assert "draw_forest_plot" not in pdf and "source" not in pdf.split("Forest plot")[1][:40]


def test_content_visible_when_format(book: Path) -> None:
    path = book / "manuscript" / "02-methods.qmd"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n\nRead it [on the site]{.content-visible when-format="html"} or in print.\n\n'
        + '::: {.content-hidden when-format="html"}\nPrint-only paragraph.\n:::\n',
        encoding="utf-8",
    )
    assert check_manuscript(book) == []
    render_book(book, backend="embedded")
    html = (book / "_book" / "manuscript" / "02-methods.html").read_text(encoding="utf-8")
    assert "on the site" in html and "Print-only paragraph" not in html
    from pypdf import PdfReader

    pdf = " ".join(p.extract_text() for p in PdfReader(book / "_book" / "review.pdf").pages)
    assert "on the site" not in pdf and "Print-only paragraph" in pdf


def test_dates_stay_whole_links_get_tips_and_indexers_get_citation_tags(book: Path) -> None:
    path = book / "manuscript" / "02-methods.qmd"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nSearched on 2024-05-01 and again on 3 June 2024.\n",
        encoding="utf-8",
    )
    render_book(book, backend="embedded")
    site = book / "_book"
    methods = (site / "manuscript" / "02-methods.html").read_text(encoding="utf-8")
    assert '<span class="nowrap">2024-05-01</span>' in methods
    assert "3\u00a0June\u00a02024" in methods or "3&nbsp;June&nbsp;2024" in methods
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Fixture review of' in index
    assert index.count('<meta name="citation_author"') == 2
    pages = " ".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    import re

    tips = re.findall(r'<a href="[^"]*#ref-smith2020"[^>]*title="([^"]+)"', pages)
    assert tips and "Smith" in tips[0]
    from pypdf import PdfReader

    pdf = " ".join(p.extract_text() for p in PdfReader(site / "review.pdf").pages)
    assert "2024\u201105\u201101" in pdf or "2024-05-01" in pdf.replace("\u2011", "-")


def test_group_rows_become_repeating_typst_subheaders() -> None:
    import typst

    from livingreview.render.finish import GROUP_MARK, group_subheaders

    rows = "".join(f"  [r{i}], [x \\[{i}\\]],\n" for i in range(40))
    source = (
        "#set page(width: 10cm, height: 7cm)\n#table(columns: 2,\n"
        "  table.header([*Study*], [*n*]),\n"
        f"  table.cell(colspan: 2)[{GROUP_MARK}#strong[Group \\[one\\]]],\n{rows})\n"
    )
    typ = group_subheaders(source)
    assert "table.header(level: 2, table.cell(colspan: 2)[#strong[Group \\[one\\]]])" in typ
    assert GROUP_MARK not in typ
    import io

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(typst.compile(typ.encode())))
    assert len(pdf.pages) > 1
    assert all("Group [one]" in page.extract_text() for page in pdf.pages)  # repeated


def test_a_count_stays_on_one_line_in_text_and_headings() -> None:
    """ "(n = 34)" no longer breaks after "=" (issue 14: the records appendix's headings
    and its table of contents wrapped "(n =" / "34)" on a phone)."""
    from livingreview.render import ast as A
    from livingreview.render.finish import NBSP, _glue_dates

    def inlines(text: str) -> list:
        out: list = []
        for i, word in enumerate(text.split(" ")):
            out += [A.Space()] if i else []
            out.append(A.Str(word))
        return out

    para = A.Para(inlines("Excluded (n = 23) and m = 4"))
    header = {"t": "Header", "c": [2, ["", [], []], inlines("Included (n = 5 studies)")]}
    _glue_dates(para, "html")
    _glue_dates(header, "typst")
    assert A.stringify(para["c"]) == f"Excluded (n{NBSP}={NBSP}23) and m = 4"
    assert A.stringify(header["c"][2]) == f"Included (n{NBSP}={NBSP}5 studies)"


@pytest.mark.parametrize(
    ("attributes", "note"),
    [
        # Figure 1.1 (a schematic, made from no data file) showed a "source" that linked
        # nowhere, with the tooltip "Drawn by code": it gets no source note.
        ('data-rule="draw_x"', None),
        ('data-source="data/studies.csv" data-rule="draw_x"', "data/studies.csv"),
    ],
)
def test_only_a_figure_made_from_data_files_gets_a_source_note(
    attributes: str, note: str | None
) -> None:
    import json

    import pypandoc

    from livingreview.render import ast as A
    from livingreview.render.finish import _provenance

    markdown = f"![A schematic.](figure.png){{#fig-x {attributes}}}\n"
    (figure,) = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))["blocks"]
    _provenance(figure, "html", ["data/studies.csv"])
    notes = [
        e for e in A.iter_elements([figure]) if e["t"] == "Span" and "source-note" in e["c"][0][1]
    ]
    assert "Drawn by code" not in json.dumps(figure)
    assert len(notes) == (0 if note is None else 1)
    if note is not None:
        assert f'"{note}"' in json.dumps(notes[0])

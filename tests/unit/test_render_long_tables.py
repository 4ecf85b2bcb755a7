"""Very long tables in print: their size and where the whole table is (issue 19,
``tables.print_rows``, :mod:`livingreview.render.long_tables`).

In DOCX and PDF a table with more rows than ``tables.print_rows`` keeps its number,
caption and column headings, and one note in its footer says how many rows it has,
that the website shows every row and, when the website publishes it, the data file
the table is made from. The website page is byte-identical either way. The book is
the made-up one of ``test_table_pages.py`` (seven study rows in two groups).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from livingreview.render import ast as A
from livingreview.render.long_tables import (
    DEFAULT_TABLE_PRINT_ROWS,
    data_rows,
    print_note,
    shorten_for_print,
)

PUBLISHED_NOTE = (
    "This table has 7 rows, too many to print. The website version of this review shows "
    "every row and publishes the data file it is made from, studies.csv."
)


def _cell(text: str, colspan: int = 1) -> list:
    return [A.attr(), {"t": "AlignDefault"}, 1, colspan, [A.Plain(A.text_inlines(text))]]


def _table(groups: dict[str, int], source: str | None = None) -> A.Element:
    """A Pandoc Table of two columns, a full-width heading row per group."""
    rows = []
    for group, count in groups.items():
        rows.append([A.attr(), [_cell(group, 2)]])
        rows += [[A.attr(), [_cell(f"Study {i}"), _cell("10")]] for i in range(count)]
    attrs = {"data-source": source} if source else {}
    return {
        "t": "Table",
        "c": [
            A.attr("tbl-x", [], attrs),
            [None, [A.Plain(A.text_inlines("The studies."))]],
            [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * 2,
            [A.attr(), [[A.attr(), [_cell("Study"), _cell("n")]]]],
            [[A.attr(), 0, [], rows]],
            [A.attr(), []],
        ],
    }


def test_group_headings_are_not_counted_as_rows() -> None:
    assert data_rows(_table({"A": 4, "B": 3})) == 7


@pytest.mark.parametrize(
    ("most", "shortened"),
    [
        pytest.param(6, True, id="over"),
        pytest.param(7, False, id="equal"),
        pytest.param(0, False, id="never"),
        pytest.param(DEFAULT_TABLE_PRINT_ROWS, False, id="default"),
    ],
)
def test_only_a_table_over_the_number_is_shortened(most: int, shortened: bool) -> None:
    table = _table({"A": 4, "B": 3}, "data/studies.csv")
    before = A.clone(table)
    assert shorten_for_print(table, most, ["data/studies.csv"]) is shortened
    if not shortened:
        assert table == before
        return
    assert table["c"][:4] == before["c"][:4]  # id, data source, caption, columns, head
    assert table["c"][4] == []
    (row,) = table["c"][5][1]
    (cell,) = row[1]
    assert cell[3] == 2  # across every column
    assert A.stringify(cell[4]) == PUBLISHED_NOTE


@pytest.mark.parametrize(
    ("files", "note"),
    [
        pytest.param(
            [],
            "This table has 2,500 rows, too many to print. "
            "The website version of this review shows every row.",
            id="not-published",
        ),
        pytest.param(
            ["data/outcomes.csv", "data/studies.csv"],
            "This table has 2,500 rows, too many to print. The website version of this "
            "review shows every row and publishes the data files it is made from, "
            "outcomes.csv and studies.csv.",
            id="two-files",
        ),
    ],
)
def test_the_note_names_only_published_data_files(files: list[str], note: str) -> None:
    assert print_note(2500, files) == note


@pytest.mark.parametrize(
    ("files", "note"),
    [
        pytest.param([], "This table has 2,500 rows, too many to print.", id="no-file"),
        pytest.param(
            ["data/studies.csv"],
            "This table has 2,500 rows, too many to print. It is made from the review's "
            "data file studies.csv.",
            id="one-file",
        ),
        pytest.param(
            ["data/studies.csv", "data/outcomes.csv"],
            "This table has 2,500 rows, too many to print. It is made from the review's "
            "data files outcomes.csv and studies.csv.",
            id="two-files",
        ),
    ],
)
def test_without_a_website_the_note_does_not_point_to_one(files: list[str], note: str) -> None:
    """``render.formats`` without html: no website is built, so the note names the data
    files alone."""
    assert print_note(2500, files, website=False) == note


def test_a_data_source_the_website_does_not_publish_is_not_named() -> None:
    table = _table({"A": 4, "B": 3}, "data/studies.csv")
    shorten_for_print(table, 5, published=["refs/references.bib"])
    assert "studies.csv" not in A.stringify(table["c"][5])


def _pages_module():
    path = Path(__file__).with_name("test_table_pages.py")
    spec = importlib.util.spec_from_file_location("lr_test_table_pages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same book rendered with print_rows 5 (shortened) and by default (whole),
    and shortened in a DOCX built alone (``render.formats: [docx]``, no website)."""
    from livingreview.render import render_book

    pages = _pages_module()
    sites = {}
    for name, print_rows in (("short", 5), ("whole", None), ("docx_alone", 5)):
        root = pages._project(tmp_path_factory.mktemp(name), None, print_rows)
        chapter = root / "index.qmd"
        chapter.write_text(
            chapter.read_text(encoding="utf-8").replace(
                "{#tbl-long}", '{#tbl-long data-source="data/studies.csv"}'
            ),
            encoding="utf-8",
        )
        quarto = root / "_quarto.yml"
        quarto.write_text(
            quarto.read_text(encoding="utf-8").replace(
                "  type: book\n", "  type: book\n  resources:\n    - data/studies.csv\n"
            )
            + "  typst: {}\n",
            encoding="utf-8",
        )
        formats = ("docx",) if name == "docx_alone" else ("html", "docx", "pdf")
        render_book(root, backend="embedded", formats=formats)
        sites[name] = root / "_book"
    return sites


def test_docx_gives_the_size_and_the_website_instead_of_the_rows(books: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(books["short"] / "pages.docx"))
    (table,) = document.tables
    cells = [c.text for r in table.rows for c in r.cells]
    assert cells[:7] == ["Study", "n", "a", "b", "c", "d", "e"]
    assert set(cells[7:]) == {PUBLISHED_NOTE}
    captions = [p.text for p in document.paragraphs if p.text.startswith("Table\xa01.1:")]
    assert captions == ["Table\xa01.1: The studies, grouped."]  # number and caption kept
    whole = docx.Document(str(books["whole"] / "pages.docx"))
    assert "Study 7" in [c.text for t in whole.tables for r in t.rows for c in r.cells]


def test_pdf_gives_the_size_and_the_website_instead_of_the_rows(books: dict[str, Path]) -> None:
    from pypdf import PdfReader

    def text(site: Path) -> str:
        return " ".join(p.extract_text() for p in PdfReader(site / "pages.pdf").pages)

    short, whole = " ".join(text(books["short"]).split()), text(books["whole"])
    assert PUBLISHED_NOTE in short
    assert "Study 1 " not in short and "Group A" not in short
    assert "Table 1.1: The studies, grouped." in short.replace("\xa0", " ")  # caption kept
    assert "Study 7" in whole and "too many to print" not in whole


def test_the_website_shows_every_row_either_way(books: dict[str, Path]) -> None:
    for page in ("index.html", "other.html"):
        assert (books["short"] / page).read_bytes() == (books["whole"] / page).read_bytes()


def test_a_docx_built_without_the_website_does_not_point_to_it(books: dict[str, Path]) -> None:
    import docx

    assert not (books["docx_alone"] / "index.html").exists()
    document = docx.Document(str(books["docx_alone"] / "pages.docx"))
    (table,) = document.tables
    cells = [c.text for r in table.rows for c in r.cells]
    assert set(cells[7:]) == {
        "This table has 7 rows, too many to print. It is made from the review's data file "
        "studies.csv."
    }


CITING_BOOK = """\
project:
  type: book
book:
  title: Cited
  output-file: cited
  chapters:
    - index.qmd
    - references.qmd
bibliography: refs.bib
csl: style.csl
format:
  html: {}
  docx: {}
"""
CITING_CHAPTER = """\
# Results

| Study | n |
|-------|---|
| One [@one] | 10 |
| Two [@two] | 20 |
| Three [@three] | 30 |

: The studies. {#tbl-long}

As @tbl-long shows, and as a review found [@review].
"""
BIB = "".join(
    f"@article{{{key},\n  author = {{{name}, A}},\n  title = {{{key.title()} trial}},\n"
    f"  journal = {{J Test}},\n  year = {{2020}},\n  volume = {{1}},\n  pages = {{1--2}},\n"
    f"  doi = {{10.1000/{key}}}\n}}\n"
    for key, name in (("one", "Ash"), ("two", "Birch"), ("three", "Cedar"), ("review", "Dale"))
)


@pytest.fixture(scope="module")
def cited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A book whose long table cites three studies and whose text cites a fourth,
    rendered with its table printed as a note (print_rows 2) and whole (default)."""
    import yaml

    from livingreview.render import render_book

    root_config = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "config" / "config.yaml").read_text("utf-8")
    )
    csl = Path(__file__).resolve().parents[2] / "refs" / "american-medical-association.csl"
    sites = {}
    for name, print_rows in (("short", 2), ("whole", None)):
        root = tmp_path_factory.mktemp(name)
        (root / "_quarto.yml").write_text(CITING_BOOK, encoding="utf-8")
        (root / "index.qmd").write_text(CITING_CHAPTER, encoding="utf-8")
        (root / "references.qmd").write_text("# References\n\n::: {#refs}\n:::\n", "utf-8")
        (root / "refs.bib").write_text(BIB, encoding="utf-8")
        (root / "style.csl").write_bytes(csl.read_bytes())
        config = dict(root_config)
        for rel in config["data"].values():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).touch()
        config["tables"] = {**config.get("tables", {})}
        if print_rows is not None:
            config["tables"]["print_rows"] = print_rows
        (root / "config").mkdir()
        (root / "config" / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        render_book(root, backend="embedded", formats=("html", "docx"))
        sites[name] = root / "_book"
    return sites


def _docx_paragraphs(site: Path) -> list[str]:
    import docx

    return [p.text for p in docx.Document(str(site / "cited.docx")).paragraphs]


def test_print_lists_only_the_works_cited_in_what_it_prints(cited: dict[str, Path]) -> None:
    """The table printed as a note cites no study, so the DOCX's reference list holds
    the review cited in the text alone, numbered 1 as the text cites it; the website
    keeps all four. Without a shortened table print is as before (numbered 1 to 4)."""
    short = _docx_paragraphs(cited["short"])
    assert "As Table\xa01.1 shows, and as a review found1." in short
    assert [p for p in short if p[:1].isdigit() and ". \t" in p] == [
        "1. \tDale A. Review trial. J Test. 2020;1:1-2. doi:10.1000/review"
    ]
    whole = _docx_paragraphs(cited["whole"])
    assert "As Table\xa01.1 shows, and as a review found4." in whole
    listed = [p.split(". ", 1) for p in whole if p[:1].isdigit() and ". \t" in p]
    assert [(n, entry.split(".")[0].strip()) for n, entry in listed] == [
        ("1", "Ash A"), ("2", "Birch A"), ("3", "Cedar A"), ("4", "Dale A")
    ]  # fmt: skip
    page = (cited["short"] / "references.html").read_text(encoding="utf-8")
    assert all(name in page for name in ("Ash A", "Birch A", "Cedar A", "Dale A"))
    for name in ("index.html", "references.html"):  # the website as before
        assert (cited["short"] / name).read_bytes() == (cited["whole"] / name).read_bytes()

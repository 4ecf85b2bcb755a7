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

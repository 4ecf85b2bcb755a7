"""Plain table cells as Typst strings (render.typst_cells): only where they mean the same."""

from __future__ import annotations

import pytest

from livingreview.render.typst_cells import plain_cells_as_strings

TABLE = """#figure(
  align(center)[#table(
    columns: (20%, 30%, 50%),
    align: (left,left,left,),
    table.header([Study], [Route / dose /
      schedule], [Main finding],),
    table.hline(),
    table.header(level: 2, table.cell(colspan: 3)[#strong[Generalised anxiety]]),
    {rows}
  )]
  , kind: table
  )
"""


def table(*cells: str) -> str:
    return TABLE.replace("{rows}", ", ".join(cells) + ",")


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        pytest.param("[GAD]", '"GAD"', id="word"),
        pytest.param("[IV; 0.5 mg/kg;\n    once]", '"IV; 0.5 mg/kg; once"', id="lines"),
        pytest.param("[Fell (24 h), 5%!]", '"Fell (24 h), 5%!"', id="punctuation"),
        pytest.param("[Étude à Zürich]", '"Étude à Zürich"', id="letters"),
        pytest.param("[--]", "[--]", id="shorthand-dash"),
        pytest.param("[a...]", "[a...]", id="shorthand-ellipsis"),
        pytest.param("[a~b]", "[a~b]", id="shorthand-nbsp"),
        pytest.param("[it's]", "[it's]", id="smart-quote"),
        pytest.param("[-5]", "[-5]", id="minus"),
        pytest.param("[a\n    1. b]", "[a\n    1. b]", id="list-marker"),
        pytest.param("[a\n\n    b]", "[a\n\n    b]", id="two-paragraphs"),
        pytest.param("[ a]", "[ a]", id="space-at-start"),
        pytest.param("[]", "[]", id="empty"),
        pytest.param("[*a*]", "[*a*]", id="strong"),
        pytest.param("[a_b]", "[a_b]", id="emph"),
        pytest.param("[A#super[#link(<ref-a>)[1]]]", "[A#super[#link(<ref-a>)[1]]]", id="code"),
        pytest.param("[see \\[1\\]]", "[see \\[1\\]]", id="escaped-brackets"),
        pytest.param("[a/ b]", "[a/ b]", id="slash-at-word-end"),
    ],
)  # fmt: skip
def test_only_cells_that_mean_the_same_are_rewritten(cell: str, written: str) -> None:
    out = plain_cells_as_strings(table(cell, "[x]", "[y]"))
    assert out == table(written, '"x"', '"y"').replace("[Study]", '"Study"').replace(
        "[Main finding]", '"Main finding"'
    )


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param('[#link("https://x.org")[a]]', id="string"),
        pytest.param("[`code`]", id="raw"),
        pytest.param("[$x^2$]", id="math"),
        pytest.param("[a // b]", id="comment"),
        pytest.param("[a]]", id="unbalanced"),
    ],
)
def test_a_table_the_scanner_does_not_follow_is_left_as_written(cell: str) -> None:
    source = table(cell, "[x]", "[y]")
    assert plain_cells_as_strings(source) == source


def test_only_tables_are_rewritten() -> None:
    source = '#figure(image("a.svg"), caption: [Plain words])\n#block[Plain words]\n'
    assert plain_cells_as_strings(source + table("[a]")) == source + plain_cells_as_strings(
        table("[a]")
    )
    assert plain_cells_as_strings(source) == source


def test_the_pdf_is_byte_identical() -> None:
    typst = pytest.importorskip("typst")
    rows = [
        f"[Study {i}], [Randomised,\n    crossover: design {i}], [IV; 0.{i} mg/kg; single infusion]"
        for i in range(40)
    ]
    source = '#set text(size: 7pt)\n#set page(paper: "a6")\n' + table(*rows, "[--]")
    rewritten = plain_cells_as_strings(source)
    assert rewritten.count('"') >= 2 * 3 * 40  # the rows' cells were rewritten
    assert typst.compile(rewritten.encode(), timestamp=0) == typst.compile(
        source.encode(), timestamp=0
    )

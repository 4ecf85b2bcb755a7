"""Quarto options and modes the embedded backend follows (issue 15).

``--lenient``, ``check --quarto-compatible``, chapter front matter for
``meta`` and ``crossref:``, ``ref-hyperlink``, ``*-labels``,
``number-sections: false``, references Quarto leaves unresolved, and pictures
that cannot go into the PDF (refused by ``check``, never by a failed render).
"""

from __future__ import annotations

import logging
from pathlib import Path

import docx
import matplotlib
import numpy as np
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from livingreview.cli import main
from livingreview.errors import ManuscriptError
from livingreview.render import check_manuscript, render_book

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def book(
    root: Path, chapter: str, extra: str = "", index: str = "# Preface {.unnumbered}\n"
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_quarto.yml").write_text(
        "project:\n  type: book\nbook:\n  title: T\n  chapters:\n    - index.qmd\n    - ch.qmd\n"
        + extra,
        encoding="utf-8",
    )
    (root / "index.qmd").write_text(index, encoding="utf-8")
    (root / "ch.qmd").write_text(chapter, encoding="utf-8")
    return root


def html(root: Path, page: str = "ch") -> str:
    render_book(root, backend="embedded", formats=["html"])
    return (root / "_book" / f"{page}.html").read_text(encoding="utf-8")


TABLE = "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Letters {#tbl-letters}\n"


def test_unresolved_reference_stops_the_build_unless_lenient(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = book(tmp_path / "b", "# One\n\nSee @fig-missing.\n")
    with pytest.raises(ManuscriptError) as err:
        render_book(root, backend="embedded", formats=["html"])
    assert "unresolved cross-reference '@fig-missing'" in str(err.value.problems[0])
    assert "add {#fig-missing}" not in str(err.value.problems[0])
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        render_book(root, backend="embedded", formats=["html", "docx", "pdf"], lenient=True)
    assert "<strong>?@fig-missing</strong>" in (root / "_book" / "ch.html").read_text()
    assert any("@fig-missing" in r.getMessage() for r in caplog.records)


def test_cli_lenient(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = book(tmp_path / "b", "# One\n\nSee @tbl-missing.\n")
    assert (
        main(
            [
                "--project",
                str(root),
                "render",
                "--backend",
                "embedded",
                "--lenient",
                "--formats",
                "html",
            ]
        )
        == 0
    )
    assert "?@tbl-missing" in (root / "_book" / "ch.html").read_text()


def test_reference_to_an_unnumbered_section_is_unresolved(tmp_path: Path) -> None:
    root = book(tmp_path / "b", "# One\n\n## Aside {#sec-aside .unnumbered}\n\nSee @sec-aside.\n")
    problems = check_manuscript(root)
    assert [(p.file, p.row, p.message) for p in problems] == [
        ("ch.qmd", 5, "cross-reference '@sec-aside' to an unnumbered section")
    ]


def test_unsupported_reference_types_are_named(tmp_path: Path) -> None:
    root = book(tmp_path / "b", "# One\n\nSee @alg-x and @thm-missing.\n")
    messages = [p.message for p in check_manuscript(root)]
    assert messages == [
        "unsupported reference type '@alg-x'",
        "unresolved cross-reference '@thm-missing'",
    ]


BLOCKS = """\
# One

::: {#thm-line}
## Line

A line is $y = mx + b$.
:::

::: {#nte-first .callout-note}
## Numbered note

Body of the note.
:::

```{#lst-query .sql lst-cap="A *short* query"}
SELECT 1
```

See @thm-line, @nte-first and @lst-query.
"""


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_theorem_callout_and_listing_references(tmp_path: Path, fmt: str) -> None:
    root = book(tmp_path / "b", BLOCKS)
    render_book(root, backend="embedded", formats=[fmt])
    out = root / "_book"
    if fmt == "html":
        soup = BeautifulSoup((out / "ch.html").read_text(), "html.parser")
        assert soup.select_one("div#lst-query figcaption em").get_text() == "short"
        text = soup.get_text(" ")
    elif fmt == "docx":
        text = " ".join(p.text for p in docx.Document(str(out / "t.docx")).paragraphs)
    else:
        text = " ".join(p.extract_text() for p in PdfReader(out / "t.pdf").pages)
    text = " ".join(text.replace("\u00a0", " ").split())
    assert "Theorem 1.1 (Line)" in text
    assert "Note 1.1: Numbered note" in text
    assert "Listing 1.1: A short query" in text
    assert "See Theorem 1.1, Note 1.1 and Listing 1.1." in text.replace(" ,", ",").replace(
        " .", "."
    )


def test_chapter_front_matter_meta_and_crossref_options(tmp_path: Path) -> None:
    chapter = (
        "---\nfive: 5\ncrossref:\n  tbl-prefix: Tab.\n  tbl-labels: roman i\n"
        "  ref-hyperlink: false\n---\n\n# One\n\nFive: {{< meta five >}}. See @tbl-letters.\n\n"
        + TABLE
    )
    page = html(book(tmp_path / "b", chapter))
    assert "Five: 5." in page
    assert "Table&nbsp;1.i: Letters" in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select("a.quarto-xref") == []
    assert "See Tab.&nbsp;1.i." in page


def test_crossref_chapters_false_numbers_through_the_book(tmp_path: Path) -> None:
    page = html(book(tmp_path / "b", "# One\n\n" + TABLE, extra="crossref:\n  chapters: false\n"))
    assert "Table&nbsp;1: Letters" in page


def test_number_sections_false_hides_every_number(tmp_path: Path) -> None:
    root = book(tmp_path / "b", "# One\n\n## Part\n", extra="number-sections: false\n")
    soup = BeautifulSoup(html(root), "html.parser")
    assert soup.select(".chapter-number, .header-section-number") == []
    prev = BeautifulSoup(html(root, "index"), "html.parser").select_one("a[rel=next]")
    assert prev.get_text(" ", strip=True).endswith("One") and "1" not in prev.get_text()


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("https://example.org/a.png", "a picture on the web cannot go into the PDF"),
        ("data:image/png;base64,iVBORw0KGgo=", "a picture given as a data: URI cannot go"),
    ],
)
def test_pictures_the_pdf_cannot_hold_are_refused_by_check(
    tmp_path: Path, src: str, message: str
) -> None:
    root = book(tmp_path / "b", f"# One\n\n![A picture]({src})\n")
    problems = check_manuscript(root)
    assert len(problems) == 1 and problems[0].message.startswith(message)
    assert (problems[0].file, problems[0].row) == ("ch.qmd", 3)
    # a website-only book shows them
    html_only = book(
        tmp_path / "h", f"# One\n\n![A picture]({src})\n", extra="format:\n  html: {}\n"
    )
    assert check_manuscript(html_only) == []


def test_links_in_included_files_are_relative_to_them(tmp_path: Path) -> None:
    root = book(tmp_path / "b", "# One\n\n{{< include parts/_a.md >}}\n")
    (root / "parts").mkdir()
    (root / "parts" / "_a.md").write_text("[Back](../index.qmd) and [up](../ch.qmd#one)\n")
    assert check_manuscript(root) == []
    soup = BeautifulSoup(html(root), "html.parser")
    assert [a["href"] for a in soup.select("main p a")] == ["index.html#preface", "#one"]


def test_quarto_compatible_flags_what_the_embedded_backend_ignores(tmp_path: Path) -> None:
    chapter = (
        "# One\n\n![A picture](a.png){fig-align=center}\n\n"
        '::: {.callout-note collapse="true"}\nFolded.\n:::\n'
    )
    root = book(tmp_path / "b", chapter, extra="filters:\n  - my-filter.lua\n")
    (root / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert check_manuscript(root) == []
    problems = check_manuscript(root, quarto_compatible=True)
    assert [(p.file, p.row, p.message) for p in problems] == [
        ("_quarto.yml", None, "Lua filters are not run by the embedded backend"),
        ("ch.qmd", 3, "'fig-align' is ignored by the embedded backend"),
        ("ch.qmd", 5, "'collapse' is ignored by the embedded backend"),
    ]


def test_cli_check_quarto_compatible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = book(tmp_path / "b", "# One\n\n::: {.callout-tip collapse=true}\nx\n:::\n")
    assert main(["--project", str(root), "check"]) == 0
    assert main(["--project", str(root), "check", "--quarto-compatible"]) == 1
    assert "'collapse' is ignored" in capsys.readouterr().err


CALLOUTS = """\
# One

::: {.callout}
## Exercise

Untyped callout.
:::

::: {.callout-tip appearance="simple" icon="false"}
Simple, without title or icon.
:::

::: {.callout-note}
## Title with **markup**

Body.
:::
"""


def test_callouts_have_quartos_html_structure(tmp_path: Path) -> None:
    root = book(tmp_path / "b", CALLOUTS)
    render_book(root, backend="embedded")
    soup = BeautifulSoup((root / "_book" / "ch.html").read_text(), "html.parser")
    untyped = soup.select_one("div.callout.callout-none.callout-titled")
    assert untyped.select_one(".callout-title-container").get_text(strip=True) == "CalloutExercise"
    assert soup.select_one("div.callout-tip.callout-style-simple.no-icon > div.callout-body")
    assert soup.select_one("div.callout-tip .callout-header") is None
    note = soup.select_one(
        "div.callout-note.callout-style-default.callout-titled > div.callout-header"
        " > div.callout-icon-container + div.callout-title-container"
    )
    assert note.select_one("span.screen-reader-only").get_text() == "Note"
    assert note.select_one("strong").get_text() == "markup"
    docx_text = [p.text for p in docx.Document(str(root / "_book" / "t.docx")).paragraphs]
    assert "Exercise" in docx_text and "Title with markup" in docx_text
    pdf = " ".join(p.extract_text() for p in PdfReader(root / "_book" / "t.pdf").pages)
    assert "Exercise" in pdf and "Untyped callout." in pdf


LIST_TABLE = """\
# One

::: {#tbl-list .list-table}
Planets by size. {tbl-colwidths=[50,50]}

* - Planet
  - Size
* - Jupiter
  - Large
:::

A div with a chapter heading inside:

::: {#box .box}
# Inside a div

Text in the box.
:::

![A picture](a.png?raw=true)

See @tbl-list.
"""


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_list_table_heading_in_div_and_query_string(tmp_path: Path, fmt: str) -> None:
    root = book(tmp_path / "b", LIST_TABLE)
    plt.imsave(root / "a.png", np.zeros((4, 4)))
    assert check_manuscript(root) == []
    render_book(root, backend="embedded", formats=[fmt])  # the PDF used to fail on the heading
    out = root / "_book"
    if fmt == "html":
        soup = BeautifulSoup((out / "ch.html").read_text(), "html.parser")
        assert [th.get_text() for th in soup.select("div#tbl-list table thead th")] == [
            "Planet",
            "Size",
        ]
        assert soup.select_one("img")["src"] == "a.png"
        text = soup.get_text(" ")
    elif fmt == "docx":
        document = docx.Document(str(out / "t.docx"))
        text = " ".join(p.text for p in document.paragraphs)
        text += " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    else:
        text = " ".join(p.extract_text() for p in PdfReader(out / "t.pdf").pages)
    text = " ".join(text.replace("\u00a0", " ").split())
    assert "Table 1.1: Planets by size." in text and "tbl-colwidths" not in text
    assert "Jupiter" in text and "Text in the box." in text

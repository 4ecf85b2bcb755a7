"""Quarto forms the embedded backend used to refuse or get wrong, in HTML, DOCX and PDF.

Issue 15's five most common gaps, each checked in the three formats of one
small book (written here, pictures drawn here): subfigures and subtables,
the other float forms, include paths resolved as Quarto resolves them,
``index.qmd`` numbered as chapter 1 unless ``.unnumbered``, and HTML comments.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import matplotlib
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from livingreview.render import check_manuscript, render_book

matplotlib.use("Agg")

QUARTO_YML = """\
project:
  type: book
book:
  title: Forms
  output-file: forms
  chapters:
    - index.qmd
    - chapters/floats.qmd
    - chapters/includes.qmd
format:
  html: {}
  docx: {}
  typst: {}
"""

INDEX = """\
# Preface

![A first figure](pics/one.png){#fig-first}

@fig-first is in chapter 1: Quarto numbers index.qmd unless it is unnumbered.
"""

FLOATS = """\
# Floats

::: {#fig-panel layout-ncol=2}

![Left panel](../pics/one.png){#fig-left}

![Right panel](../pics/two.png){#fig-right}

Two panels
:::

::: {#tbl-pair layout-ncol=2}
| A | B |
|---|---|
| 1 | 2 |

: First table {#tbl-one}

| C | D |
|---|---|
| 3 | 4 |

: Second table {#tbl-two}

Two tables
:::

::: {#tbl-picture}
![](../pics/one.png)

A table given as a picture
:::

![An image with a table id](../pics/two.png){#tbl-image}

[![A linked figure](../pics/one.png){#fig-linked}](https://example.org/)

::: {#fig-capattr fig-cap="Caption from an attribute"}
![](../pics/two.png)
:::

<!--
::: {#fig-hidden layout-ncol=3}
{{< include missing.md >}}
```{python}
print("hidden")
```
:::
-->

Refs: @fig-panel, @fig-right, @tbl-pair, @tbl-two, @tbl-picture, @tbl-image,
@fig-linked and @fig-capattr. HIDDEN-MARKER-CHECK<!-- COMMENT-TEXT -->
"""

INCLUDES = """\
# Includes

{{< include parts/_outer.md >}}
"""

OUTER = """\
Outer text.

![A picture beside the included file](inc.png)

{{< include parts/_inner.md >}}

{{< include /shared/_root.md >}}
"""


def _picture(path: Path, value: float) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    plt.imsave(path, np.full((8, 12), value), cmap="viridis", vmin=0, vmax=1)


def write_book(root: Path) -> Path:
    files = {
        "_quarto.yml": QUARTO_YML,
        "index.qmd": INDEX,
        "chapters/floats.qmd": FLOATS,
        "chapters/includes.qmd": INCLUDES,
        "chapters/parts/_outer.md": OUTER,
        # relative to the chapter (chapters/), as Quarto resolves nested includes
        "chapters/parts/_inner.md": "Inner text from the chapter folder.\n",
        # a decoy where the including file's folder would point: must not be used
        "chapters/parts/parts/_inner.md": "WRONG inner text.\n",
        "shared/_root.md": "Root text from the project root.\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _picture(root / "pics" / "one.png", 0.2)
    _picture(root / "pics" / "two.png", 0.8)
    _picture(root / "chapters" / "parts" / "inc.png", 0.5)
    return root


def squash(text: str) -> str:
    """One space between words, none before punctuation (get_text joins elements with one)."""
    return re.sub(r" ([,.:])", r"\1", re.sub(r"\s+", " ", text.replace("\u00a0", " "))).strip()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = write_book(tmp_path_factory.mktemp("forms") / "book")
    assert check_manuscript(root) == []
    render_book(root, backend="embedded")
    book = root / "_book"
    html = {
        name: (book / f"{name}.html").read_text(encoding="utf-8")
        for name in ("index", "chapters/floats", "chapters/includes")
    }
    document = docx.Document(str(book / "forms.docx"))
    docx_text = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                docx_text += [p.text for p in cell.paragraphs]
                for inner in cell.tables:
                    docx_text += [p.text for r in inner.rows for c in r.cells for p in c.paragraphs]
    pdf = PdfReader(book / "forms.pdf")
    return {
        "html": squash(
            " ".join(BeautifulSoup(h, "html.parser").get_text(" ") for h in html.values())
        ),
        "docx": squash(" ".join(docx_text)),
        "pdf": squash(" ".join(page.extract_text() for page in pdf.pages)),
        "soup": BeautifulSoup(html["chapters/floats"], "html.parser"),
        "raw": html,
    }


FORMATS = ["html", "docx", "pdf"]


EXPECTED = {
    "subfigures-and-subtables": (
        "(a) Left panel",
        "(b) Right panel",
        "Figure 2.1: Two panels",
        "(a) First table",
        "(b) Second table",
        "Table 2.1: Two tables",
        "Figure 2.1, Figure 2.1 (b), Table 2.1, Table 2.1 (b)",
    ),
    "other-float-forms": (
        "Table 2.2: A table given as a picture",
        "Table 2.3: An image with a table id",
        "Figure 2.2: A linked figure",
        "Figure 2.3: Caption from an attribute",
        "Table 2.2, Table 2.3, Figure 2.2 and Figure 2.3",
    ),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("group", sorted(EXPECTED))
def test_float_captions_and_references(out: dict, fmt: str, group: str) -> None:
    for expected in EXPECTED[group]:
        assert expected in out[fmt], f"{fmt}: {expected!r} missing"


def test_subfigure_html_structure(out: dict) -> None:
    soup = out["soup"]
    panel = soup.select_one("div#fig-panel.quarto-layout-panel > figure.quarto-float-fig")
    assert panel is not None
    cells = panel.select("div.quarto-layout-row > div.quarto-layout-cell")
    assert [c.select_one("div.quarto-float")["id"] for c in cells] == ["fig-left", "fig-right"]
    assert squash(soup.select_one("#fig-right figcaption").get_text()) == "(b) Right panel"
    assert soup.select_one("a.quarto-xref[href='#fig-right']").get_text() == "Figure\u00a02.1 (b)"
    assert soup.select_one("div#tbl-two > figure.quarto-subfloat-tbl table") is not None


def test_float_forms_html(out: dict) -> None:
    soup = out["soup"]
    assert soup.select_one("div#tbl-picture > figure.quarto-float-tbl img") is not None
    assert soup.select_one("div#fig-linked > figure a[href='https://example.org/'] img")
    image = soup.select_one("div#fig-capattr img")
    assert image["alt"] == "Caption from an attribute"  # fig-cap= is the caption and alt text


@pytest.mark.parametrize("fmt", FORMATS)
def test_includes_resolve_as_in_quarto(out: dict, fmt: str) -> None:
    text = out[fmt]
    assert "Outer text." in text
    assert "Inner text from the chapter folder." in text
    assert "Root text from the project root." in text
    assert "WRONG" not in text
    # an image path in an included file is relative to that file, as in Quarto
    assert "A picture beside the included file" in text


def test_included_image_is_copied_for_the_website(out: dict) -> None:
    soup = BeautifulSoup(out["raw"]["chapters/includes"], "html.parser")
    img = soup.find("img", alt="A picture beside the included file")
    assert img["src"] == "parts/inc.png"


@pytest.mark.parametrize("fmt", FORMATS)
def test_index_is_chapter_one_unless_unnumbered(out: dict, fmt: str) -> None:
    assert "Figure 1.1: A first figure" in out[fmt]
    assert "Figure 1.1 is in chapter 1" in out[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_html_comments_are_ignored(out: dict, fmt: str) -> None:
    text = out[fmt]
    assert "HIDDEN-MARKER-CHECK" in text
    assert "COMMENT-TEXT" not in text
    assert "hidden" not in text.lower().replace("hidden-marker-check", "")


def test_unnumbered_index_keeps_later_numbers(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    index = root / "index.qmd"
    index.write_text(INDEX.replace("# Preface", "# Preface {.unnumbered}"), encoding="utf-8")
    render_book(root, backend="embedded", formats=["html"])
    html = (root / "_book" / "chapters" / "floats.html").read_text(encoding="utf-8")
    assert "Figure&nbsp;1.1: Two panels" in html  # the floats chapter is now chapter 1


def test_nested_include_against_the_including_file_is_refused(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    (root / "chapters" / "parts" / "_outer.md").write_text("{{< include _inner.md >}}\n")
    problems = check_manuscript(root)
    assert [(p.file, p.row, p.message) for p in problems] == [
        ("chapters/parts/_outer.md", 1, "included file not found")
    ]
    assert problems[0].expected == "chapters/_inner.md"

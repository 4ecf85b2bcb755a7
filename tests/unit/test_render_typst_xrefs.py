"""Cross-references and numbered equations in the Typst source, as Quarto writes them.

Quarto writes a reference as ``#ref(<fig-x>, supplement: [Figure])`` and a
labelled equation as ``#math.equation(block: true, numbering:
equation-numbering, alt: "...", [ $ ... $ ])<eq-x>``. The embedded backend
writes the same markup; the numbers Typst shows are the book's own, so the PDF
reads "Figure 2.1" and "Equation 2.1" (chapter-prefixed, appendices lettered)
exactly as the HTML and DOCX do.
"""

from __future__ import annotations

import re

import docx
import matplotlib
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from livingreview.render import ast as A
from livingreview.render import render_book
from livingreview.render.xrefs import typst_str, write_refs

matplotlib.use("Agg")

QUARTO_YML = """\
project:
  type: book
book:
  title: Refs
  output-file: refs
  chapters:
    - index.qmd
    - two.qmd
  appendices:
    - extra.qmd
format:
  html: {}
  docx: {}
  typst:
    keep-typ: true
"""

INDEX = "# Preface {.unnumbered}\n\nSee @fig-plot, [-@eq-model], [Fig. @fig-plot] and @Fig-late.\n"

TWO = """\
# Two

![A plot](pic.png){#fig-plot}

$$
y = a + b x
$$ {#eq-model alt='The "linear" model'}

Model @eq-model is drawn in @fig-plot; @thm-line states it.

A linked picture [![A small plot](pic.png){width=40px}](https://example.org/) in the text.

::: {#thm-line}
## Line
A line is straight.
:::
"""

EXTRA = """\
# Extra

![A late plot](pic.png){#fig-late}

$$
z = 1
$$ {#eq-late}

See @eq-late and @fig-late.
"""


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import matplotlib.pyplot as plt

    root = tmp_path_factory.mktemp("typst-xrefs")
    (root / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
    (root / "index.qmd").write_text(INDEX, encoding="utf-8")
    (root / "two.qmd").write_text(TWO, encoding="utf-8")
    (root / "extra.qmd").write_text(EXTRA, encoding="utf-8")
    plt.imsave(root / "pic.png", [[0.0, 1.0], [1.0, 0.0]])
    render_book(root, backend="embedded")
    out = root / "_book"
    return {
        "typ": (out / "refs.typ").read_text(encoding="utf-8"),
        "pdf": squash(" ".join(p.extract_text() for p in PdfReader(out / "refs.pdf").pages)),
        "docx": squash(" ".join(p.text for p in docx.Document(str(out / "refs.docx")).paragraphs)),
        "html": BeautifulSoup((out / "two.html").read_text(encoding="utf-8"), "html.parser"),
    }


def test_typst_source_uses_quartos_markup(book: dict) -> None:
    typ = book["typ"]
    assert "#ref(<fig-plot>, supplement: [Figure])" in typ
    assert "#ref(<eq-model>, supplement: [])" in typ  # [-@eq-model]: the number alone
    assert "#ref(<fig-plot>, supplement: [Fig.])" in typ  # [Fig. @fig-plot]
    assert "#ref(<thm-line>, supplement: [Theorem])" in typ
    assert (
        '#math.equation(block: true, numbering: equation-numbering, alt: "The \\"linear\\" '
        'model", [ $ y = a + b x $ ])<eq-model>'
    ) in typ
    assert "#link(<fig-plot>)" not in typ and "qquad" not in typ
    # pictures with alt text carry it, as Quarto writes them; a figure's own has its caption
    assert '#box(image("pic.png", alt: "A small plot", width: 0.4166' in typ
    assert '#figure(image("pic.png")' in typ


def test_pdf_reads_the_books_numbers(book: dict) -> None:
    pdf = book["pdf"]
    assert "See Figure 1.1, 1.1, Fig. 1.1 and Figure A.1." in pdf
    assert "Model Equation 1.1 is drawn in Figure 1.1; Theorem 1.1 states it." in pdf
    assert "See Equation A.1 and Figure A.1." in pdf
    assert "(1.1)" in pdf and "(A.1)" in pdf  # the equations' own numbers
    assert "Figure 1.1: A plot" in pdf


def test_other_formats_unchanged(book: dict) -> None:
    assert "See Figure 1.1, 1.1, Fig. 1.1 and Figure A.1." in book["docx"]
    html = book["html"]
    links = {squash(a.get_text()) for a in html.find_all("a", class_="quarto-xref")}
    assert {"Equation 1.1", "Figure 1.1", "Theorem 1.1"} <= links
    assert not html.select(".quarto-xref-supplement")
    eq = html.select_one("span#eq-model")
    assert eq["aria-label"] == "The “linear” model"
    assert not eq.has_attr("equation-number") and not eq.has_attr("data-equation-number")
    assert "(1.1)" in squash(eq.get_text())


def test_typst_strings_are_escaped() -> None:
    assert typst_str('a "b" \\ c') == '"a \\"b\\" \\\\ c"'


def test_hyperlink_free_reference_keeps_its_text() -> None:
    """A reference outside a link (``ref-hyperlink: false``) is plain text in Typst."""
    span = A.Span([A.Str("Figure")], A.attr("", ["quarto-xref-supplement"]))
    out = write_refs([A.Para([span, A.Str("\u00a01")])], "typst")
    assert A.stringify(out) == "Figure\u00a01"

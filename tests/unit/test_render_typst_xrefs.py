"""Cross-references and numbered equations in the Typst source, as Quarto writes them.

Quarto writes a reference as ``#ref(<fig-x>, supplement: [Figure])``, a
labelled equation as ``#math.equation(block: true, numbering:
equation-numbering, alt: "...", [ $ ... $ ])<eq-x>`` and a theorem with the
theorion package, ``#theorem(title: [Line])[...] <thm-line>``. The embedded backend
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
    # theorems through theorion, as Quarto writes them
    assert '#import "@preview/theorion:0.4.1": make-frame' in typ
    assert "#theorem(title: [Line])[" in typ and "] <thm-line>" in typ
    assert "render: simple-theorem-render" in typ and "lemma" not in typ
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
    assert "Theorem 1.1 (Line). A line is straight." in pdf  # theorion's title, our number


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


def test_theorem_title_with_markup_characters_compiles() -> None:
    """A ``crossref: thm-title`` holding Typst markup characters is written as text."""
    import typst

    from livingreview.render.embedded import TEMPLATES
    from livingreview.render.numbered_blocks import typst_theorem_setup
    from livingreview.render.typst_pdf import TYPST_PACKAGES

    template = (TEMPLATES / "book.typ").read_text(encoding="utf-8")
    helpers = template[template.index("#let xref-show") : template.index("// Captions carry")]
    setup = typst_theorem_setup({"thm": ["2.1"]}, {"thm": "Thm [#1] *x* $y$"})
    source = helpers + setup + "#theorem[Body.]\n"
    pdf = typst.compile(source.encode("utf-8"), package_path=str(TYPST_PACKAGES))
    from io import BytesIO

    text = squash(PdfReader(BytesIO(pdf)).pages[0].extract_text())
    assert "Thm [#1] *x* $y$ 2.1. Body." in text

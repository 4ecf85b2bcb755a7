"""Conformance suite: one fixture chapter per Quarto feature, asserted in HTML, DOCX and PDF.

The feature book (tests/fixtures/render/features) is rendered once per module
with the embedded backend; its figures and bibliography are copied in from the
``book`` fixture. Each test checks one feature in the three formats, and the
parity test checks that the three formats agree on figure and table numbers,
resolved cross-references and cited works.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from docx.oxml.ns import qn
from pypdf import PdfReader

from livingreview.render import render_book
from livingreview.render.reference_docx import MARGIN, PAPER

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"
PAGES = [
    "index",
    "manuscript/01-include",
    "manuscript/02-var-meta",
    "manuscript/03-pagebreak",
    "manuscript/04-figures",
    "manuscript/05-tables",
    "manuscript/06-crossrefs",
    "manuscript/07-callouts",
    "manuscript/08-citations",
    "manuscript/09-landscape",
    "manuscript/10-references",
    "manuscript/90-appendix",
]
CALLOUTS = [
    ("note", "Note", "Body of the note."),
    ("tip", "Tip from a heading", "Body of the tip."),
    ("warning", "Warning with a title", "Body of the warning."),
    ("important", "Important", "Body of the important callout."),
    ("caution", "Caution", "Body of the caution."),
]
XREF_ID = re.compile(r"^(fig|tbl|sec|eq)-")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("features") / "book"
    shutil.copytree(FIXTURES / "features", root)
    for folder in ("results", "refs"):
        shutil.copytree(FIXTURES / "book" / folder, root / folder)
    render_book(root, backend="embedded")
    book = root / "_book"
    reader = PdfReader(book / "review.pdf")
    document = docx.Document(str(book / "review.docx"))
    return {
        "dir": book,
        "html": {
            name: BeautifulSoup((book / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
            for name in PAGES
        },
        "docx": document,
        "docx_text": squash("\n".join(p.text for p in document.paragraphs)),
        "pdf": reader,
        "pdf_pages": [squash(page.extract_text()) for page in reader.pages],
    }


def main_text(out: dict, name: str) -> str:
    return squash(out["html"][name].find("main").get_text())


def pdf_text(out: dict) -> str:
    return " ".join(out["pdf_pages"])


def pdf_page_of(out: dict, text: str) -> int:
    return next(i for i, page in enumerate(out["pdf_pages"]) if text in page)


def styled(out: dict, style: str) -> list[str]:
    return [squash(p.text) for p in out["docx"].paragraphs if p.style.name == style]


def body_children(document: docx.document.Document) -> list:
    return list(document.element.body.iterchildren())


def xml_text(element) -> str:
    """The text of a WordprocessingML element (its ``w:t`` runs)."""
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


# ---------------------------------------------------------------- book structure


def test_book_order_parts_and_appendices(out: dict) -> None:
    sidebar = out["html"]["manuscript/02-var-meta"].find("nav", id="sidebar")
    labels = [squash(a.get_text()) for a in sidebar.find("ol").find_all("a")]
    assert labels == [
        "Preface",
        "1 Include",
        "2 Variables and metadata",
        "3 Page break",
        "4 Figures",
        "5 Tables",
        "6 Cross-references",
        "7 Callouts",
        "8 Citations",
        "9 Landscape",
        "References",
        "A Extra material",  # Quarto's sidebar shows the letter; the heading says "Appendix"
    ]
    assert "Features" in sidebar.find(class_="part").get_text()
    headings = styled(out, "Heading 1")
    assert headings == [*labels[:-1], "Appendix A — Extra material"]  # no part page in Word
    starts = [pdf_page_of(out, label) for label in ("Preface", "Features", "1 Include")]
    assert starts == sorted(starts) and len(set(starts)) == 3  # a part page of its own
    assert pdf_page_of(out, "Appendix A — Extra material") > pdf_page_of(out, "References")


def test_front_matter_with_orcid(out: dict) -> None:
    block = out["html"]["index"].find(class_="title-block")
    assert squash(block.find(class_="book-title").get_text()) == "Feature book"
    assert block.find("a", class_="orcid")["href"] == "https://orcid.org/0000-0002-1825-0097"
    assert "Version 2.3" in squash(block.get_text(" "))
    assert "a book of 12 features" in squash(block.find(class_="abstract").get_text())
    assert styled(out, "Title") == ["Feature book"]
    assert styled(out, "Author") == ["Ada Lovelace1, Alan Turing2"]
    affiliations = styled(out, "Affiliation")
    assert affiliations[:2] == ["1Analytical Engine Institute", "2Bletchley Park"]
    assert affiliations[2] == "ORCID iD: Ada Lovelace https://orcid.org/0000-0002-1825-0097"
    links = out["docx"].element.body.findall(".//" + qn("w:hyperlink"))
    rels = out["docx"].part.rels
    targets = {rels[h.get(qn("r:id"))].target_ref for h in links if h.get(qn("r:id"))}
    assert "https://orcid.org/0000-0002-1825-0097" in targets
    assert "Background: a book of 12 features." in styled(out, "Abstract")
    first = out["pdf_pages"][0]
    for text in ("Feature book", "Ada Lovelace", "Bletchley Park", "Version 2.3", "12 features"):
        assert text in first
    uris = [
        a.get_object()["/A"].get("/URI")
        for a in out["pdf"].pages[0].get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert "https://orcid.org/0000-0002-1825-0097" in uris


# ---------------------------------------------------------------- shortcodes


def test_include_nested(out: dict) -> None:
    expected = ["Included paragraph from the first file.", "Nested paragraph two levels deep."]
    html = main_text(out, "manuscript/01-include")
    for text in expected:
        assert text in html and text in out["docx_text"] and text in pdf_text(out)
    assert "{{<" not in html + out["docx_text"] + pdf_text(out)


def test_var_and_meta(out: dict) -> None:
    expected = [
        "We screened 345 records on ketamine.",
        "This is version 2.3 of the Feature book.",
    ]
    html = main_text(out, "manuscript/02-var-meta")
    for text in expected:
        assert text in html and text in out["docx_text"] and text in pdf_text(out)


def test_pagebreak(out: dict) -> None:
    assert "pagebreak" not in main_text(out, "manuscript/03-pagebreak")
    children = body_children(out["docx"])
    texts = [xml_text(child) for child in children]
    before = texts.index("Paragraph before the break.")
    after = texts.index("Paragraph after the break.")
    between = children[before + 1 : after]
    assert any(el.findall(".//" + qn("w:br")) for el in between)
    assert pdf_page_of(out, "Paragraph after the break.") == (
        pdf_page_of(out, "Paragraph before the break.") + 1
    )


# ---------------------------------------------------------------- figures and tables


def test_figures_both_forms(out: dict) -> None:
    soup = out["html"]["manuscript/04-figures"]
    inline = soup.find(id="fig-inline").find("figure")
    assert squash(inline.figcaption.get_text()) == "Figure 4.1: Flow of records in the inline form"
    assert inline.img["alt"] == "Boxes and arrows"
    div = soup.find(id="fig-div").find("figure")
    assert squash(div.figcaption.get_text()) == "Figure 4.2: Forest plot in the div form."
    assert re.fullmatch(r"width:\s*50(\.0)?%;?", div.img.get("style", ""))
    assert styled(out, "Image Caption") == [
        "Figure 4.1: Flow of records in the inline form",
        "Figure 4.2: Forest plot in the div form.",
    ]
    flow, forest = out["docx"].inline_shapes
    assert abs(flow.width - 4 * 914400) < 20000  # 1200 px at 300 dpi, under the cap
    assert forest.width < flow.width  # width=50% is honoured
    text = pdf_text(out)
    assert "Figure 4.1: Flow of records in the inline form" in text
    assert "Figure 4.2: Forest plot in the div form." in text


def test_tables_both_forms(out: dict) -> None:
    soup = out["html"]["manuscript/05-tables"]
    caption = soup.find(id="tbl-caption")  # Quarto's div#tbl-x > figure > figcaption + table
    assert squash(caption.figcaption.get_text()) == "Table 5.1: Outcomes in the caption form"
    div_float = soup.find(id="tbl-div")
    assert squash(div_float.figcaption.get_text()) == "Table 5.2: Designs in the div form."
    div = div_float.find("table")
    assert [squash(th.get_text()) for th in div.thead.find_all("th")] == ["Study", "Design"]
    assert styled(out, "Table Caption")[:2] == [
        "Table 5.1: Outcomes in the caption form",
        "Table 5.2: Designs in the div form.",
    ]
    for table in out["docx"].tables[:2]:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert [c.text for c in out["docx"].tables[1].rows[0].cells] == ["Study", "Design"]
    text = pdf_text(out)
    assert "Table 5.1: Outcomes in the caption form" in text
    assert "Smith Randomised trial" in text


# ---------------------------------------------------------------- cross-references


XREF_SENTENCES = [
    "Same chapter: Section 6.1 and Equation 6.1.",
    "Other chapters: Figure 4.1, Table 5.2 and Chapter 1.",
    "Capitalised: Figure 4.2. Suppressed prefix: 5.1. Custom prefix: Chapter 4.",
    "Two in one bracket: Figure 4.1, Figure 4.2.",
    "Written plural: Figures 4.1 and 4.2.",
]


def test_section_and_equation_refs_across_chapters(out: dict) -> None:
    soup = out["html"]["manuscript/06-crossrefs"]
    links = [(squash(a.get_text()), a["href"]) for a in soup.find_all("a", class_="quarto-xref")]
    assert links == [
        ("Section 6.1", "#sec-numbered"),
        ("Equation 6.1", "#eq-line"),
        ("Figure 4.1", "04-figures.html#fig-inline"),
        ("Table 5.2", "05-tables.html#tbl-div"),
        ("Chapter 1", "01-include.html#sec-include"),
        ("Figure 4.2", "04-figures.html#fig-div"),
        ("5.1", "05-tables.html#tbl-caption"),
        ("Chapter 4", "04-figures.html#sec-figures"),
        ("Figure 4.1", "04-figures.html#fig-inline"),
        ("Figure 4.2", "04-figures.html#fig-div"),
        ("4.1", "04-figures.html#fig-inline"),
        ("4.2", "04-figures.html#fig-div"),
    ]
    assert soup.find(id="eq-line") is not None
    appendix = out["html"]["manuscript/90-appendix"].find("a", class_="quarto-xref")
    assert appendix["href"] == "06-crossrefs.html#sec-crossrefs"
    html = main_text(out, "manuscript/06-crossrefs")
    for sentence in XREF_SENTENCES:
        assert sentence in html
        assert sentence in out["docx_text"]
        assert sentence in pdf_text(out)
    math = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
    equations = [
        "".join(t.text or "" for t in om.iter(math + "t"))
        for om in out["docx"].element.body.iter(math + "oMath")
    ]
    assert [e.endswith("(6.1)") for e in equations] == [True]
    bookmarks = {b.get(qn("w:name")) for b in out["docx"].element.body.iter(qn("w:bookmarkStart"))}
    assert {"eq-line", "sec-numbered", "fig-inline", "tbl-div"} <= bookmarks  # link targets
    assert "(6.1)" in pdf_text(out)


# ---------------------------------------------------------------- callouts


def test_five_callouts(out: dict) -> None:
    soup = out["html"]["manuscript/07-callouts"]
    for kind, title, body in CALLOUTS:
        div = soup.find("div", class_=f"callout-{kind}")
        label = div.find(class_="screen-reader-only")  # Quarto's label naming the type
        assert label.get_text() == kind.capitalize()
        label.decompose()
        assert squash(div.find(class_="callout-header").get_text()) == title
        assert squash(div.find(class_="callout-body").get_text()) == body
    assert styled(out, "Callout") == [text for _, title, body in CALLOUTS for text in (title, body)]
    page = out["pdf_pages"][pdf_page_of(out, "7 Callouts")]
    for _, title, body in CALLOUTS:
        assert f"{title} {body}" in page


# ---------------------------------------------------------------- citations


def test_citations_with_csl(out: dict) -> None:
    soup = out["html"]["manuscript/08-citations"]
    cites = [(c["data-cites"], squash(c.get_text())) for c in soup.find_all(class_="citation")]
    assert cites == [
        ("smith2020", "(Smith & Brown, 2020)"),
        ("jones2021", "Jones (2021)"),
        ("smith2020 jones2021", "(Jones, 2021; Smith & Brown, 2020)"),
    ]
    sentence = "Two at once (Jones, 2021; Smith & Brown, 2020)."
    assert sentence in out["docx_text"] and sentence in pdf_text(out)
    entries = [
        squash(e.get_text())
        for e in out["html"]["manuscript/10-references"]
        .find(id="refs")
        .find_all(class_="csl-entry")
    ]
    assert entries[0].startswith("Jones, P. (2021). Long-term outcomes after ketamine.")
    assert styled(out, "Bibliography") == entries
    references = out["pdf_pages"][pdf_page_of(out, "Jones, P. (2021)")]
    assert "Smith, J., & Brown, M. (2020)." in references


# ---------------------------------------------------------------- landscape


def _sections_around(document: docx.document.Document, table) -> tuple:
    """The sectPr that ends the section before the table and the one that ends its own."""
    children = body_children(document)
    index = children.index(table._tbl)

    def section_of(el):
        return el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if el.tag == qn("w:p") else None

    before = next(s for el in reversed(children[:index]) if (s := section_of(el)) is not None)
    after = next(s for el in children[index + 1 :] if (s := section_of(el)) is not None)
    return before, after


def test_landscape_table(out: dict) -> None:
    wide_float = out["html"]["manuscript/09-landscape"].find(id="tbl-wide")
    assert squash(wide_float.figcaption.get_text()) == "Table 9.1: A wide table on landscape pages."
    table = wide_float.find("table")
    assert len(table.tbody.find_all("tr")) == 60
    # DOCX: the table sits in a landscape section between portrait ones
    wide = next(
        t for t in out["docx"].tables if t.rows[0].cells[0].text == "Study" and len(t.columns) == 8
    )
    before, after = _sections_around(out["docx"], wide)
    assert before.find(qn("w:pgSz")).get(qn("w:orient")) is None
    size = after.find(qn("w:pgSz"))
    assert size.get(qn("w:orient")) == "landscape"
    assert int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))
    assert after.find(qn("w:footerReference")) is not None  # page numbers go on
    assert wide.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    grid = [
        int(c.get(qn("w:w"))) for c in wide._tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
    ]
    assert sum(grid) == PAPER["a4"][1] - 2 * MARGIN  # the landscape text width
    # PDF: landscape pages for the table, portrait before and after, header repeated
    pages = out["pdf"].pages
    first = pdf_page_of(out, "Table 9.1: A wide table")
    last = pdf_page_of(out, "Row 60")
    assert last > first
    for i in range(first, last + 1):
        assert pages[i].mediabox.width > pages[i].mediabox.height
        assert "Study Design n Population Route Comparator Outcome Finding" in out["pdf_pages"][i]
    for text in ("Portrait text before", "Portrait text after"):
        page = pages[pdf_page_of(out, text)]
        assert page.mediabox.width < page.mediabox.height


# ---------------------------------------------------------------- parity


def _html_numbers(out: dict, kind: str) -> list[str]:
    labels = []
    for soup in out["html"].values():
        for caption in soup.find_all(["figcaption", "caption"]):
            match = re.match(rf"{kind} (\S+):", squash(caption.get_text()))
            if match:
                labels.append(match.group(1))
    return labels


def test_parity_of_numbers_references_and_citations(out: dict) -> None:
    for kind, style in (("Figure", "Image Caption"), ("Table", "Table Caption")):
        html = _html_numbers(out, kind)
        docx_numbers = [re.match(rf"{kind} (\S+):", c).group(1) for c in styled(out, style)]
        pdf_numbers = re.findall(rf"{kind} (\d+\.\d+):", pdf_text(out))
        assert html == docx_numbers == pdf_numbers, kind
    # resolved cross-references: the same link texts to the same ids
    html_refs = Counter(
        (squash(a.get_text()), a["href"].split("#")[1])
        for soup in out["html"].values()
        for a in soup.find_all("a", class_="quarto-xref")
    )
    docx_refs = Counter(
        (squash(xml_text(h)), h.get(qn("w:anchor")))
        for h in out["docx"].element.body.iter(qn("w:hyperlink"))
        if XREF_ID.match(h.get(qn("w:anchor")) or "")
    )
    assert html_refs == docx_refs and sum(html_refs.values()) == 15
    for text, _ in html_refs:
        assert text in pdf_text(out)
    # cited works: the same keys cited and the same reference list
    html_keys = {
        key
        for soup in out["html"].values()
        for c in soup.find_all(class_="citation")
        for key in c["data-cites"].split()
    }
    docx_keys = {
        h.get(qn("w:anchor"))[4:]
        for h in out["docx"].element.body.iter(qn("w:hyperlink"))
        if (h.get(qn("w:anchor")) or "").startswith("ref-")
    }
    assert html_keys == docx_keys == {"smith2020", "jones2021"}
    entries = out["html"]["manuscript/10-references"].find(id="refs").find_all(class_="csl-entry")
    assert [e["id"][4:] for e in entries] == ["jones2021", "smith2020"]
    for entry in entries:
        assert squash(entry.get_text())[:40] in pdf_text(out)


# ---------------------------------------------------------------- faces


def test_one_text_face_and_one_ui_face_in_the_pdf_and_the_website(out: dict) -> None:
    """The PDF embeds Literata for text and DejaVu Sans for headings and captions, and
    the website loads the same two faces from its own WOFF2 files."""
    embedded = set()
    for page in out["pdf"].pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            embedded.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    assert {"Literata-Regular", "DejaVuSans-Bold"} <= embedded, embedded
    css = (out["dir"] / "site_libs" / "livingreview" / "style.css").read_text(encoding="utf-8")
    faces = re.findall(r'font-family: "([^"]+)"; src: url\("([^"]+)"\)', css)
    assert {family for family, _ in faces} == {"Literata", "DejaVu Sans"}
    for _family, url in faces:
        woff2 = out["dir"] / "site_libs" / "livingreview" / url
        assert woff2.read_bytes()[:4] == b"wOF2", url
        assert woff2.stat().st_size < 60_000, f"{url} is not subset"
    assert re.search(r'--serif: "Literata"', css) and re.search(r'--sans: "DejaVu Sans"', css)

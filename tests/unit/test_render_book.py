"""Conformance of the embedded backend on the fixture book (tests/fixtures/render/book).

The fixture is rendered once per module; each test checks one Quarto feature in
the HTML (BeautifulSoup), the DOCX (python-docx) and the PDF (pypdf).
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
CHAPTERS = [
    "index",
    "manuscript/01-introduction",
    "manuscript/02-methods",
    "manuscript/03-results",
    "manuscript/05-references",
    "manuscript/90-appendix",
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("render") / "book"
    shutil.copytree(FIXTURE, root)
    manifest = render_book(root, backend="embedded")
    out = root / "_book"
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(out / "review.pdf").pages)
    return {
        "root": root,
        "out": out,
        "manifest": manifest,
        "docx": docx.Document(str(out / "review.docx")),
        "pdf": re.sub(r"[ \t]+", " ", pdf_text),
    }


def page(book: dict, name: str) -> BeautifulSoup:
    return BeautifulSoup((book["out"] / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def docx_text(book: dict) -> str:
    d = book["docx"]
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


# ---------------------------------------------------------------- layout


def test_output_layout_matches_quarto_book(book: dict) -> None:
    files = set(book["manifest"])
    for name in CHAPTERS:
        assert f"{name}.html" in files
    assert {
        "review.docx",
        "review.pdf",
        "results/figures/flow.svg",
        "results/figures/forest.svg",
    } <= files
    assert all(len(digest) == 64 for digest in book["manifest"].values())
    assert not (book["root"] / "_book.staging").exists()


def test_pages_reference_only_local_assets(book: dict) -> None:
    for name in CHAPTERS:
        soup = page(book, name)
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for el in soup.find_all(tag):
                ref = el[attr]
                assert not ref.startswith(("http:", "https:", "//")), ref
                if ref.startswith("data:"):
                    continue  # inline (e.g. the empty favicon): nothing to fetch
                target = (book["out"] / name).parent / ref
                assert target.resolve().is_file(), f"{name}: {ref}"


# ---------------------------------------------------------------- numbering


def test_chapters_numbered_and_unnumbered_like_quarto(book: dict) -> None:
    # the index page's first h1 is the book's title (Quarto's title block), then its chapter
    assert [squash(h.get_text()) for h in page(book, "index").find_all("h1")] == [
        "Fixture review of ketamine",
        "Preface",
    ]
    assert (
        squash(page(book, "manuscript/01-introduction").find("h1").get_text()) == "1 Introduction"
    )
    assert squash(page(book, "manuscript/03-results").find("h1").get_text()) == "3 Results"
    assert squash(page(book, "manuscript/05-references").find("h1").get_text()) == "References"
    assert (
        squash(page(book, "manuscript/90-appendix").find("h1").get_text())
        == "Appendix A — Search strategies"
    )
    headings = [
        p.style.name + ":" + p.text
        for p in book["docx"].paragraphs
        if p.style.name.startswith("Heading 1")
    ]
    assert headings == [
        "Heading 1:Preface",
        "Heading 1:1 Introduction",
        "Heading 1:2 Methods",
        "Heading 1:3 Results",
        "Heading 1:References",
        "Heading 1:Appendix A — Search strategies",
    ]
    for text in ("1 Introduction", "1.1 Background", "2.2 Risk of bias", "Preface"):
        assert text in book["pdf"]


def test_section_numbers(book: dict) -> None:
    h2 = page(book, "manuscript/02-methods").find_all("h2")
    assert [squash(h.get_text()) for h in h2] == ["2.1 Search", "2.2 Risk of bias"]
    assert squash(page(book, "index").find("h2").get_text()) == "About this version"


# ---------------------------------------------------------------- figures and tables


def test_figure_captions_in_all_formats(book: dict) -> None:
    fig = page(book, "manuscript/02-methods").find(id="fig-flow").find("figure")
    assert squash(fig.figcaption.get_text()) == "Figure 2.1: PRISMA flow diagram of 345 records"
    assert fig.img["alt"] == "Flow diagram with boxes"
    assert fig.img["src"] == "../results/figures/flow.svg"  # html default-image-extension
    div_fig = page(book, "manuscript/03-results").find(id="fig-forest").find("figure")
    assert (
        squash(div_fig.figcaption.get_text()) == "Figure 3.1: Forest plot of the included studies."
    )
    captions = [p.text for p in book["docx"].paragraphs if p.style.name == "Image Caption"]
    assert [squash(c) for c in captions] == [
        "Figure 2.1: PRISMA flow diagram of 345 records",
        "Figure 3.1: Forest plot of the included studies.",
    ]
    assert "Figure 2.1: PRISMA flow diagram of 345 records" in squash(book["pdf"])


def test_docx_embeds_png_figures_at_print_size(book: dict) -> None:
    shapes = book["docx"].inline_shapes
    assert len(shapes) == 2
    # 1200 px at 300 dpi = 4 inches = 3657600 EMU (within rounding)
    assert all(abs(s.width - 3657600) < 20000 for s in shapes)
    parts = [p.partname for p in book["docx"].part.package.iter_parts()]
    assert sum(str(p).endswith(".png") for p in parts) == 2


def test_tables_in_both_quarto_forms(book: dict) -> None:
    soup = page(book, "manuscript/03-results")
    table = soup.find(id="tbl-characteristics")  # div form, pulled in by include
    assert table.find("table") is not None
    assert squash(table.figcaption.get_text()) == "Table 3.1: Characteristics of included studies"
    assert [th.get_text() for th in table.thead.find_all("th")] == ["Study", "Design", "N"]
    outcomes = soup.find(id="tbl-outcomes")  # pipe table + ": caption {#tbl-}"
    assert outcomes.find("table") is not None
    assert squash(outcomes.figcaption.get_text()) == "Table 3.2: Outcomes reported"
    tables = book["docx"].tables
    assert [c.text for c in tables[0].rows[0].cells] == ["Study", "Design", "N"]
    assert tables[0].rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # a real Word header row
    captions = [squash(p.text) for p in book["docx"].paragraphs if p.style.name == "Table Caption"]
    assert captions == [
        "Table 3.1: Characteristics of included studies",
        "Table 3.2: Outcomes reported",
    ]
    assert "Table 3.2: Outcomes reported" in squash(book["pdf"])


# ---------------------------------------------------------------- cross-references


def test_crossrefs_text_and_links(book: dict) -> None:
    intro = page(book, "manuscript/01-introduction")
    links = {squash(a.get_text()): a["href"] for a in intro.find_all("a", class_="quarto-xref")}
    assert links["Chapter 2"] == "02-methods.html#sec-methods"
    assert links["Figure 2.1"] == "02-methods.html#fig-flow"  # across chapters
    assert links["3.1"] == "03-results.html#tbl-characteristics"  # [-@tbl-...]
    methods = page(book, "manuscript/02-methods")
    same_page = {
        squash(a.get_text()): a["href"] for a in methods.find_all("a", class_="quarto-xref")
    }
    assert same_page["Figure 2.1"] == "#fig-flow"
    assert same_page["Chapter 1"] == "01-introduction.html#sec-introduction"  # [Chapter @sec]
    assert same_page["Equation 2.1"] == "#eq-model"
    appendix = page(book, "manuscript/90-appendix")
    assert appendix.find("a", class_="quarto-xref")["href"] == "02-methods.html#sec-methods"
    link = methods.find("a", string="the results")
    assert link["href"] == "03-results.html#sec-results"  # a .qmd link
    text = squash(docx_text(book))
    assert "The methods are in Chapter 2 and the main figure is Figure 2.1." in text
    assert "See 3.1 for the list and Figure 2.1 again." in text
    assert "See 3.1 for the list and Figure 2.1 again." in squash(book["pdf"])


def test_crossrefs_are_not_citations(book: dict) -> None:
    for name in CHAPTERS:
        for cite in page(book, name).find_all(class_="citation"):
            assert not re.search(r"\b(fig|tbl|sec|eq)-", cite.get("data-cites", ""))
    assert "???" not in docx_text(book) and "???" not in book["pdf"]


# ---------------------------------------------------------------- shortcodes


def test_shortcodes_expanded(book: dict) -> None:
    methods = squash(page(book, "manuscript/02-methods").find("main").get_text())
    assert "We screened 345 records" in methods
    assert "{{<" not in methods
    assert "We reviewed 12 studies of ketamine." in squash(page(book, "index").get_text())
    assert "Fixture review of ketamine" in page(book, "index").title.get_text()
    assert "We screened 345 records" in squash(docx_text(book))
    assert "We screened 345 records" in squash(book["pdf"])


def test_nested_include_table(book: dict) -> None:
    rows = (
        page(book, "manuscript/03-results")
        .find(id="tbl-characteristics")
        .find("table")
        .tbody.find_all("tr")
    )
    assert [r.td.get_text() for r in rows] == ["Smith 2020", "Jones 2021"]
    assert "Smith 2020" in book["pdf"]


def test_pagebreak(book: dict) -> None:
    xml = book["docx"].element.xml
    assert 'w:type="page"' in xml
    assert "pagebreak" not in (book["out"] / "manuscript/02-methods.html").read_text()
    reader = PdfReader(book["out"] / "review.pdf")
    texts = [squash(p.extract_text()) for p in reader.pages]
    flow = next(i for i, t in enumerate(texts) if "Figure 2.1: PRISMA" in t)
    bias = next(i for i, t in enumerate(texts) if "2.2 Risk of bias" in t)
    assert bias == flow + 1


# ---------------------------------------------------------------- callouts


def test_callouts(book: dict) -> None:
    soup = page(book, "manuscript/01-introduction")
    note = soup.find("div", class_="callout-note")
    assert "callout" in note["class"]
    assert note.find(class_="screen-reader-only").extract().get_text() == "Note"
    assert squash(note.find(class_="callout-header").get_text()) == "Living review"
    assert "updated" in note.find(class_="callout-body").get_text()
    assert note.find("h2") is None  # the heading became the title
    warning = soup.find("div", class_="callout-warning")
    assert warning.find(class_="screen-reader-only").extract().get_text() == "Warning"
    assert squash(warning.find(class_="callout-header").get_text()) == "Caution about doses"
    styled = [p.text for p in book["docx"].paragraphs if p.style.name == "Callout"]
    assert styled == [
        "Living review",
        "This callout explains that the review is updated.",
        "Caution about doses",
        "Doses varied between studies.",
    ]
    assert "Caution about doses" in book["pdf"]


# ---------------------------------------------------------------- citations


def test_citations_formatted_and_linked_to_references_page(book: dict) -> None:
    intro = page(book, "manuscript/01-introduction")
    cite = intro.find(class_="citation", attrs={"data-cites": "smith2020"})
    assert squash(cite.get_text()) == "(Smith & Brown, 2020)"
    assert cite.a["href"] == "05-references.html#ref-smith2020"
    refs = page(book, "manuscript/05-references").find(id="refs")
    entries = refs.find_all(class_="csl-entry")
    assert [e["id"] for e in entries] == ["ref-jones2021", "ref-smith2020"]
    html_refs = [squash(e.get_text()) for e in entries]
    docx_refs = [squash(p.text) for p in book["docx"].paragraphs if p.style.name == "Bibliography"]
    assert html_refs == docx_refs
    assert html_refs[1].startswith("Smith, J., & Brown, M. (2020). Ketamine for")
    pdf = squash(book["pdf"])
    assert "(Smith & Brown, 2020)" in pdf
    assert "Jones, P. (2021). Long-term outcomes after ketamine." in pdf


# ---------------------------------------------------------------- front matter


def test_front_matter(book: dict) -> None:
    index = page(book, "index")
    block = index.find(class_="title-block")
    assert squash(block.find(class_="book-title").get_text()) == "Fixture review of ketamine"
    # the page's title is its first h1, as in Quarto's title block (it was a <p>)
    assert squash(index.find("h1").get_text()) == "Fixture review of ketamine"
    assert squash(block.find(class_="book-subtitle").get_text()) == "A living systematic review"
    names = [
        squash(li.find(class_="author-name").get_text())
        for li in block.find(class_="authors").find_all("li")
    ]
    assert names == ["Ada Lovelace", "Alan Turing"]
    assert block.find("a", class_="orcid")["href"] == "https://orcid.org/0000-0002-1825-0097"
    affs = [squash(li.get_text()) for li in block.find(class_="affiliations").find_all("li")]
    assert affs == ["Analytical Engine Institute", "Bletchley Park"]
    facts = squash(block.find(class_="book-facts").get_text(" "))
    assert "Version 1.2" in facts and "ketamine; anxiety; living review" in facts
    assert "Based on Babbage C. An earlier review" in facts.replace(" .", ".")
    assert block.find(class_="abstract").em.get_text() == "ketamine"
    styles = {p.style.name: p.text for p in book["docx"].paragraphs[:12]}
    assert styles["Title"] == "Fixture review of ketamine"
    assert styles["Author"] == "Ada Lovelace1, Alan Turing2,1"
    assert "Bletchley Park" in docx_text(book)
    assert "Based on Babbage C. An earlier review. 1843." in docx_text(book)
    assert book["docx"].core_properties.title == "Fixture review of ketamine"
    first = PdfReader(book["out"] / "review.pdf").pages[0].extract_text()
    for text in (
        "Fixture review of ketamine",
        "Ada Lovelace",
        "Analytical Engine Institute",
        "Version 1.2",
        "Based on Babbage C. An earlier review. 1843.",
        "We reviewed 12 studies",
        "Keywords",
    ):
        assert text in first
    assert PdfReader(book["out"] / "review.pdf").metadata.title == "Fixture review of ketamine"


def test_pdf_running_header_and_links(book: dict) -> None:
    reader = PdfReader(book["out"] / "review.pdf")
    second = reader.pages[1].extract_text()
    assert "Fixture review of ketamine" in second and "Version 1.2" in second
    annots = [a.get_object() for p in reader.pages for a in p.get("/Annots", [])]
    assert any(a.get("/Subtype") == "/Link" for a in annots)


def test_pdf_figures_are_vectors(book: dict) -> None:
    reader = PdfReader(book["out"] / "review.pdf")
    for p in reader.pages:
        xobjects = p["/Resources"].get("/XObject", {})
        for obj in xobjects.values():
            assert obj.get_object().get("/Subtype") != "/Image"  # SVG stays vector


# ---------------------------------------------------------------- website


def test_sidebar_navigation(book: dict) -> None:
    soup = page(book, "manuscript/02-methods")
    assert soup.html["lang"] == "en-GB"
    for landmark in ("header", "nav", "main", "footer"):
        assert soup.find(landmark) is not None
    sidebar = soup.find("nav", id="sidebar")
    current = sidebar.find_all("a", attrs={"aria-current": "page"})
    assert [squash(a.get_text()) for a in current] == ["2 Methods"]
    hrefs = [a["href"] for a in sidebar.find("ol").find_all("a")]
    assert hrefs == [
        "../index.html",
        "../manuscript/01-introduction.html",
        "../manuscript/02-methods.html",
        "../manuscript/03-results.html",
        "../manuscript/05-references.html",
        "../manuscript/90-appendix.html",
    ]
    assert "Evidence" in sidebar.find(class_="part").get_text()
    downloads = [a["href"] for a in sidebar.find(class_="downloads").find_all("a")]
    assert downloads == ["../review.docx", "../review.pdf"]
    assert soup.find("a", rel="prev")["href"] == "../manuscript/01-introduction.html"
    assert soup.find("a", rel="next")["href"] == "../manuscript/03-results.html"
    toc = soup.find("nav", class_="toc")
    assert "2.1 Search" in squash(toc.get_text())


def test_heading_order_and_single_h1(book: dict) -> None:
    for name in CHAPTERS:
        found = page(book, name).find_all(re.compile("^h[1-6]$"))
        if name == "index":  # the book's title (Quarto's title block), then the chapter's h1
            assert "book-title" in found[0]["class"]
            found = found[1:]
        levels = [int(h.name[1]) for h in found]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_search_index_is_an_offline_script(book: dict) -> None:
    script = (book["out"] / "site_libs/livingreview/search-index.js").read_text()
    assert script.startswith("window.LR_SEARCH_INDEX = ")
    import json

    entries = json.loads(script[len("window.LR_SEARCH_INDEX = ") :].rstrip().rstrip(";"))
    urls = {e["url"] for e in entries}
    assert "manuscript/02-methods.html#fig-flow" not in urls  # sections, not figures
    assert "manuscript/02-methods.html#sec-methods" in urls
    hit = next(e for e in entries if "345 records" in e["text"])
    assert hit["url"].startswith("manuscript/02-methods.html")
    js = (book["out"] / "site_libs/livingreview/site.js").read_text()
    assert "fetch(" not in js and "innerHTML" not in js

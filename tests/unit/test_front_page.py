"""Page 1 of the shipped review names the review it is based on once (issue 14), while
the title block, the abstract and the About page all attribute it (issue 12)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from livingreview.render import render_book

REPO = Path(__file__).parents[2]
FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
DOI = "10.1111/bcp.15374"  # of the review the shipped one is based on


def test_page_one_prints_the_based_on_reference_once_in_every_format(tmp_path: Path) -> None:
    """The fixture book with the shipped ``based-on`` and the shipped abstract's attribution
    paragraph: the full reference is in the title block, and the abstract names the
    review without printing it a second time."""
    from docx import Document
    from pypdf import PdfReader

    shipped = yaml.safe_load((REPO / "_quarto.yml").read_text(encoding="utf-8"))
    attribution = shipped["abstract"].split("\n\n")[0]
    assert attribution.startswith("**Based on:**") and "Tully" in attribution
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update({"based-on": shipped["based-on"], "abstract": attribution})
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=("html", "docx", "pdf"))
    book = root / "_book"
    index = BeautifulSoup((book / "index.html").read_text(encoding="utf-8"), "html.parser")
    document = Document(str(book / "review.docx"))
    front = []
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            break
        front.append(paragraph.text)
    first_page = PdfReader(str(book / "review.pdf")).pages[0].extract_text()
    pages = {
        "html": index.find(class_="book-facts").get_text(" ")
        + index.find(class_="abstract").get_text(" "),
        "docx": " ".join(front),
        "pdf": first_page,
    }
    for fmt, text in pages.items():
        text = " ".join(text.split())
        assert text.count(DOI) == 1, (fmt, text)
        assert "Based on: the systematic review by Tully et al." in text, (fmt, text)

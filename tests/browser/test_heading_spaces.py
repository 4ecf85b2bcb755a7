"""Appendix headings read "Appendix A — Title" with single spaces in every format and
on screen (issue 14: the website showed "Appendix C  — Changes")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
CHROMIUM = Path("/usr/bin/chromium")


def _render(tmp_path: Path, formats: tuple[str, ...], **crossref: str) -> Path:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.setdefault("crossref", {}).update(crossref)
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=formats)
    return root / "_book"


def _appendix_page(book: Path) -> Path:
    for page in sorted(book.rglob("*.html")):
        h1 = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("main").h1
        if h1 is not None and h1.get_text().startswith("Appendix"):
            return page
    raise AssertionError("no appendix page")


@pytest.mark.parametrize("delim", [" —", "", " "])
def test_appendix_headings_have_single_spaces(tmp_path: Path, delim: str) -> None:
    """An empty delimiter leaves no empty word between two spaces."""
    from docx import Document

    book = _render(tmp_path, ("html", "docx"), **{"appendix-delim": delim})
    h1 = BeautifulSoup(_appendix_page(book).read_text(encoding="utf-8"), "html.parser")
    heading = h1.find("main").h1.get_text()
    expected = "Appendix A — Search strategies" if delim.strip() else "Appendix A Search strategies"
    assert heading == expected
    headings = [p.text for p in Document(str(book / "review.docx")).paragraphs]
    assert expected in headings


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_the_space_before_an_appendix_delimiter_is_one_space_wide(tmp_path: Path, browser) -> None:
    """On screen the gap between "A" and "—" equals the gap between "Appendix" and "A"
    (the number's margin used to add to the space before the delimiter)."""
    page_path = _appendix_page(_render(tmp_path, ("html",)))
    gaps = """() => {
      const h1 = document.querySelector('main h1');
      const number = h1.querySelector('.chapter-number').getBoundingClientRect();
      const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode()) && !node.textContent.includes('—')) {}
      const dash = document.createRange();
      dash.setStart(node, node.textContent.indexOf('—'));
      dash.setEnd(node, node.textContent.indexOf('—') + 1);
      const delim = dash.getBoundingClientRect();
      const text = document.createRange();  // "Appendix" without its space
      text.setStart(h1.firstChild, 0);
      text.setEnd(h1.firstChild, h1.firstChild.textContent.trimEnd().length);
      return [number.left - text.getBoundingClientRect().right, delim.left - number.right];
    }"""
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        tab.goto(page_path.as_uri())
        before_number, before_delim = tab.evaluate(gaps)
    finally:
        tab.close()
    assert before_number > 0
    assert abs(before_delim - before_number) < 1.0, (before_number, before_delim)

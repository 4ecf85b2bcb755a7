"""Files named in `project: resources:` are published with the website and linked.

Rendered from a copy of the fixture book (HTML only, fast); the browser tests
check the same links in a real browser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from livingreview.errors import RenderError
from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"


def book_with_resources(tmp_path: Path, resources: list[str]) -> Path:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.setdefault("project", {})["resources"] = resources
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


def test_resources_are_copied_and_linked_from_every_page(tmp_path: Path) -> None:
    bib = next(p for p in (FIXTURE / "refs").glob("*.bib")).relative_to(FIXTURE).as_posix()
    root = book_with_resources(tmp_path, [bib])
    render_book(root, backend="embedded", formats=["html"])
    site = root / "_book"
    assert (site / bib).read_bytes() == (root / bib).read_bytes()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = soup.select("#sidebar ul.downloads a[download]")
        resolved = [(page.parent / a["href"]).resolve() for a in links]
        assert (site / bib).resolve() in resolved, page.name
        assert Path(bib).name in [a.get_text() for a in links]


def test_wide_tables_get_a_named_focusable_scroll_region(tmp_path: Path) -> None:
    root = book_with_resources(tmp_path, [])
    render_book(root, backend="embedded", formats=["html"])
    regions = []
    for page in sorted((root / "_book").rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        regions += soup.select("div.table-scroll")
    assert regions, "the fixture book has tables"
    for region in regions:
        table = region.find("table")
        assert region.get("role") == "region" and region.get("tabindex") == "0"
        assert region["aria-label"].replace("\xa0", " ").startswith("Table")
        assert region["style"] == f"--cols: {len(table.find('tr').find_all(['th', 'td']))}"


def test_missing_resource_stops_the_render_and_names_it(tmp_path: Path) -> None:
    root = book_with_resources(tmp_path, ["data/nowhere.csv"])
    with pytest.raises(RenderError) as caught:
        render_book(root, backend="embedded", formats=["html"])
    text = str(caught.value)
    assert "project.resources" in text and "data/nowhere.csv" in text
    assert not (root / "_book").exists()  # nothing half-built replaced the output


def test_page_resources_and_conditional_content_by_format(tmp_path: Path) -> None:
    """A page's front matter `resources:` (globs next to the page) are published with it, and
    `.content-visible`/`.content-hidden` with `when-format` keep content per format (Quarto's
    rules); the records appendix uses both for its website-only records browser."""
    import docx

    root = book_with_resources(tmp_path, [])
    page = root / "manuscript" / "90-appendix.qmd"
    (root / "manuscript" / "data").mkdir()
    (root / "manuscript" / "data" / "p1.js").write_text("LR(1);\n")
    (root / "manuscript" / "data" / "p2.js").write_text("LR(2);\n")
    (root / "manuscript" / "data" / "skip.txt").write_text("not listed\n")
    page.write_text(
        "---\nresources:\n  - data/*.js\n---\n\n"
        + page.read_text(encoding="utf-8")
        + '\n::: {.content-visible when-format="html"}\nOnly on the website.\n:::\n\n'
        + '::: {.content-hidden when-format="html"}\nOnly in print.\n:::\n\n'
        + '::: {.content-visible unless-format="pdf"}\nNot in the PDF.\n:::\n',
        encoding="utf-8",
    )
    render_book(root, backend="embedded", formats=["html", "docx"])
    site = root / "_book"
    assert (site / "manuscript" / "data" / "p1.js").read_text() == "LR(1);\n"
    assert (site / "manuscript" / "data" / "p2.js").is_file()
    assert not (site / "manuscript" / "data" / "skip.txt").exists()
    html = (site / "manuscript" / "90-appendix.html").read_text(encoding="utf-8")
    assert "Only on the website." in html and "Not in the PDF." in html
    assert "Only in print." not in html
    text = "\n".join(p.text for p in docx.Document(str(site / "review.docx")).paragraphs)
    assert "Only in print." in text and "Not in the PDF." in text
    assert "Only on the website." not in text


def test_text_after_another_formats_span_starts_its_paragraph(tmp_path: Path) -> None:
    """A website-only span at the start of a paragraph, with the print text on the next
    line: in Word the paragraph must start with the print text, not with the line
    break left behind (a leading space shows as an indent in justified text)."""
    import docx

    root = book_with_resources(tmp_path, [])
    page = root / "manuscript" / "90-appendix.qmd"
    page.write_text(
        page.read_text(encoding="utf-8")
        + '\n[Read it on the site.]{.content-visible when-format="html"}\n'
        + '[Read it in print.]{.content-hidden when-format="html"}\nThe rest.\n\n'
        + 'Kept as it is. [Website only.]{.content-visible when-format="html"}\n\n'
        + '[Website only, alone.]{.content-visible when-format="html"}\n\n'
        + '[One.]{.content-visible when-format="html"} '
        + '[Two.]{.content-visible when-format="html"}\n',
        encoding="utf-8",
    )
    render_book(root, backend="embedded", formats=["docx"])
    paragraphs = [p.text for p in docx.Document(str(root / "_book" / "review.docx")).paragraphs]
    assert "Read it in print. The rest." in paragraphs
    assert "Kept as it is." in paragraphs
    assert not [p for p in paragraphs if p and p != p.strip()]
    assert "Website only, alone." not in "".join(paragraphs)
    assert "" not in paragraphs[paragraphs.index("Kept as it is.") :]  # no empty paragraphs


def test_conditional_content_only_by_output_format() -> None:
    from livingreview.render.syntax import class_problem

    assert class_problem("content-visible", {"when-format": "html"}) is None
    assert class_problem("content-hidden", {"unless-format": "pdf"}) is None
    assert "output format only" in class_problem("content-visible", {"when-meta": "x"})
    assert "output format only" in class_problem("content-hidden", {})
    assert "the formats are" in class_problem("content-visible", {"when-format": "revealjs"})


def test_pandoc_parses_are_cached_by_content(tmp_path: Path, monkeypatch) -> None:
    """A check (``livingreview check``) and the next render parse the same chapters:
    with the workflow's cache folder set, the second parse of the same text reads the
    first one."""
    from livingreview.render import pandoc
    from livingreview.workflow import PARSE_CACHE_ENV

    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache"))
    first = pandoc.markdown_to_ast("# Title\n\nSome *text*.\n")
    calls = []
    real_run = pandoc.run

    def counting_run(*args, **kwargs):
        calls.append(args)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(pandoc, "run", counting_run)
    assert pandoc.markdown_to_ast("# Title\n\nSome *text*.\n") == first
    assert calls == []
    changed = pandoc.markdown_to_ast("# Title\n\nOther *text*.\n")
    assert len(calls) == 1 and changed != first
    assert len(list((tmp_path / "cache").glob("*.out"))) == 2

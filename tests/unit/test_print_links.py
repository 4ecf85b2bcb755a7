"""Links to the website's files in DOCX and PDF: absolute with ``book: site-url``,
plain text without (render/print_links.py). A relative link such as
``../releases/1.0/review.pdf`` works on the website but in a downloaded file goes
nowhere; the shipped review's PDF and DOCX had such links."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from livingreview.errors import ConfigError
from livingreview.render import ast as A
from livingreview.render import render_book
from livingreview.render.matter import back_matter
from livingreview.render.pandoc import markdown_to_ast
from livingreview.render.print_links import print_links
from livingreview.render.project import load_book
from workflow.link_targets import docx_link_targets, pdf_link_targets, relative_targets

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
SITE = "https://example.org/synthetic-review/"

LINKS = (
    "[PDF](../releases/1.0/review.pdf){#pdf-link} [records](../data/records.csv) "
    "[root](/data/studies.csv) [methods](02-methods.html#sec-search) [home](../) "
    "[section](#sec-x) [web](https://example.com/a) [mail](mailto:a@example.com) "
    "[outside](../../elsewhere.pdf)"
)


def _links(blocks: list[A.Element]) -> dict[str, str]:
    return {
        A.stringify(el["c"][1]): el["c"][2][0]
        for el in A.iter_elements(blocks)
        if el["t"] == "Link"
    }


def _blocks() -> list[A.Element]:
    return markdown_to_ast(LINKS, what="test")["blocks"]


def test_with_a_site_url_links_to_the_websites_files_become_its_addresses() -> None:
    links = _links(print_links(_blocks(), Path("manuscript/06-history.qmd"), SITE))
    assert links == {
        "PDF": SITE + "releases/1.0/review.pdf",
        "records": SITE + "data/records.csv",
        "root": SITE + "data/studies.csv",  # "/": the project's (the site's) root
        "methods": SITE + "manuscript/02-methods.html#sec-search",
        "home": SITE,
        "section": "#sec-x",
        "web": "https://example.com/a",
        "mail": "mailto:a@example.com",
    }  # "outside" leaves the website: no address, so its words alone


def test_without_a_site_url_such_links_print_as_their_words() -> None:
    blocks = print_links(_blocks(), Path("manuscript/06-history.qmd"), None)
    assert _links(blocks) == {
        "section": "#sec-x",
        "web": "https://example.com/a",
        "mail": "mailto:a@example.com",
    }
    text = A.stringify(blocks)
    for words in ("PDF", "records", "root", "methods", "home", "outside"):
        assert words in text  # the words stay
    spans = [el for el in A.iter_elements(blocks) if el["t"] == "Span"]
    assert spans[0]["c"][0][0] == "pdf-link"  # its id stays a target


def test_matter_links_are_to_project_files_and_data_availability_names_the_site() -> None:
    meta = {
        "declarations": {"data-availability": "The [ledger](data/records.csv) is published."},
        "book": {"site-url": SITE},
    }
    blocks = print_links(back_matter(meta), Path("manuscript/04-discussion.qmd"), SITE)
    assert _links(blocks) == {"ledger": SITE + "data/records.csv", SITE: SITE}
    assert f"The review\u2019s website is at {SITE}." in A.stringify(blocks)
    assert SITE not in A.stringify(back_matter({**meta, "book": {}}))


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param("", None, id="empty"),
        pytest.param("https://example.org/review", "https://example.org/review/", id="no-slash"),
        pytest.param(SITE, SITE, id="slash"),
    ],
)
def test_site_url_is_read_from_the_book(tmp_path: Path, value: str | None, stored: str) -> None:
    root = _book(tmp_path, value)
    assert load_book(root).site_url == stored


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("example.org/review/", id="no-scheme"),
        pytest.param("ftp://example.org/", id="not-web"),
        pytest.param("https://", id="no-host"),
        pytest.param("https://example.org/a b/", id="space"),
        pytest.param("https://example.org/?page=1", id="query"),
        pytest.param(["https://example.org/"], id="list"),
    ],
)
def test_a_bad_site_url_names_the_key_and_the_fix(tmp_path: Path, value: object) -> None:
    root = _book(tmp_path, value)
    with pytest.raises(ConfigError) as caught:
        load_book(root)
    message = str(caught.value)
    assert "_quarto.yml" in message and "book.site-url" in message
    assert "https://example.org/review/" in message  # the fix shows the form


def _book(tmp_path: Path, site_url: object, extra: str = "") -> Path:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    if site_url is not None:
        config["book"]["site-url"] = site_url
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    if extra:
        chapter = root / "manuscript" / "03-results.qmd"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "site_url", [pytest.param(SITE, id="site-url"), pytest.param(None, id="none")]
)
def test_built_print_formats_have_no_relative_link(tmp_path: Path, site_url: str | None) -> None:
    links = "The [first version](../releases/1.0/review.pdf) and [the data](../data/x.csv).\n"
    root = _book(tmp_path, site_url, links)
    render_book(root, backend="embedded", formats=("docx", "pdf"))
    out = root / "_book"
    targets = {"pdf": pdf_link_targets(out / "review.pdf")}
    targets["docx"] = docx_link_targets(out / "review.docx")
    for fmt, found in targets.items():
        assert found, fmt  # the checks see links (the book cites and links the web)
        assert relative_targets(found) == [], fmt
        wanted = {SITE + "releases/1.0/review.pdf", SITE + "data/x.csv"}
        assert (wanted <= set(found)) == bool(site_url), fmt
    # the title page says where the website is, when the review says
    title_page = " ".join(PdfReader(out / "review.pdf").pages[0].extract_text().split())
    word = " ".join(p.text for p in docx.Document(out / "review.docx").paragraphs[:12])
    for text in (title_page, word):
        assert (f"Website {SITE}" in text) == bool(site_url), text
        assert "Based on Babbage" in text  # the facts after it stay

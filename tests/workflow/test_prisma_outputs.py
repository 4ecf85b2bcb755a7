"""The PRISMA outputs of a built review agree with each other and with the prose.

On the synthetic fixture review built by `snakemake`: every number the diagram
shows equals the number ``_variables.yml`` gives and the rendered results
chapter quotes; every link of the website's (inlined) diagram resolves to an
anchor of the records page; the records page lists each record once and has
static twins in DOCX and PDF; and a review whose counts come from a PRISMA2020
template draws the same diagram.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urldefrag

import docx
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from livingreview.prisma.counts import read_counts
from livingreview.prisma.flow_diagram import drawn_boxes

from .test_build import snakemake

pytestmark = pytest.mark.workflow

RESULTS_QMD = "manuscript/01-results.qmd"
RESULTS_HTML = "manuscript/01-results.html"
RECORDS_HTML = "results/prisma/records.html"
VAR = re.compile(r"\{\{<\s*var\s+([\w.]+)\s*>\}\}")

# Where each quoted prisma variable appears in the diagram: the box text before "(n = ...)".
DIAGRAM_LABEL = {
    "prisma.records.identified_citations": "Citation searching",
    "prisma.records.identified": "Citation searching",  # the fixture has one source
    "prisma.reports.other_sought": "Reports sought for retrieval",
    "prisma.reports.sought": "Reports sought for retrieval",
    "prisma.reports.other_assessed": "Reports assessed for eligibility",
    "prisma.reports.assessed": "Reports assessed for eligibility",
    "prisma.reports.not_retrieved": "Reports not retrieved",
    "prisma.reports.new": "Reports of included studies",
    "prisma.reports.total": "Reports of included studies",
    "prisma.studies.new": "Studies included in review",
    "prisma.studies.total": "Studies included in review",
    "studies.included": "Studies included in review",
}


def soup(project: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((project / "_book" / page).read_text(encoding="utf-8"), "html.parser")


def diagram_numbers(desc: str) -> dict[str, list[int]]:
    """Box text -> the numbers drawn after it, from the SVG's <desc> (the drawing's text)."""
    found: dict[str, list[int]] = {}
    for label, number in re.findall(r"([A-Z][^.;:()]*?) \(n = ([\d,]+)\)", desc):
        found.setdefault(label.strip(), []).append(int(number.replace(",", "")))
    return found


def lookup(variables: dict, dotted: str) -> object:
    node = variables
    for part in dotted.split("."):
        node = node[part]
    return node


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+|\d[\d,]*", text)


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(word == other for other in it) for word in needle)


def test_every_number_in_the_diagram_is_the_number_the_chapter_quotes(
    reference_build: Path,
) -> None:
    project = reference_build
    variables = yaml.safe_load((project / "_variables.yml").read_text())
    svg = (project / "results" / "figures" / "prisma_flow.svg").read_text()
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)[1]
    drawn = diagram_numbers(desc)
    reasons = lookup(variables, "prisma.excluded_reasons")
    protocol = yaml.safe_load((project / "data" / "protocol.yaml").read_text())
    labels = dict(DIAGRAM_LABEL)
    labels.update(
        {f"prisma.excluded_reasons.{c}": protocol["exclusion_reasons"][c] for c in reasons}
    )
    labels["prisma.reports.excluded"] = None  # the sum of the reasons
    source = (project / RESULTS_QMD).read_text()
    quoted = VAR.findall(source)
    assert sum(k.startswith("prisma.") for k in quoted) >= 4
    for key in quoted:
        value = int(str(lookup(variables, key)).replace(",", ""))
        if key not in labels:
            assert not key.startswith("prisma."), f"{key}: add it to DIAGRAM_LABEL"
            continue
        if labels[key] is None:
            assert (
                value
                == sum(reasons.values())
                == sum(
                    n
                    for label, ns in drawn.items()
                    if label in protocol["exclusion_reasons"].values()
                    for n in ns
                )
            ), key
            continue
        assert value in drawn[labels[key]], (key, value, drawn)
    # The rendered prose says the same, word for word around every number.
    page = soup(project, RESULTS_HTML)
    html_words = words(page.find("main").get_text(" "))
    for paragraph in source.split("\n\n"):
        if not VAR.search(paragraph) or paragraph.lstrip().startswith(("![", ":::", "#")):
            continue
        expected = VAR.sub(lambda m: str(lookup(variables, m[1])), paragraph)
        expected = re.sub(r"\[?-?@[\w:-]+(;\s*@[\w:-]+)*\]?", " ", expected)  # refs, citations
        assert is_subsequence(words(expected), html_words), expected
    # The website shows the drawing itself, inlined, with the same text.
    inline = page.find("svg", class_="linked-figure")
    assert inline is not None and inline.find("desc").get_text() == desc.replace("&amp;", "&")


def test_every_link_of_the_inlined_diagram_resolves_to_an_anchor(reference_build: Path) -> None:
    book = reference_build / "_book"
    counts = read_counts(reference_build / "results" / "prisma" / "counts.json")
    checked = 0
    for page in sorted(book.rglob("*.html")):
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for svg in html.find_all("svg"):
            for link in svg.find_all("a"):
                href = link.get("xlink:href") or link.get("href")
                path, anchor = urldefrag(href)
                target = (page.parent / path).resolve()
                assert target.is_file(), f"{page.relative_to(book)}: {href} -> no such page"
                ids = {
                    el["id"]
                    for el in BeautifulSoup(target.read_text(), "html.parser").find_all(id=True)
                }
                assert anchor in ids, f"{page.relative_to(book)}: {href} -> no anchor"
                assert link.parent.find("title").get_text().strip(), "box without a tooltip"
                checked += 1
    assert checked == len(drawn_boxes(counts)) > 0


def test_the_records_page_lists_every_record_once(reference_build: Path) -> None:
    page = soup(reference_build, RECORDS_HTML)
    ids = [
        row.find("td").get_text(strip=True)
        for table in page.find_all("table")
        for row in table.find_all("tr")
        if row.find("td")
    ]
    assert sorted(ids) == ["R1", "R2", "R3", "R4", "R5", "R6"]
    included = page.find(id="box-new-studies").find_next("table").get_text(" ")
    # included records name their study by its label, never by its internal id
    assert "Synthetic trial A, second report" in included and "Included: study Alpha 2019" in (
        included
    )
    assert "alpha2019" not in included


def test_the_records_page_has_static_twins_in_docx_and_pdf(reference_build: Path) -> None:
    book = reference_build / "_book"
    document = docx.Document(str(book / "review.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "PRISMA flow diagram: the records behind each box" in text
    assert "Synthetic unrelated paper" in cells and "Excluded at screening" in cells
    pdf = " ".join(p.extract_text() or "" for p in PdfReader(str(book / "review.pdf")).pages)
    pdf = " ".join(pdf.split())
    assert "the records behind each box" in pdf and "Synthetic unrelated paper" in pdf


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_counts_from_the_exported_template_draw_the_same_diagram(built_copy: Path) -> None:
    project = built_copy
    figures = project / "results" / "figures"
    before = {p.name: digest(p) for p in figures.glob("prisma_flow.*")}
    counts_before = json.loads((project / "results" / "prisma" / "counts.json").read_text())
    template = project / "data" / "prisma2020.csv"
    template.write_bytes((project / "results" / "prisma" / "prisma2020.csv").read_bytes())
    config_path = project / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["prisma"] = {"counts_template": "data/prisma2020.csv"}
    config_path.write_text(yaml.safe_dump(config))
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((project / "results" / "prisma" / "counts.json").read_text()) == (
        counts_before
    )
    assert {p.name: digest(p) for p in figures.glob("prisma_flow.*")} == before
    records_page = soup(project, RECORDS_HTML).get_text(" ")
    assert "a PRISMA2020 template" in records_page and "Synthetic unrelated paper" not in (
        records_page
    )

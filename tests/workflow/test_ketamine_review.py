"""The shipped ketamine review: built from its real data, checked as a reader would.

Builds a copy of this repository's review (not a fixture) once per session and
checks the issue's promises on the real outputs: every included study appears
with the same values in the table of all three formats, is cited in the text
and listed in the references, and no count that the data hold is typed by hand
in a chapter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from livingreview.evidence.studies import study_labels
from livingreview.text.claims import without_claims
from livingreview.validation import load_table
from livingreview.wording import ISO_DATE, NUMBER_WORDS, long_date

from .link_targets import docx_link_targets, pdf_link_targets, relative_targets
from .page_fill import HAS_POPPLER as PAGE_FILL_TOOLS
from .page_fill import too_empty_pages
from .table_words import HAS_CHROMIUM, WIDTHS, broken_words

ROOT = Path(__file__).resolve().parents[2]
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "results",
    "_book",
    "_book.*",
    ".snakemake",
    "logs",
    "_variables.yml",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    "tests",
    "benchmarks",
)

pytestmark = pytest.mark.workflow


def squash(text: str) -> str:
    """Text without whitespace or soft hyphens, for comparing wrapped table cells."""
    return re.sub(r"[\s\u00ad]+", "", text)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("ketamine") / "review"
    shutil.copytree(ROOT, project, ignore=IGNORE)
    result = subprocess.run(
        [sys.executable, "-m", "snakemake"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return project


@pytest.fixture(scope="module")
def outputs(review: Path) -> dict[str, str]:
    book = review / "_book"
    results = BeautifulSoup((book / "manuscript" / "03-results.html").read_text(), "html.parser")
    table = results.find("table", id=lambda v: v is None or True)
    tables = " ".join(t.get_text(" ") for t in results.find_all("table"))
    document = docx.Document(str(book / "review.docx"))
    docx_tables = " ".join(
        cell.text for t in document.tables for row in t.rows for cell in row.cells
    )
    pdf = " ".join(page.extract_text() or "" for page in PdfReader(str(book / "review.pdf")).pages)
    assert table is not None
    return {"html": squash(tables), "docx": squash(docx_tables), "pdf": squash(pdf)}


def included_studies(review: Path) -> list[dict]:
    studies = load_table(review / "data" / "studies.csv", "studies")
    labels = study_labels(studies, review / "refs" / "references.bib")
    return [{**row, "label": labels[row["study_id"]]} for row in studies.to_dict("records")]


def test_every_study_in_the_table_of_all_three_formats(review: Path, outputs: dict) -> None:
    studies = included_studies(review)
    assert studies, "the shipped review includes studies"
    for study in studies:
        # the start of the finding: in the PDF a long row may continue on the next page
        expected = [study["label"], study["main_finding"][:40]]
        if study["n"] is not None:
            expected.append(str(study["n"]))
        for fmt, text in outputs.items():
            for value in expected:
                assert squash(value) in text, f"{study['study_id']}: {value!r} missing in {fmt}"


def test_every_study_cited_in_text_and_listed(review: Path) -> None:
    book = review / "_book"
    chapters = " ".join(p.read_text() for p in (review / "manuscript").glob("*.qmd"))
    references = BeautifulSoup(
        (book / "manuscript" / "05-references.html").read_text(), "html.parser"
    )
    records = load_table(review / "data" / "records.csv", "records")
    included_keys = set(records.loc[records["eligibility"] == "include", "bib_key"])
    for key in included_keys:
        assert re.search(rf"@{re.escape(key)}\b", chapters), f"{key} is not cited in a chapter"
        assert references.find(id=f"ref-{key}") is not None, f"{key} not in the references"


def _numbers(value: object) -> set[int]:
    if isinstance(value, dict):
        return set().union(*(_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, str) and re.fullmatch(r"\d{1,3}(,\d{3})+", value):
        return {int(value.replace(",", ""))}
    return set()


def _prose(text: str) -> str:
    """A chapter's prose without shortcodes, citations, ids, paths, code and checked
    claims (a claim's condition keeps its words true)."""
    text = "\n".join(without_claims(text.splitlines()))
    for pattern in (
        r"\{\{<.*?>\}\}",  # shortcodes
        r"`[^`]*`",  # code
        r"\{[^}]*\}",  # attributes
        r"\]\([^)]*\)",  # link and image targets
        r"@[\w:.-]+",  # citations and cross-references
        r"\(2R,6R\)",  # chemical name
        r"elongation factor 2",  # protein name
        r"RoB 2",  # name of the risk-of-bias tool
    ):
        text = re.sub(pattern, " ", text, flags=re.DOTALL)
    return text


# A number followed by a unit is a measurement a study reported ("about 10 mmHg",
# "within 2 hours"), not a count of the review's.
UNIT = r"(?:mmHg|mg(?:/kg)?|ml|min(?:utes?)?|hours?|h|days?|weeks?|months?|years?|%)\b"


def prose_numbers(text: str) -> list[str]:
    """Numbers in a chapter's prose, ignoring shortcodes, citations, ids, paths and code,
    and measurements (a number followed by a unit)."""
    return re.findall(rf"(?<![\w.,-])\d[\d,]*(?![\w-])(?!\s*{UNIT})", _prose(text))


# What the review counts: a number word before one of these nouns states a count.
COUNTED_NOUN = r"(?:stud(?:y|ies)|trials?|reports?|papers?|records?|articles?|cohorts?)"
# Up to two words between ("two randomised trials", "the one placebo-controlled
# randomised trial"), never a preposition ("one row per study" counts rows).
_MODIFIER = r"(?:(?!(?:per|of|in|on|for|from|with|and|or|to|by)\b)[\w-]+\s+)"
NUMBER_WORD = {word: n for n, word in enumerate(NUMBER_WORDS) if n}
COUNT_IN_WORDS = re.compile(
    rf"(?<![\w-])(?P<lead>(?:the|only)\s+)?(?P<word>{'|'.join(NUMBER_WORD)})\s+"
    rf"{_MODIFIER}{{0,2}}{COUNTED_NOUN}\b",
    re.IGNORECASE,
)


def prose_counts_in_words(text: str) -> list[tuple[str, int]]:
    """Counts written in words in a chapter's prose: "two studies", "reported in four
    papers", "the one randomised trial" (a number word from one to twelve before a
    counted noun), as (phrase, number). A bare "one" ("grouped as one study", "phases
    of one registered trial") describes the method; "the one" or "only one" counts."""
    found = []
    for match in COUNT_IN_WORDS.finditer(_prose(text)):
        word = match["word"].lower()
        if word == "one" and not match["lead"]:
            continue
        found.append((" ".join(match[0].split()), NUMBER_WORD[word]))
    return found


def reader_texts(review: Path) -> dict[str, str]:
    """The prose a reader sees that co-authors type: the chapters and the abstract."""
    chapters = [review / "index.qmd", *sorted((review / "manuscript").glob("*.qmd"))]
    texts = {chapter.name: chapter.read_text() for chapter in chapters}
    metadata = yaml.safe_load((review / "_quarto.yml").read_text())
    # the abstract's "Based on" paragraph is a typed reference (its year is no count)
    paragraphs = (metadata.get("abstract") or "").split("\n\n")
    kept = [p for p in paragraphs if not p.lstrip().startswith("**Based on:**")]
    texts["abstract (_quarto.yml)"] = "\n\n".join(kept)
    return texts


def test_no_count_the_data_hold_is_typed_by_hand(review: Path) -> None:
    held = _numbers(yaml.safe_load((review / "_variables.yml").read_text()))
    counts = held - {0, 1}
    typed = []
    for name, text in reader_texts(review).items():
        for token in prose_numbers(text):
            if int(token.replace(",", "")) in counts:
                typed.append(f"{name}: {token}")
        typed += [f"{name}: {phrase}" for phrase, n in prose_counts_in_words(text) if n in held]
    assert not typed, f"counts typed by hand instead of {{{{< var >}}}}: {typed}"


def test_typed_count_is_detected() -> None:
    assert prose_numbers("We found 30 records {{< var x >}} [@glue2017] (2R,6R)-HNK") == ["30"]
    assert prose_numbers("10 studies; about 10 mmHg higher within 2 hours, 30 min") == ["10"]


def test_count_in_words_is_detected() -> None:
    text = (
        "Two studies reported results. It was reported in four\npapers [@glue2017]. The one\n"
        "placebo-controlled randomised trial failed; only one study was blinded."
    )
    assert prose_counts_in_words(text) == [
        ("Two studies", 2),
        ("four papers", 4),
        ("The one placebo-controlled randomised trial", 1),
        ("only one study", 1),
    ]


def test_method_statements_and_checked_claims_are_no_count_in_words() -> None:
    text = (
        "Phases of one registered trial were grouped as one study. One row per study; "
        "a three-phase programme; eight infusions over twelve days; one of two doses. "
        '[The only randomised trial]{.claim when="studies.randomised == 1"} and '
        "[only {{< var studies.randomised_words >}} randomised trial]{.claim "
        'when="studies.randomised == 1"}; two rows per study.'
    )
    assert prose_counts_in_words(text) == []


def test_dates_in_the_abstract_and_methods_read_as_the_review_writes_them(review: Path) -> None:
    """The abstract's "last search" and the search methods' dates read "30 November
    2026", as the rest of the review writes a date, never 2026-11-30."""
    book = review / "_book"
    abstract = BeautifulSoup((book / "index.html").read_text(encoding="utf-8"), "html.parser")
    methods = BeautifulSoup(
        (book / "manuscript" / "02-methods.html").read_text(encoding="utf-8"), "html.parser"
    )
    for name, page in {"abstract": abstract, "methods": methods}.items():
        main = page.find("main") or page
        text = " ".join(main.get_text(" ").split())
        assert not ISO_DATE.findall(text), f"{name}: {ISO_DATE.findall(text)}"
    last = yaml.safe_load((review / "_variables.yml").read_text())["search"]["last_date"]
    assert f"last search {long_date(last)}" in " ".join(abstract.get_text(" ").split())


def test_paragraph_citing_the_flow_diagram_quotes_only_its_numbers(review: Path) -> None:
    """The shipped 2.0 once cited Figure 3.1 for 30/29/21 while the figure showed 5/5/4."""
    from .test_claims_update import assert_citing_paragraphs_match_diagram

    assert assert_citing_paragraphs_match_diagram(
        review, "manuscript/03-results.html", "Figure 3.1"
    )


def test_checked_claims_hold_and_render_as_plain_text(review: Path) -> None:
    """Every claim holds with the shipped data, and no reader sees a claim's condition."""
    from livingreview.render import check_manuscript_findings

    problems, warnings = check_manuscript_findings(review)
    assert problems == [] and warnings == []
    for page in (review / "_book").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'class="claim' not in html and "data-when" not in html, page.name


@pytest.mark.skipif(not PAGE_FILL_TOOLS, reason="poppler-utils is not installed (pdftoppm)")
def test_no_pdf_page_of_the_review_is_more_than_a_quarter_empty(
    review: Path, tmp_path: Path
) -> None:
    """Only the last page of the main text and of the back matter may end early."""
    assert too_empty_pages(review / "_book" / "review.pdf", tmp_path) == []


@pytest.mark.skipif(
    not HAS_CHROMIUM, reason="Debian's chromium is not installed (apt-get install chromium)"
)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_word_of_the_review_tables_is_broken_mid_word(review: Path, width: int, browser) -> None:
    """The real study table's long words ("Questionnaire", "antidepressant") stay whole
    on the website at desktop, laptop and phone widths; the synthetic fixture's short
    words cannot show this. At 1366 px the study table fits without scrolling."""
    page = (review / "_book" / "manuscript" / "03-results.html").as_uri()
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(page, wait_until="load")
        assert broken_words(tab) == []
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        if width >= 1366:
            region = tab.locator("#tbl-characteristics .table-scroll")
            scroll, client = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert scroll <= client + 1, f"the study table scrolls sideways at {width} px"
    finally:
        context.close()


def test_what_a_new_reader_sees_first_reads_well_in_every_format(review: Path) -> None:
    """Issue 14's reader-facing sweep of the shipped review: page 1 names the review it is
    based on once, a draft prints no "not released" date, print never points to a
    sidebar, "Changes in this version" quotes no build words from older releases, and the
    records browser's data name studies by their labels."""
    from livingreview.render.reader_text import leaked_script_terms, leaked_terms, rule_names

    book = review / "_book"
    index = BeautifulSoup((book / "index.html").read_text(encoding="utf-8"), "html.parser")
    first_page = PdfReader(str(book / "review.pdf")).pages[0].extract_text() or ""
    document = docx.Document(str(book / "review.docx"))
    docx_text = " ".join(p.text for p in document.paragraphs)
    front = docx_text.split("About this review")[0]
    site_front = index.find(class_="title-block") or index.find("main")
    doi = "10.1111/bcp.15374"
    for fmt, text in {"html": site_front.get_text(" "), "docx": front, "pdf": first_page}.items():
        text = " ".join(text.split())
        assert text.count(doi) == 1, fmt
        assert "not released" not in text.replace("not yet released", ""), fmt
    pdf = " ".join(page.extract_text() or "" for page in PdfReader(str(book / "review.pdf")).pages)
    for fmt, text in {"docx": docx_text, "pdf": pdf}.items():
        text = " ".join(text.split())
        assert "sidebar" not in text and "read here" not in text, fmt
    changes = BeautifulSoup(
        (book / "manuscript" / "07-changes.html").read_text(encoding="utf-8"), "html.parser"
    ).find("main")
    assert " ".join(changes.h1.get_text().split()) == "Appendix C — Changes in this version"
    studies = load_table(review / "data" / "studies.csv", "studies")
    keys = set(studies["study_id"]) | set(studies["bib_key"])
    assert leaked_terms(changes.get_text(" "), rule_names(review), keys) == []
    # the records browser's data (website) shows study labels, never internal keys
    scripts = [p for p in book.rglob("records-data/*.js") if p.name != "records-browser.js"]
    assert scripts and leaked_script_terms(scripts, rule_names(review), keys) == {}
    assert "@misc" not in changes.get_text(" ")
    # no build path in the Word document's text or its pictures' descriptions
    with zipfile.ZipFile(book / "review.docx") as package:
        assert "results/" not in package.read("word/document.xml").decode("utf-8")


# What the text says is published, by the words it uses, and the file readers get.
PUBLISHED_BY_WORDS = {
    "screening ledger": "data/records.csv",
    "extraction sheet": "data/studies.csv",
    "a source for every": "data/extraction_sources.csv",
    "facts recorded for each": "data/eligibility_facts.csv",
    "outcome data": "data/outcomes.csv",
    "risk-of-bias judgements": "data/risk_of_bias.csv",
    "eligibility protocol": "data/protocol.yaml",
    "references": "refs/references.bib",
    "PRISMA counts": "results/prisma/prisma2020.csv",
}


def test_every_data_file_the_text_says_is_published_is_published(review: Path) -> None:
    """About and Declarations said the extraction sheet's sources were published, but
    the website did not publish them: every file a "published" sentence names is in
    the website and in its Data list."""
    book = review / "_book"
    named = set()
    for page in book.rglob("*.html"):
        main = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("main")
        text = " ".join((main.get_text(" ") if main else "").split())
        for sentence in re.split(r"(?<=\.) ", text):
            if " published with " in sentence:
                named |= {f for words, f in PUBLISHED_BY_WORDS.items() if words in sentence}
    assert {"data/extraction_sources.csv", "data/eligibility_facts.csv"} <= named
    sidebar = (book / "index.html").read_text(encoding="utf-8")
    for rel in sorted(named):
        assert (book / rel).is_file(), rel
        assert f'href="{rel}"' in sidebar, rel  # listed under Data


def test_print_links_only_to_addresses_that_work_in_a_downloaded_file(review: Path) -> None:
    """A reader found ../releases/1.0/review.pdf and ...docx linked from the shipped PDF
    and DOCX: dead in a downloaded file. The review declares no book: site-url, so print
    names the website in words and links none of its files; the website keeps them."""
    book = review / "_book"
    for targets in (pdf_link_targets(book / "review.pdf"), docx_link_targets(book / "review.docx")):
        assert targets and relative_targets(targets) == []  # the review cites DOIs
    history = (book / "manuscript" / "06-version-history.html").read_text(encoding="utf-8")
    assert 'href="../releases/1.0/review.pdf"' in history

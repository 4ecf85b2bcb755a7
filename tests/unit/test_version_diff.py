"""Changes in this version: word-level diff of two release DOCX files, as a page and as
a tracked-changes DOCX (SYNTHETIC text, rendered by Pandoc as the build does)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from word_edits import revisions

from livingreview.living.version_diff import (
    _markdown_ops,
    changes_docx_bytes,
    changes_markdown,
    chapter_diffs,
    docx_chapters,
    word_diff,
)
from livingreview.render.pandoc import run

OLD = """\
# Introduction

The quick brown fox jumps over the dog.

This paragraph stays as it was.

# Results

We found three studies in total.

| a | b |
|---|---|
| 1 | 2 |

# Removed chapter

Only in the old version.
"""

NEW = """\
# 1 Introduction

The quick red fox jumps over the dog.

This paragraph stays as it was.

# 2 Results

We found four studies in total.

A new paragraph about the new study.

| a | b |
|---|---|
| 1 | 3 |
"""


def docx(tmp_path: Path, name: str, markdown: str) -> Path:
    out = tmp_path / f"{name}.docx"
    run(["-f", "markdown", "-t", "docx", "-o", str(out)], markdown, what=name)
    return out


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return docx(tmp_path, "old", OLD), docx(tmp_path, "new", NEW)


def test_word_diff() -> None:
    """Each run carries the space before it, so the runs join back into the text."""
    assert word_diff("a b c d", "a x c d e") == [
        ("=", "a"), ("-", " b"), ("+", " x"), ("=", " c d"), ("+", " e"),
    ]  # fmt: skip


def test_word_diff_keeps_punctuation_out_of_a_changed_word() -> None:
    """ "(n = 25)" against "(n = 5)" changes the number only: the bracket is unchanged
    and stays glued to it (it used to read "(n = ~~25)~~ [5)]")."""
    ops = word_diff("Excluded (n = 25). Next", "Excluded (n = 5). Next")
    assert ops == [("=", "Excluded (n ="), ("-", " 25"), ("+", " 5"), ("=", "). Next")]
    assert _markdown_ops(ops) == "Excluded (n = ~~25~~ [5]{.ins}). Next"


def test_a_replaced_word_glued_to_a_bracket_keeps_apart_from_its_replacement() -> None:
    """ "(7 reports" against "(8 reports": the old and new numbers are separate words,
    so a screen reader or text extraction does not read "(78 reports"."""
    ops = word_diff("studies (7 reports; 1 randomised)", "studies (8 reports; 1 randomised)")
    assert ops == [("=", "studies ("), ("-", "7"), ("+", "8"), ("=", " reports; 1 randomised)")]
    assert _markdown_ops(ops) == "studies (~~7~~ [8]{.ins} reports; 1 randomised)"


def test_chapters_leave_tables_out(pair: tuple[Path, Path]) -> None:
    chapters = dict(docx_chapters(pair[0]))
    assert [t for _, t in chapters["Results"]] == ["We found three studies in total."]


def test_chapters_are_matched_by_title_and_counted(pair: tuple[Path, Path]) -> None:
    diffs = {c.title: c for c in chapter_diffs(*pair)}
    assert list(diffs) == ["1 Introduction", "2 Results", "Removed chapter"]
    assert (diffs["1 Introduction"].count("+"), diffs["1 Introduction"].count("-")) == (1, 1)
    assert (diffs["2 Results"].count("+"), diffs["2 Results"].count("-")) == (8, 1)
    assert diffs["Removed chapter"].count("-") == 5


def test_tracked_changes_docx_counts_and_opens_in_libreoffice(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    data = changes_docx_bytes(*pair, author="livingreview", date="2027-01-01T00:00:00Z")
    inserted, deleted = revisions(data)
    assert inserted == ["red", "four", "A new paragraph about the new study."]
    assert deleted == ["brown", "three", "Removed chapter", "Only in the old version."]
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    path = tmp_path / "changes.docx"
    path.write_bytes(data)
    out = tmp_path / "lo"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "docx", "--outdir", str(out), str(path)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0 and (out / "changes.docx").is_file(), result.stderr
    again_inserted, again_deleted = revisions((out / "changes.docx").read_bytes())
    assert sorted(again_inserted) == sorted(inserted)
    assert sorted(again_deleted) == sorted(deleted)


def test_page_shows_data_and_only_changed_paragraphs(pair: tuple[Path, Path]) -> None:
    from livingreview.living.releases import read_release

    root = Path(__file__).parents[2] / "releases"
    releases = [read_release(root / v / "release.yaml") for v in ("1.0", "2.0")]
    page = changes_markdown(releases, {"1.0": pair[0], "2.0": pair[1]})
    assert "## Version 2.0 compared with version 1.0 {.unnumbered}" in page
    assert "- **Studies added (1):** yermus\\_kap" in page
    assert "The quick ~~brown~~ [red]{.ins} fox" in page
    assert "This paragraph stays" not in page
    assert "#### 2 Results {.unnumbered}\n\n8 words added, 1 word removed." in page
    assert "no earlier released version" in changes_markdown(releases[:1], {})


# ------------------------------------------------ reader-facing words on both sides (issue 14)

REPO = Path(__file__).parents[2]
CSL = REPO / "refs" / "american-medical-association.csl"
BIB = """\
@article{smith2020, author = {Smith, Ann}, title = {One}, journal = {J}, year = {2020}}
@article{jones2019, author = {Jones, Bo}, title = {Two}, journal = {J}, year = {2019}}
@article{lee2018, author = {Lee, Cy}, title = {Three}, journal = {J}, year = {2018}}
@misc{registry_x, title = {A registered trial of something new}}
"""
# SYNTHETIC versions: the newer one cites a new work first (every number shifts), drops
# the provenance caption and the BibTeX block an older build printed, and changes one word.
OLD_CITED = """\
# Introduction

Anxiety fell in two trials [@jones2019; @lee2018] and one registry [@registry_x].

Figure 1: Mechanisms. Drawn by code (rule draw_mechanism_figure).

```bibtex
@misc{smith2026v1_0, title = {The review}}
```

A paragraph about study lee2018 alone.

# References
"""
NEW_CITED = """\
# Introduction

A new first sentence cites a new work [@smith2020].

Anxiety fell in three trials [@jones2019; @lee2018] and one registry [@registry_x].

Figure 1: Mechanisms.

A paragraph about study lee2018 alone.

# References
"""


def cited_docx(tmp_path: Path, name: str, markdown: str) -> Path:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    out = tmp_path / f"{name}.docx"
    run(
        ["-f", "markdown", "-t", "docx", "--citeproc", f"--bibliography={tmp_path / 'refs.bib'}",
         f"--csl={CSL}", "-M", "link-citations=true", "-o", str(out)],
        markdown, what=name,
    )  # fmt: skip
    return out


def test_both_versions_are_read_as_readers_saw_them(tmp_path: Path) -> None:
    """Renumbered citations are no change, and a provenance caption, a BibTeX block or
    an internal key of an older build never reaches the diff (frozen releases are
    never edited; both sides are normalised alike)."""
    from livingreview.living.reader_words import ReaderWords

    old, new = cited_docx(tmp_path, "old", OLD_CITED), cited_docx(tmp_path, "new", NEW_CITED)
    plain = {c.title: c for c in chapter_diffs(old, new)}["Introduction"]
    assert plain.count("-") > 1  # read as printed: "trials1,2" against "trials2,3"
    reader = ReaderWords(
        labels={"smith2020": "Smith 2020", "jones2019": "Jones 2019", "lee2018": "Lee 2018",
                "registry_x": "“A registered trial of…”"},
        rules=frozenset({"draw_mechanism_figure"}),
    )  # fmt: skip
    intro = {c.title: c for c in chapter_diffs(old, new, reader)}["Introduction"]
    changed = [p.ops for p in intro.paragraphs if p.changed]
    assert changed == [
        [("+", "A new first sentence cites a new work (Smith 2020).")],
        [
            ("=", "Anxiety fell in"), ("-", " two"), ("+", " three"),
            ("=", " trials (Jones 2019; Lee 2018) and one registry (“A registered trial of…”)."),
        ],
    ]  # fmt: skip
    text = " ".join(t for p in intro.paragraphs for _, t in p.ops)
    assert "A paragraph about study Lee 2018 alone." in text
    for leak in ("draw_mechanism_figure", "rule", "@misc", "smith2026v1_0", "lee2018"):
        assert leak not in text, leak


def test_a_citation_range_is_read_as_every_work_in_it(tmp_path: Path) -> None:
    """ "1–3" in a numeric style cites three works, although only the ends are linked."""
    from livingreview.living.reader_words import ReaderWords

    doc = cited_docx(
        tmp_path,
        "range",
        "# A\n\nThree works [@smith2020; @jones2019; @lee2018].\n\n# References\n",
    )
    labels = {"smith2020": "Smith 2020", "jones2019": "Jones 2019", "lee2018": "Lee 2018"}
    assert dict(docx_chapters(doc))["A"][0][1] == "Three works1–3."  # as printed
    text = dict(docx_chapters(doc, ReaderWords(labels=labels)))["A"]
    assert [t for _, t in text] == ["Three works (Smith 2020; Jones 2019; Lee 2018)."]


def test_the_shipped_changes_page_and_docx_carry_no_build_words(tmp_path: Path) -> None:
    """Versions 1.0 and 2.0 were released with provenance captions ("Drawn by code
    (rule draw_pharmacology_figure)", "Data: data/risk_of_bias.csv; rule ..."), a
    BibTeX block and numbered citations; the page and the tracked-changes DOCX of
    the shipped review show none of them, and renumbering alone is no change."""
    from word_edits import revisions

    from livingreview.living.reader_words import project_reader_words
    from livingreview.living.releases import read_release
    from livingreview.render.reader_text import leaked_terms, rule_names

    releases = [read_release(REPO / "releases" / v / "release.yaml") for v in ("1.0", "2.0")]
    docs = {v: REPO / "releases" / v / "review.docx" for v in ("1.0", "2.0")}
    bib = REPO / "refs" / "references.bib"
    reader = project_reader_words(REPO, releases, bib)
    page = changes_markdown(releases, docs, reader=reader)
    tracked = changes_docx_bytes(docs["1.0"], docs["2.0"], "t", "2026-11-27T00:00:00Z", reader)
    inserted, deleted = revisions(tracked)
    keys = {sid for r in releases for sid in r.studies} | {
        line.split("{")[1].rstrip(",") for line in bib.read_text("utf-8").splitlines()
        if line.startswith("@")
    }  # fmt: skip
    rules = rule_names(REPO)
    page = re.sub(r"\[@[\w:-]+\]", "", page)  # citations are not text readers see
    for text in (page, " ".join(inserted), " ".join(deleted)):
        plain = text.replace("\\", "")
        assert leaked_terms(plain, rules, keys) == [], leaked_terms(plain, rules, keys)
        assert "@misc" not in plain and "Drawn by code" not in plain
        # 1.0 and 2.0 cited themselves naming Tully et al. as this review's authors
        assert "Tully J" not in plain
        assert "anxiolytics" not in plain  # its citation renumbered: not a change
        assert "Yermus (Yermus)" not in plain  # a citation naming the word before it
    assert "(n = ~~25~~ [5]{.ins})" in page  # the brackets are not changes


def test_a_paragraph_citing_a_version_of_the_review_is_left_out() -> None:
    """ "Cite this version" is the build's byline for the review, not its text: the
    diff leaves it out (versions 1.0 and 2.0 printed it with the wrong authors)."""
    from livingreview.living.reader_words import ReaderWords

    reader = ReaderWords(titles=("Ketamine treatment for refractory anxiety",))
    cited = (
        "Tully J, Dahlén A, Haggarty C, Schiöth HB, Brooks S. Ketamine treatment for "
        "refractory anxiety: A living systematic review. Version 1.0, released 27 November 2026."
    )
    assert reader.clean(cited) == ""
    assert reader.clean(cited.replace("Tully J, Dahlén A", "Smith J. A., Lee B")) == ""
    kept = [
        # the review it is based on, cited in the text: a reference, not a version of this one
        "It is based on: Tully J, Brooks S. Ketamine treatment for refractory anxiety: "
        "a systematic review. Br J Clin Pharmacol. 2022;88(10):4412-4426.",
        "Version 2.0 adds two studies. Ketamine treatment for refractory anxiety was reviewed.",
    ]
    for text in kept:
        assert reader.clean(text) == text
    assert ReaderWords().clean(cited) == cited  # no title known: nothing is left out


@pytest.mark.parametrize(("fmt", "expected"), [("html", "<ins>red</ins>"), ("docx", "<w:u ")])
def test_added_words_are_marked_as_insertions(fmt: str, expected: str, tmp_path: Path) -> None:
    """The website marked added words with <u> (how they look), not <ins> (what they are)."""
    from livingreview.render.finish import finish
    from livingreview.render.project import load_book

    book = load_book(Path(__file__).parents[1] / "fixtures" / "render" / "book")
    doc = json.loads(run(["-f", "markdown", "-t", "json"], "The ~~brown~~ [red]{.ins} fox"))
    doc["blocks"] = finish(doc["blocks"], fmt, book)
    if fmt == "html":
        html = run(["-f", "json", "-t", "html"], json.dumps(doc))
        assert expected in html and "<u>" not in html and "<del>brown</del>" in html
    else:
        out = tmp_path / "x.docx"
        run(["-f", "json", "-o", str(out)], json.dumps(doc))
        xml = zipfile.ZipFile(out).read("word/document.xml").decode()
        assert expected in xml and "<w:strike" in xml

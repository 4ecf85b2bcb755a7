"""Changes in this version: word-level diff of two release DOCX files, as a page and as
a tracked-changes DOCX (SYNTHETIC text, rendered by Pandoc as the build does)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from word_edits import revisions

from livingreview.living.version_diff import (
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
    assert word_diff("a b c d", "a x c d e") == [
        ("=", "a"), ("-", "b"), ("+", "x"), ("=", "c d"), ("+", "e"),
    ]  # fmt: skip


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
    assert "Version 2.0 compared with version 1.0." in page
    assert "- **Studies added (1):** yermus\\_kap" in page
    assert "The quick ~~brown~~ [red]{.underline} fox" in page
    assert "This paragraph stays" not in page
    assert "### 2 Results {.unnumbered}\n\n8 words added, 1 words removed." in page
    assert "no earlier released version" in changes_markdown(releases[:1], {})

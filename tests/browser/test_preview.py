"""`livingreview preview` in a real browser: an edit appears without a manual reload,
and a broken chapter shows an overlay naming the file and line over the last good page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.living.preview import PreviewServer

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

CHAPTER = "manuscript/01-results.qmd"


@pytest.fixture
def preview(review: Path, tmp_path: Path):
    project = tmp_path / "review"
    shutil.copytree(review, project, symlinks=True)
    server = PreviewServer(project, port=0)
    server.start()
    yield server, project
    server.stop()


def append(project: Path, text: str) -> None:
    chapter = project / CHAPTER
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def search(page, query: str) -> None:
    page.fill("#search-input", "")
    page.fill("#search-input", query)


def test_edit_reloads_the_page_and_an_error_shows_an_overlay(preview, page) -> None:
    server, project = preview
    page.goto(server.url + "manuscript/01-results.html")
    page.wait_for_function("document.body.innerText.includes('Synthetic text')")
    page.wait_for_timeout(500)  # the event stream is connected

    search(page, "zanthoxylum")  # the index is loaded (and may be cached) before the edit
    page.wait_for_function("document.getElementById('search-status').textContent === '0 result(s)'")
    append(project, "A zanthoxylum sentence typed while previewing.")
    page.wait_for_function(
        "document.body.innerText.includes('A zanthoxylum sentence typed while previewing.')",
        timeout=30_000,
    )
    # the site's search finds the new text after the reload
    search(page, "zanthoxylum")
    hit = page.locator("#search-results a")
    hit.first.wait_for(state="visible", timeout=10_000)
    assert "zanthoxylum" in hit.first.inner_text()

    append(project, "Broken: {{< var no.such.value >}}")
    overlay = page.locator("#lr-preview-error")
    overlay.wait_for(state="visible", timeout=30_000)
    text = overlay.inner_text()
    lines = (project / CHAPTER).read_text(encoding="utf-8").split("\n")
    line = next(i for i, t in enumerate(lines, start=1) if "no.such.value" in t)
    assert f"{CHAPTER}:{line}" in text
    assert "no.such.value" in text
    # the last good page is still underneath
    assert "A zanthoxylum sentence typed while previewing." in page.inner_text("main")

    chapter = project / CHAPTER
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("Broken: {{< var no.such.value >}}", "Fixed."),
        encoding="utf-8",
    )
    page.wait_for_function("document.body.innerText.includes('Fixed.')", timeout=30_000)
    assert page.locator("#lr-preview-error").count() == 0

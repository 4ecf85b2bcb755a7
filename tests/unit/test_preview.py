"""`livingreview preview`: which saves re-render only chapters, the event stream, the
injected reload client and the problems shown in the overlay (no browser here; see
tests/browser/test_preview.py)."""

from __future__ import annotations

import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from livingreview.living.preview import (
    EVENTS,
    PreviewServer,
    build_html,
    changed_files,
    chapters_only,
    problems_from_text,
)
from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
METHODS = "manuscript/02-methods.qmd"


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        pytest.param({"manuscript/01-a.qmd"}, True, id="chapter"),
        pytest.param({"index.qmd", "manuscript/02-b.qmd"}, True, id="index-and-chapter"),
        pytest.param({"_quarto.yml"}, False, id="book-settings"),
        pytest.param({"data/studies.csv"}, False, id="data"),
        pytest.param({"manuscript/01-a.qmd", "refs/references.bib"}, False, id="chapter-and-refs"),
    ],
)
def test_only_chapter_saves_take_the_fast_path(changed: set[str], expected: bool) -> None:
    assert chapters_only(changed) is expected


def test_changed_files() -> None:
    assert changed_files({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 1}) == {"b", "c"}
    assert changed_files({"a": 1}, {}) == {"a"}


def test_problems_from_build_output() -> None:
    text = (
        "Error in rule x:\n"
        "the manuscript has problems: 2 problem(s)\n"
        "  - manuscript/01-a.qmd:7: unknown var 'x'. Fix: correct it\n"
        "  - data/studies.csv:3 [n]: not a number; found 'ten'. Fix: write 10\n"
    )
    assert problems_from_text(text) == [
        {"where": "manuscript/01-a.qmd:7", "message": "unknown var 'x'. Fix: correct it"},
        {"where": "data/studies.csv:3 [n]", "message": "not a number; found 'ten'. Fix: write 10"},
    ]
    assert problems_from_text("Traceback\nboom")[0]["where"] == "snakemake"


def test_a_workflow_rebuild_that_fails_reports_it(tmp_path: Path) -> None:
    ok, output = build_html(tmp_path)
    assert not ok and output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("preview") / "book"
    shutil.copytree(FIXTURE, root)
    render_book(root, backend="embedded", formats=["html"])
    return root


def wait_for_version(server: PreviewServer, version: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while server.state.version <= version:
        assert time.monotonic() < deadline, "no rebuild"
        time.sleep(0.02)


def test_save_rerenders_the_chapter_and_errors_name_the_line(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "book"
    shutil.copytree(site, root)
    server = PreviewServer(root, port=0)
    server.start()
    try:
        page = root / "_book" / "manuscript" / "02-methods.html"
        other = root / "_book" / "manuscript" / "03-results.html"
        other_before = other.stat().st_mtime_ns
        time.sleep(0.5)
        chapter = root / METHODS
        chapter.write_text(chapter.read_text() + "\nA preview sentence.\n", encoding="utf-8")
        wait_for_version(server, 0)
        assert server.state.problems == []
        html = urllib.request.urlopen(server.url + "manuscript/02-methods.html").read().decode()
        assert "A preview sentence." in html and "/__livereview/client.js" in html
        assert "A preview sentence." in page.read_text(encoding="utf-8")
        assert other.stat().st_mtime_ns == other_before  # only the edited chapter

        with urllib.request.urlopen(server.url + EVENTS.lstrip("/"), timeout=10) as stream:
            assert stream.readline().decode() == "event: state\n"
            assert '"version": 1' in stream.readline().decode()

        chapter.write_text(chapter.read_text() + "\n{{< var no.such >}}\n", encoding="utf-8")
        wait_for_version(server, 1)
        line = chapter.read_text().split("\n").index("{{< var no.such >}}") + 1
        assert server.state.problems[0]["where"] == f"{METHODS}:{line}"
        assert "no.such" in server.state.problems[0]["message"]
        assert "A preview sentence." in page.read_text(encoding="utf-8")  # last good page
    finally:
        server.stop()


def test_a_saved_page_equals_the_full_builds_after_a_numbering_change(
    site: Path, tmp_path: Path
) -> None:
    """A figure inserted before the others renumbers them: the re-rendered page (on a
    second save too, from the preview's kept parses, citeproc answers and summaries)
    is byte for byte the page a full build writes from the same sources."""
    from livingreview.render import render_pages

    root = tmp_path / "book"
    shutil.copytree(site, root)
    render_pages(root, set())  # as the preview server starts: every chapter parsed
    chapter = root / METHODS
    text = chapter.read_text(encoding="utf-8")
    flow = "![PRISMA flow diagram"
    assert flow in text
    for n, extra in enumerate(["", "\nSee @fig-inserted; a trial [@smith2020]; and @fig-flow.\n"]):
        edited = text.replace(
            flow,
            "![An inserted figure](../results/figures/flow){#fig-inserted}\n\n" + flow,
            1,
        )
        chapter.write_text(edited + extra, encoding="utf-8")
        assert render_pages(root, {METHODS}) == ["manuscript/02-methods.html"]
        full = tmp_path / f"full{n}"
        shutil.copytree(root, full, ignore=shutil.ignore_patterns("_book"))
        render_book(full, backend="embedded", formats=["html"])
        page = "_book/manuscript/02-methods.html"
        preview_html = (root / page).read_text(encoding="utf-8")
        assert "Figure&nbsp;2.2" in preview_html  # the flow diagram renumbered
        assert preview_html == (full / page).read_text(encoding="utf-8")


def test_pages_that_refer_to_a_saved_chapter_are_rewritten_with_it(
    site: Path, tmp_path: Path
) -> None:
    """A save that renumbers a figure and adds a citation changes other pages too: the
    introduction's reference to the figure ("Figure 2.1" becomes "Figure 2.2") and the
    references page's list. After the save every page of the preview's site equals the
    full build's; pages nothing changed are not written."""
    from livingreview.render import render_pages

    root = tmp_path / "book"
    shutil.copytree(site, root)
    render_pages(root, set())  # as the preview server starts
    intro = root / "_book" / "manuscript" / "01-introduction.html"
    appendix = root / "_book" / "manuscript" / "90-appendix.html"
    assert "Figure&nbsp;2.1" in intro.read_text(encoding="utf-8")
    appendix_before = appendix.stat().st_mtime_ns
    chapter = root / METHODS
    flow = "![PRISMA flow diagram"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace(
            flow, "![An inserted figure](../results/figures/flow){#fig-inserted}\n\n" + flow, 1
        )
        + "\nA trial [@smith2020].\n",
        encoding="utf-8",
    )
    render_pages(root, {METHODS})
    assert_site_equals_full_build(root, tmp_path, "full")
    assert "Figure&nbsp;2.2" in intro.read_text(encoding="utf-8")
    assert appendix.stat().st_mtime_ns == appendix_before  # refers to nothing that changed


SEARCH_INDEX = "_book/site_libs/livingreview/search-index.js"


def test_a_save_refreshes_the_search_index(site: Path, tmp_path: Path) -> None:
    """Text typed while previewing is found by the site's search: after a save the
    search index equals the one a full build writes from the same sources (the
    saved page's entries replaced, every other page's kept in book order)."""
    from livingreview.render import render_pages

    root = tmp_path / "book"
    shutil.copytree(site, root)
    render_pages(root, set())  # as the preview server starts
    chapter = root / METHODS
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\nA zanthoxylum sentence typed in preview.\n",
        encoding="utf-8",
    )
    render_pages(root, {METHODS})
    index = (root / SEARCH_INDEX).read_text(encoding="utf-8")
    assert "zanthoxylum" in index
    full = tmp_path / "full"
    shutil.copytree(root, full, ignore=shutil.ignore_patterns("_book"))
    render_book(full, backend="embedded", formats=["html"])
    assert index == (full / SEARCH_INDEX).read_text(encoding="utf-8")


def test_every_file_is_served_uncached(site: Path) -> None:
    """A reload after a save must fetch the refreshed search index, styles and images,
    not the browser's copy from before the save."""
    server = PreviewServer(site, port=0)
    server.start()
    try:
        for path in ("site_libs/livingreview/search-index.js", "manuscript/02-methods.html"):
            with urllib.request.urlopen(server.url + path) as response:
                assert response.headers["Cache-Control"] == "no-store", path
    finally:
        server.stop()


INTRO = "manuscript/01-introduction.qmd"
RESULTS = "manuscript/03-results.qmd"


def replace_in(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_site_equals_full_build(root: Path, tmp_path: Path, name: str) -> list[Path]:
    """Every page of the preview's site equals the page a full build writes."""
    full = tmp_path / name
    shutil.copytree(root, full, ignore=shutil.ignore_patterns("_book"))
    render_book(full, backend="embedded", formats=["html"])
    pages = sorted(p.relative_to(full / "_book") for p in (full / "_book").rglob("*.html"))
    for page in pages:
        want = (full / "_book" / page).read_text(encoding="utf-8")
        assert (root / "_book" / page).read_text(encoding="utf-8") == want, page
    return pages


def test_a_save_that_cites_a_new_work_rewrites_the_references_page(
    site: Path, tmp_path: Path
) -> None:
    """The reference list is part of the references page's fingerprint: a save in
    another chapter that cites a work nothing cited before adds its entry there, and a
    save that removes the last citation of a work removes it."""
    from livingreview.render import render_pages

    root = tmp_path / "book"
    shutil.copytree(site, root)
    references = root / "_book" / "manuscript" / "05-references.html"
    render_pages(root, set())  # as the preview server starts
    # one save (two files) drops every citation of Jones 2021
    replace_in(root, INTRO, "@jones2021 found", "Others found")
    replace_in(root, RESULTS, "[@smith2020; @jones2021]", "[@smith2020]")
    render_pages(root, {INTRO, RESULTS})
    assert "Long-term outcomes after ketamine" not in references.read_text(encoding="utf-8")
    assert_site_equals_full_build(root, tmp_path, "full0")
    # a save of the methods chapter cites it again
    replace_in(root, METHODS, "We screened", "As Jones found [@jones2021], we screened")
    render_pages(root, {METHODS})
    assert "Long-term outcomes after ketamine" in references.read_text(encoding="utf-8")
    assert_site_equals_full_build(root, tmp_path, "full1")


def test_a_new_chapter_title_rewrites_every_pages_sidebar(site: Path, tmp_path: Path) -> None:
    """The book's navigation is part of every page's fingerprint: renaming a chapter
    rewrites the sidebar (and previous/next links) of every page, also of pages that
    neither link to the chapter nor changed otherwise."""
    from livingreview.render import render_pages

    root = tmp_path / "book"
    shutil.copytree(site, root)
    render_pages(root, set())  # as the preview server starts
    replace_in(root, METHODS, "# Methods {#sec-methods}", "# Methods and materials {#sec-methods}")
    render_pages(root, {METHODS})
    pages = assert_site_equals_full_build(root, tmp_path, "full")
    assert len(pages) >= 5
    for page in pages:
        assert "Methods and materials" in (root / "_book" / page).read_text(encoding="utf-8"), page


def test_a_website_only_build_can_keep_the_last_docx_and_its_link(tmp_path: Path) -> None:
    """What the preview's workflow rebuild (`render.keep_formats`) relies on: an HTML-only
    render keeps the DOCX the last build wrote, and the pages still link to it; without
    keep_formats the DOCX and its link go, as before."""
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    render_book(root, backend="embedded", formats=["html", "docx"])
    docx = root / "_book" / "review.docx"
    before = docx.read_bytes()
    render_book(root, backend="embedded", formats=["html"], keep_formats=["docx", "pdf"])
    index = (root / "_book" / "index.html").read_text(encoding="utf-8")
    assert docx.read_bytes() == before
    assert 'href="review.docx"' in index and 'href="review.pdf"' not in index
    render_book(root, backend="embedded", formats=["html"])
    assert not docx.exists()
    assert 'href="review.docx"' not in (root / "_book" / "index.html").read_text(encoding="utf-8")

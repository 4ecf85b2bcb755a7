"""Fixtures for the browser tests: a built fixture review, a local web server, Chromium.

The review is the synthetic workflow fixture (tests/workflow/fixture_review.py)
built with `python -m snakemake`, so the pages have the tables, figures,
citations and downloads of a real review (a copy of the session's build, with two
sections added and rebuilt). `_book/` is served by Python's
http.server on 127.0.0.1 (a free port) and opened in Debian's chromium through
Playwright; Playwright never downloads a browser of its own.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Pictures the layout tests take, kept for a person (and CI's artifacts) to look at.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "logs" / "screenshots"
SECTIONS = """
## Study selection {#sec-selection}

Synthetic text: how the synthetic studies were selected.

## Limitations {#sec-limitations}

Synthetic text: what the synthetic review cannot tell.
"""
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 740}


def load_test_module(name: str, folder: str = "workflow"):
    """A helper module of tests/workflow/ (or another folder of tests/), loaded by path
    (tests/ is not a package). Its folder goes on ``sys.path`` first, as pytest puts it
    when it collects that folder, so the module's own imports of its neighbours work
    when this file runs alone."""
    path = Path(__file__).resolve().parents[1] / folder / f"{name}.py"
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"lr_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def review(reference_build: Path, shared_folder) -> Path:
    """The synthetic fixture review with two more sections, built by snakemake once per
    run (shared by the test workers); returns the project folder. It starts from a copy
    of the session's complete build (tests/conftest.py), so adding the sections re-runs
    only the manuscript check and the render: the figures, tables and text are not made
    a second time per run."""

    def build(folder: Path) -> None:
        project = folder / "review"
        shutil.copytree(reference_build, project, symlinks=True)  # timestamps kept
        with (project / "manuscript" / "01-results.qmd").open("a", encoding="utf-8") as chapter:
            chapter.write(SECTIONS)  # sections, so the page has a table of contents
        from workflow.test_build import snakemake  # tests/ is on sys.path

        result = snakemake(project)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]

    return shared_folder("site", build) / "review"


@pytest.fixture(scope="session")
def site(review: Path) -> Path:
    """The built website folder (`_book/`)."""
    return review / "_book"


@pytest.fixture(scope="session")
def pages(site: Path) -> list[str]:
    """Every HTML page of the site, relative to it, in a stable order."""
    found = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "index.html" in found
    return found


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """`_book/` served over HTTP on 127.0.0.1 at a free port, from a thread."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Problems:
    """What went wrong while a page was open: console errors, failed requests."""

    items: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        """Record the page's console errors and warnings, uncaught exceptions and
        requests that failed or answered with an HTTP error."""
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"uncaught exception: {error}"))
        page.on("requestfailed", lambda r: self.items.append(f"failed: {r.url} {r.failure}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.items.append(f"console {message.type}: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")


def _open(browser, viewport: dict[str, int]):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    page.problems = problems  # read by the tests
    return context, page


@pytest.fixture
def page(browser):
    """A fresh desktop-sized tab whose console errors and failed requests are recorded."""
    context, tab = _open(browser, DESKTOP)
    yield tab
    context.close()


@pytest.fixture
def mobile_page(browser):
    """A fresh 375 px wide tab (a phone) with the same recording."""
    context, tab = _open(browser, MOBILE)
    yield tab
    context.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """Say where the screenshots and PDF page images of this run are."""
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"screenshots and PDF pages: {SCREENSHOTS}")

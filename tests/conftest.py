"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root (the real ketamine review project)."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download, no network): one
    for the whole run, shared by the browser tests and the workflow tests that look at
    a built review (a second Playwright started while this one runs would fail)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic fixture review (tests/workflow/fixture_review.py) built once with
    plain `snakemake` (the default profile: 2 cores). Read it, never edit it: a test
    that edits a built review works on a copy (`built_copy` of tests/workflow/)."""
    # tests/ is on sys.path (this conftest is outside any package), so tests/workflow/
    # imports as `workflow`, the same modules its own conftest uses
    from workflow.fixture_review import make_fixture_review
    from workflow.test_build import snakemake

    project = make_fixture_review(tmp_path_factory.mktemp("reference"))
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return project

"""Shared pytest fixtures."""

from __future__ import annotations

import functools
import os
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


def _shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Path:
    """A folder made once per test run by ``make(folder)`` and shared by every
    pytest-xdist worker: the first worker to ask makes it under a lock, the others wait
    and reuse it. A failure is kept, so every worker reports it instead of making the
    folder again. Without xdist it is simply made once."""
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / f"shared-{name}"
    made, failure = root / f"shared-{name}.made", root / f"shared-{name}.failed"
    with FileLock(str(root / f"shared-{name}.lock")):
        if failure.exists():
            pytest.fail(failure.read_text(encoding="utf-8"), pytrace=False)
        if not made.exists():
            folder.mkdir(exist_ok=True)
            try:
                make(folder)
            except BaseException as error:
                failure.write_text(f"{name}: {error}", encoding="utf-8")
                raise
            made.touch()
    return folder


@pytest.fixture(scope="session")
def shared_folder(tmp_path_factory: pytest.TempPathFactory):
    """``shared_folder(name, make)``: a folder made once per run and shared by every
    worker (see ``_shared_folder``), for session fixtures too costly to make twice."""
    return functools.partial(_shared_folder, tmp_path_factory)


@pytest.fixture(scope="session")
def reference_build(shared_folder) -> Path:
    """The synthetic fixture review (tests/workflow/fixture_review.py) built once per
    run with plain `snakemake` (the default profile: 2 cores), shared by all workers.
    Read it, never edit it: a test that edits a built review works on a copy
    (`built_copy` of tests/workflow/)."""
    # tests/ is on sys.path (this conftest is outside any package), so tests/workflow/
    # imports as `workflow`, the same modules its own conftest uses
    from workflow.fixture_review import make_fixture_review
    from workflow.test_build import snakemake

    def build(folder: Path) -> None:
        project = make_fixture_review(folder)
        result = snakemake(project)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]

    return shared_folder("reference", build)

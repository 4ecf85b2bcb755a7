"""Shared workflow fixtures around the one complete build of the synthetic fixture
review per session (``reference_build``, in tests/conftest.py: the browser tests'
website starts from it too).

Tests that need a built review copy it (timestamps kept) instead of building
again; tests that need a different review edit a fresh, unbuilt copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .fixture_review import make_fixture_review


@pytest.fixture
def built_copy(reference_build: Path, tmp_path: Path) -> Path:
    """A private copy of the reference build, for tests that edit it."""
    target = tmp_path / "review"
    shutil.copytree(reference_build, target, symlinks=True)
    return target


@pytest.fixture
def fresh_project(tmp_path: Path) -> Path:
    """The fixture review's sources in a new folder, never built."""
    target = tmp_path / "fresh"
    target.mkdir()
    return make_fixture_review(target)

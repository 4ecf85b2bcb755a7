"""The Quarto backend and backend selection (Quarto itself only where installed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.errors import RenderError
from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"


@pytest.mark.quarto
@pytest.mark.skipif(shutil.which("quarto") is None, reason="needs the quarto CLI on PATH")
def test_quarto_backend_writes_the_same_layout(tmp_path: Path) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    manifest = render_book(root, backend="quarto")
    for name in ("index.html", "manuscript/02-methods.html", "review.docx", "review.pdf"):
        assert name in manifest


def test_auto_uses_embedded_without_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("livingreview.paths.shutil.which", lambda name: None)
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    assert "index.html" in render_book(root, backend="auto", formats=["html"])


def test_quarto_backend_without_quarto_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("livingreview.render.quarto.quarto_path", lambda: None)
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    with pytest.raises(RenderError, match="Quarto is not installed"):
        render_book(root, backend="quarto")
    assert not (root / "_book").exists() and not (root / "_book.staging").exists()


def test_unknown_backend_and_format(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="unknown backend"):
        render_book(tmp_path, backend="latex")
    with pytest.raises(RenderError, match="unknown format"):
        render_book(tmp_path, formats=["epub"])


def test_cli_render(tmp_path: Path) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    assert (
        main(["--project", str(root), "render", "--backend", "embedded", "--formats", "html"]) == 0
    )
    assert (root / "_book" / "index.html").is_file()


def test_with_quarto_the_check_runs_first_and_stops_a_bad_manuscript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """render_book checks the chapters before Quarto renders them (the workflow's one
    job): a problem stops it before Quarto runs; a clean book gets its report."""
    from livingreview.errors import ManuscriptError

    calls: list[Path] = []

    def fake_quarto(root: Path, staging: Path, formats: list[str]) -> None:
        calls.append(root)
        (staging / "index.html").write_text("<p>rendered</p>", encoding="utf-8")

    monkeypatch.setattr("livingreview.render.render_quarto", fake_quarto)
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    report = tmp_path / "check.txt"
    files = render_book(root, backend="quarto", formats=["html"], report=report)
    assert calls == [root.resolve()] and "index.html" in files
    assert report.read_text(encoding="utf-8").startswith("manuscript check passed:")
    methods = root / "manuscript" / "02-methods.qmd"
    methods.write_text(methods.read_text(encoding="utf-8") + "\nSee @fig-nothere.\n")
    with pytest.raises(ManuscriptError, match="fig-nothere"):
        render_book(root, backend="quarto", formats=["html"], report=report)
    assert len(calls) == 1  # Quarto never ran on the bad manuscript
    assert (root / "_book" / "index.html").read_text(encoding="utf-8") == "<p>rendered</p>"

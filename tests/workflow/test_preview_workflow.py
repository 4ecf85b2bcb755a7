"""`livingreview preview` on a save outside the chapters (issue 17): the website is
rebuilt through the Snakemake API with HTML only, the open pages are told to reload,
and the DOCX and PDF the last full build wrote stay as they were (they wait for the
next full `snakemake`), with the pages still linking to them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from livingreview.living.preview import PreviewServer

pytestmark = pytest.mark.workflow


def test_a_book_settings_save_rebuilds_the_html_through_the_workflow(built_copy: Path) -> None:
    site = built_copy / "_book"
    docx, pdf = site / "review.docx", site / "review.pdf"
    kept = {path: path.read_bytes() for path in (docx, pdf)}
    server = PreviewServer(built_copy, port=0)
    server.start()
    try:
        assert server.rebuilder.ready.wait(120)
        settings = built_copy / "_quarto.yml"
        book = yaml.safe_load(settings.read_text(encoding="utf-8"))
        book["book"]["title"] = "Synthetic review retitled while previewing"
        settings.write_text(yaml.safe_dump(book, sort_keys=False), encoding="utf-8")
        deadline = time.monotonic() + 600
        while server.state.version == 0:
            assert time.monotonic() < deadline, "no rebuild"
            time.sleep(0.2)
        assert server.state.problems == []
    finally:
        server.stop()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Synthetic review retitled while previewing" in index
    assert {path: path.read_bytes() for path in (docx, pdf)} == kept
    assert 'href="review.docx"' in index and 'href="review.pdf"' in index

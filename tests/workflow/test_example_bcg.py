"""The BCG worked example (examples/bcg-review/): `livingreview init` plus the 13
published trials builds with `snakemake` and shows all 13 studies."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from .test_build import html_text, snakemake

pytestmark = pytest.mark.workflow

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "bcg-review" / "build_review.py"


def test_bcg_example_builds_from_init_plus_data(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bcg_review", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    project = module.build(tmp_path / "bcg-review")
    result = snakemake(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    variables = yaml.safe_load((project / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["studies"]["included"] == 13
    assert variables["studies"]["randomised"] == 7
    assert variables["studies"]["participants"] == "357,347"
    table = html_text(project, "manuscript/03-results.html").find(id="tbl-characteristics")
    rows = table.find_all("tbody")[0].find_all("tr")
    studies = [tr for tr in rows if not tr.find("td", colspan=True)]  # group headings left out
    assert len(studies) == 13
    assert "Ferguson 1949" in studies[1].get_text(" ")
    for name in ("review.docx", "review.pdf"):
        assert (project / "_book" / name).is_file()

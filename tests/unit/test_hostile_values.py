"""Values that are legal but hostile or careless must reach readers as plain text.

* ``$`` in a label is a dollar sign in every figure, not the start of maths;
* BibTeX names written in LaTeX (``{\\"A}lbott``) read as names in tables and figures;
* spreadsheet formulas in a published CSV never run when a reader opens it;
* a tool's message (Pandoc, Typst) reaches the user whole, not cut to 80 characters;
* ``livingreview validate`` runs the ledger checks the build runs.

All data here is SYNTHETIC.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from livingreview.cli import main
from livingreview.errors import RenderError, tool_problem
from livingreview.evidence.studies import bib_first_author_year
from livingreview.figures.common import figure_style
from livingreview.render import neutralise_formulas
from livingreview.render.pandoc import run as run_pandoc

ROOT = Path(__file__).resolve().parents[2]


def test_dollar_signs_in_labels_are_text(tmp_path: Path) -> None:
    with figure_style():
        fig = Figure()
        fig.text(0.1, 0.5, "costs $5 vs $10 and $\\invalid{$")
        fig.savefig(tmp_path / "x.svg")  # an invalid maths expression would raise here
    svg = (tmp_path / "x.svg").read_text()
    assert "costs $5 vs $10" in svg  # matplotlib keeps the string as a comment


def test_latex_in_bibtex_names_is_decoded(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        '@article{a2020, title = {T}, author = {{\\"A}lbott, C. and M\\\\"uller, B.}, '
        "year = {2020}}\n@article{b2021, title = {U}, author = {Ch{\\'e}rif, D.}, year = 2021}\n"
    )
    names = bib_first_author_year(bib)
    assert names == {"a2020": ("Älbott", 2020), "b2021": ("Chérif", 2021)}


@pytest.mark.parametrize(
    ("cell", "published"),
    [
        ('=HYPERLINK("http://x","y")', "'=HYPERLINK"),
        ("+cmd|' /C calc'!A0", "'+cmd"),
        ("@SUM(1+1)", "'@SUM"),
        ("-2+3", "'-2+3"),
        ("-0.5", "-0.5"),  # a negative number stays a number
        ("plain text", "plain text"),
    ],
)
def test_published_csv_cells_cannot_run_as_formulas(
    tmp_path: Path, cell: str, published: str
) -> None:
    path = tmp_path / "studies.csv"
    pd.DataFrame({"study_id": ["s1"], "note": [cell]}).to_csv(path, index=False)
    before = path.read_bytes()
    changed = neutralise_formulas(path)
    assert changed == (published != cell)
    assert pd.read_csv(path, dtype=str)["note"][0].startswith(published)
    if not changed:
        assert path.read_bytes() == before  # untouched files keep their bytes


def test_tool_messages_are_not_cut() -> None:
    output = "warning: a long line " + "x" * 200 + "\nerror: No space left on device\n"
    text = str(tool_problem("review.typ", "Typst could not compile the PDF", output, "fix it"))
    assert "No space left on device" in text and "x" * 200 in text


def test_pandoc_failure_shows_pandoc_message() -> None:
    with pytest.raises(RenderError) as caught:
        run_pandoc(["--from", "no-such-format", "--to", "html"], stdin="", what="chapter.qmd")
    assert "Unknown input format no" in str(caught.value)


def test_validate_runs_the_ledger_checks_of_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "review"
    for folder in ("config", "data", "refs", "releases"):
        shutil.copytree(ROOT / folder, project / folder)
    assert main(["--project", str(project), "validate"]) == 0
    # A new record (SYNTHETIC) excluded at screening that still has a retrieval
    # decision: schema-valid, but it fits no single box of the flow diagram.
    path = project / "data" / "records.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    reason = next(r for r in rows if r["exclusion_reason"])["exclusion_reason"]
    new = dict.fromkeys(rows[0], "")
    new.update(record_id="R999", source_type="citation_search", source=rows[0]["source"],
               search_date=rows[-1]["search_date"], title="Synthetic record", screening="exclude",
               retrieval="retrieved", eligibility="exclude",
               exclusion_reason=reason)  # fmt: skip
    rows.append(new)
    line = len(rows) + 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    capsys.readouterr()
    assert main(["--project", str(project), "validate"]) == 1
    err = capsys.readouterr().err
    assert f"records.csv:{line} [retrieval]" in err and "excluded at screening" in err, err


def test_the_quick_look_for_formula_cells_misses_none(tmp_path: Path, monkeypatch) -> None:
    """A file the quick look passes is one the cell-by-cell pass would not change:
    random cells of formula characters, quotes, commas and line breaks, both ways."""
    import csv
    import random
    import re

    import livingreview.render as render

    rng = random.Random(19)
    alphabet = ["=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "a", "1", " ", ".", "'"]
    for n in range(300):
        rows = [
            ["".join(rng.choices(alphabet, k=rng.randint(0, 4))) for _ in range(3)]
            for _ in range(rng.randint(1, 4))
        ]
        data = tmp_path / f"quick{n}.csv"
        with data.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator=rng.choice(["\n", "\r\n"])).writerows(rows)
        full = tmp_path / f"full{n}.csv"
        full.write_bytes(data.read_bytes())
        quick_changed = neutralise_formulas(data)
        with monkeypatch.context() as patch:
            patch.setattr(render, "MAYBE_FORMULA", re.compile(""))  # always the full pass
            assert neutralise_formulas(full) == quick_changed, rows
        assert data.read_bytes() == full.read_bytes()

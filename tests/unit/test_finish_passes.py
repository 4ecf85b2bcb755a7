"""finish() walks a block only with the passes whose elements it can hold (render/finish.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from livingreview.render import ast as A
from livingreview.render import finish as F
from livingreview.render import finish_cache, render_book
from livingreview.render.project import load_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"


def cell(text: str) -> list[Any]:
    return [A.attr(), {"t": "AlignDefault"}, 1, 1, [A.Plain([A.Str(text)])]]


def plain_table(rows: int) -> A.Element:
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * 2
    body = [[A.attr(), [cell(f"S{i}"), cell("2021-03-04")]] for i in range(rows)]
    caption = [None, [A.Plain([A.Str("Studies")])]]
    head = [A.attr(), [[A.attr(), [cell("Study"), cell("Date")]]]]
    return {
        "t": "Table",
        "c": [A.attr("tbl-x"), caption, colspecs, head, [[A.attr(), 0, [], body]], [A.attr(), []]],
    }


@pytest.mark.parametrize("fmt", ["html", "docx", "typst"])
def test_a_table_of_text_is_not_walked_by_passes_it_has_nothing_for(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = load_book(FIXTURE)
    walked: list[str] = []
    for name in ("write_refs", "_typst_alt_images"):
        real = getattr(F, name)
        monkeypatch.setattr(F, name, lambda *a, _n=name, _r=real: walked.append(_n) or _r(*a))
    skipped = F.finish([plain_table(50)], fmt, book)
    assert walked == []
    monkeypatch.setattr(F, "_holds", lambda *a: True)  # every pass, as before
    assert skipped == F.finish([plain_table(50)], fmt, book)
    assert walked == ["write_refs", "_typst_alt_images"] if fmt == "typst" else ["write_refs"]


def test_a_reference_or_picture_in_a_table_is_still_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book = load_book(FIXTURE)
    table = plain_table(3)
    ref = A.Link([A.Str("1")], "#fig-a", A.attr("", ["quarto-xref"]))
    picture = {"t": "Image", "c": [A.attr(), [A.Str("alt text")], ["figures/a.png", ""]]}
    table["c"][4][0][3][0][1][0][4][0]["c"] += [ref, picture]
    out = F.finish([A.clone(table)], "typst", book)
    raw = [el["c"][1] for el in A.iter_elements(out) if el["t"] == "RawInline"]
    assert any(r.startswith("#ref(<fig-a>") for r in raw)
    assert any(r.startswith('#box(image("figures/a.png"') for r in raw)


def test_the_book_is_byte_identical_with_every_pass_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifests = []
    for every in (False, True):
        if every:
            monkeypatch.setattr(F, "_holds", lambda *a: True)
        monkeypatch.setattr(finish_cache, "_MEMORY", {})  # nothing finished kept between
        root = tmp_path / str(every) / "book"
        shutil.copytree(FIXTURE, root)
        manifests.append(render_book(root, backend="embedded"))
    assert manifests[0] == manifests[1]

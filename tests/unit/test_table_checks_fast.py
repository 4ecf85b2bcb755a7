"""Faster table checks give what the slow ones gave (issue 19): frame_rows lists rows as
``DataFrame.to_dict("records")`` does; cell_text_problems reports every cell, in order."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from test_fast_validation import TABLES  # the shipped tables, by schema name

from livingreview.validation import INVISIBLE, cell_text_problems, frame_rows, load_table

ROOT = Path(__file__).resolve().parents[2]


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _assert_same_rows(got, want) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert list(g) == list(w)
        assert all(_same(g[k], w[k]) for k in w), (g, w)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_loaded_tables_give_the_rows_pandas_gives(name):
    frame = load_table(ROOT / TABLES[name], name)
    assert len(frame) > 0
    _assert_same_rows(frame_rows(frame), frame.to_dict("records"))


def test_other_column_types_and_empty_frames_match_pandas():
    frames = [
        pd.DataFrame({"a": [1, 2], "b": [0.5, float("nan")], "c": ["x", None]}),
        pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": ["x", "y"]}),
        pd.DataFrame({"a": ["x", None], "b": [None, 3]}, dtype=object),
        pd.DataFrame({"a": [], "b": []}, dtype=object),
    ]
    for frame in frames:
        _assert_same_rows(frame_rows(frame), frame.to_dict("records"))


def _naive_cell_problems(rows, props, today):
    """Every cell searched, in row then column order (the check before issue 19)."""
    out = []
    for line, row in rows:
        for column, value in row.items():
            if INVISIBLE.search(value):
                out.append((line, column, "invisible"))
            spec = props.get(column, {})
            late = value.isdigit() and int(value) > today.year + 1
            if spec.get("x-not-future") and late:
                out.append((line, column, "late"))
    return out


def test_cell_text_problems_finds_every_cell_in_order():
    import datetime as dt

    today = dt.date(2026, 1, 1)
    props = {"year": {"type": "integer", "x-not-future": True}}
    rows = [
        (2, {"id": "a", "title": "ok", "note": "bad\u202eone", "year": "2030"}),
        (3, {"id": "b\x07", "title": "fine", "note": "", "year": "2020"}),
        (4, {"id": "c", "title": "x\x00", "note": "x\u2066", "year": "2099"}),
    ]
    for table in (rows, [rows[0], (3, dict(reversed(list(rows[1][1].items())))), rows[2]]):
        got = [
            (p.row, p.column, "late" if "later" in p.message else "invisible")
            for p in cell_text_problems("t.csv", table, props, today=today)
        ]
        assert got == _naive_cell_problems(table, props, today)
        assert len(got) == 6


def test_cell_text_problems_repeated_late_values_without_invisible_characters():
    """A clean table (no invisible character anywhere) still reports every late date and
    year, on every row that repeats it, with the message naming the limit."""
    import datetime as dt

    today = dt.date(2026, 1, 1)
    props = {
        "search_date": {"type": "string", "format": "date", "x-not-future": True},
        "year": {"type": "integer", "x-not-future": True},
    }
    rows = [
        (line, {"search_date": date, "year": year, "title": "t"})
        for line, (date, year) in enumerate(
            [
                ("2030-01-01", "2030"),
                ("2020-01-01", "2020"),
                ("2030-01-01", "2030"),
                ("not a date", "20x"),
                ("", ""),
            ],
            start=2,
        )
    ]
    got = [
        (p.row, p.column, p.message) for p in cell_text_problems("t.csv", rows, props, today=today)
    ]
    assert got == [
        (2, "search_date", "is later than today (2026-01-01)"),
        (2, "year", "is later than next year (2027)"),
        (4, "search_date", "is later than today (2026-01-01)"),
        (4, "year", "is later than next year (2027)"),
    ]

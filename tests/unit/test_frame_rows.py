"""frame_rows lists a table's rows exactly as ``DataFrame.to_dict("records")`` (issue 19)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from livingreview.validation import frame_rows, load_table

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "records": "data/records.csv",
    "studies": "data/studies.csv",
    "outcomes": "data/outcomes.csv",
    "risk_of_bias": "data/risk_of_bias.csv",
    "extraction_sources": "data/extraction_sources.csv",
}


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

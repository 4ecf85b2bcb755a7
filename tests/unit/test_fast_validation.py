"""Column-wise prefilter of table validation (issue 19): same problems, fewer jsonschema calls.

Rows are the project's real data files, then SYNTHETIC mutations of them (a value
emptied, replaced by text that breaks a rule, or a whole number that is not one).
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from livingreview.fast_validation import numeric_columns, suspect_rows
from livingreview.validation import load_schema, read_csv_rows, validate_rows

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "records": "data/records.csv",
    "studies": "data/studies.csv",
    "outcomes": "data/outcomes.csv",
    "risk_of_bias": "data/risk_of_bias.csv",
    "extraction_sources": "data/extraction_sources.csv",
}
BAD_VALUES = ["", "not a code", "Include", "x y", "-3", "1.5", "2024-13-45", "10.1/x", "abc1",
              "inf", "nan", "1_000", "0"]  # fmt: skip


def frame_of(header, rows) -> pd.DataFrame:
    return pd.DataFrame([r for _, r in rows], columns=header, dtype=object).fillna("")


@pytest.mark.parametrize("name", sorted(TABLES))
def test_real_data_needs_no_jsonschema_call(name: str) -> None:
    schema = load_schema(name)
    header, rows = read_csv_rows(ROOT / TABLES[name])
    frame = frame_of(header, rows)
    mask = suspect_rows(frame, numeric_columns(frame, schema), schema)
    assert mask is not None, "every table schema is understood by the column checks"
    assert not mask.any()


@pytest.mark.parametrize("name", sorted(TABLES))
def test_mutated_rows_give_exactly_the_jsonschema_problems(name: str) -> None:
    schema = load_schema(name)
    header, rows = read_csv_rows(ROOT / TABLES[name])
    rng = random.Random(19)
    mutated = []
    for n in range(300):
        _, row = rows[n % len(rows)]
        row = dict(row)
        for _ in range(rng.randint(1, 3)):
            row[rng.choice(header)] = rng.choice(BAD_VALUES)
        mutated.append((1000 + n, row))
    records_fast, fast = validate_rows("t.csv", header, rows + mutated, schema)
    records_slow, slow = validate_rows("t.csv", header, rows + mutated, schema, fast=False)
    assert [str(p) for p in fast] == [str(p) for p in slow]
    assert records_fast == records_slow
    assert len(slow) > 50  # the mutations do break rules


def test_a_missing_required_column_marks_every_row() -> None:
    schema = load_schema("records")
    frame = pd.DataFrame({"record_id": ["R1", "R2"]})
    assert suspect_rows(frame, {}, schema).all()


def test_unknown_keywords_fall_back_to_jsonschema_for_every_row() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 2}}}
    assert suspect_rows(pd.DataFrame({"a": ["x"]}), {}, schema) is None


def test_validated_tables_are_cached_by_content(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from livingreview import validation
    from livingreview.errors import DataError

    monkeypatch.setenv(validation.CACHE_ENV, str(tmp_path / "cache"))
    studies = tmp_path / "studies.csv"
    shutil.copyfile(ROOT / TABLES["studies"], studies)
    first = validation.load_table(studies, "studies")
    assert len(list((tmp_path / "cache").glob("studies-*.pickle"))) == 1

    def no_validation(*args):
        raise AssertionError("validated again although the bytes did not change")

    with monkeypatch.context() as m:
        m.setattr(validation, "_validated_table", no_validation)
        again = validation.load_table(studies, "studies")
    pd.testing.assert_frame_equal(first, again)
    text = studies.read_text(encoding="utf-8")
    studies.write_text(text.replace(",repeated,", ",weekly,", 1), encoding="utf-8")
    with pytest.raises(DataError, match="value not allowed"):
        validation.load_table(studies, "studies")  # changed bytes: validated, not cached
    assert len(list((tmp_path / "cache").glob("studies-*.pickle"))) == 1


def test_jobs_loading_the_same_table_at_once_validate_it_once(tmp_path: Path, monkeypatch) -> None:
    """A cold build starts jobs beside validate_data that load the same ledger: the
    second waits for the first's cached frame instead of validating it too (issue 19)."""
    import shutil
    import threading
    import time

    from livingreview import validation

    monkeypatch.setenv(validation.CACHE_ENV, str(tmp_path / "cache"))
    studies = tmp_path / "studies.csv"
    shutil.copyfile(ROOT / TABLES["studies"], studies)
    validate = validation._validated_table
    calls: list[int] = []
    both_started = threading.Barrier(2)

    def slow_validation(*args):
        calls.append(1)
        time.sleep(0.5)  # long enough for the other job to miss the cache meanwhile
        return validate(*args)

    monkeypatch.setattr(validation, "_validated_table", slow_validation)
    frames = []

    def job() -> None:
        both_started.wait()
        frames.append(validation.load_table(studies, "studies"))

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    pd.testing.assert_frame_equal(frames[0], frames[1])

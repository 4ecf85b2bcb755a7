"""A document that matched its schema once is not checked against it again inside the
workflow (issue 19): the protocol, the release snapshots and the config were checked
with jsonschema by every job that read them, about 0.2 CPU s each at load 8.

``validation.schema_errors`` remembers a valid document in the folder named by
``LIVINGREVIEW_SCHEMA_CHECKS`` (the workflow's ``results/cache/schema``); problems are
reported exactly as without it, and nothing is remembered outside the workflow.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from livingreview.errors import ReleaseError
from livingreview.evidence.review_data import load_protocol
from livingreview.living.releases import release_from_dict
from livingreview.validation import schema_errors
from livingreview.workflow import SCHEMA_CACHE_ENV, cache_environment

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "data" / "protocol.yaml"
SNAPSHOT = ROOT / "releases" / "1.0" / "release.yaml"


@pytest.fixture
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "schema"
    monkeypatch.setenv(SCHEMA_CACHE_ENV, str(folder))
    return folder


def test_the_workflow_sets_the_folder(tmp_path: Path) -> None:
    assert cache_environment(tmp_path)[SCHEMA_CACHE_ENV] == str(
        tmp_path.resolve() / "results" / "cache" / "schema"
    )


def test_a_valid_protocol_is_remembered_once(records: Path) -> None:
    protocol, problems = load_protocol(PROTOCOL)
    assert problems == []
    assert [p.name.split("-")[0] for p in records.iterdir()] == ["protocol"]
    assert load_protocol(PROTOCOL) == (protocol, [])
    assert len(list(records.iterdir())) == 1


def test_a_remembered_protocol_is_read_without_jsonschema(records: Path) -> None:
    load_protocol(PROTOCOL)
    code = (
        "import sys\n"
        "from livingreview.evidence.review_data import load_protocol\n"
        f"protocol, problems = load_protocol({str(PROTOCOL)!r})\n"
        "print(problems == [], protocol['question'][:2], 'jsonschema' in sys.modules)\n"
    )
    env = {**os.environ, SCHEMA_CACHE_ENV: str(records)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "In", "False"]


def test_nothing_is_remembered_outside_the_workflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SCHEMA_CACHE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert load_protocol(PROTOCOL)[1] == []
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_document_gives_the_same_errors_and_is_never_remembered(
    records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = yaml.safe_load(PROTOCOL.read_text())
    schema_errors(data, "protocol")  # the valid one is remembered
    wrong = copy.deepcopy(data)
    wrong["design_classes"] = "rct"  # a text where a mapping belongs
    wrong["unknown_key"] = 1
    remembered = sorted(records.iterdir())
    with_records = [e.message for e in schema_errors(wrong, "protocol")]
    assert with_records and sorted(records.iterdir()) == remembered
    assert [e.message for e in schema_errors(wrong, "protocol")] == with_records
    monkeypatch.delenv(SCHEMA_CACHE_ENV)
    assert [e.message for e in schema_errors(wrong, "protocol")] == with_records


def test_a_value_of_another_type_is_another_document(records: Path) -> None:
    data = yaml.safe_load(SNAPSHOT.read_text())
    assert schema_errors(data, "release", formats=True) == []
    as_date = copy.deepcopy(data)
    as_date["date"] = dt.date.fromisoformat(data["date"])  # equal text, another type
    assert [e.validator for e in schema_errors(as_date, "release", formats=True)] == ["type"]
    no_date = copy.deepcopy(data)
    no_date["date"] = "2024-02-30"
    assert [e.validator for e in schema_errors(no_date, "release", formats=True)] == ["format"]
    assert len(list(records.iterdir())) == 1


def test_a_remembered_snapshot_still_fails_on_another_value(records: Path) -> None:
    data = yaml.safe_load(SNAPSHOT.read_text())
    release_from_dict(data, SNAPSHOT)
    changed = copy.deepcopy(data)
    changed["version"] = 2  # a number where the schema asks for text
    with pytest.raises(ReleaseError):
        release_from_dict(changed, SNAPSHOT)

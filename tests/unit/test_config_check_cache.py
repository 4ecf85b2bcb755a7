"""A config that matched the schema once is not checked against it again (issue 19: no-op).

Every ``snakemake`` run, a no-op too, validates ``config/config.yaml``; importing
jsonschema for that cost about 0.1 CPU s of a 1.3-s no-op. The workflow passes a
folder remembering the documents that passed their schema (``results/cache/schema``,
the same records as ``validation.schema_errors`` keeps for the protocol and the release
snapshots); problems are reported exactly as without it, and the data file paths are
checked every time.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from test_bad_inputs import CONFIG

from livingreview.config import validate_config
from livingreview.errors import ConfigError
from livingreview.validation import schema_errors
from livingreview.workflow import SCHEMA_CACHE_ENV, schema_check_folder


def problems(config: dict, root: Path, passed: Path | None) -> list[str]:
    try:
        validate_config(config, "config/config.yaml", root, passed)
    except ConfigError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_a_config_that_passed_is_remembered_once(tmp_path: Path) -> None:
    passed = schema_check_folder(tmp_path)
    assert validate_config(CONFIG, "config/config.yaml", tmp_path, passed) == CONFIG
    assert [p.name.split("-")[0] for p in passed.iterdir()] == ["config"]
    validate_config(copy.deepcopy(CONFIG), "config/config.yaml", tmp_path, passed)
    assert len(list(passed.iterdir())) == 1  # the same config: the same record


def test_a_remembered_config_is_checked_without_jsonschema(tmp_path: Path) -> None:
    passed = tmp_path / "passed"
    code = (
        "import sys\n"
        "from livingreview.config import validate_config\n"
        f"validate_config({CONFIG!r}, 'config/config.yaml', {str(tmp_path)!r}, {str(passed)!r})\n"
        "print('jsonschema' in sys.modules)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
        for _ in range(2)
    ]
    assert runs == ["True", "False"]  # checked by the schema the first time only


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c["render"].update(backend="word"),
        lambda c: c.update(colour="blue"),
        lambda c: c["data"].pop("studies"),
        lambda c: c["render"].update(formats="html"),
    ],
)
def test_a_bad_config_gives_the_same_problems_and_is_never_remembered(tmp_path: Path, edit) -> None:
    passed = tmp_path / "passed"
    validate_config(CONFIG, "config/config.yaml", tmp_path, passed)  # a good one first
    bad = copy.deepcopy(CONFIG)
    edit(bad)
    expected = problems(bad, tmp_path, None)
    assert expected
    assert problems(bad, tmp_path, passed) == expected
    assert problems(bad, tmp_path, passed) == expected  # again: not remembered
    assert len(list(passed.iterdir())) == 1


def test_the_data_paths_of_a_remembered_config_are_checked_again(tmp_path: Path) -> None:
    passed = tmp_path / "passed"
    validate_config(CONFIG, "config/config.yaml", tmp_path, passed)
    (tmp_path / CONFIG["data"]["studies"]).mkdir(parents=True)  # now a folder
    found = problems(CONFIG, tmp_path, passed)
    assert found == problems(CONFIG, tmp_path, None)
    assert any("folder" in p for p in found)


def test_a_number_and_its_text_are_different_configs(tmp_path: Path) -> None:
    passed = tmp_path / "passed"
    good = copy.deepcopy(CONFIG)
    good["figures"] = {"studies_per_part": 25}
    validate_config(good, "config/config.yaml", tmp_path, passed)
    text = copy.deepcopy(good)
    text["figures"]["studies_per_part"] = "25"
    assert problems(text, tmp_path, passed) == problems(text, tmp_path, None)
    assert problems(text, tmp_path, None)


def test_the_config_record_is_the_schema_record_jobs_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Snakefile's record of the config is the one ``schema_errors`` finds in a
    job (whose environment names the folder): one cache, not two."""
    passed = schema_check_folder(tmp_path)
    validate_config(CONFIG, "config/config.yaml", tmp_path, passed)
    monkeypatch.setenv(SCHEMA_CACHE_ENV, str(passed))
    assert schema_errors(copy.deepcopy(CONFIG), "config") == []
    assert len(list(passed.iterdir())) == 1
    monkeypatch.delenv(SCHEMA_CACHE_ENV)
    validate_config(CONFIG, "config/config.yaml", tmp_path)  # outside: nothing written
    assert len(list(passed.iterdir())) == 1

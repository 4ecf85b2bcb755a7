"""Property: whatever a user writes in the configuration or the data, the build answers
with a message, never a traceback, and never touches anything outside its own output.

Hypothesis mutates ``_quarto.yml``, ``config/config.yaml`` and the data files of small
SYNTHETIC fixtures (replacing values by hostile ones: paths that climb out, the project
root, folders, numbers where lists go, control characters, alias blocks) and runs the
loaders a command runs (render of the website, ``validate``'s loaders, config). Each
run must end normally or with a :class:`ReviewError`; afterwards every file of the
project other than ``_book/``, ``results/`` and logs, and a sibling folder standing for
the rest of the machine, must be byte-identical. A bounded number of examples runs
in CI.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_inputs import CONFIG
from test_evidence import fixture_texts, write_review
from test_render_errors import FIXTURE

from livingreview.config import validate_config
from livingreview.errors import ReviewError
from livingreview.evidence.review_data import load_review_data
from livingreview.render import render_book

GENERATED = ("_book", "results", "logs")

HOSTILE_VALUES = st.sampled_from(
    [
        ".",
        "..",
        "../outside",
        "/",
        "/etc/passwd",
        "data",
        "manuscript",
        "refs",
        "_book",
        "",
        5,
        -1,
        1e308,
        float("inf"),
        None,
        True,
        [],
        {},
        ["../outside/secret.txt"],
        {"a": [1, 2]},
        "x\u202ey",
        "\x00",
        "$\\frac{",
        "{{< var nope >}}",
        "index.qmd",
        "manuscript/01-introduction.qmd",
        "a" * 300,
    ]
)


def keys_of(tree: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a nested YAML value (mappings and lists)."""
    out = []
    if isinstance(tree, dict):
        for k, v in tree.items():
            out.append((*prefix, k))
            out += keys_of(v, (*prefix, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out.append((*prefix, i))
            out += keys_of(v, (*prefix, i))
    return out


def set_path(tree: object, path: tuple, value: object) -> None:
    for step in path[:-1]:
        tree = tree[step]  # type: ignore[index]
    tree[path[-1]] = value  # type: ignore[index]


def fingerprint(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts and rel.parts[0] in skip:
            continue
        out[rel.as_posix()] = (
            "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        )
    return out


QUARTO = yaml.safe_load((FIXTURE / "_quarto.yml").read_text())
QUARTO_KEYS = keys_of(QUARTO)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # CI runs the same examples every time
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(QUARTO_KEYS), HOSTILE_VALUES), min_size=1, max_size=3
    )
)
def test_mutated_quarto_yml_never_crashes_or_escapes(
    tmp_path_factory: pytest.TempPathFactory, mutations: list[tuple[tuple, object]]
) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "book"
    shutil.copytree(FIXTURE, root)
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    config = yaml.safe_load((root / "_quarto.yml").read_text())
    for path, value in mutations:
        try:
            set_path(config, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced the parent: skip this one
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    before_project = fingerprint(root, GENERATED)
    before_outside = fingerprint(outside)
    project = config.get("project") if isinstance(config, dict) else None
    output = project.get("output-dir") if isinstance(project, dict) else None
    allowed = (*GENERATED, str(output).split("/")[0]) if isinstance(output, str) else GENERATED
    with contextlib.suppress(ReviewError):  # a message naming file and key is a right answer
        render_book(root, backend="embedded", formats=["html"])
    assert fingerprint(root, allowed) == before_project
    assert fingerprint(outside) == before_outside
    assert sorted(p.name for p in base.iterdir()) == ["book", "outside"]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(keys_of(CONFIG)), HOSTILE_VALUES), min_size=1, max_size=3
    )
)
def test_mutated_config_gives_a_message(mutations: list[tuple[tuple, object]]) -> None:
    config = yaml.safe_load(yaml.safe_dump(CONFIG))
    for path, value in mutations:
        try:
            set_path(config, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        validate_config(config)
    except ReviewError as exc:
        assert exc.problems and all(p.file for p in exc.problems)


CELL_VALUES = st.one_of(
    HOSTILE_VALUES.map(str),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(["inf", "nan", "-0", "1e999", '"', '"unclosed', ",", "\n", "2999-12-31"]),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # CI runs the same examples every time
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    key=st.sampled_from(["records", "studies", "sources", "protocol", "bibliography"]),
    position=st.integers(min_value=0, max_value=10_000),
    value=CELL_VALUES,
)
def test_mutated_data_gives_a_message(
    tmp_path_factory: pytest.TempPathFactory, key: str, position: int, value: str
) -> None:
    texts = fixture_texts()
    text = str(texts[key])
    at = position % (len(text) + 1)
    texts[key] = text[:at] + value + text[at:]
    folder = tmp_path_factory.mktemp("data")
    paths = write_review(folder, texts)
    before = fingerprint(folder)
    try:
        load_review_data(**paths)
    except ReviewError as exc:
        assert exc.problems
    assert fingerprint(folder) == before

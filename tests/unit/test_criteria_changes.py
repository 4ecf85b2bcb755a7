"""Amendments to the eligibility criteria between versions (living/criteria.py).

SYNTHETIC criteria and releases only: the wording below is invented for the tests.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
import yaml

from livingreview.errors import ReleaseError
from livingreview.living.criteria import (
    Criterion,
    ProtocolState,
    compare_criteria,
    compare_states,
    criteria_changes_lines,
    current_protocol,
    eligibility_variables,
    release_protocol,
)
from livingreview.living.draft_changes import draft_changes_markdown
from livingreview.living.releases import Release, Scope
from livingreview.living.version_diff import changes_markdown

A = Criterion("P1", "population", "Adults with a synthetic disorder.")
B = Criterion("I1", "intervention", "Synthetic drug at any dose.")
C = Criterion("O1", "outcome", "A validated synthetic scale.")


def _protocol(*criteria: Criterion) -> dict:
    return {"eligibility": [{"id": c.id, "domain": c.domain, "text": c.text} for c in criteria]}


def _write(path: Path, protocol: dict) -> str:
    """Write ``protocol`` as YAML; return its SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(protocol, sort_keys=False), encoding="utf-8")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _release(root: Path, version: str, protocol: dict, keep_copy: bool = True) -> Release:
    """A synthetic release whose snapshot records ``protocol``'s SHA-256; with
    ``keep_copy`` its folder keeps the file too (as ``livingreview release`` writes it)."""
    folder = root / "releases" / version
    digest = _write(folder / "protocol.yaml", protocol)
    if not keep_copy:
        (folder / "protocol.yaml").unlink()
    numbers = {"studies": {"included": 1}, "prisma": {}}
    return Release(
        version=version,
        date="2026-01-15",
        search_date=None,
        note="Synthetic.",
        scope=Scope(),
        inputs={"protocol": digest},
        studies={},
        record_ids=(),
        report_ids=(),
        pending_ids=(),
        prisma={},
        variables=numbers,
        folder=folder,
    )


# --------------------------------------------------------------------------- comparing


def test_added_removed_reworded_and_unchanged_criteria() -> None:
    reworded = dataclasses.replace(B, text="Synthetic drug at any dose, by any route.")
    new = Criterion("D1", "design", "At least five synthetic participants.")
    result = compare_criteria([A, B, C], [A, reworded, new])
    assert [(c.kind, c.id) for c in result.changes] == [
        ("reworded", "I1"),
        ("added", "D1"),
        ("removed", "O1"),
    ]
    assert result.of_kind("reworded")[0].old == B
    assert result.of_kind("reworded")[0].new == reworded
    assert not result.reordered
    assert compare_criteria([A, B], [A, B]).changes == ()


def test_rewrapped_text_is_not_a_rewording_but_a_new_domain_is() -> None:
    wrapped = yaml.safe_load(
        "eligibility:\n  - id: P1\n    domain: population\n    text: >-\n"
        "      Adults with a\n      synthetic   disorder.\n"
    )
    from livingreview.living.criteria import criteria_of

    assert compare_criteria([A], criteria_of(wrapped)).changes == ()
    moved = dataclasses.replace(A, domain="setting")
    (change,) = compare_criteria([A], [moved]).changes
    assert change.kind == "reworded"
    lines = criteria_changes_lines(_state("v1", [A]), _state("draft", [moved]), None)
    assert "cannot be shown" in lines[0]  # None: nothing is compared
    shown = "\n".join(
        criteria_changes_lines(
            _state("v1", [A]), _state("draft", [moved]), compare_criteria([A], [moved])
        )
    )
    assert "**P1** (population → setting), reworded" in shown
    assert "(wording unchanged)" in shown


def test_reordering_changes_no_criterion_but_is_reported() -> None:
    result = compare_criteria([A, B, C], [B, A, C])
    assert result.changes == ()
    assert result.reordered
    text = "\n".join(
        criteria_changes_lines(_state("version 1.0", [A, B, C]), _state("this draft", []), result)
    )
    assert "now listed as I1, P1, O1 (version 1.0: P1, I1, O1)" in text
    assert "No eligibility criterion changed" not in text
    # an added criterion in the middle does not make the others reordered
    assert not compare_criteria([A, C], [A, B, C]).reordered


def _state(name: str, criteria: list[Criterion], digest: str = "d") -> ProtocolState:
    return ProtocolState(name, digest, tuple(criteria))


def test_word_level_markdown_of_each_change() -> None:
    reworded = dataclasses.replace(A, text="Adults with a synthetic or related disorder.")
    added = Criterion("D1", "design", "Five or more synthetic participants.")
    old, new = _state("version 1.0", [A, C]), _state("this draft", [reworded, added])
    text = "\n".join(criteria_changes_lines(old, new, compare_states(old, new)))
    assert "3 eligibility criteria changed: the protocol was amended after version 1.0." in text
    assert (
        "- **P1** (population), reworded: Adults with a synthetic [or related]{.ins} disorder."
        in text
    )
    assert "- **D1** (study design), added: [Five or more synthetic participants.]{.ins}" in text
    assert "- **O1** (outcomes), removed: ~~A validated synthetic scale.~~" in text
    same = "\n".join(criteria_changes_lines(old, old, compare_states(old, old)))
    assert same == "No eligibility criterion changed: version 1.0 applies those of version 1.0."


# --------------------------------------------------------------------------- releases


def test_same_protocol_file_means_no_change_even_without_copies() -> None:
    old = ProtocolState("version 1.0", "abc", None)
    assert compare_states(old, ProtocolState("version 2.0", "abc", None)).changes == ()
    assert compare_states(old, ProtocolState("this draft", "def", (A,))) is None


def test_release_protocol_is_read_only_when_it_is_the_released_file(tmp_path: Path) -> None:
    release = _release(tmp_path, "1.0", _protocol(A, B))
    assert release_protocol(release).criteria == (A, B)
    missing = _release(tmp_path, "2.0", _protocol(A), keep_copy=False)
    assert release_protocol(missing) == ProtocolState(
        "version 2.0", missing.inputs["protocol"], None
    )
    # a copy that is not byte for byte the released file is refused, naming it
    _write(release.folder / "protocol.yaml", _protocol(A, C))
    with pytest.raises(ReleaseError) as info:
        release_protocol(release)
    message = str(info.value)
    assert "releases/1.0/protocol.yaml" in message
    assert "SHA-256" in message and "restore the file" in message


def test_an_older_release_without_its_criteria_is_said_so(tmp_path: Path) -> None:
    v1 = _release(tmp_path, "1.0", _protocol(A, B), keep_copy=False)
    protocol = tmp_path / "data" / "protocol.yaml"
    _write(protocol, _protocol(A, dataclasses.replace(B, text="Any synthetic drug.")))
    old, new = release_protocol(v1), current_protocol(protocol)
    (line,) = criteria_changes_lines(old, new, compare_states(old, new))
    assert line.startswith("The record of version 1.0 does not keep the wording of its")
    assert "cannot be shown" in line
    found = eligibility_variables([v1], protocol, released=False)
    assert found["changed_since_first"] is None and found["changed_since_latest"] is None
    assert found["amendments_text"] == (
        "Whether the eligibility criteria changed between version 1.0 and this draft cannot "
        "be shown, because the record of version 1.0 does not keep their wording."
    )


def test_eligibility_variables_over_every_version(tmp_path: Path) -> None:
    protocol = tmp_path / "data" / "protocol.yaml"
    _write(protocol, _protocol(A, B))
    none = eligibility_variables([], protocol, released=False)
    assert none["changed_since_first"] == 0 and none["criteria"] == 2
    v1 = _release(tmp_path, "1.0", _protocol(A, B))
    v2 = _release(tmp_path, "2.0", _protocol(A, B, C))  # 2.0 added O1
    same = eligibility_variables([v1], protocol, released=True)
    assert same["changed_since_first"] == 0
    assert same["amendments_text"] == (
        "The eligibility criteria have not changed since version 1.0, the first released version."
    )
    _write(protocol, _protocol(dataclasses.replace(A, text="Adults only."), B, C))
    found = eligibility_variables([v1, v2], protocol, released=False)
    assert (found["changed_since_first"], found["changed_since_latest"]) == (2, 1)
    assert found["amendments_text"] == (
        "The eligibility criteria have been amended since version 1.0, the first released "
        "version: criterion O1 was added in version 2.0; criterion P1 was reworded after "
        "version 2.0, in this draft."
    )


# --------------------------------------------------------------------------- the page


def test_changes_page_lists_the_criteria_in_both_parts(tmp_path: Path) -> None:
    v1 = _release(tmp_path, "1.0", _protocol(A, B))
    v2 = _release(tmp_path, "2.0", _protocol(A, B, C))
    released = changes_markdown([v1, v2], {})
    head, rest = released.split("### Eligibility criteria {.unnumbered}")
    assert "## Version 2.0 compared with version 1.0" in head
    criteria, data = rest.split("### Data {.unnumbered}")
    assert "Studies added" in data
    assert "- **O1** (outcomes), added: [A validated synthetic scale.]{.ins}" in criteria
    protocol = tmp_path / "data" / "protocol.yaml"
    _write(protocol, _protocol(A, B))  # the draft drops O1 again
    state = {"status": "draft"}
    draft = draft_changes_markdown([v1, v2], state, [], [], v2.variables, {}, None, protocol)
    assert draft.index("### Eligibility criteria") < draft.index("### Data")
    assert "- **O1** (outcomes), removed: ~~A validated synthetic scale.~~" in draft
    # without the protocol (older callers) the draft part has no criteria section
    assert "Eligibility criteria" not in draft_changes_markdown(
        [v1, v2], state, [], [], v2.variables, {}
    )


def test_release_check_lists_the_criteria_changed_since_the_previous_release(
    tmp_path: Path,
) -> None:
    from livingreview.living.make_release import ReleaseCheck, criteria_changed

    protocol = tmp_path / "data" / "protocol.yaml"
    _write(protocol, _protocol(A, dataclasses.replace(B, text="Any synthetic drug."), C))
    kept = _release(tmp_path, "1.0", _protocol(A, B))
    assert criteria_changed([], protocol) == ()
    assert criteria_changed([kept], protocol) == (
        "I1 (intervention): reworded",
        "O1 (outcomes): added",
    )
    lost = _release(tmp_path / "other", "1.0", _protocol(A, B), keep_copy=False)
    assert criteria_changed([lost], protocol) is None
    check = ReleaseCheck("2.0", "1.0", 0, (), (), criteria=criteria_changed([kept], protocol))
    assert (
        "Eligibility criteria changed since version 1.0 (2):\n  - I1 (intervention): reworded"
        in check.summary()
    )
    unknown = dataclasses.replace(check, criteria=None).summary()
    assert "Eligibility criteria changed since version 1.0: unknown" in unknown
    none = dataclasses.replace(check, criteria=()).summary()
    assert "Eligibility criteria changed since version 1.0: none." in none

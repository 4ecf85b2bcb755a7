"""releases/corrections.yaml: corrections to frozen releases, printed on the version history.

Versions 1.0 and 2.0 of the shipped review cite themselves naming Tully et al. (the
authors of the review it is based on) as this review's authors; their files are
frozen, so the correction is recorded beside them and printed by the build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.errors import ReleaseError
from livingreview.living.corrections import read_corrections
from livingreview.living.pages import corrections_markdown, history_markdown
from livingreview.living.releases import read_release

REPO = Path(__file__).resolve().parents[2]
SHIPPED = [read_release(REPO / "releases" / v / "release.yaml") for v in ("1.0", "2.0")]


def test_the_shipped_history_corrects_the_authors_printed_by_1_0_and_2_0() -> None:
    corrections = read_corrections(REPO / "releases" / "corrections.yaml", SHIPPED)
    page = history_markdown(SHIPPED) + corrections_markdown(corrections)
    section = page.split("## Corrections to released versions {.unnumbered}", 1)[1]
    line = next(x for x in section.splitlines() if x.startswith("- "))
    assert line.startswith("- Versions 1.0 and 2.0 (noted 1 December 2026): The PDF and DOCX")
    assert "wrongly name Tully J" in line and "authors of the systematic review" in line


def test_no_corrections_add_nothing() -> None:
    assert corrections_markdown([]) == ""


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('corrections:\n  - {versions: ["9.0"], date: "2026-12-01", text: "x"}\n', "9.0"),
        ('corrections:\n  - {versions: ["1.0"], date: "2026-12-01"}\n', "'text' is a required"),
        ('corrections:\n  - {versions: [], date: "2026-12-01", text: "x"}\n', "non-empty"),
        ('corrections:\n  - {versions: ["1.0"], date: "1 Dec", text: "x"}\n', "does not match"),
    ],
)
def test_a_correction_must_name_released_versions_and_follow_its_schema(
    tmp_path: Path, text: str, found: str
) -> None:
    path = tmp_path / "corrections.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError) as error:
        read_corrections(path, SHIPPED)
    assert found in str(error.value)

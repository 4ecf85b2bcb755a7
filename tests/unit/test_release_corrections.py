"""releases/corrections.yaml: corrections to frozen releases, printed on the version history.

Versions 1.0 and 2.0 of the shipped review cite themselves naming Tully et al. (the
authors of the review it is based on) as this review's authors; their files are
frozen, so the correction is recorded beside them and printed by the build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.bibliography import entry_keys, load_bibliography
from livingreview.errors import ReleaseError
from livingreview.living.corrections import (
    Correction,
    cited_keys,
    correction_markdown,
    read_corrections,
)
from livingreview.living.pages import citation_markdown, corrections_markdown, history_markdown
from livingreview.living.releases import read_release

REPO = Path(__file__).resolve().parents[2]
SHIPPED = [read_release(REPO / "releases" / v / "release.yaml") for v in ("1.0", "2.0")]


BIB = REPO / "refs" / "references.bib"


def _shipped_corrections():
    return read_corrections(
        REPO / "releases" / "corrections.yaml",
        SHIPPED,
        entry_keys(load_bibliography(BIB)),
        "refs/references.bib",
    )


def test_the_shipped_history_corrects_the_authors_printed_by_1_0_and_2_0() -> None:
    page = history_markdown(SHIPPED) + corrections_markdown(_shipped_corrections())
    section = page.split("## Corrections to released versions {#sec-corrections .unnumbered}")[1]
    line = next(x for x in section.splitlines() if x.startswith("- "))
    assert line.startswith("- Versions 1.0 and 2.0 (noted 1 December 2026): The PDF and DOCX")
    # the whole extent: byline and affiliations, the files' properties, the citation and key
    extent = ("wrongly name Jamie Tully", "title page", "affiliations", "PDF's author")
    extent += ("DOCX's creator", "BibTeX entry", "tully2026v2\\_0", "based on theirs")
    for said in extent:
        assert said in line, said
    # the original review is cited as the document cites (numbered), not "(Tully et al., 2022)"
    assert "systematic review this living review is based on [@tully2022]" in line
    assert "et al." not in line


def test_a_correction_cites_in_the_review_style_and_shows_the_rest_literally() -> None:
    text = "Wrong *names* <b> on 2026-11-27 [@tully2022; @glue2017]; see [@tully2022]."
    assert correction_markdown(text) == (
        "Wrong \\*names\\* \\<b\\> on 27 November 2026 [@tully2022; @glue2017]; see [@tully2022]."
    )
    assert cited_keys(text) == ["tully2022", "glue2017", "tully2022"]
    assert correction_markdown("- [x] e-mail a@b.org") == "\\- \\[x\\] e-mail a\\@b.org"


def test_a_correction_citing_an_unknown_key_names_the_file_entry_and_key(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yaml"
    path.write_text(
        'corrections:\n  - {versions: ["1.0"], date: "2026-12-01", text: "See [@nosuch2020]."}\n',
        encoding="utf-8",
    )
    with pytest.raises(ReleaseError) as error:
        read_corrections(path, SHIPPED, {"tully2022"}, "refs/references.bib")
    message = str(error.value)
    assert str(path) in message and "corrections/0/text" in message
    assert "[@nosuch2020]" in message and "refs/references.bib" in message


def test_every_link_to_a_corrected_version_points_to_its_correction() -> None:
    corrections = [Correction(("1.0",), "2026-12-01", "Wrong.")]
    page = history_markdown(SHIPPED, corrections=corrections) + corrections_markdown(corrections)
    rows = {line.split(" | ")[0]: line for line in page.splitlines() if "[PDF](" in line}
    assert rows["| 1.0"].endswith(
        "[PDF](releases/1.0/review.pdf), [DOCX](releases/1.0/review.docx)"
        " (see [correction](#sec-corrections)) |"
    )
    assert "correction" not in rows["| 2.0"]  # 2.0 has none
    assert "{#sec-corrections .unnumbered}" in page  # the links' target
    assert history_markdown(SHIPPED) == history_markdown(SHIPPED, corrections=[])


def test_citing_a_corrected_version_points_to_its_correction() -> None:
    corrections = [
        Correction(("1.0", "2.0"), "2026-12-01", "Wrong authors."),
        Correction(("2.0",), "2026-12-03", "Wrong count."),
    ]
    cite = citation_markdown("T", ["Ann Alpha"], SHIPPED, {"status": "released"}, None, corrections)
    notice = (
        "The PDF and DOCX of version 2.0 as released have 2 corrections (noted 1 December "
        "2026 and 3 December 2026): see [Corrections to released versions](#sec-corrections) "
        "in the version history."
    )
    # beside the reference, in every format (not only in the website's BibTeX block)
    assert notice in cite.split("::: {.content-visible")[0]
    one = citation_markdown("T", ["Ann Alpha"], SHIPPED, {"status": "draft"}, None, corrections[:1])
    assert "version 2.0 as released have a correction (noted 1 December 2026)" in one
    clean = citation_markdown("T", ["Ann Alpha"], SHIPPED, {"status": "released"}, None, [])
    assert "Corrections to released versions" not in clean


def test_the_shipped_review_points_its_citation_and_downloads_to_the_correction() -> None:
    corrections = _shipped_corrections()
    history = history_markdown(SHIPPED, "../../", corrections)
    # 1.0 and 2.0, in the website's History table and in print's (its Corrections column)
    assert history.count("(see [correction](#sec-corrections))") == 4
    cite = citation_markdown("T", ["A B"], SHIPPED, {"status": "draft"}, None, corrections)
    assert "version 2.0 as released have a correction" in cite


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


def test_a_version_without_authors_is_cited_by_its_title() -> None:
    """A new review's _quarto.yml names no author until one is filled in: its
    citation starts with the title, and its BibTeX has no empty author field."""
    cite = citation_markdown("T", [], SHIPPED, {"status": "released"}, None, [])
    assert "\n\nT. Version 2.0, released" in cite
    assert ". T." not in cite and "author =" not in cite


def test_each_download_of_a_corrected_version_warns_what_is_wrong_in_it() -> None:
    """The History table's downloads of 1.0 and 2.0 said only "(see correction)"; a reader
    downloading the files learnt there nothing of what is wrong in them."""
    corrections = [Correction(("1.0",), "2026-12-01", "Long text.", "Synthetic: wrong *names*.")]
    page = history_markdown(SHIPPED, corrections=corrections)
    rows = {line.split(" | ")[0]: line for line in page.splitlines() if "[PDF](" in line}
    assert rows["| 1.0"].endswith(
        "[PDF](releases/1.0/review.pdf), [DOCX](releases/1.0/review.docx) **Warning:** "
        "Synthetic: wrong \\*names\\*. (see [correction](#sec-corrections)) |"
    )
    assert "Warning" not in rows["| 2.0"]
    # the shipped review: the warning comes from releases/corrections.yaml, beside both
    shipped = history_markdown(SHIPPED, "../../", _shipped_corrections())
    warned = [x for x in shipped.splitlines() if "[PDF](" in x and "**Warning:** These files" in x]
    assert len(warned) == 2 and all("wrongly name the authors of the review" in x for x in warned)

"""Front and back matter from _quarto.yml fields in all three formats; empty ones print nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from livingreview.render import ast as A
from livingreview.render import check_manuscript_report, render_book
from livingreview.render.matter import back_matter, front_matter_blocks, missing_prisma_declarations

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"

EMPTY = {
    "registration": "",
    "key-points": {"known": [], "adds": []},
    "declarations": {"funding": "", "competing-interests": "", "acknowledgements": " "},
}
FILLED = {
    "registration": "Synthetic registry SYN-0001",
    "key-points": {"known": ["Synthetic known point."], "adds": ["Synthetic new point."]},
    "declarations": {
        "funding": "Synthetic funder, grant S-1.",
        "competing-interests": "None declared (synthetic).",
        "data-availability": "Synthetic data are published with the website.",
    },
    "book": {"author": [{"name": "Ada Lovelace", "corresponding": True, "email": "ada@x.test"}]},
}


def test_empty_fields_print_nothing() -> None:
    assert front_matter_blocks(EMPTY) == []
    assert back_matter(EMPTY) == []
    assert back_matter({}) == [] and front_matter_blocks({}) == []


def test_filled_fields_become_labelled_blocks() -> None:
    front = A.stringify(front_matter_blocks(FILLED))
    assert "Correspondence: Ada Lovelace" in front and "ada@x.test" in front
    assert "Registration: Synthetic registry SYN-0001" in front
    assert "What is already known" in front and "Synthetic new point." in front
    back = back_matter(FILLED)
    text = A.stringify(back)
    assert text.startswith("Declarations")
    assert "Funding" in text and "Competing interests" in text and "Data availability" in text
    assert "Acknowledgements" not in text and "Author contributions" not in text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("matter") / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update({k: v for k, v in FILLED.items() if k != "book"})
    config["book"]["author"][0].update(corresponding=True, email="ada@x.test")
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded")
    return root / "_book"


def test_matter_in_every_format(rendered: Path) -> None:
    html = " ".join(p.read_text(encoding="utf-8") for p in rendered.rglob("*.html"))
    word = "\n".join(p.text for p in docx.Document(rendered / "review.docx").paragraphs)
    pdf = " ".join(page.extract_text() for page in PdfReader(rendered / "review.pdf").pages)
    for text in (html, word, pdf):
        for expected in (
            "Synthetic registry SYN-0001",
            "What this study adds",
            "Synthetic new point.",
            "Declarations",
            "Synthetic funder, grant S-1.",
            "Data availability",
            "ada@x.test",
        ):
            assert expected in text, expected
        assert "Acknowledgements" not in text


def test_empty_prisma_declarations_are_named_with_their_item() -> None:
    """PRISMA 2020 items 25 (funding) and 26 (competing interests) must be reported."""
    problems = missing_prisma_declarations(EMPTY)
    assert len(problems) == 2
    assert "declarations: funding" in problems[0] and "item 25" in problems[0]
    assert "declarations: competing-interests" in problems[1] and "item 26" in problems[1]
    assert all('"None."' in p and p.startswith("_quarto.yml") for p in problems)
    assert len(missing_prisma_declarations({})) == 2
    assert missing_prisma_declarations({"declarations": "funding"}) != []  # not a mapping
    assert missing_prisma_declarations(FILLED) == []


@pytest.mark.parametrize("filled", [False, True], ids=["empty", "filled"])
def test_the_check_warns_of_empty_prisma_declarations(
    tmp_path: Path, filled: bool, caplog: pytest.LogCaptureFixture
) -> None:
    project = tmp_path / "book"
    shutil.copytree(FIXTURE, project)
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    config["declarations"] = (FILLED if filled else EMPTY)["declarations"]
    (project / "_quarto.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    report = tmp_path / "report.txt"
    with caplog.at_level("WARNING", logger="livingreview"):
        check_manuscript_report(project, report)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("manuscript check passed")
    assert ("item 25" in text and "item 26" in text) is not filled
    assert ("item 25" in caplog.text) is not filled

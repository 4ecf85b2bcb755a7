"""Which chapters declare a section: the param that reruns What's new (workflow.files_declaring)."""

from __future__ import annotations

from pathlib import Path

from livingreview.workflow import CHANGES_SECTION, files_declaring


def test_lists_only_the_chapters_that_declare_the_section(tmp_path: Path) -> None:
    (tmp_path / "a.qmd").write_text("# Results {#sec-results}\n", encoding="utf-8")
    (tmp_path / "b.qmd").write_text("# Changes in this version {#sec-changes}\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("See @sec-changes.\n", encoding="utf-8")  # a reference only
    (tmp_path / "d.csv").write_text("{#sec-changes}\n", encoding="utf-8")  # not a chapter
    (tmp_path / "e.qmd").write_bytes(b"\xff\xfe{#sec-changes}")  # unreadable as UTF-8
    files = [tmp_path / n for n in ("a.qmd", "b.qmd", "c.md", "d.csv", "e.qmd", "gone.qmd")]
    assert files_declaring(files, CHANGES_SECTION) == [str(tmp_path / "b.qmd")]


def test_the_answer_changes_when_the_section_is_renamed(tmp_path: Path) -> None:
    chapter = tmp_path / "10-changes.qmd"
    chapter.write_text("# Changes {#sec-changes}\n", encoding="utf-8")
    assert files_declaring([chapter], CHANGES_SECTION) == [str(chapter)]
    chapter.write_text("# Changes {#sec-draft-changes}\n", encoding="utf-8")
    assert files_declaring([chapter], CHANGES_SECTION) == []


def test_the_release_pages_rule_takes_it_as_a_param() -> None:
    rules = Path(__file__).resolve().parents[2] / "src/livingreview/pipeline/rules/releases.smk"
    text = rules.read_text(encoding="utf-8")
    rule = text[text.index("rule write_release_pages:") : text.index("rule write_changes_page:")]
    assert "changes_section=get_changes_section_files()" in rule
    assert "get_manuscript_files" not in rule  # not an input: a chapter edit does not rerun it

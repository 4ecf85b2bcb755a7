"""The preview's book model kept per chapter (render/chapter_memo.py): after each edit
the model equals a fresh build's, and only what the edit touched is done again."""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path
from typing import Any

from livingreview.render.book import BookModel, build_book
from livingreview.render.chapter_memo import ChapterMemo

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
METHODS = "manuscript/02-methods.qmd"
APPENDIX = "manuscript/90-appendix.qmd"
INTRO = "manuscript/01-introduction.qmd"


def state(model: BookModel) -> tuple[Any, ...]:
    return (
        marshal.dumps([(c.blocks, c.title, c.meta) for c in model.chapters], 2),
        [(c.number, c.anchor, c.page) for c in model.chapters],
        {k: (t.kind, t.number, t.page, t.level, t.appendix) for k, t in model.targets.items()},
        list(model.citations.items()),
        [str(p) for p in model.problems],
        [str(p) for p in model.warnings],
        [(i.path, i.written, i.chapter.rel) for i in model.images],
    )


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_kept_model_equals_a_fresh_build_after_each_edit(tmp_path: Path) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    memo = ChapterMemo()
    assert state(build_book(root, memo=memo)) == state(build_book(root))

    memo.ran.clear()  # nothing changed: nothing done again
    assert state(build_book(root, memo=memo)) == state(build_book(root))
    assert memo.ran == []

    # a figure inserted before the flow diagram renumbers it: the introduction,
    # which refers to it, is resolved again; the appendix (after it, with new ids
    # before it) is numbered again but refers to nothing that changed
    flow = "![PRISMA flow diagram"
    edit(root, METHODS, flow, "![Inserted](../results/figures/flow){#fig-inserted}\n\n" + flow)
    memo.ran.clear()
    model = build_book(root, memo=memo)
    assert state(model) == state(build_book(root))
    assert model.targets["fig-flow"].number == "2.2"
    assert ("local", METHODS) in memo.ran and ("resolve", INTRO) in memo.ran
    assert ("local", INTRO) not in memo.ran and ("number", INTRO) not in memo.ran
    assert ("local", APPENDIX) not in memo.ran and ("resolve", APPENDIX) not in memo.ran

    # a prose edit of the appendix: only the appendix is done again, and a
    # problem it has is reported on every build until it is fixed
    edit(root, APPENDIX, "Back to @sec-methods.", "Back to @sec-methods and @fig-nothing.")
    memo.ran.clear()
    model = build_book(root, memo=memo)
    assert state(model) == state(build_book(root))
    assert {rel for _, rel in memo.ran} == {APPENDIX}
    assert any("fig-nothing" in str(p) for p in model.problems)
    again = build_book(root, memo=memo)
    assert state(again) == state(build_book(root))
    assert [str(p) for p in again.problems] == [str(p) for p in model.problems]


def test_without_a_memo_every_stage_runs_once(tmp_path: Path) -> None:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    memo = ChapterMemo(keep=False)
    model = build_book(root, memo=memo)
    assert state(model) == state(build_book(root))
    assert len(memo.ran) == len(set(memo.ran))
    assert {stage for stage, _ in memo.ran} >= {"local", "number", "resolve"}


def test_the_workflow_memo_is_replayed_by_the_next_process(tmp_path: Path, monkeypatch) -> None:
    """A build keeps the memo in results/cache/model/; the next one (another process:
    the memo is read back from the file) builds nothing again, and its model equals a
    fresh build's, also after an edit."""
    import pickle

    from livingreview.render import chapter_memo
    from livingreview.render.chapter_memo import stored_memo
    from livingreview.workflow import PARSE_CACHE_ENV

    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache" / "pandoc"))

    def build() -> tuple[BookModel, list[tuple[str, str]]]:
        with stored_memo(root) as memo:
            return build_book(root, memo=memo), memo.ran

    model, ran = build()
    assert state(model) == state(build_book(root)) and ran
    [kept] = (tmp_path / "cache" / "model").glob("*.pickle")
    model, ran = build()
    assert state(model) == state(build_book(root)) and ran == []

    edit(root, APPENDIX, "Back to @sec-methods.", "Back to @sec-methods and @fig-nothing.")
    model, ran = build()
    assert state(model) == state(build_book(root))
    assert {rel for _, rel in ran} == {APPENDIX}
    assert any("fig-nothing" in str(p) for p in model.problems)

    # other renderer code: the memo is not used (every stage runs), and replaced
    monkeypatch.setattr(chapter_memo, "code_version", lambda *names: "other code")
    model, ran = build()
    assert state(model) == state(build_book(root))
    assert {rel for _, rel in ran} >= {INTRO, METHODS, APPENDIX}
    [replaced] = (tmp_path / "cache" / "model").glob("*.pickle")
    assert replaced != kept

    # a file holding anything but values, problems and targets is not loaded
    replaced.write_bytes(pickle.dumps(({("local", "x"): (Path("x"),)}, {})))
    model, ran = build()
    assert state(model) == state(build_book(root)) and {rel for _, rel in ran} >= {INTRO}

    # outside the workflow nothing is kept
    monkeypatch.delenv(PARSE_CACHE_ENV)
    with stored_memo(root) as memo:
        assert not memo.keep

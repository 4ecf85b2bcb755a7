"""The render's shortcuts for large books give exactly what the plain passes give (issue 19).

Each shortcut replaces a pass that was quadratic at 1,000 studies (one regex scan
of a chapter's source per cited key; every bibliography key tried against every
paragraph; a deep copy of each chapter to read its text) and must not change a
single result.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from livingreview.render import ast as A
from livingreview.render.book import Chapter, _ref_pattern, locate, locate_key
from livingreview.render.reader_text import key_index, leaked_terms, visible_text
from livingreview.render.shortcodes import Expanded


def chapter(lines: list[str]) -> Chapter:
    source = Expanded(lines, [("manuscript/a.qmd", n + 1) for n in range(len(lines))])
    return Chapter(SimpleNamespace(path=Path("manuscript/a.qmd")), "a.html", source, [], {})


@pytest.mark.parametrize(
    ("lines", "key", "line"),
    [
        pytest.param(["See [@smith2020; @jones2021]."], "jones2021", 1, id="second-in-brackets"),
        pytest.param(["a@smith2020", "@smith2020"], "smith2020", 2, id="email-like-skipped"),
        pytest.param(["@smith2020a", "-@smith2020."], "smith2020", 2, id="longer-key-skipped"),
        pytest.param(["```", "@smith2020", "```", "x @smith2020"], "smith2020", 4, id="code"),
        pytest.param(["@doi:10.1/x-y]"], "doi:10.1/x-y", 1, id="punctuation"),
        pytest.param(["nothing"], "smith2020", None, id="absent"),
    ],
)
def test_locate_key_finds_the_first_mention(lines: list[str], key: str, line: int | None) -> None:
    assert locate_key(chapter(lines), key) == ("manuscript/a.qmd", line)


def test_locate_key_agrees_with_locate_on_random_text() -> None:
    rng = random.Random(19)
    alphabet = "ab1_-@.:;[] ()é\t`~"
    for _ in range(300):
        lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(6)]
        if rng.random() < 0.3:
            lines.insert(2, "```")
        ch = chapter(lines)
        keys = {line[i:j] for line in lines for i in range(len(line)) for j in range(i + 1, i + 6)}
        for key in sorted(k for k in keys if k and not re.search(r"\s", k)):
            assert locate_key(ch, key) == locate(ch, _ref_pattern(key)), (lines, key)


def test_leaked_terms_with_an_index_equal_the_plain_check() -> None:
    keys = {"smith2020", "Smith2020", "yermus_kap", "Lovelace", "b_2"}
    index = key_index(keys)
    for text in ["SMITH2020 and yermus_kap", "b_2 smith2020", "Lovelace", ""]:
        assert leaked_terms(text, {"all"}, keys, index) == leaked_terms(text, {"all"}, keys)
    found = leaked_terms("SMITH2020 and b_2", set(), keys, index)
    assert found == ["Smith2020", "b_2", "smith2020"]


def test_visible_text_reads_quoted_release_text_without_changing_the_tree() -> None:
    """Text quoted from a release ("Changes in this version") is what readers see, so
    the check of reader-facing words reads it too (it used to be skipped, and a frozen
    release's "rule draw_x" caption reached readers unchecked)."""
    quoted = A.Div([A.Para([A.Str("old")])], A.attr("", ["released-text"]))
    blocks = [A.Para([A.Str("new")]), A.Div([quoted, A.Plain([A.Str("kept")])])]
    before = A.clone(blocks)
    assert list(visible_text(blocks)) == ["new", "old", "kept"]
    assert blocks == before


def test_large_blocks_are_finished_once_per_content(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from livingreview.render import finish_cache
    from livingreview.render.finish import finish
    from livingreview.render.project import load_book
    from livingreview.workflow import PARSE_CACHE_ENV

    root = tmp_path / "book"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "render" / "book", root)
    monkeypatch.setenv(PARSE_CACHE_ENV, str(root / "results" / "cache" / "pandoc"))
    monkeypatch.setattr(finish_cache, "_MEMORY", {})
    book = load_book(root)
    large = A.Para([A.Str("2026-11-27"), A.Space()] * 3000)  # over LARGE_BLOCK bytes
    blocks = [
        A.Para([A.Str("Text"), A.Span([], A.attr("lr-src-1", ["lr-src"]))]),
        large,
        A.Para([{"t": "Math", "c": [{"t": "InlineMath"}, "x"]}]),
    ]
    before = A.clone(blocks)
    for fmt in ("html", "docx", "typst"):
        assert finish_cache.finished(blocks, fmt, book) == finish(A.clone(blocks), fmt, book)
    assert blocks == before
    assert len(list((root / "results" / "cache" / "finish").glob("*.marshal"))) == 3

    def fail(*args: object) -> None:
        raise AssertionError("finished again")

    monkeypatch.setattr(finish_cache, "finish", fail)
    monkeypatch.setattr(finish_cache, "_MEMORY", {})  # a new process: read from disk
    assert finish_cache.finished([large], "html", book) == finish([A.clone(large)], "html", book)
    (root / "_quarto.yml").write_text((root / "_quarto.yml").read_text() + "\n# edited\n")
    with pytest.raises(AssertionError, match="finished again"):
        finish_cache.finished([large], "html", book)


def test_a_chapter_finishes_as_its_blocks_finished_one_by_one(monkeypatch) -> None:
    """What the cache relies on, on every chapter of the render fixture book."""
    from livingreview.render import finish_cache
    from livingreview.render.book import build_book
    from livingreview.render.citations import citeproc_book
    from livingreview.render.embedded import _split_chapters
    from livingreview.render.finish import finish

    model = build_book(Path(__file__).parents[1] / "fixtures" / "render" / "book")
    pages = _split_chapters(model, citeproc_book(model))
    monkeypatch.setattr(finish_cache, "LARGE_BLOCK", 0)  # every block on its own
    monkeypatch.setattr(finish_cache, "_MEMORY", {})
    for _, blocks in pages:
        for fmt in ("html", "docx", "typst"):
            whole = finish(A.clone(blocks), fmt, model.book)
            assert finish_cache.finished(blocks, fmt, model.book) == whole


def test_a_page_converted_before_is_not_converted_again(tmp_path: Path, monkeypatch) -> None:
    from livingreview.render import pandoc
    from livingreview.workflow import PARSE_CACHE_ENV

    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "pandoc"))
    doc = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": [A.Para([A.Str("Hi")])]}
    first = pandoc.ast_to(doc, ["-t", "html5"], reads=b"template v1")
    assert first.strip() == "<p>Hi</p>"
    monkeypatch.setattr(pandoc, "run", lambda *a, **k: "converted again")
    assert pandoc.ast_to(doc, ["-t", "html5"], reads=b"template v1") == first
    assert pandoc.ast_to(doc, ["-t", "html5"], reads=b"template v2") == "converted again"
    assert pandoc.ast_to(doc, ["-t", "html5"]) == "converted again"  # not kept: always run


def test_citeproc_on_the_citing_paragraphs_equals_citeproc_on_the_book(monkeypatch) -> None:
    from livingreview.render import citations
    from livingreview.render.book import build_book

    model = build_book(Path(__file__).parents[1] / "fixtures" / "render" / "book")
    sent: list[int] = []
    run = citations.cached_run

    def cached_run(args: list[str], stdin: str, *rest: object) -> str:
        sent.append(len(stdin))
        return run(args, stdin, *rest)

    monkeypatch.setattr(citations, "cached_run", cached_run)
    monkeypatch.setattr(citations, "_KEPT", {})
    short = citations.citeproc_book(model)
    monkeypatch.setattr(citations, "citeproc_cited_paragraphs", lambda *a: None)
    assert short == citations.citeproc_book(model)
    assert len(sent) == 2 and sent[0] < sent[1] / 2  # the shortcut sent less than half


def test_citeproc_runs_again_only_when_what_it_reads_changed(tmp_path: Path, monkeypatch) -> None:
    """Kept by the citing paragraphs, the bibliography and the style: an edit of
    prose elsewhere gets the same answer without Pandoc; a changed reference runs it."""
    from livingreview.render import citations
    from livingreview.render.book import build_book

    root = tmp_path / "book"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "render" / "book", root)
    monkeypatch.setattr(citations, "_KEPT", {})
    runs: list[str] = []
    run = citations.cached_run
    monkeypatch.setattr(citations, "cached_run", lambda *a, **k: runs.append(a[2]) or run(*a, **k))
    first = citations.citeproc_book(build_book(root))
    assert len(runs) == 1
    chapter = next(p for p in sorted((root / "manuscript").glob("*.qmd")))
    chapter.write_text(chapter.read_text() + "\nA new paragraph without a citation.\n")
    edited = citations.citeproc_book(build_book(root))
    assert len(runs) == 1  # not run again
    fresh = build_book(root)
    monkeypatch.setattr(citations, "_KEPT", {})
    assert edited == citations.citeproc_book(fresh)  # the same as running it
    assert len(runs) == 2
    bib = next(iter(fresh.book.bibliography))
    bib.write_text(bib.read_text().replace("randomised trial", "randomized trial"))
    citations.citeproc_book(build_book(root))
    assert len(runs) == 3  # the bibliography changed: run again
    assert first["blocks"]  # the book has chapters


def test_a_footnote_or_a_cited_heading_sends_the_whole_book() -> None:
    from livingreview.render.citations import cited_paragraphs

    cite = {"t": "Cite", "c": [[], [A.Str("[@a]")]]}
    note = {"t": "Note", "c": [A.Para([A.Str("n")])]}
    assert cited_paragraphs([A.Para([cite]), A.Para([A.Str("x")])]) == [A.Para([cite])]
    assert cited_paragraphs([A.Para([cite]), A.Para([note])]) is None
    assert cited_paragraphs([A.Header(2, [cite])]) is None


def test_citeproc_in_place_gives_the_copys_answer() -> None:
    """The renderers let citeproc write into the model's own blocks (no copy of the
    book): the same document as the copy, and the model is changed only then."""
    from livingreview.render.book import build_book
    from livingreview.render.citations import citeproc_book

    fixture = Path(__file__).parents[1] / "fixtures" / "render" / "book"
    model = build_book(fixture)
    before = A.clone([ch.blocks for ch in model.chapters])
    copied = citeproc_book(model)
    assert [ch.blocks for ch in model.chapters] == before  # a copy: the model unchanged
    assert citeproc_book(model, in_place=True) == copied
    assert [ch.blocks for ch in model.chapters] != before  # written into the model


def test_the_cycle_collector_is_paused_only_while_a_book_is_built(monkeypatch) -> None:
    import gc

    import livingreview.render as render

    seen: list[bool] = []
    build = render.build_book

    def recording_build(*args: object, **kwargs: object):
        seen.append(gc.isenabled())
        return build(*args, **kwargs)

    monkeypatch.setattr(render, "build_book", recording_build)
    assert gc.isenabled()
    render.check_manuscript(Path(__file__).parents[1] / "fixtures" / "render" / "book")
    with pytest.raises(ZeroDivisionError), render._no_cycle_collection():
        1 / 0  # noqa: B018
    assert seen == [False] and gc.isenabled()

"""The elements of large blocks found from an index kept by content are exactly what a
walk finds (issue 19: a chapter edit without walking its 1,000-row tables).

The blocks are SYNTHETIC: a table of generated rows with citations, links and
images in some cells, built by code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from livingreview.render import ast as A
from livingreview.render import block_index
from livingreview.render.block_index import LARGE, rewrite, select
from livingreview.workflow import PARSE_CACHE_ENV


def cell(inlines: list[A.Element]) -> list:
    return [A.attr(), {"t": "AlignDefault"}, 1, 1, [A.Plain(inlines)]]


def large_table(rows: int = 600, link_every: int = 7) -> A.Element:
    """A table over :data:`LARGE` bytes; every ``link_every``-th row links, cites, shows an
    image and holds a span with an id."""
    body = []
    for n in range(rows):
        words = A.text_inlines(f"Study {n} of the generated rows")
        extra: list[A.Element] = []
        if n % link_every == 0:
            cite = {"t": "Cite", "c": [[{"citationId": f"s{n}"}], [A.Link([A.Str("x")], "#ref")]]}
            image = {"t": "Image", "c": [A.attr(), [], [f"figures/f{n}.svg", ""]]}
            extra = [A.Link([A.Str("see")], f"#tbl-{n}"), cite, image, A.Span([], A.attr(f"r{n}"))]
        body.append([A.attr(), [cell(words), cell(extra)]])
    table = {
        "t": "Table",
        "c": [
            A.attr("tbl-large"),
            [None, [A.Plain([A.Str("Caption")])]],
            [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * 2,
            [A.attr(), []],
            [[A.attr(), 0, [], body]],
            [A.attr(), []],
        ],
    }
    assert len(__import__("marshal").dumps(table, 2)) >= LARGE
    return table


def book() -> list[A.Element]:
    return [
        A.Header(1, [A.Str("Results")], A.attr("sec-results")),
        A.Para(
            [A.Link([A.Str("a")], "#tbl-large"), {"t": "Image", "c": [A.attr(), [], ["a.png", ""]]}]
        ),
        large_table(),
        A.Div([A.Para([A.Str("after")])], A.attr("refs")),
    ]


def walked(blocks: list[A.Element], kinds: tuple[str, ...]) -> list[A.Element]:
    return [el for el in A.iter_elements(blocks) if el["t"] in kinds]


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_index, "_MEMORY", {})
    monkeypatch.delenv(PARSE_CACHE_ENV, raising=False)


@pytest.mark.parametrize(
    "kinds", [("Link",), ("Image",), ("Cite", "Link"), A.HAS_ATTR, ("Table",), ("Str", "Link")]
)
def test_select_finds_what_a_walk_finds_in_order(kinds: tuple[str, ...]) -> None:
    blocks = book()
    for _ in range(2):  # indexed, then from the kept index
        found = list(select(blocks, kinds))
        assert [id(el) for el in found] == [id(el) for el in walked(blocks, kinds)]
        assert found


def test_the_index_is_used_while_the_content_is_the_same_and_made_again_when_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocks = book()
    list(select(blocks, ("Link",)))
    made: list[int] = []
    paths = block_index._paths
    monkeypatch.setattr(block_index, "_paths", lambda b: made.append(1) or paths(b))
    other = book()  # equal content, other objects: the same index, no walk
    assert [el["c"][2][0] for el in select(other, ("Link",))] == [
        el["c"][2][0] for el in walked(other, ("Link",))
    ]
    assert made == []
    rows = other[2]["c"][4][0][3]
    rows[1][1][1][4][0]["c"].append(A.Link([A.Str("new")], "#new"))  # a cell of row 1 edited
    targets = [el["c"][2][0] for el in select(other, ("Link",))]
    assert made == [1]
    assert "#new" in targets
    assert targets == [el["c"][2][0] for el in walked(other, ("Link",))]


def test_a_pass_changing_what_select_gives_changes_the_book_as_a_walk_would() -> None:
    by_select, by_walk = book(), book()
    for blocks, found in ((by_select, select(by_select, ("Link",))), (by_walk, None)):
        for el in found if found is not None else walked(blocks, ("Link",)):
            el["c"][2][0] = "page.html" + el["c"][2][0]
    assert by_select == by_walk


def test_the_index_is_kept_on_disk_for_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache" / "pandoc"))
    blocks = book()
    expected = walked(blocks, ("Cite",))
    assert list(select(blocks, ("Cite",))) == expected
    assert len(list((tmp_path / "cache" / "index").glob("*.marshal"))) == 1
    monkeypatch.setattr(block_index, "_MEMORY", {})  # a new process

    def fail(block: A.Element) -> None:
        raise AssertionError("walked again")

    monkeypatch.setattr(block_index, "_paths", fail)
    assert [id(el) for el in select(blocks, ("Cite",))] == [id(el) for el in expected]


def scroll(el: A.Element) -> A.Element | list[A.Element] | None:
    """Like the website's table wrapper (a replacement) and a splice of links."""
    if el["t"] == "Table":
        return A.Div([el], A.attr("", ["table-scroll"]))
    if el["t"] == "Link" and el["c"][2][0].startswith("#tbl-"):
        return [A.Str("("), *el["c"][1], A.Str(")")]
    if el["t"] == "Image":
        return A.RawInline("html", "<svg/>")
    return None


@pytest.mark.parametrize("kinds", [("Table", "Link", "Image"), ("Cite", "Link", "Span")])
def test_rewrite_gives_what_a_walk_gives_calling_fn_in_the_same_order(
    kinds: tuple[str, ...],
) -> None:
    """Children first, siblings in document order; a splice (a link made three
    inlines) before an element of the same list does not lose that element."""
    calls: dict[str, list[str]] = {"walk": [], "rewrite": []}

    def recorded(name: str) -> Callable[[A.Element], Any]:
        def fn(el: A.Element) -> Any:
            if el["t"] not in kinds:
                return None
            calls[name].append(el["t"] + A.stringify(el)[:20])
            return scroll(el)

        return fn

    by_rewrite, by_walk = book(), book()
    by_walk[:] = A.walk(by_walk, recorded("walk"))
    rewrite(by_rewrite, kinds, recorded("rewrite"))
    assert by_rewrite == by_walk
    assert calls["rewrite"] == calls["walk"]
    assert len(calls["walk"]) > 100
    assert ("Table" not in kinds) or by_rewrite[2]["t"] == "Div"  # the large table replaced


@pytest.mark.parametrize("edit", ["none", "note in a cell", "cite in a header", "refs div"])
def test_cited_paragraphs_of_a_large_block_are_those_a_walk_finds(
    edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from livingreview.render import citations

    blocks = book()
    rows = blocks[2]["c"][4][0][3]
    cite = {"t": "Cite", "c": [[{"citationId": "x"}], [A.Str("x")]]}
    if edit == "note in a cell":
        rows[3][1][0][4][0]["c"].append({"t": "Note", "c": [A.Para([A.Str("n")])]})
    elif edit == "cite in a header":
        blocks[2]["c"][1][1] = [A.Header(2, [cite], A.attr("h"))]
    elif edit == "refs div":
        rows[5][1][0][4] = [A.Div([A.Para([cite])], A.attr("refs"))]
    found = citations.cited_paragraphs(blocks)
    monkeypatch.setattr(citations, "index_of", lambda block: None)  # every block walked
    walked_found = citations.cited_paragraphs(blocks)
    assert (
        (found is None)
        == (walked_found is None)
        == (edit in ("note in a cell", "cite in a header"))
    )
    assert found is None or [id(el) for el in found] == [id(el) for el in walked_found]
    assert walked_found is None or len(walked_found) > 80

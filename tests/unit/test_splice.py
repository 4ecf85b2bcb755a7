"""Large blocks written by Pandoc once per content and spliced in (render/splice.py), and
search entries kept per page (render/search.py): the same bytes as the whole conversion."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from livingreview.render import ast as A
from livingreview.render import embedded, pandoc, render_book, search, splice
from livingreview.render.pandoc import document, json_to
from livingreview.workflow import PARSE_CACHE_ENV

REAL_RUN = pandoc.run

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
TEMPLATES = Path(embedded.__file__).parent / "templates"
TYPST = ["-t", "typst-citations", f"--template={TEMPLATES / 'book.typ'}", "--wrap=preserve"]
HTML = ["-t", "html5", f"--template={TEMPLATES / 'page.html'}", "--mathml", "--wrap=none"]
HTML += ["--section-divs", "--toc", "--toc-depth=3"]


def cell(inlines: list[A.Element]) -> list[Any]:
    return [A.attr(), {"t": "AlignDefault"}, 1, 1, [A.Plain(inlines)]]


def table(rows: int, ident: str, first: str = "Study") -> A.Element:
    """A synthetic table of ``rows`` rows: text, links, emphasis, math, a dated cell."""
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * 3
    head = [A.attr(), [[A.attr(), [cell([A.Str(h)]) for h in (first, "Year", "Note")]]]]
    body = [
        [
            A.attr(),
            [
                cell(
                    [
                        A.Link([A.Str(f"S{i}")], f"#s{i}"),
                        A.Space(),
                        {"t": "Emph", "c": [A.Str("a")]},
                    ]
                ),
                cell([A.Str(f"{2000 + i % 25}-01-0{1 + i % 9}")]),
                cell([{"t": "Math", "c": [{"t": "InlineMath"}, f"x_{i}"]}, A.Str("*[#]")]),
            ],
        ]
        for i in range(rows)
    ]
    caption = [None, [A.Plain([A.Str("Characteristics"), A.Space(), A.Str(ident)])]]
    return {
        "t": "Table",
        "c": [A.attr(ident), caption, colspecs, head, [[A.attr(), 0, [], body]], [A.attr(), []]],
    }


def book_blocks(first: str = "Study") -> list[A.Element]:
    big = table(700, "tbl-big", first)
    return [
        A.Header(1, [A.Str("Results")], A.attr("sec-results")),
        A.Para([A.Str("Counts"), A.Space(), A.Str("that"), A.Space(), A.Str("changed:")]),
        big,
        table(700, "tbl-next"),  # two large blocks in a row
        A.RawBlock("typst", "#pagebreak(weak: true)"),
        table(3, "tbl-small"),
        A.Div([table(700, "")], A.attr("tbl-wrapped", ["cell"])),  # the website's float
        {"t": "BulletList", "c": [[A.Plain([A.Str("one")])], [A.Plain([A.Str("two")])]]},
        A.Div([A.Para([A.Str("Last.")])], A.attr("", ["refs"])),
    ]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache" / "pandoc"
    monkeypatch.setenv(PARSE_CACHE_ENV, str(folder))
    return folder


def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stdin of every Pandoc run from now on."""
    seen: list[str] = []
    real = pandoc.run

    def counted(args: list[str], stdin: str | None = None, **kwargs: Any) -> str:
        seen.append(stdin or "")
        return real(args, stdin=stdin, **kwargs)

    monkeypatch.setattr(pandoc, "run", counted)  # json_to and cached_run run it
    return seen


@pytest.mark.parametrize("args", [TYPST, HTML], ids=["typst", "html"])
def test_spliced_output_equals_the_whole_conversion(
    args: list[str], cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = {"pagetitle": {"t": "MetaString", "c": "Results"}}
    kinds = ("Table", "Div")  # as the PDF's Typst source and the website's pages split
    for first, converted in (("Study", 1 + 2 * (len(kinds) + 1)), ("Trial", 2)):
        blocks = book_blocks(first)  # then one header cell of the first table edited
        whole = json_to(json.dumps(document(A.clone(blocks), meta)), args, cwd=tmp_path)
        split = splice.split_large(A.clone(blocks), meta, kinds)
        assert len(split.parts) == len(kinds) + 1  # the two tables and the div
        seen = runs(monkeypatch)
        assert splice.write_split(split, args, cwd=tmp_path, what="book") == whole
        # first the book, each block and each placeholder; after the edit the book and
        # the edited table only (the other blocks and the placeholders kept)
        assert len(seen) == converted
        monkeypatch.setattr(pandoc, "run", REAL_RUN)


def test_a_block_with_a_note_or_heading_is_converted_in_the_book(cache: Path) -> None:
    noted, headed = table(700, "tbl-noted"), table(700, "tbl-headed")
    noted["c"][4][0][3][0][1][0][4][0]["c"].append({"t": "Note", "c": [A.Para([A.Str("n")])]})
    split = splice.split_large(
        [noted, A.Div([A.Header(2, [A.Str("H")]), headed])], {}, ("Table", "Div")
    )
    assert split.parts == []


def test_without_the_workflows_cache_nothing_is_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PARSE_CACHE_ENV, raising=False)
    assert splice.split_large(book_blocks(), {}).parts == []


def test_a_placeholder_not_found_falls_back_to_the_whole_conversion(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = book_blocks()
    whole = json_to(json.dumps(document(A.clone(blocks), {})), TYPST, cwd=tmp_path)
    split = splice.split_large(A.clone(blocks), {})
    real = splice.cached_run
    # the placeholder written on its own differs from its text in the book
    monkeypatch.setattr(
        splice, "cached_run", lambda args, text, *a, **k: real(args, text, *a, **k) + "x"
    )
    assert splice.write_split(split, TYPST, cwd=tmp_path, what="book") == whole


def test_search_entries_are_kept_per_page_content(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = "<main><h1 id='a'>Title</h1><p>Some text</p><h2 id='b'>More</h2><p>x</p></main>"
    (site / "a.html").write_text(page, encoding="utf-8")
    (site / "b.html").write_text(page.replace("Some", "Other"), encoding="utf-8")
    first = search.build_search_index(site, ["a.html", "b.html"])
    parsed: list[str] = []
    real = search._page_entries
    monkeypatch.setattr(search, "_page_entries", lambda p, h: parsed.append(p) or real(p, h))
    (site / "b.html").write_text(page.replace("Some", "New"), encoding="utf-8")
    again = search.build_search_index(site, ["a.html", "b.html"])
    assert parsed == ["b.html"]  # the unchanged page's entries came from the cache
    assert again[: len(again) // 2] == first[: len(first) // 2]
    monkeypatch.delenv(PARSE_CACHE_ENV)
    assert again == search.build_search_index(site, ["a.html", "b.html"])


def test_the_book_rendered_with_splices_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixture book with every table and div of 2 KB or more spliced (Typst and the
    website; none of its DOCX blocks is a top-level table that large: the DOCX splice
    is checked above) against the same render with nothing spliced, both in the
    workflow's caches."""
    split: list[int] = []
    real = splice.split_large

    def recorded(*args: Any, **kwargs: Any) -> splice.SplitBook:
        out = real(*args, **kwargs)
        split.append(len(out.parts))
        return out

    monkeypatch.setattr(embedded, "split_large", recorded)
    manifests = []
    for large in (1 << 40, 2048):
        root = tmp_path / str(large) / "book"
        shutil.copytree(FIXTURE, root)
        monkeypatch.setenv(PARSE_CACHE_ENV, str(root / "results" / "cache" / "pandoc"))
        monkeypatch.setattr(splice, "LARGE", large)
        manifests.append(render_book(root, backend="embedded"))
        files = sorted(p.relative_to(root) for p in (root / "_book").rglob("*") if p.is_file())
        manifests.append({str(f): (root / f).read_bytes() for f in files})
    assert manifests[0] == manifests[2] and manifests[1] == manifests[3]
    assert sum(split[: len(split) // 2]) == 0 and sum(split[len(split) // 2 :]) > 0


DOCX = ["-t", "docx"]


def docx_xml(text: str, reference: Path, cwd: Path) -> str:
    """``word/document.xml`` of the DOCX Pandoc writes from the JSON ``text``."""
    import zipfile

    out = cwd / "whole.docx"
    json_to(text, [*DOCX, "-o", str(out), f"--reference-doc={reference}"], cwd=cwd)
    with zipfile.ZipFile(out) as package:
        return package.read("word/document.xml").decode("utf-8")


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    from livingreview.render.reference_docx import build_reference_docx

    path = tmp_path / "reference.docx"
    path.write_bytes(build_reference_docx("a4"))
    return path


def test_docx_tables_spliced_equal_the_whole_conversion(
    cache: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DOCX's document part with its large tables written on their own and spliced
    in equals the whole conversion's; after a header cell is edited only the book and
    the edited table are converted again (the bookmarks of the tables' ids, numbered
    through the document, stay the book's)."""
    meta = {"lang": {"t": "MetaString", "c": "en"}}
    for first, converted in (("Study", 3), ("Trial", 2)):
        blocks = book_blocks(first)
        whole = docx_xml(json.dumps(document(A.clone(blocks), meta)), reference, tmp_path)
        split = splice.split_large(A.clone(blocks), meta)
        seen = runs(monkeypatch)
        tables = splice.docx_tables(split, DOCX, reference, tmp_path)
        assert tables is not None and len(tables) == 2
        assert splice.splice_docx(docx_xml(split.document, reference, tmp_path), tables) == whole
        assert len(seen) == converted  # the tables (kept by content), then the book
        monkeypatch.setattr(pandoc, "run", REAL_RUN)


def test_a_docx_table_with_a_link_out_or_an_anchor_is_not_spliced(
    cache: Path, reference: Path, tmp_path: Path
) -> None:
    """Links out are relationships, anchors bookmarks: both numbered through the document."""
    for inline in (
        A.Link([A.Str("site")], "https://example.org/"),
        A.Span([A.Str("here")], A.attr("anchor-in-a-cell")),
    ):
        big = table(700, "tbl-big")
        big["c"][4][0][3][5][1][0][4][0]["c"].append(inline)
        split = splice.split_large([big], {})
        assert len(split.parts) == 1
        assert splice.docx_tables(split, DOCX, reference, tmp_path) is None


def test_a_docx_placeholder_not_found_is_not_spliced() -> None:
    table_xml = "<w:tbl><w:tr>rows</w:tr></w:tbl>"
    book = f"<w:p>a</w:p><w:tbl><w:tr>{splice.MARKER}0</w:tr></w:tbl><w:p>b</w:p>"
    assert splice.splice_docx(book, [table_xml]) == f"<w:p>a</w:p>{table_xml}<w:p>b</w:p>"
    assert splice.splice_docx(book.replace(splice.MARKER, "x"), [table_xml]) is None
    assert splice.splice_docx(book + book, [table_xml]) is None  # the marker twice
    assert splice.splice_docx(f"<w:p>{splice.MARKER}0</w:p>", [table_xml]) is None  # no table

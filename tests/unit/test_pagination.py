"""PDF page flow: a landscape table waits for a full page, appendices run on.

The pure passes are tested on small block lists; a real Typst layout of a
synthetic page checks that the table turns the pages only once the text above
it fills the page, and never leaves a floating figure behind on a page of its own.
"""

from __future__ import annotations

import json

import pytest

from livingreview.render import ast as A
from livingreview.render.pagination import (
    CHOICE_LINE,
    LANDSCAPE_OPEN,
    OFFER_LABEL,
    appendix_break,
    choose_landscape_offers,
    defer_landscape_pages,
    with_landscape_choice,
)


def para(text: str) -> A.Element:
    return A.Para([A.Str(text)])


def raw(el: A.Element) -> str:
    return el["c"][1] if el["t"] == "RawBlock" else ""


def landscape(*content: A.Element) -> list[A.Element]:
    return [A.RawBlock("typst", LANDSCAPE_OPEN), *content, A.RawBlock("typst", "]")]


def test_landscape_is_offered_after_each_following_block_of_its_chapter() -> None:
    blocks = [
        A.Header(1, [A.Str("Results")]),
        para("before"),
        *landscape(para("wide table")),
        para("after 1"),
        A.Header(2, [A.Str("Section")]),
        para("after 2"),
        A.Header(1, [A.Str("Discussion")]),
        para("next chapter"),
    ]
    out = defer_landscape_pages(blocks)
    texts = [raw(el) or el["t"] for el in out]
    assert texts[2] == "#let lr-landscape-1 = ["
    offers = [i for i, t in enumerate(texts) if t.startswith("#lr-landscape-at(")]
    # at its place, after "after 1" (not right after the heading) and, the last one,
    # after "after 2" before the next chapter
    assert [texts[i].split(",")[1].strip() for i in offers] == ["0", "1", "2"]
    assert "last: true" in texts[offers[-1]] and texts[offers[-1] + 1] == "Header"
    assert texts[offers[1] - 1] == "Para" and texts[offers[2] - 1] == "Para"
    assert texts[offers[1] + 1] == "Header" and texts[offers[1] + 2] == "Para"  # none between
    assert all("last: false" in texts[i] for i in offers[:-1])
    assert LANDSCAPE_OPEN not in texts


def test_offers_name_the_floating_figures_written_before_and_after_them() -> None:
    def figure(ident: str) -> A.Element:
        return A.RawBlock("typst", f'#figure(image("a.svg"), caption: [A])\n<{ident}>')

    blocks = [para("x"), figure("fig-a"), *landscape(para("t")), para("y"), figure("fig-b")]
    out = [raw(el) for el in defer_landscape_pages(blocks)]
    offers = [t for t in out if t.startswith("#lr-landscape-at(")]
    assert len(offers) == 3
    assert "floats: (<fig-a>, ), later: (<fig-b>, )" in offers[0]
    assert "floats: (<fig-a>, ), later: (<fig-b>, )" in offers[1]
    assert "floats: (<fig-a>, <fig-b>, ), later: ()" in offers[2]


def test_a_landscape_block_without_its_end_is_left_alone() -> None:
    blocks = [A.RawBlock("typst", LANDSCAPE_OPEN), para("x")]
    assert defer_landscape_pages(A.clone(blocks)) == blocks


def test_the_first_full_page_offer_without_waiting_floats_is_chosen() -> None:
    def offer(index, left, waiting=0, last=False, key="1"):
        return dict(key=key, index=index, last=last, left=left, height=700.0, waiting=waiting)

    offers = [
        offer(0, 400),  # three fifths of the page still empty
        offer(1, 150, waiting=1),  # full, but a figure would be flushed onto its own page
        offer(2, 100),
        offer(3, 50, last=True),
        offer(0, 500, key="2"),
        offer(1, 400, last=True, key="2"),
    ]
    assert choose_landscape_offers(offers) == {"1": 2, "2": 1}
    # a later float drawn above the offer does not count as a full page
    ahead = [offer(0, 100) | {"ahead": 1}, offer(1, 150), offer(2, 50, last=True)]
    assert choose_landscape_offers(ahead) == {"1": 1}
    # no full page: the fullest without a waiting float, else the last offer
    fallback = [offer(0, 400), offer(1, 300), offer(2, 250, waiting=1), offer(3, 300, last=True)]
    assert choose_landscape_offers(fallback) == {"1": 1}
    assert choose_landscape_offers([offer(0, 100, waiting=1), offer(1, 50, 1, True)]) == {"1": 1}
    source = f"x\n{CHOICE_LINE}\ny"
    assert with_landscape_choice(source, {"1": 2, "2": 1}) == (
        'x\n#let lr-landscape-choice = ("1": 2, "2": 1,)\ny'
    )
    assert with_landscape_choice(source, {}) == source


def test_only_the_first_appendix_starts_a_page() -> None:
    assert raw(appendix_break(first=True)[0]) == "#pagebreak(weak: true)"
    assert appendix_break(first=False) == []


PAGE = """
#let page-margin = (x: 2.5cm, top: 2.8cm, bottom: 2.5cm)
#set page(paper: "a4", margin: page-margin)
#set par(justify: true)
"""


@pytest.mark.parametrize("before_words", [120, 420])
def test_typst_turns_the_pages_only_below_a_full_page(before_words: int) -> None:
    """A synthetic page: some text, a landscape table, more text. In the built
    layout the portrait page before the landscape one is at least 75% full."""
    typst = pytest.importorskip("typst")
    pypdf = pytest.importorskip("pypdf")
    from livingreview.render.embedded import TEMPLATES

    template = (TEMPLATES / "book.typ").read_text(encoding="utf-8")
    start = template.index(CHOICE_LINE)
    end = template.index("#set text(", start)
    blocks = [
        A.RawBlock("typst", f"#lorem({before_words})"),
        *landscape(A.RawBlock("typst", "#table(columns: 3, ..range(30).map(str))")),
        *[A.RawBlock("typst", "#lorem(60)") for _ in range(10)],
    ]
    body = "\n\n".join(raw(el) for el in defer_landscape_pages(blocks))
    source = PAGE + template[start:end] + body
    offers = json.loads(typst.query(source.encode(), OFFER_LABEL, field="value"))
    chosen = choose_landscape_offers(offers)
    pdf = typst.compile(with_landscape_choice(source, chosen).encode())
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    turned = [p.mediabox.width > p.mediabox.height for p in reader.pages]
    assert turned.count(True) == 1
    first = turned.index(True)
    assert first >= 1
    chosen_offer = next(o for o in offers if o["index"] == chosen["1"])
    assert chosen_offer["left"] <= 0.25 * chosen_offer["height"]
    # the offers before the chosen one left more than a quarter of the page empty
    assert all(o["left"] > 0.25 * o["height"] for o in offers if o["index"] < chosen["1"])

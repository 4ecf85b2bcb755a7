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
    LEAD_IN_CLOSE,
    LEAD_IN_OPEN,
    OFFER_LABEL,
    appendix_break,
    choose_landscape_offers,
    defer_landscape_pages,
    keep_lead_ins,
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
    assert [raw(b) for b in appendix_break(first=True)] == [
        "#place.flush()",
        "#pagebreak(weak: true)",
    ]
    assert [raw(b) for b in appendix_break(first=False)] == ["#place.flush()"]


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


def _template_part(start: str, end: str) -> str:
    from livingreview.render.embedded import TEMPLATES

    template = (TEMPLATES / "book.typ").read_text(encoding="utf-8")
    at = template.index(start)
    return template[at : template.index(end, at)]


def _pdf_pages(source: str, inside: bool = False) -> list[str]:
    """Text of each page of the compiled ``source``, with offers chosen as the build does
    (``inside``: only the text drawn within the page, not text that ran off it)."""
    import io

    typst = pytest.importorskip("typst")
    pypdf = pytest.importorskip("pypdf")
    if OFFER_LABEL in source or "#lr-landscape-at(" in source:
        offers = json.loads(typst.query(source.encode(), OFFER_LABEL, field="value"))
        source = with_landscape_choice(source, choose_landscape_offers(offers))
    reader = pypdf.PdfReader(io.BytesIO(typst.compile(source.encode())))
    texts = []
    for page in reader.pages:
        if not inside:
            texts.append(" ".join((page.extract_text() or "").split()))
            continue
        box, drawn = page.mediabox, []

        def keep(text, cm, tm, font, size, box=box, drawn=drawn) -> None:
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if box.left <= x <= box.right and box.bottom <= y <= box.top:
                drawn.append(text)

        page.extract_text(visitor_text=keep)
        texts.append(" ".join(" ".join(drawn).split()))
    return texts


def _lines(word: str, n: int) -> str:
    return "#(" + "".join(f'"{word}{i}", ' for i in range(n)) + ").join(linebreak())"


def test_rows_of_a_landscape_table_are_kept_whole_but_a_row_taller_than_a_page_breaks() -> None:
    """Each study row of a landscape table is on one page (issue 14: a study of Table 3.1
    ran over a page turn); a row taller than the page still breaks instead of running
    off it (every one of its lines is printed)."""
    rows = []
    for r in range(8):
        rows.append(f"[Start{r}], [{_lines(f'R{r}x', 14)}], [End{r}],")
    tall = f"[TallStart], [{_lines('T', 90)}], [TallEnd],"
    table = (
        "#table(columns: (20%, 60%, 20%), table.header([Study], [Design], [n]), "
        + " ".join([*rows[:4], tall, *rows[4:]])
        + ")"
    )
    blocks = [
        A.RawBlock("typst", "#lorem(300)"),
        *landscape(A.RawBlock("typst", table)),
        *[A.RawBlock("typst", "#lorem(80)") for _ in range(4)],
    ]
    body = "\n\n".join(raw(el) for el in defer_landscape_pages(blocks))
    source = PAGE + _template_part(CHOICE_LINE, "#set text(") + body
    pages = _pdf_pages(source)
    for r in range(8):
        start = next(i for i, text in enumerate(pages) if f"Start{r} " in text)
        assert f"End{r}" in pages[start] and f"R{r}x13" in pages[start], f"row {r} split"
    # nothing ran off a page: every line of the tall row is drawn inside its page
    printed = [w for page in _pdf_pages(source, inside=True) for w in page.split()]
    assert all(f"T{i}" in printed for i in range(90))
    first, last = (
        next(p for p, text in enumerate(pages) if w in text.split()) for w in ("T0", "T89")
    )
    assert last > first  # the tall row did break


@pytest.mark.parametrize(
    "table",
    [
        "#table(columns: (50%, 50%), table.header([Study], [Design]))",
        "#table(columns: (50%, 50%), table.header([Study], [Design]),"
        " table.cell(colspan: 2)[None])",
    ],
    ids=["header-only", "one-spanning-cell"],
)
def test_a_landscape_table_without_study_rows_compiles(table: str) -> None:
    """A new review with zero studies has a landscape table with no body rows; keeping
    rows whole must not rebuild it without end ("maximum show rule depth exceeded")."""
    blocks = [A.RawBlock("typst", "#lorem(30)"), *landscape(A.RawBlock("typst", table))]
    body = "\n\n".join(raw(el) for el in defer_landscape_pages(blocks))
    pages = _pdf_pages(PAGE + _template_part(CHOICE_LINE, "#set text(") + body)
    assert any("Study Design" in text for text in pages)


@pytest.mark.parametrize(("studies", "lines"), [(2, 9), (3, 11), (1, 13)])
def test_a_group_heading_goes_with_its_first_whole_row_and_repeats_after_a_break(
    studies: int, lines: int
) -> None:
    """Group rows of a landscape table (Table 3.1's diagnoses) never end a page alone, now
    that the study rows under them are kept whole, and repeat on the next page. (With
    two rows of nine lines in the first group, its page has room for the second group's
    heading but not for its first study.)"""
    from livingreview.render.finish import GROUP_MARK, group_subheaders

    def group(name: str) -> str:
        return f"table.cell(colspan: 3)[{GROUP_MARK}#strong[{name}]],"

    def study(name: str) -> str:
        return f"[{name}], [{_lines(name + 'x', lines)}], [{name}End],"

    first = " ".join(study(f"A{i}") for i in range(studies))
    second = " ".join(study(f"B{i}") for i in range(6))
    table = (
        "#table(columns: (20%, 60%, 20%), table.header([Study], [Design], [n]), "
        f"{group('GroupOne')} {first} {group('GroupTwo')} {second})"
    )
    blocks = [A.RawBlock("typst", "#lorem(40)"), *landscape(A.RawBlock("typst", table))]
    body = "\n\n".join(raw(el) for el in defer_landscape_pages(blocks))
    pages = _pdf_pages(group_subheaders(PAGE + _template_part(CHOICE_LINE, "#set text(") + body))
    for name, first_study in (("GroupOne", "A0"), ("GroupTwo", "B0")):
        heading = next(i for i, text in enumerate(pages) if name in text)
        assert f"{first_study} " in pages[heading]  # never alone at a page foot
    two = [i for i, text in enumerate(pages) if any(f"B{k}End" in text for k in range(6))]
    assert len(set(two)) > 1 and all("GroupTwo" in pages[i] for i in two)  # repeated


TABLE_RULES = ("// Tables:", " title block")  # up to the title block's rule line
CAPTION_ABOVE = "#show figure.where(kind: table): set figure.caption(position: top)\n"


def _table_source(before_words: int, rows: int, lines: int, lead_in: str = "") -> str:
    """A page of text, then (after ``lead_in``) a captioned table as the template sets it."""
    cells = " ".join(f"[Row{r}], [{_lines(f'c{r}-', lines)}]," for r in range(rows))
    return (
        PAGE
        + _template_part(CHOICE_LINE, "#let lr-float-page")
        + _template_part(CAPTION_ABOVE, "\n")
        + "\n"
        + _template_part(*TABLE_RULES)
        + f"\n#lorem({before_words})\n\n{lead_in}"
        + "#figure(caption: [Table C.1: Counts], kind: table, "
        + f"table(columns: (30%, 70%), table.header([What], [Value]), {cells}))"
    )


@pytest.mark.parametrize("before_words", range(560, 700, 8))
def test_a_table_caption_and_a_lead_in_stay_with_the_first_row(before_words: int) -> None:
    """Wherever the page ends, a table's caption is never left at a page foot without its
    first row, and neither is the paragraph that leads in to it (Appendix C's
    "Counts that changed:")."""
    lead_in = A.Para([A.Str("Counts"), A.Space(), A.Str("that"), A.Space(), A.Str("changed:")])
    table = {"t": "Table", "c": []}
    wrapped = keep_lead_ins([para("Intro:"), para("No table follows:"), lead_in, table])
    kinds = [raw(el) or el["t"] for el in wrapped]
    assert kinds == ["Para", "Para", LEAD_IN_OPEN, "Para", LEAD_IN_CLOSE, "Table"]
    in_div = keep_lead_ins([A.Div([lead_in, A.Div([table])])])
    kinds = [raw(el) or el["t"] for el in in_div[0]["c"][1]]
    assert kinds == [LEAD_IN_OPEN, "Para", LEAD_IN_CLOSE, "Div"]
    assert keep_lead_ins([para("Counts that changed."), table])[0]["t"] == "Para"
    lead = f"{raw(wrapped[2])}Counts that changed:{raw(wrapped[4])}\n\n"
    # a long table, and a short one (which would float if no lead-in introduced it)
    for rows, lines in ((24, 3), (4, 1)):
        pages = _pdf_pages(_table_source(before_words, rows=rows, lines=lines, lead_in=lead))
        row = next(i for i, text in enumerate(pages) if "Row0" in text)
        assert "Table C.1: Counts" in pages[row]
        assert "Counts that changed:" in pages[row]
        text = " ".join(pages)
        assert text.index("Counts that changed:") < text.index("Table C.1: Counts")


@pytest.mark.parametrize("before_words", range(560, 700, 8))
def test_a_short_table_is_not_split_but_a_long_one_is(before_words: int) -> None:
    """A table of a few rows (Appendix C's counts) is never split, which left its last row
    alone on the next page; a table longer than a page still runs on over the pages."""
    pages = _pdf_pages(_table_source(before_words, rows=7, lines=1))
    on = {i for i, text in enumerate(pages) for r in range(7) if f"Row{r} " in text}
    assert len(on) == 1
    if before_words == 600:  # and a long table never runs off a page
        drawn = " ".join(_pdf_pages(_table_source(before_words, rows=90, lines=1), inside=True))
        assert all(f"Row{r} " in drawn for r in range(90))


def _numbered_table(ident: str, name: str = "TableB", rows: int = 5) -> A.Element:
    cells = " ".join(f"[{name}row{r}], [{_lines(f'{name}cell{r}x', 3)}]," for r in range(rows))
    return A.RawBlock(
        "typst",
        f"#figure(caption: [{name} caption], kind: table, "
        f"table(columns: (30%, 70%), table.header([What], [Value]), {cells}))\n<{ident}>",
    )


def test_a_numbered_table_after_a_landscape_one_is_held_with_it() -> None:
    """Table 3.2, written after the landscape Table 3.1, was drawn before it while 3.1
    waited for a full page: it is held, drawn in place only if the pages turned at an
    offer before it, else by the offer that turns them, after the landscape pages."""
    blocks = [para("x"), *landscape(para("wide")), _numbered_table("tbl-b"), para("y")]
    out = [raw(el) or el["t"] for el in defer_landscape_pages(blocks)]
    define = out.index("#let lr-held-1-0 = [")
    offers = [i for i, t in enumerate(out) if t.startswith("#lr-landscape-at(")]
    assert define < offers[0]  # defined before any offer can draw it
    assert out[define + 1].startswith("#figure(") and out[define + 2] == "]"
    held = [t for t in out if t.startswith("#lr-landscape-held(")]
    assert held == ['#lr-landscape-held("1", 1, lr-held-1-0, last: 2)']
    assert all("held: ((1, lr-held-1-0), ))" in out[i] for i in offers)
    assert sum("<tbl-b>" in t for t in out) == 1


@pytest.mark.parametrize("before_words", [150, 450])
def test_tables_keep_their_number_order_and_a_short_one_is_not_split(before_words: int) -> None:
    """Text, a landscape Table A waiting for a full page, a short Table B, text: in the
    PDF, Table A comes first, and Table B (a float, as figures are) is on one page."""
    template = _template_part(CHOICE_LINE, "#set text(")
    rules = _template_part(CAPTION_ABOVE, "\n") + "\n" + _template_part(*TABLE_RULES)
    wide = A.RawBlock(
        "typst",
        "#figure(caption: [TableA caption], kind: table, "
        + ("table(columns: 3, ..range(60).map(str)))"),
    )
    blocks = [
        A.RawBlock("typst", f"#lorem({before_words})"),
        *landscape(wide),
        _numbered_table("tbl-b"),
        *[A.RawBlock("typst", "#lorem(90)") for _ in range(10)],
    ]
    body = "\n\n".join(raw(el) for el in defer_landscape_pages(blocks))
    pages = _pdf_pages(PAGE + template + rules + "\n" + body)
    a = next(i for i, text in enumerate(pages) if "TableA caption" in text)
    b = {i for i, text in enumerate(pages) for r in range(5) if f"TableBrow{r} " in text}
    assert len(b) == 1 and min(b) > a, (a, b)
    assert sum(text.count("TableB caption") for text in pages) == 1


@pytest.mark.parametrize("before_words", range(560, 700, 16))
def test_a_table_without_a_caption_stays_under_its_heading(before_words: int) -> None:
    """A short table with no caption (a list of records under its heading in Appendix
    A, the version history's tables) is not a float: floated, it left its heading
    empty and came after the text that follows it."""
    cells = " ".join(f"[Row{r}], [cell{r}]," for r in range(5))
    source = (
        PAGE
        + _template_part(CHOICE_LINE, "#let lr-float-page")
        + _template_part(CAPTION_ABOVE, "\n")
        + "\n"
        + _template_part(*TABLE_RULES)
        + f"\n#lorem({before_words})\n\n== Listheading\n\n"
        + "#figure(kind: table, table(columns: (30%, 70%), "
        + f"table.header([What], [Value]), {cells}))"
        + "\n\nAftertext #lorem(300)"
    )
    text = " ".join(_pdf_pages(source))
    assert text.index("Listheading") < text.index("Row0") < text.index("Aftertext")


def test_a_figure_stays_before_the_next_appendix_heading() -> None:
    """Figure B.1 floated past the heading of Appendix C (its list split around it): a
    figure still waiting before an appendix is placed before its heading."""
    headings = _template_part("#show heading.where(level: 1)", "#show heading.where(level: 2)")
    source = (
        PAGE
        + headings
        + "#show figure.where(kind: image): set figure(placement: auto)\n"
        + "= Appendix B\n#lorem(380)\n"
        + "#figure(rect(width: 10cm, height: 11cm), caption: [FIGCAPTION])\n"
        + "#lorem(20)\n"
        + "".join(raw(b) + "\n" for b in appendix_break(first=False))
        + "= Appendix C\n#lorem(500)\n"
    )
    text = " ".join(_pdf_pages(source))
    assert text.index("FIGCAPTION") < text.index("Appendix C")


def test_one_compiler_lays_out_both_passes_into_the_same_pdf(tmp_path) -> None:
    """The landscape choice reaches the second layout through a file the source reads
    (typst_pdf: Typst then reuses the first layout's work); the PDF is the one that
    compiling the source with the choice written in gives, and the file is gone."""
    from types import SimpleNamespace

    from livingreview.render import typst_pdf

    template = _template_part(CHOICE_LINE, "#set text(")
    blocks = [
        A.RawBlock("typst", "#lorem(300)"),
        *landscape(A.RawBlock("typst", "#table(columns: 3, ..range(30).map(str))")),
        *[A.RawBlock("typst", "#lorem(60)") for _ in range(10)],
    ]
    source = PAGE + template + "\n\n".join(raw(el) for el in defer_landscape_pages(blocks))
    root = tmp_path / "project"
    inside = root / 'a "quoted" folder'
    # outside the project root, or under a name Typst does not read: two compiles
    others = [tmp_path / "elsewhere", root / "back\\slash"]
    for folder in (inside, *others):
        folder.mkdir(parents=True)
    kept = {"keep-typ": True}
    book = SimpleNamespace(root=root, format_option=lambda fmt, key, default=None: kept[key])
    for folder in (inside, *others):
        typst_pdf.compile_pdf(book, source, folder / "review.pdf")
        assert sorted(p.name for p in folder.iterdir()) == ["review.pdf", "review.typ"]
    for other in others:
        assert (inside / "review.pdf").read_bytes() == (other / "review.pdf").read_bytes()
        written = (inside / "review.typ").read_text(encoding="utf-8")
        assert written == (other / "review.typ").read_text(encoding="utf-8")
    assert CHOICE_LINE not in written and '#let lr-landscape-choice = ("1": ' in written

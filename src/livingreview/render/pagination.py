"""Page flow of the PDF: where landscape pages and appendices may start.

Both passes work on the book's top-level blocks after :func:`finish` has
written each chapter for Typst.

- A landscape table (``::: {.landscape}``) needs pages of its own, and a page
  turned at the table's place in the text leaves the page before it as empty as
  the text happens to end there. Like a float, the table instead waits for the
  page to be full: its content is kept in a Typst variable and offered at the
  place it was written and after each following block of its chapter; the
  first offer made with at most a quarter of the page left (``lr-landscape-at``
  in the template, which reads the page position) turns the pages, and the last
  offer before the next chapter always does.
- Chapters run on (a journal's article layout) and so do appendices; the first
  appendix starts a new page, as the back matter.
- A paragraph that leads in to a table (ending in a colon) keeps with it.
"""

from __future__ import annotations

import re

from . import ast as A
from .block_index import select

LANDSCAPE_OPEN = "#page(flipped: true)["
LANDSCAPE_CLOSE = "]"
FLOAT_LABEL = re.compile(r"<(fig-[^>\s]+)>")
TABLE_LABEL = re.compile(r"<(tbl-[^>\s]+)>")
# Following blocks a landscape table may wait for (it is placed by the last one).
MAX_OFFERS = 30


def _raw_typst(el: A.Element) -> str | None:
    if el["t"] == "RawBlock" and el["c"][0] == "typst":
        return el["c"][1]
    return None


def _labels(ids: list[str]) -> str:
    return "(" + "".join(f"<{ident}>, " for ident in ids) + ")"


def _offer(
    key: str, index: int, last: bool, before: list[str], after: list[str], held: list[str]
) -> A.Element:
    flag = "true" if last else "false"
    return A.RawBlock(
        "typst",
        f'#lr-landscape-at("{key}", {index}, lr-landscape-{key}, last: {flag}, '
        f"floats: {_labels(before)}, later: {_labels(after)}, held: ({''.join(held)}))",
    )


def _is_numbered_table(el: A.Element) -> bool:
    """A block that is or holds a numbered table (a ``tbl-`` float)."""
    if any(node["c"][0][0].startswith("tbl-") for node in select([el], ("Table", "Figure"))):
        return True
    raw = _raw_typst(el)
    return bool(raw and TABLE_LABEL.search(raw))


def _float_ids(el: A.Element) -> list[str]:
    """Labels of the floating figures in a block (Quarto's ``fig-`` ids)."""
    ids = [
        node["c"][0][0] for node in select([el], ("Figure",)) if node["c"][0][0].startswith("fig-")
    ]
    raw = _raw_typst(el)
    return ids + (FLOAT_LABEL.findall(raw) if raw else [])


def _stops_offers(el: A.Element) -> bool:
    """A new chapter, another landscape table or a forced page break."""
    if el["t"] == "Header" and el["c"][0] == 1:
        return True
    raw = _raw_typst(el)
    return raw is not None and (raw == LANDSCAPE_OPEN or "pagebreak" in raw)


def defer_landscape_pages(blocks: list[A.Element]) -> list[A.Element]:
    """``blocks`` with each top-level landscape page offered at the next full page."""
    out: list[A.Element] = []
    floats: list[str] = []  # the chapter's floating figures so far
    i, n = 0, 0
    while i < len(blocks):
        if _raw_typst(blocks[i]) != LANDSCAPE_OPEN:
            if blocks[i]["t"] == "Header" and blocks[i]["c"][0] == 1:
                floats = []
            floats += _float_ids(blocks[i])
            out.append(blocks[i])
            i += 1
            continue
        close = next(
            (j for j in range(i + 1, len(blocks)) if _raw_typst(blocks[j]) == LANDSCAPE_CLOSE),
            None,
        )
        if close is None:  # not a landscape block this pass wrote: leave it
            out.append(blocks[i])
            i += 1
            continue
        n += 1
        key = str(n)
        out += [A.RawBlock("typst", f"#let lr-landscape-{key} = ["), *blocks[i + 1 : close]]
        out.append(A.RawBlock("typst", "]"))
        i = close + 1
        # (place in out, floats written before the offer), then each offer is written
        # with the floats before it and those after it up to the last offer
        start = len(out)  # the held tables are defined here, before the first offer
        defined: list[A.Element] = []
        places: list[tuple[int, int]] = []
        held: list[tuple[int, int, str]] = []  # (place in out, offers before it, name)
        while i < len(blocks) and len(places) < MAX_OFFERS and not _stops_offers(blocks[i]):
            # never right after a heading, which would be left alone above the table
            if not (out and out[-1]["t"] == "Header"):
                places.append((len(out), len(floats)))
                out.append(A.RawBlock("typst", ""))
            floats += _float_ids(blocks[i])
            if _is_numbered_table(blocks[i]):
                name = f"lr-held-{key}-{len(held)}"
                defined += [A.RawBlock("typst", f"#let {name} = ["), blocks[i]]
                defined.append(A.RawBlock("typst", "]"))
                held.append((len(out), len(places), name))
                out.append(A.RawBlock("typst", ""))
            else:
                out.append(blocks[i])
            i += 1
        places.append((len(out), len(floats)))
        out.append(A.RawBlock("typst", ""))
        for index, (at, seen) in enumerate(places):
            last = index == len(places) - 1
            after = [f"({before}, {name}), " for _, before, name in held]
            out[at] = _offer(key, index, last, floats[:seen], floats[seen:], after)
        for at, before, name in held:
            out[at] = A.RawBlock(
                "typst", f'#lr-landscape-held("{key}", {before}, {name}, last: {len(places) - 1})'
            )
        out[start:start] = defined
    return out


LEAD_IN_OPEN = "#block(sticky: true)["
# the table after a lead-in stays in place (short tables float elsewhere: book.typ)
LEAD_IN_CLOSE = "]\n#lr-table-in-flow.update(true)"


def _starts_with_table(el: A.Element) -> bool:
    if el["t"] == "Table":
        return True
    return el["t"] == "Div" and bool(el["c"][1]) and _starts_with_table(el["c"][1][0])


def keep_lead_ins(blocks: list[A.Element]) -> list[A.Element]:
    """``blocks`` with each lead-in kept on the page where its table starts.

    A lead-in is a paragraph ending in a colon right before a table ("Counts
    that changed:"); in a sticky Typst block it never stays behind at a page foot,
    and its table does not float away from it.
    """
    out: list[A.Element] = []
    for i, el in enumerate(blocks):
        if el["t"] == "Div":
            el = {"t": "Div", "c": [el["c"][0], keep_lead_ins(el["c"][1])]}
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if (
            el["t"] == "Para"
            and following is not None
            and _starts_with_table(following)
            and A.stringify(el["c"]).rstrip().endswith(":")
        ):
            out += [A.RawBlock("typst", LEAD_IN_OPEN), el, A.RawBlock("typst", LEAD_IN_CLOSE)]
        else:
            out.append(el)
    return out


def appendix_break(first: bool) -> list[A.Element]:
    """What comes before an appendix: figures still waiting are placed first (a figure of
    Appendix B was drawn inside Appendix C, splitting its list), and the first appendix
    starts a new page. Chapters run on, and their figures may float past the next
    chapter's heading, as in a journal (flushing there left a page 40% empty)."""
    flush = A.RawBlock("typst", "#place.flush()")
    return [flush, A.RawBlock("typst", "#pagebreak(weak: true)")] if first else [flush]


CHOICE_LINE = "#let lr-landscape-choice = (:)"
LANDSCAPE_OFFER = "#lr-landscape-at("
OFFER_LABEL = "<lr-landscape-offer>"
PAGE_FILL = 0.75  # a landscape table turns the pages once the text area is this full


def choose_landscape_offers(offers: list[dict]) -> dict[str, int]:
    """The offer that turns the pages for each landscape table.

    ``offers`` are the ``lr-landscape-offer`` metadata of a first layout, in
    document order: ``key``, ``index``, ``last``, the points ``left`` below the
    offer and ``height`` of the text area, the floating figures ``waiting``
    (written before the offer, drawn on a later page: turning the pages there
    would flush them onto pages of their own) and ``ahead`` (written after the
    offer, drawn on its page: turning the pages there would take them off it,
    leaving that space empty). An offer is clear when neither kind is there.
    The first clear offer with at most ``1 - PAGE_FILL`` of the text area left
    is chosen; if there is none, the clear offer with the fullest page, then
    the fullest without a waiting float, and failing that the last offer.
    """
    by_key: dict[str, list[dict]] = {}
    for offer in offers:
        by_key.setdefault(str(offer["key"]), []).append(offer)
    chosen: dict[str, int] = {}
    for key, group in by_key.items():
        unflushed = [o for o in group if not o.get("waiting")]
        clear = [o for o in unflushed if not o.get("ahead")]
        full = [o for o in clear if o["left"] <= (1 - PAGE_FILL) * o["height"]]
        if full:
            pick = full[0]
        elif clear or unflushed:
            pick = min(clear or unflushed, key=lambda o: o["left"])  # the earliest of equals
        else:
            pick = group[-1]
        chosen[key] = int(pick["index"])
    return chosen


def with_landscape_choice(source: str, chosen: dict[str, int]) -> str:
    """Typst ``source`` with the chosen offers written into ``lr-landscape-choice``."""
    if not chosen:
        return source
    pairs = ", ".join(f'"{key}": {index}' for key, index in sorted(chosen.items()))
    return source.replace(CHOICE_LINE, f"#let lr-landscape-choice = ({pairs},)", 1)

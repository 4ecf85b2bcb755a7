"""Build the offline full-text search index from the rendered HTML pages.

Each page's ``<main>`` is split at its ``h1``-``h3`` headings into entries
``{title, url, text}``; the website's script searches them in the browser. A table
row with an id (a study's row, :mod:`.study_rows`) is an entry of its own,
``{title, in, url, text}``: the study's label, the table it is in (its caption, or
the section's title), a link to the row and the text of its other cells; its
text is not also in its section's entry, so the index grows by the rows' titles
and links only (at 1,000 studies the characteristics table was one entry of
120 KB, and a search for a study could not take the reader to it).
Parsing uses the standard library's :class:`html.parser.HTMLParser`, so the
index is made from exactly what readers see. A preview save refreshes the
index in place (:func:`refresh_search_index`): the rewritten pages' entries
are made again, every other page's are kept. Inside the workflow a page's entries
are kept by the page's content in ``results/cache/search/`` (issue 19: at 1,000
studies parsing every page took about 0.6 CPU s of each render, for pages an edit
mostly left as they were).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Collection
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..io import write_text
from ..workflow import PARSE_CACHE_ENV
from .finish_cache import renderer_code

KEPT_ON_DISK = 200  # pages' entries; the least recently written beyond these are removed

_SKIP = {"script", "style", "nav", "math", "annotation", "svg"}


class _MainText(HTMLParser):
    """Collect (heading id, heading text, body text) sections of ``<main>``, and the
    rows with an id (a study's, :mod:`.study_rows`) of each section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skip = 0
        self.heading: str | None = None
        self.sections: list[dict[str, Any]] = []
        self._buf: list[str] = []
        self._title: list[str] = []
        self._section_id = ""  # <section id> wrapping the next heading (Quarto's HTML)
        self._captions: list[str] = []  # of the <figure>s the parser is in, innermost last
        self._caption: list[str] | None = None  # text of the <figcaption> being read
        self._row: _Row | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
            self.sections.append({"id": "", "title": "", "text": "", "rows": []})
            return
        if not self.in_main:
            return
        if tag == "section":
            self._section_id = dict(attrs).get("id") or ""
        elif tag in _SKIP:
            self.skip += 1
        elif self._row is not None:
            self._row.start(tag, dict(attrs))
        elif tag == "tr" and dict(attrs).get("id") and not self.skip:
            self._row = _Row(str(dict(attrs)["id"]), self._captions[-1] if self._captions else "")
        elif tag == "figure":
            self._captions.append("")
        elif tag == "figcaption" and self._captions:
            self._caption = []
        elif tag in ("h1", "h2", "h3") and not self.skip:
            self._flush()
            self.heading = tag
            ident = dict(attrs).get("id") or self._section_id
            self._section_id = ""
            self.sections.append({"id": ident, "title": "", "text": "", "rows": []})
            self._title = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._flush()
            self.in_main -= 1
        elif self.in_main and tag in _SKIP and self.skip:
            self.skip -= 1
        elif self._row is not None:
            if tag == "tr":
                self.sections[-1]["rows"].append(self._row)
                self._row = None
            else:
                self._row.end(tag)
        elif tag == "figcaption" and self._caption is not None:
            self._captions[-1] = _clean(" ".join(self._caption))
            self._caption = None
        elif tag == "figure" and self._captions:
            self._captions.pop()
        elif self.heading == tag:
            self.sections[-1]["title"] = _clean(" ".join(self._title))
            self.heading = None

    def handle_data(self, data: str) -> None:
        if not self.in_main or self.skip:
            return
        if self._row is not None:
            self._row.data(data)
        elif self.heading:
            self._title.append(data)
        else:
            self._buf.append(data)
            if self._caption is not None:
                self._caption.append(data)

    def _flush(self) -> None:
        if self.sections:
            self.sections[-1]["text"] += _clean(" ".join(self._buf))
        self._buf = []


class _Row:
    """The text of one table row with an id: its first cell's label and citation
    (``<span class="citation">``), and its other cells."""

    def __init__(self, ident: str, caption: str) -> None:
        self.id = ident
        self.caption = caption
        self.cell = 0
        self.cite = 0  # depth of <span>s inside the first cell's citation
        self.label: list[str] = []
        self.cited: list[str] = []
        self.text: list[str] = []

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in ("td", "th"):
            self.cell += 1
            self.text.append(" ")
        elif (
            tag == "span"
            and self.cell == 1
            and (self.cite or "citation" in (attrs.get("class") or "").split())
        ):
            self.cite += 1

    def end(self, tag: str) -> None:
        if tag == "span" and self.cite:
            self.cite -= 1

    def data(self, data: str) -> None:
        if self.cell > 1:
            self.text.append(data)
        elif self.cite:
            self.cited.append(data)
        else:
            self.label.append(data)

    def entry(self, page: str, where: str) -> dict[str, str]:
        """The row's search entry; ``where``: the section's title, named when the
        row's table has no caption."""
        # joined as they are written: inline elements ("et al.</span>, 2012") and cells
        # (a space at the start of each)
        label, cited = _clean("".join(self.label)), _clean("".join(self.cited))
        text = [cited] if label and re.search(r"[^\W\d_]", cited) else []  # no bare "12"
        return {
            "title": label or cited or self.id,
            "in": _table_name(self.caption) or where,
            "url": f"{page}#{self.id}",
            "text": _clean(" ".join(text) + "".join(self.text)),
        }


def _table_name(caption: str) -> str:
    """A table's caption without its number, its first sentence without the stop, at
    most about 80 characters: "Table 1.1: Characteristics of included studies. Blank
    cells ..." -> "Characteristics of included studies"."""
    name = re.sub(r"^\S+\s\S*\d\S*:\s*", "", caption)
    name = re.split(r"(?<=\w\w[.!?])\s", name, maxsplit=1)[0].rstrip(".")
    return name if len(name) <= 80 else name[:79].rsplit(" ", 1)[0] + "…"


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def build_search_index(site: Path, pages: list[str]) -> list[dict[str, str]]:
    """Search entries for ``pages`` (paths relative to ``site``), in book order."""
    entries: list[dict[str, str]] = []
    for page in pages:
        entries += _kept_page_entries(page, (site / page).read_text(encoding="utf-8"))
    return entries


def _kept_page_entries(page: str, html: str) -> list[dict[str, str]]:
    """:func:`_page_entries`, kept by the page's name and content (and the renderer's
    code) in the workflow's cache folder, when it is set."""
    folder = os.environ.get(PARSE_CACHE_ENV)
    if not folder:
        return _page_entries(page, html)
    digest = hashlib.sha256(f"{renderer_code()}\0{page}\0".encode())
    digest.update(html.encode("utf-8"))
    path = Path(folder).parent / "search" / f"{digest.hexdigest()[:32]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        pass
    entries = _page_entries(page, html)
    write_text(path, json.dumps(entries, ensure_ascii=False))
    stored = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in stored[:-KEPT_ON_DISK]:
        old.unlink(missing_ok=True)
    return entries


def _page_entries(page: str, html: str) -> list[dict[str, str]]:
    """The search entries of one page, ``page`` its path, ``html`` its text."""
    entries: list[dict[str, str]] = []
    parser = _MainText()
    parser.feed(html)
    page_title = next((s["title"] for s in parser.sections if s["title"]), page)
    for section in parser.sections:
        title = section["title"] or page_title
        if section["text"] or section["title"]:
            if section["title"] and title != page_title:
                title = f"{page_title} › {title}"
            url = page + (f"#{section['id']}" if section["id"] else "")
            entries.append({"title": title, "url": url, "text": section["text"]})
        entries += [row.entry(page, section["title"] or page_title) for row in section["rows"]]
    return entries


_PREFIX = "window.LR_SEARCH_INDEX = "


def write_search_index(path: Path, index: list[dict[str, str]]) -> None:
    """Write ``index`` as the script the website loads (``window.LR_SEARCH_INDEX``)."""
    path.write_text(
        _PREFIX + json.dumps(index, ensure_ascii=False, indent=0, sort_keys=True) + ";\n",
        encoding="utf-8",
        newline="\n",
    )


def refresh_search_index(
    site: Path, path: Path, pages: list[str], rewritten: Collection[str]
) -> None:
    """Make the entries of the ``rewritten`` pages again from their HTML and keep every
    other page's from the index at ``path``, so the index equals the one a full build
    would write for ``pages`` (book order). Nothing happens if the site has no index
    (a site Quarto built)."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    kept: dict[str, list[dict[str, str]]] = {}
    for entry in json.loads(text[len(_PREFIX) :].rstrip().rstrip(";")):
        kept.setdefault(entry["url"].split("#", 1)[0], []).append(entry)
    index: list[dict[str, str]] = []
    for page in pages:
        if page in rewritten:
            index += build_search_index(site, [page])
        else:
            index += kept.get(page, [])
    write_search_index(path, index)

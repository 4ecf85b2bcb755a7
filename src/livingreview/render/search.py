"""Build the offline full-text search index from the rendered HTML pages.

Each page's ``<main>`` is split at its ``h1``-``h3`` headings into entries
``{title, url, text}``; the website's script searches them in the browser.
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

from ..io import write_text
from ..workflow import PARSE_CACHE_ENV
from .finish_cache import renderer_code

KEPT_ON_DISK = 200  # pages' entries; the least recently written beyond these are removed

_SKIP = {"script", "style", "nav", "math", "annotation", "svg"}


class _MainText(HTMLParser):
    """Collect (heading id, heading text, body text) sections of ``<main>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skip = 0
        self.heading: str | None = None
        self.sections: list[dict[str, str]] = []
        self._buf: list[str] = []
        self._title: list[str] = []
        self._section_id = ""  # <section id> wrapping the next heading (Quarto's HTML)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
            self.sections.append({"id": "", "title": "", "text": ""})
            return
        if not self.in_main:
            return
        if tag == "section":
            self._section_id = dict(attrs).get("id") or ""
        elif tag in _SKIP:
            self.skip += 1
        elif tag in ("h1", "h2", "h3") and not self.skip:
            self._flush()
            self.heading = tag
            ident = dict(attrs).get("id") or self._section_id
            self._section_id = ""
            self.sections.append({"id": ident, "title": "", "text": ""})
            self._title = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._flush()
            self.in_main -= 1
        elif self.in_main and tag in _SKIP and self.skip:
            self.skip -= 1
        elif self.heading == tag:
            self.sections[-1]["title"] = _clean(" ".join(self._title))
            self.heading = None

    def handle_data(self, data: str) -> None:
        if not self.in_main or self.skip:
            return
        if self.heading:
            self._title.append(data)
        else:
            self._buf.append(data)

    def _flush(self) -> None:
        if self.sections:
            self.sections[-1]["text"] += _clean(" ".join(self._buf))
        self._buf = []


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
        if not section["text"] and not section["title"]:
            continue
        title = section["title"] or page_title
        if section["title"] and title != page_title:
            title = f"{page_title} › {title}"
        url = page + (f"#{section['id']}" if section["id"] else "")
        entries.append({"title": title, "url": url, "text": section["text"]})
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

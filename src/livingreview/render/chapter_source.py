"""Reading a chapter's source the way Quarto does, before and after Pandoc parses it.

- :func:`front_matter`: the chapter's own YAML front matter, read before
  shortcodes are expanded so ``{{< meta >}}`` and ``crossref:`` see it;
- :func:`include_paths`: image and link paths written in an included file
  from another folder made relative to the chapter (Quarto resolves them
  against the included file), using the marks :mod:`.shortcodes` leaves;
- :func:`parsed`: the expanded text parsed by Pandoc with those paths made
  relative, kept by content in this process (the preview re-reads every chapter
  on each save); a large included file (a 1,000-row table) is parsed on its own
  and kept by its text (in this process, and between builds in the workflow's
  chapter memo through :class:`RegionParses`), so an edit of the prose around it
  parses only the prose;
  a long grid table in it is parsed :data:`GRID_ROWS_PER_PARSE` rows at a time
  (Pandoc's time for one grid table grows with the square of its rows);
- :func:`flag`: a YAML option read as text, as a boolean.
"""

from __future__ import annotations

import hashlib
import marshal
import posixpath
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from . import ast as A
from .block_index import select
from .pandoc import markdown_to_ast
from .shortcodes import INCLUDE_DIR_MARK

SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


_PARSED: dict[str, bytes] = {}
PARSED_KEPT = 32
_REGIONS: dict[str, bytes] = {}
REGIONS_KEPT = 8
LARGE_INCLUDE = 1 << 16  # characters of an included file parsed on its own
# rows of a grid table given to one Pandoc parse: Pandoc's grid-table reader takes
# time that grows with the square of the rows (1,000 rows 2.2 CPU s, 2,000 rows 6.7)
GRID_ROWS_PER_PARSE = 200
_GRID_BORDER = re.compile(r"^\+(-+\+)+$")
_GRID_HEAD_LINE = re.compile(r"^\+(:?=+:?\+)+$")
_OPEN = f"<!-- {INCLUDE_DIR_MARK}"
_CLOSE = f"<!-- {INCLUDE_DIR_MARK} -->"
_FENCE_LINE = re.compile(r"^:{3,}")
# what could tie an included file's parse to the text around it: headers (their
# automatic ids), code and div fences, reference links, notes, example lists,
# setext underlines and YAML blocks
_NOT_ALONE = re.compile(r"^ {0,3}(#|```|~~~|:::|\[[^\]]*\]:|\(@|=+\s*$|-+\s*$)", re.M)


class RegionParses:
    """Large included files' parses (marshal bytes) kept by a hash of their text
    between builds: the workflow's chapter memo stores them (:mod:`.chapter_memo`),
    so a new process given an edit of the prose around a 1,000-row table does not
    decode, check and walk the table's parse again. ``used`` lists the hashes
    looked up or added, in order."""

    def __init__(self, kept: dict[str, bytes] | None = None) -> None:
        self.kept: dict[str, bytes] = kept if kept is not None else {}
        self.used: list[str] = []

    def get(self, key: str) -> bytes | None:
        found = self.kept.get(key)
        if found is not None:
            self.used.append(key)
        return found

    def put(self, key: str, packed: bytes) -> None:
        self.kept[key] = packed
        self.used.append(key)


def parsed(
    text: str, what: str, regions: RegionParses | None = None
) -> tuple[list[A.Element], dict[str, Any]]:
    """``(blocks, meta)`` of Pandoc's parse of an expanded chapter, after
    :func:`include_paths`; a fresh copy each call, kept by ``text``.

    A large included file (a 1,000-row table) that stands alone as blocks is
    parsed on its own and kept by its text (:func:`_parse_in_parts`), also in
    ``regions`` when given: an edit of the prose around it parses only the prose."""
    if text not in _PARSED:
        found = _parse_in_parts(text, what, regions)
        if found is None:
            doc = markdown_to_ast(text, what=what)
            found = include_paths(doc["blocks"]), doc.get("meta", {})
        if len(_PARSED) >= PARSED_KEPT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[text] = marshal.dumps(found, 2)
    blocks, meta = marshal.loads(_PARSED[text])
    return blocks, meta


def _parse_in_parts(
    text: str, what: str, kept: RegionParses | None = None
) -> tuple[list[A.Element], dict[str, Any]] | None:
    """Pandoc's parse of ``text`` with each large included file parsed on its own and
    put in its place; ``None`` (parse it whole) unless that is sure to be the same.

    An included file (between the marks :mod:`.shortcodes` leaves) is replaced
    by a placeholder paragraph when it has at least :data:`LARGE_INCLUDE`
    characters, a blank line or a div fence on each side, and nothing whose
    meaning depends on the rest of the chapter (:data:`_NOT_ALONE`, notes, a
    header's text written as a link). Citations are numbered through the
    chapter as Pandoc numbers them."""
    if "^[" in text or "[^" in text or _OPEN not in text:
        return None
    lines = text.split("\n")
    regions: list[str] = []
    tokens: list[str] = []
    outside: list[str] = []
    i = 0
    while i < len(lines):
        end = _region_end(lines, i)
        if end is not None:
            region = "\n".join(lines[i : end + 1])
            token = f"lrincludedblock{len(regions)}x{len(text)}"
            if len(region) >= LARGE_INCLUDE and token not in text:
                regions.append(region)
                tokens.append(token)
                outside.append(token)
                i = end + 1
                continue
        outside.append(lines[i])
        i += 1
    if not regions or any(_NOT_ALONE.search(r) for r in regions):
        return None
    doc = markdown_to_ast("\n".join(outside), what=what)
    if not _cites_in_order(doc["blocks"]):
        return None
    blocks = include_paths(doc["blocks"])
    headers = [
        A.stringify(el["c"][2]).lower() for el in A.iter_elements(blocks) if el["t"] == "Header"
    ]
    if any(f"[{h}]" in r.lower() for h in headers if h for r in regions):
        return None  # a link to a header by its text (implicit header reference)
    parts = [_region_blocks(r, what, kept) for r in regions]
    if any(p is None for p in parts):
        return None
    places = {token: n for n, token in enumerate(tokens)}
    put: list[int] = []

    def place(el: A.Element) -> Any:
        if el["t"] == "Para" and len(el["c"]) == 1 and el["c"][0]["t"] == "Str":
            n = places.get(el["c"][0]["c"])
            if n is not None:
                put.append(n)
                return parts[n]
        return None

    blocks = A.walk(blocks, place)
    if sorted(put) != list(range(len(regions))):
        return None
    _number_cites(blocks)
    return blocks, doc.get("meta", {})


def _region_end(lines: list[str], start: int) -> int | None:
    """The last line of the included file whose start mark is ``lines[start]``, if it
    has a blank line or a div fence before and after it."""
    if not lines[start].startswith(_OPEN) or lines[start] == _CLOSE:
        return None
    if start and lines[start - 1].strip() and not _FENCE_LINE.match(lines[start - 1]):
        return None
    depth = 0
    for j in range(start, len(lines)):
        if lines[j] == _CLOSE:
            depth -= 1
        elif lines[j].startswith(_OPEN):
            depth += 1
        if depth == 0:
            after = lines[j + 1] if j + 1 < len(lines) else ""
            return j if not after.strip() or _FENCE_LINE.match(after) else None
    return None


def _region_blocks(
    region: str, what: str, kept: RegionParses | None = None
) -> list[A.Element] | None:
    """An included file's blocks, parsed alone (kept by its text, here and in ``kept``),
    or ``None`` when its citations are not numbered in document order (then parse
    the chapter whole)."""
    key = hashlib.sha256(region.encode("utf-8")).hexdigest() if kept is not None else ""
    packed = _REGIONS.get(region)
    if packed is None and kept is not None:
        packed = kept.get(key)
    elif kept is not None:
        kept.put(key, packed)
    if packed is None:
        doc = _markdown_to_ast_by_rows(region, what)
        ok = _cites_in_order(doc["blocks"]) and not doc.get("meta")
        packed = marshal.dumps(include_paths(doc["blocks"]) if ok else None, 2)
        if kept is not None:
            kept.put(key, packed)
    if region not in _REGIONS:
        if len(_REGIONS) >= REGIONS_KEPT:
            _REGIONS.pop(next(iter(_REGIONS)))
        _REGIONS[region] = packed
    return marshal.loads(packed)  # type: ignore[no-any-return]


def _markdown_to_ast_by_rows(text: str, what: str) -> dict[str, Any]:
    """Pandoc's parse of ``text``; a grid table of more than
    :data:`GRID_ROWS_PER_PARSE` rows in it is parsed that many rows at a time and
    its rows joined (the time of one parse grows with the square of the rows).

    That is the same parse: every cut is at a line equal to the table's top
    border (no cell spans it), each part repeats the header, and the citations
    are numbered again through the text. Otherwise the text is parsed whole."""
    lines = text.split("\n")
    found = _grid_table_cuts(lines)
    if found is None:
        return markdown_to_ast(text, what=what)
    head, cuts = found
    first = lines[: cuts[1] + 1] + lines[cuts[-1] + 1 :]
    doc = markdown_to_ast("\n".join(first), what=what)
    parts = [doc["blocks"]]
    tables = [el for el in A.iter_elements(doc["blocks"]) if el["t"] == "Table"]
    for start, end in pairwise(cuts[1:]):
        part = markdown_to_ast("\n".join(head + lines[start + 1 : end + 1]) + "\n", what=what)
        parts.append(part["blocks"])
        tables += [el for el in part["blocks"] if el["t"] == "Table"]
    table = tables[0]
    if (
        len(tables) != len(cuts) - 1
        or any(len(p) != 1 or p[0]["t"] != "Table" for p in parts[1:])
        or any(
            t["c"][2:4] != table["c"][2:4]
            or len(t["c"][4]) != 1
            or t["c"][4][0][:3] != table["c"][4][0][:3]
            for t in tables
        )
        or not all(_cites_in_order(p) for p in parts)
    ):
        return markdown_to_ast(text, what=what)
    for other in tables[1:]:
        table["c"][4][0][3].extend(other["c"][4][0][3])
    _number_cites(doc["blocks"])
    return doc


def _grid_table_cuts(lines: list[str]) -> tuple[list[str], list[int]] | None:
    """For the first grid table with a header and more than
    :data:`GRID_ROWS_PER_PARSE` rows: its top lines down to the header line, and
    the lines to cut it at (the header line, every ``GRID_ROWS_PER_PARSE``-th row
    line equal to the top border, the table's last line); ``None`` if none."""
    for top, line in enumerate(lines):
        if not _GRID_BORDER.match(line) or (top and lines[top - 1].strip()):
            continue
        end = top
        while end + 1 < len(lines) and lines[end + 1].startswith(("+", "|")):
            end += 1
        heads = [i for i in range(top + 1, end + 1) if _GRID_HEAD_LINE.match(lines[i])]
        rows = [i for i in range(top + 1, end + 1) if lines[i] == line]
        if len(heads) != 1 or not rows or rows[-1] != end or rows[0] < heads[0]:
            continue
        if len(rows) <= GRID_ROWS_PER_PARSE:
            continue
        cuts = [heads[0], *rows[GRID_ROWS_PER_PARSE - 1 :: GRID_ROWS_PER_PARSE]]
        if cuts[-1] != end:
            cuts.append(end)
        return lines[top : heads[0] + 1], cuts
    return None


def _cites_in_order(blocks: list[A.Element]) -> bool:
    """Whether the n-th citation in document order carries Pandoc's number n (its
    counter of citations and notes, in reading order)."""
    cites = list(select(blocks, ("Cite",)))
    return all(c.get("citationNoteNum") == n for n, el in enumerate(cites, 1) for c in el["c"][0])


def _number_cites(blocks: list[A.Element]) -> None:
    """Number the citations 1, 2 ... in document order, as one parse would."""
    for n, el in enumerate(select(blocks, ("Cite",)), 1):
        for c in el["c"][0]:
            c["citationNoteNum"] = n


def include_paths(blocks: list[A.Element]) -> list[A.Element]:
    """Relative image and link paths written in an included file from another folder
    become relative to the chapter: Quarto resolves them against the included file.

    Returns the blocks without the folder marks :mod:`.shortcodes` left.
    """
    folders: list[str] = []
    for el in A.iter_elements(blocks):
        if el["t"] in ("RawBlock", "RawInline") and INCLUDE_DIR_MARK in el["c"][1]:
            folder = el["c"][1].split(INCLUDE_DIR_MARK, 1)[1].strip(" ->\n")
            if folder:
                folders.append(folder)
            elif folders:
                folders.pop()
        elif folders and el["t"] in ("Image", "Link"):
            target = el["c"][2][0]
            if not target or target.startswith(("/", "#")) or SCHEME.match(target):
                continue
            el["c"][2][0] = posixpath.normpath(posixpath.join(folders[-1], target))

    def drop(el: A.Element) -> Any:
        if el["t"] in ("RawBlock", "RawInline") and INCLUDE_DIR_MARK in el["c"][1]:
            return []
        return None

    return A.walk(blocks, drop)


def front_matter(
    path: Path, problems: list[Problem] | None = None, file: str | None = None
) -> dict[str, Any]:
    """The YAML front matter of a chapter file (``{}`` if it has none or it is not a mapping).

    Read before shortcodes are expanded, so ``{{< meta key >}}`` sees the
    chapter's own keys as Quarto does. Front matter that is not valid YAML is added to
    ``problems`` at its line in the chapter ``file`` (Pandoc's own message counts from
    the block).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    match = re.match(r"^---[ \t]*\n(.*?)\n---[ \t]*(\n|$)", text, re.S)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if problems is not None:
            problems.append(
                Problem(
                    file or str(path),
                    f"the front matter is not valid YAML ({getattr(exc, 'problem', None) or exc})",
                    row=mark.line + 2 if mark else 2,  # the block starts after the first ---
                    column=str(mark.column + 1) if mark else None,
                    fix="correct the YAML between the two --- lines (indentation, quotes, "
                    "closing brackets)",
                )
            )
        return {}
    return data if isinstance(data, dict) else {}


def flag(value: object) -> bool:
    """A YAML option read as text (``true``/``false``) as a boolean."""
    return str(value).strip().lower() not in ("false", "no", "0", "off")

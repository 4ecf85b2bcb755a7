"""Reading a chapter's source the way Quarto does, before and after Pandoc parses it.

- :func:`front_matter`: the chapter's own YAML front matter, read before
  shortcodes are expanded so ``{{< meta >}}`` and ``crossref:`` see it;
- :func:`include_paths`: image and link paths written in an included file
  from another folder made relative to the chapter (Quarto resolves them
  against the included file), using the marks :mod:`.shortcodes` leaves;
- :func:`parsed`: the expanded text parsed by Pandoc with those paths made
  relative, kept by content in this process (the preview re-reads every chapter
  on each save);
- :func:`flag`: a YAML option read as text, as a boolean.
"""

from __future__ import annotations

import marshal
import posixpath
import re
from pathlib import Path
from typing import Any

import yaml

from . import ast as A
from .pandoc import markdown_to_ast
from .shortcodes import INCLUDE_DIR_MARK

SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


_PARSED: dict[str, bytes] = {}
PARSED_KEPT = 32


def parsed(text: str, what: str) -> tuple[list[A.Element], dict[str, Any]]:
    """``(blocks, meta)`` of Pandoc's parse of an expanded chapter, after
    :func:`include_paths`; a fresh copy each call, kept by ``text``."""
    if text not in _PARSED:
        doc = markdown_to_ast(text, what=what)
        kept = marshal.dumps((include_paths(doc["blocks"]), doc.get("meta", {})), 2)
        if len(_PARSED) >= PARSED_KEPT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[text] = kept
    blocks, meta = marshal.loads(_PARSED[text])
    return blocks, meta


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


def front_matter(path: Path) -> dict[str, Any]:
    """The YAML front matter of a chapter file (``{}`` if it has none or it is not a mapping).

    Read before shortcodes are expanded, so ``{{< meta key >}}`` sees the
    chapter's own keys as Quarto does.
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
    except yaml.YAMLError:
        return {}  # Pandoc reports the broken block when it parses the chapter
    return data if isinstance(data, dict) else {}


def flag(value: object) -> bool:
    """A YAML option read as text (``true``/``false``) as a boolean."""
    return str(value).strip().lower() not in ("false", "no", "0", "off")

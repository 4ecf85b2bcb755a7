"""The parts of a finished DOCX package rewritten after Pandoc: core properties
(title, authors, keywords) and any other named part, in place and deterministically."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path


def rewrite_docx_parts(path: Path, rewrites: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite named parts of a DOCX package in place.

    The package is rewritten entry by entry with the same order and timestamps,
    so the bytes stay as deterministic as Pandoc's.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename in rewrites:
                data = rewrites[info.filename](data)
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def set_core_properties(data: bytes, title: str, authors: list[str], keywords: list[str]) -> bytes:
    """``docProps/core.xml`` with title, author and keywords filled in.

    Pandoc takes them from the ``title``/``author`` metadata, but those would also
    print its own title block; ours (with affiliations) is built from blocks.
    """
    from xml.sax.saxutils import escape

    values = {
        "dc:title": title,
        "dc:creator": "; ".join(authors),
        "cp:keywords": ", ".join(keywords),
    }
    text = data.decode("utf-8")
    for tag, value in values.items():
        if not value:
            continue
        element = f"<{tag}>{escape(value)}</{tag}>"
        text, n = re.subn(rf"<{tag}\s*/>|<{tag}>.*?</{tag}>", element, text, flags=re.S)
        if n == 0:
            text = text.replace("</cp:coreProperties>", element + "</cp:coreProperties>")
    return text.encode("utf-8")

"""The parts of a finished DOCX package rewritten after Pandoc: core properties
(title, authors, keywords) and any other named part, in place and deterministically."""

from __future__ import annotations

import copy
import os
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from .docx_pictures import LARGEST_STAND_IN

CHUNK = 1 << 20
MEDIA = "word/media/"


def rewrite_docx_parts(
    path: Path,
    rewrites: dict[str, Callable[[bytes], bytes]],
    pictures: Callable[[bytes], Path | None] | None = None,
) -> None:
    """Rewrite named parts of a DOCX package in place; ``pictures`` names, for a
    small picture's bytes (a stand-in: :mod:`.docx_pictures`), the file whose bytes
    replace it, stored uncompressed (None: the entry is copied).

    The package is rewritten entry by entry with the same order and timestamps,
    so the bytes stay as deterministic as Pandoc's. The other parts (the pictures:
    most of a large review's DOCX) are copied as stored, not inflated and deflated
    again: at 1,000 studies, 200 pictures (43 MB) cost 2.3 CPU s and 100 MB of
    memory that way (issue 19).
    """
    path = Path(path)
    temporary = path.with_name(path.name + ".rewriting")
    try:
        with (
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                if info.filename in rewrites:
                    target.writestr(info, rewrites[info.filename](source.read(info)))
                elif pictures is not None and (picture := _picture(source, info, pictures)):
                    stored = copy.copy(info)
                    stored.compress_type = zipfile.ZIP_STORED
                    target.writestr(stored, picture.read_bytes())
                elif not _copy_stored(source, target, info):
                    target.writestr(info, source.read(info))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _picture(
    source: zipfile.ZipFile, info: zipfile.ZipInfo, pictures: Callable[[bytes], Path | None]
) -> Path | None:
    """The file that ``info``'s entry stands in for, if it is a picture small enough to be one."""
    if not info.filename.startswith(MEDIA) or info.file_size > LARGEST_STAND_IN:
        return None
    return pictures(source.read(info))


def _copy_stored(source: zipfile.ZipFile, target: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Copy ``info``'s entry into ``target`` as ``source`` stores it (its compressed
    bytes, its CRC); False, copying nothing, for an entry this does not handle
    (encrypted, or too large for a plain ZIP header)."""
    limit = zipfile.ZIP64_LIMIT
    if info.flag_bits & 0x1 or max(info.file_size, info.compress_size, info.header_offset) >= limit:
        return False
    read = source.fp
    if read is None or target.fp is None:
        return False
    read.seek(info.header_offset)
    header = struct.unpack(zipfile.structFileHeader, read.read(zipfile.sizeFileHeader))
    if header[zipfile._FH_SIGNATURE] != zipfile.stringFileHeader:
        raise zipfile.BadZipFile(f"{info.filename}: bad local file header")
    read.seek(header[zipfile._FH_FILENAME_LENGTH] + header[zipfile._FH_EXTRA_FIELD_LENGTH], 1)
    copied = copy.copy(info)
    copied.flag_bits &= ~0x08  # CRC and sizes in the local header: no data descriptor
    copied.header_offset = target.fp.tell()
    target.fp.write(copied.FileHeader(zip64=False))
    left = info.compress_size
    while left:
        chunk = read.read(min(CHUNK, left))
        if not chunk:
            raise zipfile.BadZipFile(f"{info.filename}: truncated")
        target.fp.write(chunk)
        left -= len(chunk)
    target.filelist.append(copied)
    target.NameToInfo[copied.filename] = copied
    target.start_dir = target.fp.tell()  # where the central directory goes
    target._didModify = True
    return True


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

"""PNG chunks, written (the figures' PNG renditions) and read (the DOCX's picture
stand-ins): the file format's framing only, no pixels."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, data: bytes) -> bytes:
    """One chunk: length, kind, data and its CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def chunks(png: bytes) -> Iterator[tuple[bytes, bytes]]:
    """``(kind, whole chunk)`` of each chunk of the PNG file ``png``, in order; nothing
    if it does not start with the PNG signature, and no more after a chunk cut short."""
    if not png.startswith(SIGNATURE):
        return
    at = len(SIGNATURE)
    while at + 12 <= len(png):
        length, kind = struct.unpack_from(">I4s", png, at)
        end = at + 12 + length
        if end > len(png):
            return
        yield kind, png[at:end]
        at = end

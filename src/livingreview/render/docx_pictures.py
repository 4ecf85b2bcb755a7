"""The DOCX's PNG pictures put in after Pandoc has written it (issue 19: a chapter
edit in seconds).

Pandoc's DOCX writer reads every picture and deflates it into the package again,
though a PNG is deflated already: at 1,000 studies, 200 figure parts (45 MB) were
1.2 of its 1.3 CPU seconds, in every build. So Pandoc is given a stand-in for each
PNG, found first on its resource path under the picture's own path (so what Pandoc
writes about a picture, its description, is the same): the picture's chunks before
its pixels (its size and resolution, by which Pandoc sizes it), an empty pixel
chunk, and a text chunk with the picture's number. :meth:`StandIns.picture` then
names the picture a package entry stands in for, and the entry is replaced by the
picture's bytes, stored as they are: a PNG deflates little further (the DOCX at
1,000 studies is 45 MB, not 37).

Only a PNG inside the project, named by a plain relative path, is stood in for;
anything else (another format, a web address, a file that is not a PNG) Pandoc
reads itself, as before.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .. import png

__all__ = ["LARGEST_STAND_IN", "StandIns", "write_stand_ins"]

KEY = b"livingreview-picture\x00"  # a stand-in's text chunk: KEY, then the picture's number
LARGEST_STAND_IN = 1 << 16  # bytes; a picture with larger header chunks is not stood in for
NOT_IN_A_PLAIN_PATH = (
    "(",
    ")",
    ":",
    "\\",
    "%",
    "#",
    "?",
)  # characters of a target that is not a plain path


class StandIns:
    """The pictures stood in for, by number, and the folder that holds the stand-ins."""

    def __init__(self, folder: Path, pictures: list[Path]) -> None:
        self.folder, self.pictures = folder, pictures

    def pandoc_args(self) -> list[str]:
        """Pandoc's resource path: the stand-ins first, then the project (Pandoc's
        working folder)."""
        return [f"--resource-path={self.folder}{os.pathsep}."] if self.pictures else []

    def picture(self, data: bytes) -> Path | None:
        """The picture that ``data`` (a package entry's bytes) stands in for, or None."""
        for kind, whole in png.chunks(data):
            if kind == b"tEXt" and whole[8:].startswith(KEY):
                number = whole[8 + len(KEY) : -4]
                if number.isdigit() and int(number) < len(self.pictures):
                    return self.pictures[int(number)]
        return None


def write_stand_ins(root: Path, targets: Iterable[str], folder: Path) -> StandIns:
    """A stand-in in ``folder``, at the same relative path, for each image target in
    ``targets`` that names a PNG file inside ``root``."""
    pictures: list[Path] = []
    for target in dict.fromkeys(targets):
        if not _plain_png_path(target):
            continue
        source = root / target
        try:
            header = _chunks_before_pixels(source.read_bytes())
        except OSError:
            continue
        if header is None:
            continue
        number = str(len(pictures)).encode("ascii")
        data = (
            png.SIGNATURE
            + header
            + png.chunk(b"IDAT", zlib.compress(b""))
            + png.chunk(b"tEXt", KEY + number)
            + png.chunk(b"IEND", b"")
        )
        if len(data) > LARGEST_STAND_IN:
            continue
        stand_in = folder / target
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.write_bytes(data)
        pictures.append(source)
    return StandIns(folder, pictures)


def _plain_png_path(target: str) -> bool:
    if not target.lower().endswith(".png") or any(c in target for c in NOT_IN_A_PLAIN_PATH):
        return False
    path = PurePosixPath(target)
    return not path.is_absolute() and ".." not in path.parts


def _chunks_before_pixels(data: bytes) -> bytes | None:
    """The chunks of the PNG ``data`` before its first pixel chunk (IDAT), IHDR first;
    None if it is not a PNG of that form."""
    header = []
    for kind, whole in png.chunks(data):
        if kind == b"IDAT":
            return b"".join(header) if header else None
        if not header and kind != b"IHDR":
            return None
        header.append(whole)
    return None

"""Letters the PDF's fonts cannot draw.

The embedded renderer compiles the PDF with its own fonts only (Literata, and
matplotlib's DejaVu and STIX faces), so its output does not depend on the fonts of
the machine. Those cover the Latin, Greek and Cyrillic scripts (and DejaVu a few
more); a letter of another script, such as a Chinese or Japanese author's name,
prints as a placeholder box. The website and the DOCX name fonts that the reader's
system supplies, so only the PDF is affected: the render warns, naming the letters
and where the first of them appears, instead of printing boxes without a word.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .block_index import read_kept, write_kept

log = logging.getLogger("livingreview")

# Up to the end of Latin Extended-B every letter is in the text face, and the blocks
# of punctuation, symbols and arrows (U+2000-U+2BFF) hold almost no letters: the
# search skips both, so a review in Latin letters costs one pass of a regex.
_OTHER_CHARACTERS = re.compile("[^\x00-\u024f\u2000-\u2bff]")
# matplotlib's placeholder face: it "covers" everything by drawing boxes
_PLACEHOLDER_FONTS = ("LastResort",)
KEPT_ON_DISK = 4  # code points per set of fonts (a package or matplotlib upgrade adds one)


def _candidate_letters(text: str) -> set[str]:
    return {c for c in set(_OTHER_CHARACTERS.findall(text)) if unicodedata.category(c)[0] == "L"}


@cache
def _covered(folders: tuple[Path, ...]) -> frozenset[int]:
    """The code points the fonts of ``folders`` draw: read from the fonts' tables once,
    then kept in the workflow's cache by the fonts' bytes and this module's code
    (reading the tables of the 43 faces was 0.13 CPU s of every render, issue 19)."""
    fonts = [
        path
        for folder in folders
        for path in sorted(folder.glob("*.ttf"))
        if not path.name.startswith(_PLACEHOLDER_FONTS)
    ]
    digest = hashlib.sha256(Path(__file__).read_bytes())  # and this code
    for path in fonts:
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    key = digest.hexdigest()[:32]
    kept = read_kept("glyphs", key)
    if kept is not None:
        return frozenset(marshal.loads(kept))
    from fontTools.ttLib import TTFont

    codes: set[int] = set()
    for path in fonts:
        with TTFont(path, lazy=True) as font:
            codes.update(font.getBestCmap() or {})
    write_kept("glyphs", key, marshal.dumps(sorted(codes)), KEPT_ON_DISK)
    return frozenset(codes)


def letters_without_glyphs(text: str, font_folders: Iterable[Path]) -> list[str]:
    """The letters of ``text`` that no TrueType font in ``font_folders`` has, in order."""
    letters = _candidate_letters(text)
    if not letters:
        return []
    covered = _covered(tuple(Path(f) for f in font_folders))
    return sorted(c for c in letters if ord(c) not in covered)


def warn_letters_without_glyphs(text: str, font_folders: Iterable[Path]) -> list[str]:
    """Log a warning when the PDF will print letters of ``text`` as boxes; return them."""
    missing = letters_without_glyphs(text, font_folders)
    if missing:
        first = min(text.index(c) for c in missing)
        context = " ".join(text[max(0, first - 30) : first + 30].split())
        shown = ", ".join(missing[:20]) + (
            f" and {len(missing) - 20} more" if len(missing) > 20 else ""
        )
        log.warning(
            'The PDF\'s fonts have no glyphs for %d letter(s): %s (first in "%s"). They '
            "print as empty boxes in the PDF; the website and the DOCX show them with the "
            "reader's fonts. Fix: write these names or words in Latin letters as well, "
            "for example in the study's label, or render with Quarto and a font that has them.",
            len(missing),
            shown,
            context,
        )
    return missing

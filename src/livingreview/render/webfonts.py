"""The review's two faces, self-hosted: Literata for text, DejaVu Sans for the UI.

- **Text face: Literata** (regular, italic, bold, bold italic), a serif drawn for
  long reading on screens that holds up in print. Its TrueType files ship with
  the package (``render/fonts/``, SIL Open Font License, with ``OFL.txt``; where
  they come from is in that folder's README). The PDF sets its text in them
  (Typst reads the folder) and the website in WOFF2 subsets of them; the DOCX
  names Literata in its styles (a reader without it sees a serif fallback).
- **UI face: DejaVu Sans** (regular, bold): headings, captions, navigation and
  tables on the website, headings, captions and the running header in the PDF,
  and the figures (matplotlib draws with it) and the flow diagram's real SVG
  text. Its files come from matplotlib's own data folder (a dependency already;
  the DejaVu licence allows redistribution and modification).

The website's WOFF2 files are subsets made with fontTools (Latin, Greek and the
punctuation and symbols the review uses, so pages stay small). They ship with
the package in ``render/fonts/web/``; :func:`refresh_web_fonts` writes them again.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "FACES",
    "TEXT_FACE",
    "UI_FACE",
    "dejavu_folder",
    "text_font_folder",
    "web_font_folder",
    "write_web_fonts",
]

TEXT_FACE = "Literata"
UI_FACE = "DejaVu Sans"


def dejavu_folder() -> Path:
    """matplotlib's folder of TrueType fonts (DejaVu Sans among them).

    Found without importing matplotlib (its ``get_data_path()`` is the ``mpl-data``
    folder next to its ``__init__``): the import costs the renderer a third of a
    second, and its parser's exceptions, made while the renderer pauses cycle
    collection, kept the website's pages alive to the end of the render (issue 19)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("matplotlib is not installed", name="matplotlib")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def text_font_folder() -> Path:
    """The package's folder of the text face's TrueType files (and their licence)."""
    return Path(__file__).resolve().parent / "fonts"


# (folder, file in it, name of the WOFF2 written, CSS family, weight, style)
FACES: tuple[tuple[Callable[[], Path], str, str, str, int, str], ...] = (
    (dejavu_folder, "DejaVuSans.ttf", "DejaVuSans.woff2", UI_FACE, 400, "normal"),
    (dejavu_folder, "DejaVuSans-Bold.ttf", "DejaVuSans-Bold.woff2", UI_FACE, 700, "normal"),
    (text_font_folder, "Literata-Regular.ttf", "Literata-Regular.woff2", TEXT_FACE, 400, "normal"),
    (text_font_folder, "Literata-Italic.ttf", "Literata-Italic.woff2", TEXT_FACE, 400, "italic"),
    (text_font_folder, "Literata-Bold.ttf", "Literata-Bold.woff2", TEXT_FACE, 700, "normal"),
    (
        text_font_folder,
        "Literata-BoldItalic.ttf",
        "Literata-BoldItalic.woff2",
        TEXT_FACE,
        700,
        "italic",
    ),
)
# Basic Latin, Latin-1, Latin Extended-A, Greek, general punctuation, arrows,
# mathematical operators, geometric shapes (the diagram's and tables' symbols).
UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x370, 0x400),
    *range(0x2000, 0x2070),
    *range(0x2190, 0x2200),
    *range(0x2200, 0x2300),
    *range(0x25A0, 0x2600),
]


def web_font_folder() -> Path:
    """The package's folder of the website's WOFF2 subsets (and DejaVu's licence)."""
    return text_font_folder() / "web"


def write_web_fonts(folder: Path) -> list[str]:
    """Copy the website's WOFF2 subsets into ``folder``; return their names.

    The subsets ship with the package: they depend only on the faces and the options
    below, and subsetting them took about five seconds of every cold build.
    :func:`refresh_web_fonts` writes them again after a face changes
    (``tests/unit/test_faces.py`` fails until it is run).
    """
    folder.mkdir(parents=True, exist_ok=True)
    source = web_font_folder()
    for _, _, target, *_ in FACES:
        shutil.copyfile(source / target, folder / target)
    return [target for _, _, target, *_ in FACES]


SUBSET_OPTIONS = {
    "flavor": "woff2",
    "layout_features": ["kern", "liga"],
    "name_IDs": [0, 1, 2, 3, 4, 5, 6],
    "notdef_outline": True,
}
DROP_TABLES = ["FFTM"]  # FontForge's timestamps: nothing a browser reads


def _subset_fonts(folder: Path) -> list[str]:
    from fontTools import subset

    # fontTools reports every table and glyph list it subsets at INFO (about 300 lines,
    # some of thousands of characters, in the render's log); only its warnings count
    quiet = logging.getLogger("fontTools")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        return _subset_faces(subset, folder)
    finally:
        quiet.setLevel(level)


def _subset_faces(subset: Any, folder: Path) -> list[str]:
    written = []
    for source_folder, source, target, _family, _weight, _style in FACES:
        options = subset.Options()
        for name, value in SUBSET_OPTIONS.items():
            setattr(options, name, value)
        options.drop_tables += DROP_TABLES
        font = subset.load_font(str(source_folder() / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        subset.save_font(font, str(folder / target), options)
        written.append(target)
    return written


def refresh_web_fonts(folder: Path | None = None) -> list[str]:
    """Subset the faces into ``folder`` (the package's web folder by default) and copy
    DejaVu's licence beside them; return the names of the WOFF2 files written."""
    folder = folder or web_font_folder()
    folder.mkdir(parents=True, exist_ok=True)
    written = _subset_fonts(folder)
    shutil.copyfile(dejavu_folder() / "LICENSE_DEJAVU", folder / "LICENSE_DEJAVU")
    return written

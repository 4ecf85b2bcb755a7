"""The website's UI face, self-hosted: DejaVu Sans as WOFF2, subset to the text it needs.

DejaVu Sans is the face of the figures (matplotlib draws with it) and of the
flow diagram's real SVG text, so the site, the figures and the PDF's diagram
share one sans-serif face. The font files come from matplotlib's own data
folder (a dependency already; the DejaVu licence allows redistribution and
modification) and are subset with fontTools to Latin, Greek and the
punctuation and symbols the review uses, so pages stay small. Output is
deterministic for a given matplotlib and fontTools.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FACES", "dejavu_folder", "write_web_fonts"]

# (file in matplotlib's ttf folder, name of the WOFF2 written, CSS weight)
FACES = (
    ("DejaVuSans.ttf", "DejaVuSans.woff2", 400),
    ("DejaVuSans-Bold.ttf", "DejaVuSans-Bold.woff2", 700),
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


def dejavu_folder() -> Path:
    """matplotlib's folder of TrueType fonts (DejaVu Sans among them)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def write_web_fonts(folder: Path) -> list[str]:
    """Write the subset WOFF2 files into ``folder``; return their names."""
    from fontTools import subset

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source, target, _weight in FACES:
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["kern", "liga"]
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        options.notdef_outline = True
        options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a browser reads
        font = subset.load_font(str(dejavu_folder() / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        subset.save_font(font, str(folder / target), options)
        written.append(target)
    return written

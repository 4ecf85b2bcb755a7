"""How full each PDF page is, measured on the rendered pages (poppler's pdftoppm, pdftotext).

Shared by the browser layout tests (the fixture review) and the shipped review's
workflow test. A page's emptiness is the share of its text area (below the running
header, above the page number) under its last ink. The parts of a book are the main
text and the back matter, which starts a page with the first appendix; only the last
page of each may end early.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

MAX_EMPTY = 0.25  # of a PDF page's text area, except on the last page of a part
HAS_POPPLER = bool(shutil.which("pdftoppm") and shutil.which("pdftotext"))


def _bbox_pages(pdf: Path) -> list[str]:
    """Each page's part of ``pdftotext -bbox`` (its size, then its words)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return html.split("<page ")[1:]


def _words(page: str) -> list[tuple[str, float, float, float, float]]:
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        page,
    )
    return [(w[4], *map(float, w[:4])) for w in words]


def pdf_words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Words of each page with their boxes (points), from ``pdftotext -bbox``."""
    return [_words(page) for page in _bbox_pages(pdf)]


def page_emptiness(pdf: Path, work: Path, keep: Path | None = None) -> list[float]:
    """Empty share of each page's text area (pictures copied to ``keep`` if given)."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", str(pdf), str(work / "p")], check=True)
    empty = []
    for image in sorted(work.glob("p-*.png")):
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(image, keep / f"pdf-{image.name}")
        picture = Image.open(image).convert("L")
        width, height = picture.size
        # text area: below the running header, above the page number (2.8 cm, 2.5 cm margins)
        top, bottom = int(height * 0.105), int(height * (1 - 0.095))
        pixels = picture.load()
        last = top
        for y in range(top, bottom):
            if any(pixels[x, y] < 200 for x in range(0, width, 2)):
                last = y
        empty.append((bottom - last) / (bottom - top))
    return empty


def too_empty_pages(pdf: Path, work: Path, keep: Path | None = None) -> list[str]:
    """Pages more than a quarter empty that do not end a part, as "page N: P% empty"."""
    empty = page_emptiness(pdf, work, keep)
    pages = _bbox_pages(pdf)
    texts = [_words(page) for page in pages]
    assert len(empty) == len(texts)
    back_matter = next(
        (i for i, words in enumerate(texts) if "Appendix" in [w[0] for w in words[:40]]),
        len(texts),
    )
    part_ends = {back_matter - 1, len(empty) - 1}
    return [
        f"page {i + 1}: {share:.0%} empty"
        for i, share in enumerate(empty)
        if share > MAX_EMPTY and i not in part_ends
    ]

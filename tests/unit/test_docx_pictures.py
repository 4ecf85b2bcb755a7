"""The DOCX's PNG pictures given to Pandoc as stand-ins and put back afterwards
(render/docx_pictures.py): the package Pandoc would have written, picture for
picture and word for word, with the pictures stored as they are."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from livingreview import png
from livingreview.render.docx_package import rewrite_docx_parts
from livingreview.render.docx_pictures import KEY, LARGEST_STAND_IN, write_stand_ins
from livingreview.render.pandoc import run


def _png(width: int, height: int, dpi: int | None, extra: bytes = b"") -> bytes:
    """A real RGB PNG (a gradient) of ``width`` x ``height`` pixels; with a pHYs chunk
    of ``dpi`` unless None; ``extra`` chunks before the pixels."""
    rows = b"".join(
        b"\0" + bytes((x * 7 + y) % 256 for x in range(width * 3)) for y in range(height)
    )
    chunks = [png.chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))]
    if dpi is not None:
        per_metre = round(dpi / 0.0254)
        chunks.append(png.chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    chunks += [extra, png.chunk(b"IDAT", zlib.compress(rows)), png.chunk(b"IEND", b"")]
    return png.SIGNATURE + b"".join(chunks)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "results" / "figures" / "parts").mkdir(parents=True)
    (root / "results" / "figures" / "parts" / "part-01.png").write_bytes(_png(300, 120, 300))
    (root / "results" / "figures" / "parts" / "part-02.png").write_bytes(_png(90, 60, None))
    (root / "results" / "figures" / "icc.png").write_bytes(
        _png(40, 40, 150, png.chunk(b"tEXt", b"Comment\0pHYs-like words IDAT"))
    )
    (root / "results" / "figures" / "not-a-png.png").write_text("<svg/>", encoding="utf-8")
    return root


TARGETS = [
    "results/figures/parts/part-01.png",
    "results/figures/parts/part-02.png",
    "results/figures/icc.png",
    "results/figures/parts/part-01.png",  # the same picture twice
]


def _docx(root: Path, targets: list[str], output: Path, extra: list[str]) -> None:
    text = "\n\n".join(f"![Figure {n}]({target})" for n, target in enumerate(targets))
    run(["-f", "markdown", "-t", "docx", "-o", str(output), *extra], stdin=text, cwd=root)


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        return {name: package.read(name) for name in package.namelist()}


def test_the_package_is_the_one_pandoc_writes_with_the_pictures(project: Path, tmp_path: Path):
    plain, stood_in = tmp_path / "plain.docx", tmp_path / "stood-in.docx"
    _docx(project, TARGETS, plain, [])
    stand_ins = write_stand_ins(project, TARGETS, tmp_path / "stand-ins")
    assert len(stand_ins.pictures) == 3  # each picture once
    _docx(project, TARGETS, stood_in, stand_ins.pandoc_args())
    # before the pictures are put back, Pandoc has only the stand-ins
    assert all(len(data) < 1000 for name, data in _entries(stood_in).items() if "media" in name)
    rewrite_docx_parts(stood_in, {}, stand_ins.picture)
    assert _entries(stood_in) == _entries(plain)  # sizes, descriptions, pictures: all the same
    with zipfile.ZipFile(stood_in) as package:
        media = [i for i in package.infolist() if i.filename.startswith("word/media/")]
    assert len(media) == 3 and {i.compress_type for i in media} == {zipfile.ZIP_STORED}


def test_only_plain_project_pngs_are_stood_in_for(project: Path, tmp_path: Path):
    (tmp_path / "outside.png").write_bytes(_png(10, 10, 72))
    targets = [
        "results/figures/not-a-png.png",  # named .png, is not one
        "results/figures/missing.png",
        "../outside.png",
        str(tmp_path / "outside.png"),  # absolute
        "https://example.org/figure.png",
        "results/figures/parts/part%2001.png",
        "results/figures/parts/part-01.PNG",  # another name on a case-sensitive disk
    ]
    stand_ins = write_stand_ins(project, targets, tmp_path / "stand-ins")
    assert stand_ins.pictures == [] and stand_ins.pandoc_args() == []
    assert not (tmp_path / "stand-ins").exists()


def test_a_png_whose_header_is_too_large_is_read_by_pandoc(project: Path, tmp_path: Path):
    big = png.chunk(b"iTXt", b"Comment\0\0\0\0\0" + b"x" * LARGEST_STAND_IN)
    (project / "big.png").write_bytes(_png(10, 10, 72, big))
    assert write_stand_ins(project, ["big.png"], tmp_path / "s").pictures == []


def test_a_picture_is_named_only_by_a_stand_in_of_its_own(project: Path, tmp_path: Path):
    stand_ins = write_stand_ins(project, TARGETS[:2], tmp_path / "stand-ins")
    first = (tmp_path / "stand-ins" / TARGETS[0]).read_bytes()
    assert stand_ins.picture(first) == project / TARGETS[0]
    assert stand_ins.picture((project / TARGETS[0]).read_bytes()) is None  # the real picture
    foreign = png.SIGNATURE + png.chunk(b"tEXt", KEY + b"7") + png.chunk(b"IEND", b"")
    assert stand_ins.picture(foreign) is None  # a number it did not give
    assert stand_ins.picture(b"GIF89a" + KEY + b"0") is None


def test_a_large_picture_entry_is_copied_without_being_read(tmp_path: Path):
    path = tmp_path / "book.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("word/media/rId1.png", b"x" * (LARGEST_STAND_IN + 1))
        package.writestr("word/document.xml", b"<w:document/>")
    seen: list[bytes] = []
    rewrite_docx_parts(path, {}, lambda data: seen.append(data))  # type: ignore[func-returns-value]
    assert seen == []
    assert _entries(path)["word/media/rId1.png"] == b"x" * (LARGEST_STAND_IN + 1)

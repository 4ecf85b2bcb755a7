"""Rewriting parts of a DOCX package (render/docx_package.py): the named parts
change, every other part is copied as stored (not deflated again), and the package
stays valid and deterministic."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from livingreview.render.docx_package import rewrite_docx_parts

PICTURE = bytes(range(256)) * 4000  # 1 MB that deflates differently per level


class _Unseekable(io.RawIOBase):
    """A stream without seek: zipfile writes data descriptors after each entry."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _package(path: Path, descriptors: bool = False) -> None:
    out = _Unseekable() if descriptors else path.open("wb")
    with zipfile.ZipFile(out, "w") as package:  # type: ignore[arg-type]
        for name, data, how, level in (
            ("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED, 6),
            ("word/document.xml", b"<w:document>text</w:document>", zipfile.ZIP_DEFLATED, 6),
            ("word/media/rId1.png", PICTURE, zipfile.ZIP_DEFLATED, 1),  # level 1: not ours
            ("word/media/rId2.png", b"stored picture", zipfile.ZIP_STORED, None),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = how
            package.writestr(info, data, compresslevel=level)
    if descriptors:
        path.write_bytes(bytes(out.data))
    else:
        out.close()


def _raw(path: Path) -> dict[str, tuple[int, int, int]]:
    with zipfile.ZipFile(path) as package:
        return {i.filename: (i.compress_type, i.compress_size, i.CRC) for i in package.infolist()}


def _contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        return {name: package.read(name) for name in package.namelist()}


def test_named_parts_change_and_the_others_are_copied_as_stored(tmp_path: Path) -> None:
    for descriptors in (False, True):
        path = tmp_path / f"review-{descriptors}.docx"
        _package(path, descriptors)
        before, stored = _contents(path), _raw(path)
        rewrite_docx_parts(path, {"word/document.xml": lambda d: d.replace(b"text", b"words")})
        after = _contents(path)
        assert list(after) == list(before)  # same order
        assert after["word/document.xml"] == b"<w:document>words</w:document>"
        assert {k: v for k, v in after.items() if k != "word/document.xml"} == {
            k: v for k, v in before.items() if k != "word/document.xml"
        }
        raw = _raw(path)
        # deflated at level 1 by the writer: deflating it again would change its size
        assert raw["word/media/rId1.png"] == stored["word/media/rId1.png"]
        assert raw["word/media/rId2.png"] == stored["word/media/rId2.png"]
        with zipfile.ZipFile(path) as package:
            assert all(not i.flag_bits & 0x08 for i in package.infolist())
        assert not list(tmp_path.glob("*.rewriting"))


def test_rewriting_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    for path in (first, second):
        _package(path)
        rewrite_docx_parts(path, {"[Content_Types].xml": lambda d: d + b"\n"})
    assert first.read_bytes() == second.read_bytes()

"""The two faces: the text face ships with its licence, and the DOCX styles name both."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from livingreview.render.webfonts import FACES, TEXT_FACE, UI_FACE, text_font_folder


def test_the_shipped_text_face_is_literata_under_the_ofl() -> None:
    folder = text_font_folder()
    licence = (folder / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License, Version 1.1" in licence
    assert "The Literata Project Authors" in licence
    styles = set()
    for ttf in sorted(folder.glob("*.ttf")):
        font = TTFont(ttf)
        assert font["name"].getDebugName(1) == TEXT_FACE
        assert "Reserved Font Name" not in (font["name"].getDebugName(0) or "")
        styles.add((font["OS/2"].usWeightClass, bool(font["head"].macStyle & 2)))
        assert ord("é") in font.getBestCmap() and ord("ł") in font.getBestCmap()  # Latin Ext.
    assert styles == {(400, False), (400, True), (700, False), (700, True)}
    assert {family for *_, family, _w, _s in FACES} == {TEXT_FACE, UI_FACE}


def test_docx_styles_name_the_text_and_ui_faces(tmp_path: Path) -> None:
    from livingreview.render import write_reference_docx

    path = tmp_path / "reference.docx"
    write_reference_docx(str(path))
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
    assert f'w:ascii="{TEXT_FACE}"' in defaults
    assert f'w:ascii="{UI_FACE}"' in styles[styles.index("</w:docDefaults>") :]
    shipped = Path(__file__).parents[2] / "refs" / "reference.docx"
    assert zipfile.ZipFile(shipped).read("word/styles.xml").decode("utf-8") == styles


def _content(path: Path) -> dict:
    """What a browser reads from a web font: its characters, glyphs, advances and
    names (not its bytes, which a newer fontTools may lay out differently)."""
    font = TTFont(path)
    return {
        "cmap": font.getBestCmap(),
        "glyphs": font.getGlyphOrder(),
        "advances": dict(font["hmtx"].metrics),
        "names": sorted((n.nameID, n.toUnicode()) for n in font["name"].names),
    }


def test_shipped_web_fonts_are_the_subsets_of_the_faces(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The website's WOFF2 files ship with the package; after a face or the subsetting
    options change this fails until ``refresh_web_fonts()`` writes them again."""
    # the workflow logs at INFO: fontTools' ~300 subsetting lines filled the render log
    import logging

    from livingreview.render import webfonts

    caplog.set_level(logging.INFO)
    written = webfonts.refresh_web_fonts(tmp_path)
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
    assert logging.getLogger("fontTools").level == logging.NOTSET  # put back as it was
    shipped = webfonts.web_font_folder()
    assert written == [target for _, _, target, *_ in FACES]
    for name in written:
        assert _content(shipped / name) == _content(tmp_path / name), name
    assert (shipped / "LICENSE_DEJAVU").read_bytes() == (tmp_path / "LICENSE_DEJAVU").read_bytes()


def test_the_website_gets_the_shipped_web_fonts(tmp_path: Path) -> None:
    from livingreview.render import webfonts

    names = webfonts.write_web_fonts(tmp_path / "fonts")
    assert sorted(p.name for p in (tmp_path / "fonts").iterdir()) == sorted(names)
    for name in names:
        shipped = (webfonts.web_font_folder() / name).read_bytes()
        assert (tmp_path / "fonts" / name).read_bytes() == shipped
        assert shipped[:4] == b"wOF2"

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


def test_subsetting_the_web_fonts_logs_no_info_lines(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # the workflow logs at INFO: fontTools' ~300 subsetting lines filled the render log
    import logging

    from livingreview.render import webfonts

    caplog.set_level(logging.INFO)
    written = webfonts._subset_fonts(tmp_path)
    assert written and all((tmp_path / name).is_file() for name in written)
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
    assert logging.getLogger("fontTools").level == logging.NOTSET  # put back as it was

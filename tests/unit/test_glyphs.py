"""Letters the PDF's fonts cannot draw are named in a warning (render/glyphs.py)."""

from __future__ import annotations

import logging

import pytest

from livingreview.render.glyphs import letters_without_glyphs, warn_letters_without_glyphs
from livingreview.render.webfonts import dejavu_folder, text_font_folder

FONTS = [text_font_folder(), dejavu_folder()]


def test_latin_greek_cyrillic_hebrew_are_covered() -> None:
    text = "Öztürk Ødegård Łukasz Dahlén μg κεταμίνη кетамин קטמין"
    assert letters_without_glyphs(text, FONTS) == []


def test_chinese_and_japanese_letters_are_not() -> None:
    assert letters_without_glyphs("Li 李, 小龍; 日本語 and Ω", FONTS) == [
        "小", "日", "本", "李", "語", "龍"
    ]  # fmt: skip


def test_the_placeholder_face_does_not_count_as_covering(tmp_path) -> None:
    # matplotlib's LastResort face has an entry for every code point: it draws boxes
    assert "李" in letters_without_glyphs("李", [dejavu_folder()])


def test_the_warning_names_the_letters_and_where_they_first_appear(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    source = "#strong[Results] A study by 李 X (2021) and 日本語 words."
    assert warn_letters_without_glyphs(source, FONTS) == ["日", "本", "李", "語"]
    message = caplog.records[-1].getMessage()
    assert "日, 本, 李, 語" in message and 'first in "' in message and "A study by 李 X" in message
    assert "empty boxes in the PDF" in message


def test_no_warning_for_a_review_in_latin_letters(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    assert warn_letters_without_glyphs("Glue 2017: ketamine, 0.25–1 mg/kg (±)", FONTS) == []
    assert not caplog.records


def test_the_pdf_compile_warns(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    from types import SimpleNamespace

    from livingreview.render.typst_pdf import compile_pdf

    book = SimpleNamespace(root=tmp_path, format_option=lambda *args, **kwargs: False)
    caplog.set_level(logging.WARNING)
    compile_pdf(book, "Study by 李 (2021).", tmp_path / "review.pdf")
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")
    assert any("李" in r.getMessage() for r in caplog.records)


def test_the_fonts_code_points_are_kept_by_the_fonts_bytes(tmp_path, monkeypatch) -> None:
    import shutil
    import sys

    from livingreview.render import glyphs
    from livingreview.workflow import PARSE_CACHE_ENV

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name in ("DejaVuSans.ttf", "DejaVuSerif.ttf"):
        shutil.copyfile(dejavu_folder() / name, fonts / name)
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "results" / "cache" / "pandoc"))
    kept = tmp_path / "results" / "cache" / "glyphs"
    glyphs._covered.cache_clear()
    try:
        assert letters_without_glyphs("Ω 李", [fonts]) == ["李"]
        assert len(list(kept.glob("*.marshal"))) == 1
        glyphs._covered.cache_clear()  # a new process: the fonts' tables are not read again
        monkeypatch.setitem(sys.modules, "fontTools.ttLib", None)
        assert letters_without_glyphs("Ω 李", [fonts]) == ["李"]
        glyphs._covered.cache_clear()
        shutil.copyfile(dejavu_folder() / "DejaVuSans-Bold.ttf", fonts / "DejaVuSans.ttf")
        with pytest.raises(ImportError):  # other bytes: read again
            letters_without_glyphs("Ω 李", [fonts])
    finally:
        glyphs._covered.cache_clear()

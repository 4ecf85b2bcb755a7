"""Generate the DOCX reference document (the styles Word output uses) from code.

Starts from Pandoc's own ``reference.docx`` (so every style Pandoc relies on
exists) and replaces the styles that make up the look: a serif 11 pt body,
sans-serif headings that start chapters on a new page, small caption styles,
a table style with a rule under the header row, a callout style, title-page
styles, A4 (or Letter) pages with 2.5 cm margins and page numbers in the footer.

Edits are made on the XML text of known parts with fixed snippets (no user
data is interpolated), and the result is zipped with fixed timestamps, so the
same call always returns the same bytes. :func:`write_reference_docx` writes it
to ``refs/reference.docx`` for users who want to tweak the styles in Word.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

from ..io import write_bytes
from .pandoc import pandoc_path, tool_env

BODY_FONT = "Literata"  # the text face (livingreview.render.webfonts)
HEADING_FONT = "DejaVu Sans"  # the UI face
TABLE_SIZE = 16  # half-points: 8 pt table text
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Page sizes in twentieths of a point (w:pgSz), portrait width x height.
PAPER = {"a4": (11906, 16838), "letter": (12240, 15840), "us-letter": (12240, 15840)}
MARGIN = 1418  # 2.5 cm on every side, in twentieths of a point
HEADER_RUN_PROPS = '<w:color w:val="50555C"/><w:sz w:val="17"/><w:szCs w:val="17"/>'


def _fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def _para_style(
    style_id: str,
    name: str,
    based_on: str,
    ppr: str,
    rpr: str,
    next_style: str | None = "BodyText",
    custom: bool = True,
) -> str:
    custom_attr = ' w:customStyle="1"' if custom else ""
    return (
        f'<w:style w:type="paragraph"{custom_attr} '
        f'w:styleId="{style_id}"><w:name w:val="{name}"/><w:basedOn w:val="{based_on}"/>'
        + (f'<w:next w:val="{next_style}"/>' if next_style else "")
        + f"<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def _heading(
    level: int, size_half_points: int, before: int, page_break: bool, italic: bool = False
) -> str:
    ppr = (
        "<w:keepNext/><w:keepLines/>"
        + ("<w:pageBreakBefore/>" if page_break else "")
        + f'<w:spacing w:before="{before}" w:after="120"/>'
        + f'<w:outlineLvl w:val="{level - 1}"/>'
    )
    rpr = (
        _fonts(HEADING_FONT)
        + "<w:b/><w:bCs/>"
        + ("<w:i/>" if italic else "")
        + f'<w:color w:val="1F2933"/><w:sz w:val="{size_half_points}"/>'
        f'<w:szCs w:val="{size_half_points}"/>'
    )
    return _para_style(f"Heading{level}", f"heading {level}", "Normal", ppr, rpr, custom=False)


STYLES = {
    # figures centred, kept with their caption
    "Figure": _para_style(
        "Figure", "Figure", "Normal", '<w:keepNext/><w:jc w:val="center"/>', "", custom=False
    ),
    "CaptionedFigure": _para_style(
        "CaptionedFigure",
        "Captioned Figure",
        "Normal",
        '<w:keepNext/><w:jc w:val="center"/>',
        "",
        custom=False,
    ),
    # Font and size come from the document defaults only: a size or font on
    # Normal would override the table style's smaller type in every cell.
    "Normal": (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
        '<w:name w:val="Normal"/><w:qFormat/><w:pPr>'
        '<w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr>'
        "</w:style>"
    ),
    "BodyText": _para_style(
        "BodyText",
        "Body Text",
        "Normal",
        '<w:spacing w:before="0" w:after="120"/><w:jc w:val="both"/>',
        "",
        custom=False,
    ),
    "Compact": _para_style(
        "Compact", "Compact", "Normal", '<w:spacing w:before="36" w:after="36"/>', ""
    ),
    "Title": _para_style(
        "Title",
        "Title",
        "Normal",
        '<w:spacing w:before="1200" w:after="160"/>',
        _fonts(HEADING_FONT) + '<w:b/><w:sz w:val="44"/><w:szCs w:val="44"/>',
        custom=False,
    ),
    "Subtitle": _para_style(
        "Subtitle",
        "Subtitle",
        "Title",
        '<w:spacing w:before="0" w:after="360"/>',
        '<w:b w:val="0"/><w:color w:val="4A4F57"/><w:sz w:val="30"/><w:szCs w:val="30"/>',
        custom=False,
    ),
    "Author": _para_style(
        "Author",
        "Author",
        "Normal",
        '<w:spacing w:after="60"/>',
        '<w:sz w:val="24"/><w:szCs w:val="24"/>',
    ),
    "Date": _para_style(
        "Date",
        "Date",
        "Normal",
        '<w:spacing w:after="60"/>',
        '<w:sz w:val="20"/><w:szCs w:val="20"/>',
    ),
    "AbstractTitle": _para_style(
        "AbstractTitle",
        "Abstract Title",
        "Normal",
        '<w:keepNext/><w:spacing w:before="360" w:after="60"/>',
        _fonts(HEADING_FONT) + '<w:b/><w:sz w:val="22"/>',
    ),
    "Abstract": _para_style(
        "Abstract",
        "Abstract",
        "Normal",
        # ragged right: a justified abstract opens rivers around long words and DOIs
        '<w:spacing w:after="120"/><w:jc w:val="left"/>',
        '<w:sz w:val="21"/><w:szCs w:val="21"/>',
    ),
    "Heading1": _heading(1, 32, 0, page_break=True),
    "Heading2": _heading(2, 26, 300, page_break=False),
    "Heading3": _heading(3, 23, 240, page_break=False),
    "Heading4": _heading(4, 22, 200, page_break=False, italic=True),
    "Caption": _para_style(
        "Caption",
        "caption",
        "Normal",
        '<w:spacing w:before="60" w:after="200"/>',
        _fonts(HEADING_FONT) + '<w:sz w:val="18"/><w:szCs w:val="18"/>',
        custom=False,
    ),
    "TableCaption": _para_style(
        "TableCaption",
        "Table Caption",
        "Caption",
        '<w:keepNext/><w:spacing w:before="240" w:after="80"/>',
        "",
    ),
    "ImageCaption": _para_style("ImageCaption", "Image Caption", "Caption", "", ""),
    "Hyperlink": (
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        '<w:basedOn w:val="BodyTextChar"/><w:rPr><w:color w:val="0B5CAD"/>'
        "</w:rPr></w:style>"
    ),
    # the running header's paragraphs: small and grey, the TITLE field included (Word
    # and LibreOffice draw a field in its paragraph's type, not in its result's)
    "Header": _para_style(
        "Header",
        "header",
        "Normal",
        '<w:spacing w:after="0"/>',
        _fonts(HEADING_FONT) + HEADER_RUN_PROPS,
        None,
        False,
    ),
    "Bibliography": _para_style(
        "Bibliography",
        "Bibliography",
        "Normal",
        '<w:spacing w:after="80"/><w:ind w:left="360" w:hanging="360"/>',
        "",
        custom=False,
    ),
    "Table": (
        '<w:style w:type="table" w:default="1" w:styleId="Table"><w:name w:val="Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:qFormat/><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:rPr>'
        f'{_fonts(HEADING_FONT)}<w:sz w:val="{TABLE_SIZE}"/><w:szCs w:val="{TABLE_SIZE}"/></w:rPr>'
        "<w:tblPr>"
        '<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>'
        '<w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
        '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
        '<w:insideH w:val="single" w:sz="2" w:space="0" w:color="BFBFBF"/>'
        '</w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/>'
        '<w:left w:w="57" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr>'
        '<w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
        '</w:tcBorders><w:vAlign w:val="bottom"/></w:tcPr></w:tblStylePr></w:style>'
    ),
}

EXTRA_STYLES = [
    _para_style(
        "Affiliation",
        "Affiliation",
        "Normal",
        '<w:spacing w:after="40"/>',
        '<w:color w:val="4A4F57"/><w:sz w:val="19"/><w:szCs w:val="19"/>',
    ),
    _para_style(
        "Keywords",
        "Keywords",
        "Normal",
        '<w:spacing w:before="120" w:after="120"/>',
        '<w:sz w:val="20"/><w:szCs w:val="20"/>',
    ),
    _para_style(
        "Callout",
        "Callout",
        "Normal",
        '<w:pBdr><w:left w:val="single" w:sz="24" w:space="8" w:color="0B5CAD"/>'
        '</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="F2F5F9"/>'
        '<w:spacing w:before="60" w:after="60"/><w:ind w:left="240" w:right="240"/>',
        "",
    ),
]

FOOTER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>'
)
# Running header: the document title (a TITLE field, whose shown text the
# renderer fills in with the book's title and version label), small,
# right-aligned, over a rule; not on the first page (titlePg), which carries
# the title block.
RUNNING_TITLE = "Running title"
HEADER_RUN = f"<w:rPr>{HEADER_RUN_PROPS}</w:rPr>"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:p><w:pPr><w:pStyle w:val="Header"/>'
    '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="A0A4AB"/>'
    '</w:pBdr><w:jc w:val="right"/></w:pPr>'
    f'<w:r>{HEADER_RUN}<w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> TITLE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    f"<w:r>{HEADER_RUN}<w:t>{RUNNING_TITLE}</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>'
)
HEADER_REL = (
    '<Relationship Id="rIdLrHeader1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/header" Target="header1.xml"/>'
)
HEADER_TYPE = (
    '<Override PartName="/word/header1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
)
FOOTER_REL = (
    '<Relationship Id="rIdLrFooter1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
)
FOOTER_TYPE = (
    '<Override PartName="/word/footer1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
)


def running_header(data: bytes, title: str, version: str) -> bytes:
    """A header part (``word/header1.xml``) with the title shown by its TITLE field and,
    after the field, the version ("Title · Draft after v2.0"): Word and LibreOffice show
    a TITLE field's value from the document properties, so the version stays outside it."""
    from xml.sax.saxutils import escape

    data = data.replace(
        f"<w:t>{RUNNING_TITLE}</w:t>".encode(), f"<w:t>{escape(title)}</w:t>".encode()
    )
    if not version:
        return data
    run = f'<w:r>{HEADER_RUN}<w:t xml:space="preserve"> · {escape(version)}</w:t></w:r>'
    return data.replace(b"</w:p></w:hdr>", run.encode() + b"</w:p></w:hdr>", 1)


def page_setup(paper: str, landscape: bool = False) -> str:
    """Page size (turned if ``landscape``) and 2.5 cm margins of a DOCX section."""
    width, height = PAPER.get(paper.lower(), PAPER["a4"])
    size = (
        f'<w:pgSz w:w="{height}" w:h="{width}" w:orient="landscape"/>'
        if landscape
        else f'<w:pgSz w:w="{width}" w:h="{height}"/>'
    )
    return (
        size + f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" '
        f'w:left="{MARGIN}" w:header="709" w:footer="709" w:gutter="0"/>'
    )


def _section(paper: str) -> str:
    return (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdLrHeader1"/>'
        '<w:footerReference w:type="default" r:id="rIdLrFooter1"/>'
        + page_setup(paper)
        + "<w:titlePg/></w:sectPr>"
    )


def _restyle(styles_xml: str) -> str:
    styles_xml = re.sub(
        r"<w:rPrDefault>.*?</w:rPrDefault>",
        f'<w:rPrDefault><w:rPr>{_fonts(BODY_FONT)}<w:sz w:val="22"/><w:szCs w:val="22"/>'
        '<w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>',
        styles_xml,
        count=1,
        flags=re.S,
    )
    for style_id, xml in STYLES.items():
        pattern = re.compile(
            r'<w:style\b[^>]*w:styleId="' + style_id + r'"[^>]*>.*?</w:style>', re.S
        )
        styles_xml, n = pattern.subn(lambda _m, xml=xml: xml, styles_xml, count=1)
        if n == 0:
            styles_xml = styles_xml.replace("</w:styles>", xml + "</w:styles>")
    return styles_xml.replace("</w:styles>", "".join(EXTRA_STYLES) + "</w:styles>")


def build_reference_docx(paper: str = "a4") -> bytes:
    """Bytes of a reference DOCX with the review's journal look."""
    raw = _default_reference_bytes()
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = _restyle(data.decode("utf-8")).encode("utf-8")
            elif info.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(r"<w:sectPr\b.*?</w:sectPr>", "", text, flags=re.S)
                text = text.replace("</w:body>", _section(paper) + "</w:body>")
                data = text.encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels":
                data = (
                    data.decode("utf-8")
                    .replace("</Relationships>", HEADER_REL + FOOTER_REL + "</Relationships>")
                    .encode("utf-8")
                )
            elif info.filename == "[Content_Types].xml":
                data = (
                    data.decode("utf-8")
                    .replace("</Types>", HEADER_TYPE + FOOTER_TYPE + "</Types>")
                    .encode("utf-8")
                )
            _write(target, info.filename, data)
        _write(target, "word/header1.xml", HEADER.encode("utf-8"))
        _write(target, "word/footer1.xml", FOOTER.encode("utf-8"))
    return out.getvalue()


def _write(target: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    target.writestr(info, data)


def _default_reference_bytes() -> bytes:
    """Pandoc's own reference.docx (binary on stdout, so not through ``pandoc.run``)."""
    proc = subprocess.run(
        [pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        env=tool_env(),
        check=True,
    )
    return proc.stdout


def write_reference_docx(path: str | Path, paper: str = "a4") -> Path:
    """Write the generated reference document to ``path`` (e.g. ``refs/reference.docx``)."""
    return write_bytes(path, build_reference_docx(paper))

"""DOCX specifics: the shipped reference document, section layout, figure sizes, Word check.

The LibreOffice test converts the feature book's DOCX to PDF, the check anyone
can run for "opens without a repair prompt"; it runs only where ``soffice``
(or ``libreoffice``) is installed, e.g. after
``apt-get install libreoffice-writer-nogui``.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from livingreview.render import ast as A
from livingreview.render import build_reference_docx, render_book
from livingreview.render.docx_layout import W, fit_sections
from livingreview.render.finish import finish, png_print_size
from livingreview.render.project import load_book

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"


def test_shipped_reference_docx_is_what_the_code_generates() -> None:
    shipped = ROOT / "refs" / "reference.docx"
    assert shipped.read_bytes() == build_reference_docx("a4"), (
        "refs/reference.docx is out of date: regenerate it with "
        'python -c "from livingreview.render import write_reference_docx; '
        "write_reference_docx('refs/reference.docx')\""
    )


# ---------------------------------------------------------------- sections and tables


def _document(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>'
    ).encode()


def _table(widths: list[int], kind: str = "pct") -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:type="{kind}" w:w="5000"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid></w:tbl>"
    )


def _section(width: int, height: int, extra: str = "") -> str:
    return (
        f'<w:sectPr>{extra}<w:pgSz w:w="{width}" w:h="{height}"/>'
        '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418"/></w:sectPr>'
    )


def test_fit_sections_scales_tables_to_their_section_and_copies_footers() -> None:
    footer = '<w:footerReference w:type="default" r:id="rIdFooter"/>'
    body = (
        _table([1000, 3000])  # portrait section
        + f"<w:p><w:pPr>{_section(11906, 16838)}</w:pPr></w:p>"
        + _table([2000, 2000, 4000])  # landscape section
        + _table([100, 100], kind="auto")  # auto width: left alone
        + f"<w:p><w:pPr>{_section(16838, 11906)}</w:pPr></w:p>"
        + _section(11906, 16838, footer)
    )
    root = etree.fromstring(fit_sections(_document(body)))
    ns = {"w": W}
    tables = root.findall(".//w:tbl", ns)
    widths = [[int(c.get(f"{{{W}}}w")) for c in t.findall(".//w:gridCol", ns)] for t in tables]
    assert widths[0] == [2267, 6803] and sum(widths[0]) == 11906 - 2 * 1418
    assert sum(widths[1]) == 16838 - 2 * 1418
    assert widths[1][0] == widths[1][1] and abs(widths[1][2] - 2 * widths[1][0]) <= 2
    assert widths[2] == [100, 100]
    sections = root.findall(".//w:sectPr", ns)
    assert all(s.find("w:footerReference", ns) is not None for s in sections)
    assert sections[0][0].tag == f"{{{W}}}footerReference"  # schema order: references first


def _rows_table(count: int) -> str:
    row = (
        '<w:tr><w:tc><w:p><w:pPr><w:pStyle w:val="Compact"/><w:jc w:val="left"/></w:pPr>'
        "<w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr>"
    )
    return (
        '<w:tbl><w:tblPr><w:tblW w:type="pct" w:w="5000"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="1000"/></w:tblGrid>' + row * count + "</w:tbl>"
    )


def test_table_rows_do_not_split_and_short_tables_stay_together() -> None:
    """A reader found Table 2.1's row D1 split across two pages and a four-row table
    leaving one row behind on a page of its own in the Word document."""
    lead_in = "<w:p><w:r><w:t>Counts that changed:</w:t></w:r></w:p>"
    body = lead_in + _rows_table(4) + _rows_table(40) + _section(11906, 16838)
    root = etree.fromstring(fit_sections(_document(body)))
    ns = {"w": W}
    short, long = root.findall(".//w:tbl", ns)
    for table in (short, long):
        rows = table.findall("w:tr", ns)
        assert all(r[0].tag == f"{{{W}}}trPr" and r.find("w:trPr/w:cantSplit", ns) is not None
                   for r in rows)  # fmt: skip
    keep = [r.find(".//w:pPr/w:keepNext", ns) is not None for r in short.findall("w:tr", ns)]
    assert keep == [True, True, True, False]  # the last row need not keep with what follows
    first = short.find(".//w:pPr", ns)
    assert [c.tag.split("}")[1] for c in first] == ["pStyle", "keepNext", "jc"]  # schema order
    assert long.find(".//w:keepNext", ns) is None  # a long table may break between rows
    assert root.find("w:body/w:p/w:pPr/w:keepNext", ns) is not None  # its lead-in stays with it


def test_the_page_after_a_landscape_section_has_the_running_header_and_page_number() -> None:
    """The final section had "different first page" (titlePg, for the title block): after a
    landscape section it starts at the page after the landscape pages, which showed neither
    header nor page number. The first section carries it; every section has both references."""
    refs = (
        '<w:headerReference w:type="default" r:id="rIdH"/>'
        '<w:footerReference w:type="default" r:id="rIdF"/>'
    )
    body = (
        f"<w:p><w:pPr>{_section(11906, 16838)}</w:pPr></w:p>"
        + f"<w:p><w:pPr>{_section(16838, 11906)}</w:pPr></w:p>"
        + _section(11906, 16838, refs).replace("</w:sectPr>", "<w:titlePg/></w:sectPr>")
    )
    root = etree.fromstring(fit_sections(_document(body)))
    ns = {"w": W}
    sections = root.findall(".//w:sectPr", ns)
    assert len(sections) == 3
    for section in sections:
        assert section.find("w:headerReference", ns) is not None
        assert section.find("w:footerReference", ns) is not None
    assert [s.find("w:titlePg", ns) is not None for s in sections] == [True, False, False]
    assert sections[0][-1].tag == f"{{{W}}}titlePg"  # after pgSz and pgMar (schema order)
    # a document of one section keeps it where it is
    alone = _section(11906, 16838, refs).replace("</w:sectPr>", "<w:titlePg/></w:sectPr>")
    one = etree.fromstring(fit_sections(_document(alone)))
    assert one.find(".//w:sectPr/w:titlePg", ns) is not None


# ---------------------------------------------------------------- figure sizes


def _png(path: Path, width: int, height: int, dpi: int | None) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    phys = b""
    if dpi:
        per_metre = round(dpi / 0.0254)
        phys = chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
    rows = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + phys
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )
    return path


@pytest.mark.parametrize(
    ("size", "dpi", "expected"),
    [
        pytest.param((600, 300), 300, (2.0, 1.0), id="300-dpi"),
        pytest.param((144, 72), None, (2.0, 1.0), id="no-phys-is-72-dpi"),
    ],
)
def test_png_print_size(tmp_path: Path, size: tuple[int, int], dpi, expected) -> None:
    width, height = png_print_size(_png(tmp_path / "x.png", *size, dpi))
    assert (round(width, 3), round(height, 3)) == expected


def test_png_print_size_of_a_non_png_is_none(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_text("not a png")
    assert png_print_size(tmp_path / "x.png") is None
    assert png_print_size(tmp_path / "missing.png") is None


def _figure_widths(tmp_path: Path, fmt: str, attrs: dict[str, str], fig_attrs=None) -> list:
    root = tmp_path / "book"
    shutil.copytree(FIXTURES / "book", root)
    _png(root / "tall.png", 300, 3000, 300)  # 1 x 10 inches
    image = {"t": "Image", "c": [A.attr("", [], attrs), [], ["tall.png", ""]]}
    figure = {
        "t": "Figure",
        "c": [A.attr("fig-x", [], fig_attrs or {}), [None, []], [A.Plain([image])]],
    }
    out = finish([figure], fmt, load_book(root))
    return [el["c"][0][2] for el in A.iter_elements(out) if el["t"] == "Image"]


def test_docx_figures_are_capped_to_the_page(tmp_path: Path) -> None:
    # 10 inches tall: at most 60% of the A4 text height (9.72 in) -> 5.83 in tall, 0.58 in wide
    (attrs,) = _figure_widths(tmp_path, "docx", {})
    assert attrs == [["width", "0.58in"]]


@pytest.mark.parametrize(
    ("attrs", "fig_attrs", "expected"),
    [
        pytest.param({"width": "50%"}, None, [["width", "50%"]], id="explicit-width-wins"),
        pytest.param({"fig-width": "3"}, None, [["width", "3in"]], id="fig-width-on-image"),
        pytest.param({}, {"fig-height": "2.5"}, [["height", "2.5in"]], id="fig-height-on-figure"),
    ],
)
@pytest.mark.parametrize("fmt", ["docx", "typst", "html"])
def test_quarto_figure_sizes_are_honoured(tmp_path: Path, fmt, attrs, fig_attrs, expected) -> None:
    if fmt == "docx" and attrs == {"width": "50%"}:
        expected = [["width", "0.58in"]]  # too tall at 50%: capped (the next test)
    assert _figure_widths(tmp_path, fmt, attrs, fig_attrs) == [expected]


def test_a_docx_figure_given_a_share_of_the_width_still_leaves_room_for_its_caption(
    tmp_path: Path,
) -> None:
    """Figure B.1 (width="100%", 16 x 17.6 cm) left its caption alone on the next page: an
    image given a share of the text width is narrowed to 60% of the text height; one that
    fits keeps its share."""
    (tall,) = _figure_widths(tmp_path, "docx", {"width": "100%"})
    assert tall == [["width", "0.58in"]]  # 1 x 10 in: 5.83 in tall
    root = tmp_path / "wide"
    root.mkdir()
    (fits,) = _figure_widths(root, "docx", {"width": "5%"})  # 0.31 x 3.1 in
    assert fits == [["width", "5%"]]


# ---------------------------------------------------------------- Word/LibreOffice


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_office = pytest.mark.skipif(_office() is None, reason="needs LibreOffice (soffice) on PATH")


@pytest.fixture(scope="module")
def office_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The feature book's DOCX, converted to PDF by LibreOffice (as a reader opens it)."""
    tmp_path = tmp_path_factory.mktemp("office")
    root = tmp_path / "book"
    shutil.copytree(FIXTURES / "features", root)
    for folder in ("results", "refs"):
        shutil.copytree(FIXTURES / "book" / folder, root / folder)
    render_book(root, backend="embedded", formats=["docx"])
    out = tmp_path / "converted"
    proc = subprocess.run(
        [
            _office(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(root / "_book" / "review.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return out / "review.pdf"


@needs_office
def test_docx_opens_in_libreoffice_with_landscape_pages(office_pdf: Path) -> None:
    reader = PdfReader(office_pdf)
    texts = [page.extract_text() for page in reader.pages]
    assert "Feature book" in texts[0]
    wide = [i for i, t in enumerate(texts) if "Row 0" in t or "Row 6" in t or "Row 3" in t]
    assert wide, "the wide table is missing from the converted document"
    for i in wide:
        page = reader.pages[i]
        assert page.mediabox.width > page.mediabox.height  # landscape section
        assert "Comparator" in texts[i]  # header row repeated on every page
    assert "Portrait text after the wide table." in "".join(texts[wide[-1] + 1 :])


def _image_boxes(page) -> list[tuple[float, float]]:
    """(left, right) in points of every image drawn on ``page``, from its content stream."""
    from pypdf.generic import ContentStream

    xobjects = page.get("/Resources", {}).get("/XObject", {})
    stack, ctm, boxes = [], [1, 0, 0, 1, 0, 0], []
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            A0, B0, C0, D0, E0, F0 = ctm
            ctm = [
                a * A0 + b * C0,
                a * B0 + b * D0,
                c * A0 + d * C0,
                c * B0 + d * D0,
                e * A0 + f * C0 + E0,
                e * B0 + f * D0 + F0,
            ]
        elif (
            op == b"Do"
            and operands[0] in xobjects
            and xobjects[operands[0]].get_object().get("/Subtype") == "/Image"
        ):
            boxes.append(tuple(sorted((ctm[4], ctm[4] + ctm[0]))))
    return boxes


@needs_office
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_docx_figures_are_centred_and_tables_fit_the_text_width(office_pdf: Path) -> None:
    """Measured on LibreOffice's rendering: every figure sits centred in the text
    width (2.5 cm margins), and no table cell runs past the margins."""
    import re

    margin = 2.5 / 2.54 * 72
    reader = PdfReader(office_pdf)
    figures = 0
    for page in reader.pages:
        width = float(page.mediabox.width)
        for left, right in _image_boxes(page):
            if right - left < 30:  # a glyph-sized picture, not a figure
                continue
            figures += 1
            assert left >= margin - 2 and right <= width - margin + 2, (left, right)
            assert abs((left + right) / 2 - width / 2) <= 3, f"figure at {left:.0f}-{right:.0f}"
    assert figures == 2  # the feature book's two figures
    html = subprocess.run(
        ["pdftotext", "-bbox", str(office_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_max, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', page):
            assert float(x_max) <= width - margin + 3, f"page {number}: {word!r} past the margin"


def test_picture_descriptions_carry_the_alt_text_not_the_image_path() -> None:
    """Pandoc puts the image's file path in ``pic:cNvPr/@descr``, which Word's selection
    pane and some screen readers show: it gets the figure's alt text instead."""
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    pic = "http://schemas.openxmlformats.org/drawingml/2006/picture"

    def drawing(alt: str | None) -> str:
        described = f' descr="{alt}"' if alt is not None else ""
        return (
            f'<w:p><w:r><w:drawing><wp:inline xmlns:wp="{wp}"><wp:docPr id="1" name="Picture"'
            f'{described}/><pic:pic xmlns:pic="{pic}"><pic:nvPicPr><pic:cNvPr id="2" '
            'name="Picture" descr="results/figures/flow.png"/></pic:nvPicPr></pic:pic>'
            "</wp:inline></w:drawing></w:r></w:p>"
        )

    root = etree.fromstring(fit_sections(_document(drawing("Flow of records.") + drawing(None))))
    described = [node.get("descr") for node in root.iter(f"{{{pic}}}cNvPr")]
    assert described == ["Flow of records.", ""]

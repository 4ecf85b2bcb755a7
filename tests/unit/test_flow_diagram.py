"""Tests for livingreview.prisma.flow_diagram: content, layout, determinism and links.

All counts here are SYNTHETIC.
"""

from __future__ import annotations

import dataclasses
import re
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree

import pytest
from prisma_fixtures import zero_counts

from livingreview.prisma.flow_diagram import (
    BOX_NAMES,
    MEASURE_DPI,
    PNG_DPI,
    Layout,
    Rect,
    draw_flow_diagram,
    iter_overflows,
    layout,
    wrap,
)
from livingreview.prisma.model import PrismaCounts


def full_counts(**changes: object) -> PrismaCounts:
    """A synthetic updated review using every box of both arms and the meta-analysis."""
    base: dict[str, object] = {
        "previous_studies": 6,
        "previous_reports": 9,
        "database_results": 1432,
        "database_specific": {"MEDLINE": 612, "Embase": 598, "PsycINFO": 222},
        "register_results": 87,
        "register_specific": {"ClinicalTrials.gov": 61, "WHO ICTRP": 26},
        "duplicates": 402,
        "excluded_automatic": 35,
        "excluded_other": 12,
        "records_screened": 1070,
        "records_excluded": 998,
        "dbr_sought_reports": 72,
        "dbr_notretrieved_reports": 3,
        "dbr_assessed": 69,
        "dbr_excluded": {
            "Wrong population": 21,
            "Wrong intervention": 14,
            "No anxiety outcome": 18,
            "Conference abstract without data": 9,
        },
        "website_results": 4,
        "organisation_results": 2,
        "citations_results": 15,
        "other_sought_reports": 21,
        "other_notretrieved_reports": 1,
        "other_assessed": 20,
        "other_excluded": {"Wrong intervention": 12, "No anxiety outcome": 5},
        "new_studies": 5,
        "new_reports": 10,
        "total_studies": 11,
        "total_reports": 19,
        "total_studies_ma": 4,
        "total_reports_ma": 6,
    }
    base.update(changes)
    return PrismaCounts(**base)  # type: ignore[arg-type]


# full_counts() where decisions on records of the previous version changed: one of its
# 6 studies (2 reports) is no longer included, and one earlier record, of a study the
# previous version did not include, is included on re-assessment: 6 - 1 + 6 = 11.
CHANGED = {
    "withdrawn_studies": 1,
    "withdrawn_reports": 2,
    "withdrawn_reasons": {"Wrong population": 2},
    "reassessed_reports": 1,
    "reassessed_studies": 1,
    "new_studies": 6,
    "new_reports": 11,
    "total_reports": 18,
}


LONG_REASON = (
    "Population did not meet the protocol definition of treatment-refractory anxiety, that is "
    "at least two adequate prior trials of first-line treatment"
)


def huge_counts() -> PrismaCounts:
    """Six-digit counts everywhere, 100+ character reasons and source names, unbreakable words."""
    return full_counts(
        previous_studies=100000,
        previous_reports=999999,
        database_results=999999,
        database_specific={LONG_REASON: 900000, "Embase": 99999},
        register_results=888888,
        register_specific={"A" * 60: 888888},
        duplicates=777777,
        excluded_automatic=111111,
        excluded_other=0,
        records_screened=999999,
        records_excluded=899999,
        dbr_sought_reports=100000,
        dbr_notretrieved_reports=100,
        dbr_assessed=99900,
        dbr_excluded={
            LONG_REASON: 50000,
            LONG_REASON + " (second wording)": 40000,
            "x" * 120: 9000,
            "Reason with $dollar$ and_underscores": 1,
        },
        website_results=123456,
        organisation_results=654321,
        citations_results=111111,
        other_sought_reports=888888,
        other_notretrieved_reports=888,
        other_assessed=888000,
        other_excluded={LONG_REASON: 887000},
        new_studies=123456,
        new_reports=123456,
        total_studies=223456,
        total_reports=1123455,
        total_studies_ma=100000,
        total_reports_ma=100000,
    )


ketamine_like = zero_counts(
    citations_results=38,
    other_sought_reports=31,
    other_notretrieved_reports=2,
    other_assessed=29,
    other_excluded={
        "Not refractory anxiety": 9,
        "Depression outcome only": 7,
        "Not ketamine": 3,
        "Review": 4,
    },
    new_studies=5,
    new_reports=6,
    total_studies=5,
    total_reports=6,
)

SCENARIOS = [
    pytest.param(
        zero_counts(
            database_results=10,
            records_screened=10,
            records_excluded=8,
            dbr_sought_reports=2,
            dbr_assessed=2,
            new_studies=1,
            new_reports=2,
            total_studies=1,
            total_reports=2,
        ),
        id="database-only",
    ),
    pytest.param(
        zero_counts(
            register_results=3,
            register_specific={"WHO ICTRP": 3},
            records_screened=3,
            dbr_sought_reports=3,
            dbr_assessed=3,
            new_studies=3,
            new_reports=3,
            total_studies=3,
            total_reports=3,
        ),
        id="register-only",
    ),
    pytest.param(ketamine_like, id="other-methods-only"),
    pytest.param(
        full_counts(
            previous_studies=None,
            previous_reports=None,
            total_studies=5,
            total_reports=10,
            total_studies_ma=None,
            total_reports_ma=None,
        ),
        id="both-arms",
    ),
    pytest.param(full_counts(), id="update-both-arms-ma"),
    pytest.param(full_counts(**CHANGED), id="update-with-changed-decisions"),
    pytest.param(
        zero_counts(
            previous_studies=2,
            previous_reports=3,
            citations_results=1,
            other_sought_reports=1,
            other_notretrieved_reports=1,
            total_studies=2,
            total_reports=3,
        ),
        id="update-other-only",
    ),
    pytest.param(zero_counts(), id="empty"),
    pytest.param(huge_counts(), id="six-digits-long-reasons"),
    pytest.param(
        dataclasses.replace(
            huge_counts(),
            dbr_assessed_full_text=900,
            dbr_assessed_without_full_text=98000,
            other_assessed_full_text=0,
            other_assessed_without_full_text=888000,
        ),
        id="six-digits-what-was-read",
    ),
]


# --------------------------------------------------------------------------- #
# Layout
# --------------------------------------------------------------------------- #


# the resolutions the diagram is measured and drawn at: the PDF and SVG at 72 dpi, the PNG at
# 300 (matplotlib 3.9 and 3.10 spaced a text's lines by resolution: the PDF's longest list
# of reasons ran 0.19 in below its box, laid out at 100 dpi; pyproject.toml's bound)
DPIS = [72, MEASURE_DPI, PNG_DPI]


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("counts", SCENARIOS)
def test_no_text_overflows_and_no_boxes_overlap(counts: PrismaCounts, dpi: float) -> None:
    placed = layout(counts, dpi=dpi)
    assert list(iter_overflows(placed)) == []
    for box in placed.boxes:  # the same, spelled out: extents measured from the drawn text
        assert box.text_extent is not None
        assert box.rect.contains(box.text_extent), box.name
        assert box.text_extent.w > 0 and box.text_extent.h > 0


def test_overflow_checker_catches_problems() -> None:
    placed = layout(ketamine_like)
    box = placed.boxes[-1]
    bad_text = type(box)(
        box.name,
        box.kind,
        box.rect,
        box.text,
        Rect(box.rect.x, box.rect.y, box.rect.w + 1, 0.1),
        box.tooltip,
    )
    overlapping = type(box)("clone", "box", box.rect, "", None, "")
    broken = Layout(placed.width, placed.height, (*placed.boxes[:-1], bad_text, overlapping), ())
    problems = list(iter_overflows(broken))
    assert f"text of {box.name} overflows its box" in problems
    assert f"{box.name} overlaps clone" in problems


def test_long_reasons_wrap_inside_their_box() -> None:
    placed = layout(huge_counts())
    reasons = placed.box("dbr_excluded")
    assert reasons.text.count("\n") >= 8  # wrapped, not clipped
    assert "(n = 50,000)" in reasons.text
    assert "x" * 120 not in reasons.text  # the unbreakable word was split
    assert "x" * 120 in re.sub(r"\s+", "", reasons.text)  # pieces on consecutive lines


@pytest.mark.parametrize("counts", SCENARIOS)
def test_arrows_start_and_end_on_box_edges(counts: PrismaCounts) -> None:
    placed = layout(counts)
    rects = [b.rect for b in placed.boxes if b.kind == "box"]

    def on_edge(point: tuple[float, float]) -> bool:
        x, y = point
        return any(
            ((abs(x - r.x) < 1e-9 or abs(x - r.right) < 1e-9) and r.y <= y <= r.top)
            or ((abs(y - r.y) < 1e-9 or abs(y - r.top) < 1e-9) and r.x <= x <= r.right)
            for r in rects
        )

    def on_other_arrow(point: tuple[float, float], arrow: tuple) -> bool:
        """A branch (previous studies excluded from this update) leaves another line."""
        x, y = point
        return any(
            min(a[0], b[0]) - 1e-9 <= x <= max(a[0], b[0]) + 1e-9
            and min(a[1], b[1]) - 1e-9 <= y <= max(a[1], b[1]) + 1e-9
            for other in placed.arrows
            if other is not arrow
            for a, b in pairwise(other)
        )

    assert placed.arrows
    for arrow in placed.arrows:
        assert on_edge(arrow[0]) or on_other_arrow(arrow[0], arrow), arrow
        assert on_edge(arrow[-1]), arrow


def test_boxes_of_an_update_with_both_arms() -> None:
    names = layout(full_counts(**CHANGED)).names
    assert names[:3] == ["band_identification", "band_screening", "band_included"]
    for box in BOX_NAMES:
        assert box in names
    assert {"title_previous", "title_dbr", "title_other"} <= set(names)


def test_other_methods_arm_stands_alone_in_the_main_place() -> None:
    placed = layout(ketamine_like)
    assert "database_results" not in placed.names and "records_screened" not in placed.names
    assert "previous_studies" not in placed.names and "total_studies" not in placed.names
    title, first = placed.box("title_other"), placed.box("website_results")
    assert "Identification of studies via other methods" in title.text
    included = placed.box("new_studies")
    assert abs(included.rect.center[0] - first.rect.center[0]) < 1e-9  # straight down
    assert "Studies included in review (n = 5)" in included.text.replace("\n", " ")
    # the main arm's place: right next to the bands
    assert first.rect.x < placed.box("band_screening").rect.right + 0.5


def test_new_review_has_no_previous_column_and_no_total_box() -> None:
    names = layout(full_counts(previous_studies=None, previous_reports=None)).names
    assert "previous_studies" not in names and "total_studies" not in names
    assert "title_dbr" in names and "title_other" in names


def test_update_draws_previous_column_and_total() -> None:
    placed = layout(full_counts())
    previous, total = placed.box("previous_studies"), placed.box("total_studies")
    assert previous.rect.right < placed.box("database_results").rect.x
    assert "New studies included in review" in " ".join(placed.box("new_studies").text.split())
    assert "(n = 11)" in total.text and "(n = 19)" in total.text
    # the previous studies join the total box from the left
    assert any(a[0][1] == previous.rect.y and a[-1][0] == total.rect.x for a in placed.arrows)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_assessed_boxes_say_what_was_read_when_the_ledger_records_it() -> None:
    """Box 8 and box 14 split the reports assessed into full text and the rest (issue 12)."""
    plain = layout(full_counts())
    assert one_line(plain.box("dbr_assessed").text) == "Reports assessed for eligibility (n = 69)"
    counts = full_counts(
        dbr_assessed_full_text=40,
        dbr_assessed_without_full_text=29,
        other_assessed_full_text=0,
        other_assessed_without_full_text=17,
    )
    placed = layout(counts)
    dbr = one_line(placed.box("dbr_assessed").text)
    assert dbr == (
        "Reports assessed for eligibility (n = 69) On the full text (n = 40) "
        "On the abstract, part of the text or registration only (n = 29)"
    )
    other = one_line(placed.box("other_assessed").text)
    assert "On the full text (n = 0)" in other
    assert "registration only (n = 17)" in other
    # 3 of the 20 reports record nothing: said, not hidden in either count
    assert "What was read is not recorded (n = 3)" in other
    assert "not recorded" not in dbr
    assert list(iter_overflows(placed)) == []


def test_bands_cover_their_rows() -> None:
    placed = layout(full_counts())
    band = placed.box("band_screening").rect
    for name in ("records_screened", "dbr_sought_reports", "dbr_assessed", "dbr_excluded"):
        rect = placed.box(name).rect
        assert band.y - 1e-9 <= rect.y and rect.top <= band.top + 1e-9


# --------------------------------------------------------------------------- #
# Text wrapping
# --------------------------------------------------------------------------- #


def char_width(text: str) -> float:
    return len(text) * 0.1


def test_wrap_keeps_the_indent_without_hanging_and_the_width() -> None:
    lines = wrap("  alpha beta gamma delta epsilon", 1.35, char_width)
    assert lines == ["  alpha beta", "  gamma delta", "  epsilon"]
    assert all(char_width(line) <= 1.35 for line in lines)


def test_wrap_splits_words_wider_than_the_box() -> None:
    lines = wrap("abcdefghijklmnopqrstuvwxyz end", 1.0, char_width)
    assert all(char_width(line) <= 1.0 for line in lines)
    assert lines[-1].endswith("xyz end")  # the next word continues the last piece's line
    assert re.sub(r"\s+", "", "".join(lines)) == "abcdefghijklmnopqrstuvwxyzend"


def test_wrap_collapses_whitespace_and_keeps_short_text() -> None:
    assert wrap("a \n b\tc", 10, char_width) == ["a b c"]
    assert wrap("", 10, char_width) == [""]


# --------------------------------------------------------------------------- #
# Output files
# --------------------------------------------------------------------------- #


def draw(tmp: Path, counts: PrismaCounts, links: dict[str, str] | None = None) -> dict[str, bytes]:
    paths = {ext: tmp / f"prisma.{ext}" for ext in ("svg", "pdf", "png")}
    draw_flow_diagram(counts, paths["svg"], paths["pdf"], paths["png"], links=links)
    return {ext: path.read_bytes() for ext, path in paths.items()}


def test_svg_contains_every_count_and_reason(tmp_path: Path) -> None:
    counts = full_counts(dbr_excluded={LONG_REASON: 60, "Wrong intervention": 9})
    svg = draw(tmp_path, counts)["svg"].decode()
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)[1]  # type: ignore[index]
    for value in (
        1432,
        612,
        598,
        222,
        87,
        61,
        26,
        402,
        35,
        12,
        1070,
        998,
        72,
        3,
        69,
        60,
        9,
        4,
        2,
        15,
        21,
        1,
        20,
        5,
        10,
        11,
        19,
        6,
    ):
        assert f"(n = {value:,})" in desc, value
    assert f"{LONG_REASON} (n = 60)" in desc
    assert "Wrong intervention (n = 12)" in desc and "No anxiety outcome (n = 5)" in desc
    assert "(n = 1,432)" in svg  # also in the drawn text (real SVG text)
    texts = " ".join(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)).split())
    for word in ("Identification", "Screening", "Included", "Previous studies"):
        assert word in texts


def test_svg_is_accessible_and_has_no_external_fonts(tmp_path: Path) -> None:
    svg = draw(tmp_path, ketamine_like)["svg"].decode()
    assert 'role="img"' in svg and '<title id="prisma-title">' in svg
    # real text (searchable, selectable) in the one face the site and the PDF provide
    assert "<text" in svg and "DejaVu Sans" in svg and "@font-face" not in svg
    assert "<dc:date>" not in svg


def test_svg_keeps_the_indent_of_sub_counts(tmp_path: Path) -> None:
    """Browsers and Typst collapse leading spaces unless the SVG asks to keep them."""
    counts = dataclasses.replace(
        ketamine_like, other_assessed_full_text=1, other_assessed_without_full_text=28
    )
    svg = draw(tmp_path, counts)["svg"].decode()
    root = ElementTree.fromstring(svg)
    assert root.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    texts = list(root.iter("{http://www.w3.org/2000/svg}text"))
    assert "    On the full text (n = 1)" in [t.text for t in texts]
    assert all("white-space: pre" in t.get("style", "") for t in texts)


def test_two_draws_are_byte_identical(tmp_path: Path) -> None:
    first = draw(tmp_path / "a", full_counts(), links={"box4": "records.html#screened"})
    second = draw(tmp_path / "b", full_counts(), links={"box4": "records.html#screened"})
    assert first == second
    plain = draw(tmp_path / "c", full_counts())
    assert plain["pdf"] == first["pdf"] and plain["png"] == first["png"]


def test_outputs_are_vector_pdf_and_300_dpi_png(tmp_path: Path) -> None:
    files = draw(tmp_path, full_counts())
    assert files["pdf"].startswith(b"%PDF") and b"/Subtype /Image" not in files["pdf"]
    assert b"CreationDate" not in files["pdf"]
    png = files["png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == round(layout(full_counts()).width * 300)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prisma.pdf", "prisma.png", "prisma.svg"]


def test_links_wrap_boxes_in_svg_anchors_with_tooltips(tmp_path: Path) -> None:
    links = {
        "records_screened": "records.html#screened",
        "box9": "records.html#excluded",
        "new_studies": "studies.html",
    }
    svg = draw(tmp_path, full_counts(**CHANGED), links=links)["svg"].decode()
    hrefs = re.findall(r'<a xlink:href="([^"]+)"', svg)
    assert sorted(hrefs) == sorted(links.values())
    assert 'target="_blank"' not in svg
    block = re.search(r'<g id="prisma-box-dbr_excluded">\s*<title>(.*?)</title>\s*<a ', svg, re.S)
    assert block and "Wrong population (n = 21)" in block[1]
    # every box gets a tooltip, linked or not
    for name in BOX_NAMES:
        assert re.search(rf'<g id="prisma-box-{name}">\s*<title>', svg), name


def test_without_links_there_are_no_anchors(tmp_path: Path) -> None:
    svg = draw(tmp_path, full_counts())["svg"].decode()
    assert "<a " not in svg and "prisma-box-" not in svg


def test_unknown_link_box_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown box 'box99'"):
        draw(tmp_path, full_counts(), links={"box99": "x.html"})
    assert list(tmp_path.iterdir()) == []


def test_links_only_for_boxes_present(tmp_path: Path) -> None:
    svg = draw(
        tmp_path, ketamine_like, links={"records_screened": "r.html", "other_assessed": "a.html"}
    )["svg"].decode()
    assert re.findall(r'<a xlink:href="([^"]+)"', svg) == ["a.html"]


def test_svg_stays_valid_xml_with_markup_in_labels(tmp_path: Path) -> None:
    counts = full_counts(
        dbr_excluded={'Wrong <population> & "adults"': 21, "Wrong intervention": 14,
                      "No anxiety outcome": 18, "Conference abstract without data": 9},
        **CHANGED,
    )  # fmt: skip
    links = {name: f"records.html?box={name}&v=1" for name in BOX_NAMES}
    svg = draw(tmp_path, counts, links=links)["svg"]
    root = ElementTree.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert len(root.findall(".//svg:a", ns)) == len(BOX_NAMES)
    titles = [t.text or "" for t in root.findall(".//svg:g/svg:title", ns)]
    assert any('Wrong <population> & "adults" (n = 21)' in t for t in titles)


def test_studies_of_reassessed_records_read_as_part_of_the_new_studies() -> None:
    """The re-assessment box names its studies as new studies from those records (a
    subset of "New studies included in review"), not as a group of their own beside it."""
    placed = layout(full_counts(**CHANGED))
    box = one_line(placed.box("reassessed").text)
    assert "New studies from these records (n = 1)" in box
    assert "not in previous version" not in box

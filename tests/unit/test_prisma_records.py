"""Tests for livingreview.prisma.records_appendix: the records behind each PRISMA box, the links,
and counts taken from a PRISMA2020 template.

Every ledger here is SYNTHETIC (helpers shared with test_prisma.py).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from test_prisma import (
    REASONS,
    both_arms_ledger,
    changed_decisions_ledger,
    dup,
    exc,
    inc,
    ledger,
    rec,
    screened_out,
)

from livingreview.config import validate_config
from livingreview.errors import ConfigError, PrismaError
from livingreview.prisma.counts import counts_to_json, derive_counts, flow_records, read_counts
from livingreview.prisma.flow_diagram import drawn_boxes
from livingreview.prisma.model import PreviousVersion
from livingreview.prisma.records_appendix import (
    decision,
    derive_prisma_outputs,
    draw_linked_flow_diagram,
    record_links,
    records_page_markdown,
    section_id,
    write_records_page,
)
from livingreview.prisma.template import from_prisma2020_csv, to_prisma2020_csv
from livingreview.text.sentences import flow_caption, study_selection_paragraph

ANCHOR = re.compile(r"^## .*\{#(?P<id>box-[a-z-]+) \.unnumbered\}$")


def sections(page: str) -> dict[str, str]:
    """Section id -> the Markdown under its heading."""
    out: dict[str, str] = {}
    current = None
    for line in page.splitlines():
        match = ANCHOR.match(line)
        if match:
            current = match["id"]
            out[current] = ""
        elif current:
            out[current] += line + "\n"
    return out


def table_ids(markdown: str) -> list[str]:
    """Record ids in the first column of the section's table rows."""
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [row.split("|")[1].strip() for row in rows[1:]]  # skip the header


def both_arms_page() -> tuple[str, object]:
    frame = both_arms_ledger()
    counts = derive_counts(frame, REASONS)
    return records_page_markdown(counts, flow_records(frame), REASONS), counts


def test_every_record_is_listed_once_where_it_left_the_flow() -> None:
    page, _ = both_arms_page()
    listed = [rid for body in sections(page).values() for rid in table_ids(body)]
    assert sorted(listed) == [f"R{i:03d}" for i in range(1, 17)]


def test_each_exit_section_lists_as_many_records_as_its_box_counts() -> None:
    page, counts = both_arms_page()
    found = {sid: len(table_ids(body)) for sid, body in sections(page).items()}
    removed = counts.duplicates + counts.excluded_automatic + counts.excluded_other
    assert found[section_id("duplicates")] == removed == 3
    assert found[section_id("records_excluded")] == counts.records_excluded == 2
    assert found[section_id("dbr_notretrieved_reports")] == counts.dbr_notretrieved_reports
    assert found[section_id("dbr_excluded")] == counts.dbr_excluded_total == 3
    assert found[section_id("other_notretrieved_reports")] == counts.other_notretrieved_reports
    assert found[section_id("other_excluded")] == counts.other_excluded_total == 1
    assert found[section_id("new_studies")] == counts.new_reports == 4
    # identified by other methods but never sought (screened out): listed in the arm's first box
    assert table_ids(sections(page)[section_id("website_results")]) == ["R016"]


def test_pass_through_boxes_link_to_where_their_records_went() -> None:
    page, counts = both_arms_page()
    screened = sections(page)[section_id("records_screened")]
    assert f"[Excluded at screening](#box-records-excluded) (n = {counts.records_excluded})" in (
        screened
    )
    assert f"(#box-dbr-sought-reports) (n = {counts.dbr_sought_reports})" in screened
    assessed = sections(page)[section_id("dbr_assessed")]
    assert "(#box-new-studies) (n = 3)" in assessed  # R001, R011, R012
    every_link = re.findall(r"\]\(#(box-[a-z-]+)\)", page)
    assert set(every_link) <= set(sections(page))


def test_one_section_per_drawn_box_and_the_heading_carries_its_count() -> None:
    page, counts = both_arms_page()
    expected = [section_id(b) for b in drawn_boxes(counts)]
    assert list(sections(page)) == expected
    n = counts.records_screened
    assert n == 9
    assert f"## Records screened (n = {n}) {{#box-records-screened .unnumbered}}" in page
    assert page.startswith("---\nresources:\n  - records-data/*.js\n---\n")  # browser data
    body = page.split("---\n\n", 1)[1]
    assert body.startswith("# PRISMA flow diagram: the records behind each box {#sec-prisma-")


def test_decisions_and_reasons_shown_for_each_exit() -> None:
    rows = {
        "duplicate": ({"duplicate_of": "R9"}, ("Duplicate of R9", "")),
        "automation": (
            {"removed": "automation", "removed_reason": "tool X"},
            ("Marked ineligible by an automation tool", "tool X"),
        ),
        "screened": (
            {"screening": "exclude", "screening_reason": "animal study"},
            ("Excluded at screening", "animal study"),
        ),
        "not retrieved": (
            {"screening": "include", "retrieval": "not_retrieved"},
            ("Not retrieved", ""),
        ),
        "excluded": (
            {"eligibility": "exclude", "exclusion_reason": "wrong_population"},
            ("Excluded at eligibility assessment", "Wrong population"),
        ),
        # the decision says what was read (read_from), never "full text" unless it was
        "excluded on the abstract": (
            {
                "eligibility": "exclude",
                "exclusion_reason": "wrong_population",
                "read_from": "abstract+registration",
            },
            (
                "Excluded at eligibility assessment of the abstract and the trial registration",
                "Wrong population",
            ),
        ),
        "excluded on the full text": (
            {
                "eligibility": "exclude",
                "exclusion_reason": "wrong_population",
                "read_from": "full_text",
            },
            ("Excluded at eligibility assessment of the full text", "Wrong population"),
        ),
        "included": (
            {"eligibility": "include", "study_id": "S1"},
            ("Included: study S1", ""),
        ),
    }
    for name, (row, expected) in rows.items():
        assert decision(row, REASONS) == expected, name


def test_data_values_are_escaped_in_the_table() -> None:
    frame = ledger(
        inc("S1", title="<script>alert(1)</script> | *bold* {{< var x >}}", source="A|B"),
    )
    counts = derive_counts(frame, REASONS)
    page = records_page_markdown(counts, flow_records(frame), REASONS)
    row = next(line for line in page.splitlines() if line.startswith("| R001"))
    assert "<script>" not in page and "{{<" not in page
    assert r"\<script\>alert(1)\</script\> \| \*bold\* \{\{\< var x \>\}\}" in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells, no cell split by data


def test_empty_ledger_gives_a_page_that_says_so() -> None:
    frame = ledger()
    counts = derive_counts(frame, REASONS)
    page = records_page_markdown(counts, flow_records(frame), REASONS)
    included = sections(page)[section_id("new_studies")]
    assert "No records." in included
    assert "(0 studies, 0 reports)" in page


def test_updated_review_lists_the_previous_reports_once() -> None:
    frame = ledger(
        inc("S1"),  # R001: previous version
        exc("wrong_population"),  # R002: previous version
        inc("S1"),  # R003: new report of an old study
        inc("S2"),  # R004
        screened_out(),  # R005
    )
    previous = PreviousVersion(study_ids={"S1"}, report_ids={"R001"}, record_ids={"R001", "R002"})
    counts = derive_counts(frame, REASONS, previous)
    page = records_page_markdown(counts, flow_records(frame, previous), REASONS)
    found = sections(page)
    assert table_ids(found[section_id("previous_studies")]) == ["R001"]
    assert table_ids(found[section_id("new_studies")]) == ["R003", "R004"]
    assert "R002" not in page  # accounted for by the previous version, not counted again
    total = found[section_id("total_studies")]
    assert "(#box-previous-studies) (n = 1)" in total and "(#box-new-studies) (n = 2)" in total


def test_changed_decisions_on_previous_records_have_their_own_sections() -> None:
    """S2 of the previous version is excluded now and R004, excluded then, is included:
    both are shown with their decision now, and the arithmetic of the links holds."""
    now, previous = changed_decisions_ledger()
    counts = derive_counts(now, REASONS, previous)
    page = records_page_markdown(counts, flow_records(now, previous), REASONS)
    found = sections(page)
    assert table_ids(found[section_id("previous_studies")]) == ["R001", "R002", "R003"]
    withdrawn = found[section_id("previous_withdrawn")]
    assert table_ids(withdrawn) == ["R002", "R003"]
    assert "Excluded at eligibility assessment | Wrong population" in withdrawn
    assert table_ids(found[section_id("reassessed")]) == ["R004"]
    assert table_ids(found[section_id("new_studies")]) == ["R005", "R004"]
    previous_links = found[section_id("previous_studies")]
    assert "(#box-previous-withdrawn) (n = 2)" in previous_links
    assert "(#box-total-studies) (n = 1)" in previous_links
    total = found[section_id("total_studies")]
    assert "(#box-previous-studies) (n = 1)" in total and "(#box-new-studies) (n = 2)" in total
    assert "excluded from this update (1 study, 2 reports)" in page
    sentence = study_selection_paragraph(counts)
    assert "Re-assessment excluded 1 study that the previous version included" in sentence
    assert "wrong population (1); no anxiety outcome (1)" in sentence
    assert "On re-assessment, 1 record that an earlier version did not include" in sentence
    assert "so the review includes 3 studies in 3 reports" in sentence
    caption = flow_caption(counts, "update", "2.0")
    assert caption.endswith(
        "Under Previous studies, boxes of their own show the studies of version 2.0 excluded "
        "from this update and the records of earlier versions included on re-assessment."
    )


def test_template_counts_give_a_page_without_records() -> None:
    counts = derive_counts(both_arms_ledger(), REASONS)
    page = records_page_markdown(counts, None, REASONS, counts_source="config/prisma\\_2020.csv")
    assert "| Record |" not in page
    assert "read from a PRISMA2020 template" in page
    assert "config/prisma" not in page  # no project path reaches readers
    assert list(sections(page)) == [section_id(b) for b in drawn_boxes(counts)]


def test_links_point_from_the_svg_to_each_drawn_box_section() -> None:
    counts = derive_counts(both_arms_ledger(), REASONS)
    links = record_links(counts, "results/figures/prisma_flow.svg", "results/prisma/records.qmd")
    assert list(links) == drawn_boxes(counts)
    assert links["records_screened"] == "../prisma/records.html#box-records-screened"


def test_linked_svg_has_anchors_tooltips_and_clickable_overlays(tmp_path: Path) -> None:
    counts = derive_counts(both_arms_ledger(), REASONS)
    counts_json = tmp_path / "counts.json"
    counts_json.write_text(counts_to_json(counts, REASONS))
    svg = tmp_path / "fig" / "flow.svg"
    draw_linked_flow_diagram(
        counts_json, svg, tmp_path / "f.pdf", tmp_path / "f.png", tmp_path / "p" / "records.qmd"
    )
    text = svg.read_text()
    hrefs = re.findall(r'xlink:href="(\.\./p/records\.html#box-[a-z-]+)"', text)
    assert len(hrefs) == len(drawn_boxes(counts))
    assert text.count('pointer-events="all"') == len(hrefs)
    assert f"<title>Records screened (n = {counts.records_screened})</title>" in text
    assert 'role="group"' in text  # role="img" would hide the links from screen readers


def test_flow_diagrams_write_only_the_renditions_asked_for(tmp_path: Path) -> None:
    """No output format shows a figure's PDF: the build asks for SVG and PNG only."""
    counts = derive_counts(both_arms_ledger(), REASONS)
    counts_json = tmp_path / "counts.json"
    counts_json.write_text(counts_to_json(counts, REASONS))
    out = tmp_path / "fig"
    draw_linked_flow_diagram(
        counts_json, out / "flow.svg", None, out / "flow.png", tmp_path / "records.qmd",
        other=(counts_json, [out / "other.svg", out / "other.png"]),
    )  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == [
        "flow.png", "flow.svg", "other.png", "other.svg"
    ]  # fmt: skip
    assert "records.html#box-" in (out / "flow.svg").read_text()
    assert "records.html#box-" not in (out / "other.svg").read_text()


# --------------------------------------------------------------------------- #
# derive_prisma_outputs: ledger or PRISMA2020 template
# --------------------------------------------------------------------------- #


def write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    frame = both_arms_ledger().drop(columns="_line")
    records = tmp_path / "records.csv"
    frame.fillna("").to_csv(records, index=False)
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump({"exclusion_reasons": REASONS}))
    return records, protocol


def outputs(tmp_path: Path) -> dict[str, Path]:
    out = tmp_path / "out"
    return {
        "counts_json": out / "counts.json",
        "template_csv": out / "prisma2020.csv",
        "records_page": out / "records.qmd",
    }


def test_outputs_from_the_ledger(tmp_path: Path) -> None:
    records, protocol = write_inputs(tmp_path)
    paths = outputs(tmp_path)
    counts = derive_prisma_outputs(records, protocol, **paths)
    assert read_counts(paths["counts_json"]) == counts
    assert from_prisma2020_csv(paths["template_csv"]) == counts
    assert "| R016 |" in paths["records_page"].read_text()


def test_counts_template_replaces_the_ledger(tmp_path: Path) -> None:
    records, protocol = write_inputs(tmp_path)
    counts = derive_counts(both_arms_ledger(), REASONS)
    template = tmp_path / "filled_in.csv"
    template.write_text(to_prisma2020_csv(counts))
    # The ledger now says something else: the template must win.
    records.write_text(records.read_text().splitlines()[0] + "\n")
    paths = outputs(tmp_path)
    assert derive_prisma_outputs(records, protocol, **paths, counts_template=template) == counts
    assert paths["template_csv"].read_text() == template.read_text()
    page = paths["records_page"].read_text()
    assert "read from a PRISMA2020 template" in page and "| Record |" not in page
    assert "filled" not in page  # the file's path is for the team, not for readers


def test_counts_template_must_add_up_and_nothing_is_written(tmp_path: Path) -> None:
    records, protocol = write_inputs(tmp_path)
    counts = derive_counts(both_arms_ledger(), REASONS)
    text = re.sub(r"^(records_screened,.*),\d+$", r"\1,999", to_prisma2020_csv(counts), flags=re.M)
    assert ",999\n" in text
    template = tmp_path / "bad.csv"
    template.write_text(text)
    paths = outputs(tmp_path)
    with pytest.raises(PrismaError, match=r"bad\.csv.*box4 records_screened is 999"):
        derive_prisma_outputs(records, protocol, **paths, counts_template=template)
    assert not any(p.exists() for p in paths.values())


def test_config_accepts_counts_template_and_rejects_unknown_keys() -> None:
    base = {
        "data": dict.fromkeys(
            [
                "protocol",
                "records",
                "studies",
                "extraction_sources",
                "outcomes",
                "effects",
                "risk_of_bias",
                "bibliography",
            ],
            "x",
        ),
        "render": {"backend": "auto", "formats": ["html"]},
    }
    base["data"]["bibliography"] = "x.bib"  # a BibTeX file's name ends in .bib
    validate_config({**base, "prisma": {"counts_template": "data/prisma2020.csv"}})
    with pytest.raises(ConfigError, match=r"\[prisma\.count_template\]: unknown setting"):
        validate_config({**base, "prisma": {"count_template": "x.csv"}})


def test_other_methods_only_has_no_screening_sections() -> None:
    frame = ledger(
        rec("citation_search", retrieval="retrieved", eligibility="include", study_id="S1"),
        rec("website", retrieval="not_retrieved"),
    )
    counts = derive_counts(frame, REASONS)
    page = records_page_markdown(counts, flow_records(frame), REASONS)
    assert section_id("records_screened") not in page
    assert next(iter(sections(page))) == section_id("website_results")


# --------------------------------------------------------------------------- #
# The ketamine review: its exported template round-trips to the same drawing
# --------------------------------------------------------------------------- #

ROOT = Path(__file__).resolve().parents[2]


READING = (
    "dbr_assessed_full_text",
    "dbr_assessed_without_full_text",
    "other_assessed_full_text",
    "other_assessed_without_full_text",
)


def test_ketamine_template_round_trips_to_the_same_counts_and_drawing(tmp_path: Path) -> None:
    """Every count survives the PRISMA2020 template, except what was read for each
    assessment (full text or not), which the template has no row for."""
    out = tmp_path / "ledger"
    counts = derive_prisma_outputs(
        ROOT / "data" / "records.csv",
        ROOT / "data" / "protocol.yaml",
        out / "counts.json",
        out / "prisma2020.csv",
        out / "records.qmd",
    )
    assert counts.total_studies > 0 and counts.other_excluded
    assert counts.other_assessed_without_full_text is not None
    counts = dataclasses.replace(counts, **dict.fromkeys(READING))
    imported = from_prisma2020_csv(out / "prisma2020.csv")
    assert imported == counts
    again = tmp_path / "template"
    assert (
        derive_prisma_outputs(
            ROOT / "data" / "records.csv",
            ROOT / "data" / "protocol.yaml",
            again / "counts.json",
            again / "prisma2020.csv",
            again / "records.qmd",
            counts_template=out / "prisma2020.csv",
        )
        == counts
    )
    assert (again / "prisma2020.csv").read_bytes() == (out / "prisma2020.csv").read_bytes()
    (out / "counts.json").write_text(counts_to_json(counts), encoding="utf-8")
    drawings = []
    for folder in (out, again):
        names = [folder / f"flow.{ext}" for ext in ("svg", "pdf", "png")]
        draw_linked_flow_diagram(folder / "counts.json", *names, folder / "records.qmd")
        drawings.append([p.read_bytes() for p in names])
    assert drawings[0] == drawings[1]


def test_records_awaiting_a_decision_are_listed_apart() -> None:
    """One synthetic record not yet screened: listed in its own section, not counted."""
    frame = ledger(inc("S1"), rec(title="Synthetic not yet screened"))
    counts = derive_counts(frame, REASONS)
    page = records_page_markdown(counts, flow_records(frame), REASONS)
    assert counts.records_screened == 1
    assert "## Awaiting a decision {#box-awaiting .unnumbered}" in page
    awaiting_part = page.split("Awaiting a decision", 1)[1]
    assert "Synthetic not yet screened" in awaiting_part
    assert "Awaiting title/abstract screening" in awaiting_part


# --------------------------------------------------------------------------- #
# Scale (issue 19): counts above the listing limit, the records browser's data
# --------------------------------------------------------------------------- #


def big_ledger(screened: int = 2500):
    """Synthetic: two included, one excluded at full text, many screened out, some duplicates."""
    rows = [inc("S1"), inc("S2", source="Embase"), exc("wrong_population")]
    rows += [screened_out(source=("MEDLINE", "Embase")[i % 2]) for i in range(screened)]
    rows += [dup(f"R{4 + i:03d}") for i in range(150)]
    return ledger(*rows)


def test_large_screening_boxes_give_counts_and_full_text_reports_stay_listed() -> None:
    frame = big_ledger()
    counts = derive_counts(frame, REASONS)
    page = records_page_markdown(counts, flow_records(frame), REASONS, listed=100)
    found = sections(page)
    excluded = found[section_id("records_excluded")]
    assert table_ids(excluded) != [] and "| R004 |" not in page  # no record rows
    assert "| MEDLINE | Excluded at screening |  | 1,250 |" in excluded
    assert "| Embase | Excluded at screening |  | 1,250 |" in excluded
    assert 'data-box="records_excluded"' in excluded  # website link to the browser
    duplicates = found[section_id("duplicates")]
    assert "| MEDLINE | Duplicate of an earlier record |  | 150 |" in duplicates
    assert "R004" not in duplicates
    assert table_ids(found[section_id("dbr_excluded")]) == ["R003"]
    assert table_ids(found[section_id("new_studies")]) == ["R001", "R002"]
    assert len(page) < 10_000  # not one row per record
    # The website lists every record (in the browser for large boxes); print gives
    # counts, so its introduction says each record is counted, not that it appears.
    assert "Every record of the screening ledger appears once" in page  # website text
    assert "Every record of the screening ledger is counted once" in page  # print text
    small = records_page_markdown(counts, flow_records(frame), REASONS, listed=10_000)
    assert "| R2653 |" in small  # under the limit every record is listed


def test_browser_data_holds_every_record_once_in_pages(tmp_path: Path) -> None:
    import json

    from livingreview.prisma import records_browser

    frame = big_ledger()
    records = tmp_path / "records.csv"
    frame.drop(columns=["_line"]).fillna("").to_csv(records, index=False)
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump({"exclusion_reasons": REASONS}))
    paths = outputs(tmp_path)
    derive_prisma_outputs(records, protocol, **paths)
    folder = paths["records_page"].parent / "records-data"
    text = (folder / "index.js").read_text()
    index = json.loads(text[len("LR_RECORDS_INDEX(") : -len(");\n")])
    seen = []
    for box in index["boxes"]:
        assert box["count"] == sum(g["count"] for g in box["groups"])
        for group in box["groups"]:
            rows = []
            for name in group["pages"]:
                page = (folder / name).read_text()
                assert page.startswith(f'LR_RECORDS_PAGE("{name}",')
                rows += json.loads(page[len(f'LR_RECORDS_PAGE("{name}",') : -len(");\n")])
            assert len(rows) == group["count"]
            assert all(r[3] == group["source"] and r[5] == group["reason"] for r in rows)
            seen += [r[0] for r in rows]
    assert sorted(seen) == sorted(frame["record_id"])
    screened = next(b for b in index["boxes"] if b["box"] == "records_excluded")
    assert [len(g["pages"]) for g in screened["groups"]] == [2, 2]  # 1,250 each, 1,000 a page
    assert (folder / records_browser.SCRIPT).read_text().startswith("/* livingreview records")


def test_browser_data_escapes_markup() -> None:
    from livingreview.prisma.records_browser import browser_files

    rows = [{"record_id": "R1", "title": "</script><b>x</b> & y", "source": "S"}]
    files = browser_files([("records_excluded", "Excluded", rows)], lambda r: ("Excluded", ""))
    page = files["p00001.js"]
    assert "</script>" not in page and "<b>" not in page and "&" not in page
    assert "\\u003c/script\\u003e" in page


def _browser_index(folder: Path) -> dict:
    import json

    text = (folder / "index.js").read_text()
    return json.loads(text[len("LR_RECORDS_INDEX(") : -len(");\n")])


def _count_in(title: str) -> int:
    """The records a browser label counts: "(n = 2)", or the reports of "(1 study, 2 reports)"."""
    found = re.search(r"\(n = ([\d,]+)\)$", title) or re.search(r"([\d,]+) reports?\)$", title)
    assert found, title
    return int(found[1].replace(",", ""))


def test_browser_labels_count_the_records_the_browser_lists(tmp_path: Path) -> None:
    """The browser lists per box only the records that left the flow there. Its option
    "Records identified by other methods (n = 6)" listed 2 records: a box whose drawn
    count holds more is named by what it lists, with that count. The previous version's
    box lists only its reports still in the ledger (one dropped since then is listed
    with those excluded from this update). Synthetic ledgers."""
    records, protocol = write_inputs(tmp_path)  # both arms: R016 identified, never sought
    data = tmp_path / "data"
    counts = derive_counts(both_arms_ledger(), REASONS)
    write_records_page(records, protocol, counts, tmp_path / "p.qmd", records_data=data)
    boxes = {b["box"]: b for b in _browser_index(data)["boxes"]}
    assert counts.other_identified == 4
    assert boxes["website_results"]["title"] == (
        "Records identified by other methods, not sought for retrieval (n = 1)"
    )
    for box in boxes.values():  # every option counts what choosing it lists
        assert _count_in(box["title"]) == box["count"], box["title"]
    # an update whose previous version included a report no longer in the ledger
    old = ledger(inc("S1"), inc("S2"), inc("S2"))
    now = ledger(inc("S1"), inc("S2"))  # R003 is gone
    previous = PreviousVersion.from_records(old)
    now.drop(columns=["_line"]).fillna("").to_csv(records, index=False)
    update = derive_counts(now, REASONS, previous)
    assert update.previous_reports == 3
    write_records_page(
        records, protocol, update, tmp_path / "p.qmd", None, previous, records_data=data
    )
    boxes = {b["box"]: b for b in _browser_index(data)["boxes"]}
    assert boxes["previous_studies"]["title"] == (
        "Reports included in the previous version, with a decision now (n = 2)"
    )
    for box in boxes.values():
        assert _count_in(box["title"]) == box["count"], box["title"]
    # the page's own headings keep the counts the diagram draws
    page = (tmp_path / "p.qmd").read_text()
    assert "## Studies included in the previous version (2 studies, 3 reports)" in page


# Format-specific wording (issue 14): what the website says about its links and browser
# never reaches DOCX/PDF, and print wording never mentions what only a browser can do.
INTERACTIVE = re.compile(
    r"\b(click\w*|filter\w*|brows\w*|links? to|links? from|show these|on the website|"
    r"select\w*|scroll\w*|page by page)\b",
    re.IGNORECASE,
)


def reader_text(page: str, fmt: str) -> str:
    """The page's text as readers of ``fmt`` see it (Quarto's conditional content applied
    as the renderer applies it), headings included, raw HTML left out."""
    import json

    import pypandoc

    from livingreview.render import ast as A
    from livingreview.render.finish import _conditional

    body = page.split("---\n", 2)[-1] if page.startswith("---\n") else page
    blocks = json.loads(pypandoc.convert_text(body, "json", format="markdown"))["blocks"]

    def visit(el):
        if el["t"] in ("Div", "Span") and {"content-visible", "content-hidden"} & set(
            el["c"][0][1]
        ):
            return _conditional(el, fmt)
        return None

    blocks = A.walk(blocks, visit)
    return "\n".join(A.stringify(b) for b in blocks)


@pytest.mark.parametrize("listed", [1000, 10])  # 10: screening boxes give counts
def test_records_page_words_suit_each_format(listed: int) -> None:
    frame = big_ledger(screened=200)
    counts = derive_counts(frame, REASONS)
    page = records_page_markdown(counts, flow_records(frame), REASONS, listed=listed)
    web, docx, typst = (reader_text(page, fmt) for fmt in ("html", "docx", "typst"))
    assert docx == typst
    assert INTERACTIVE.findall(docx) == [], docx  # print names no interactive feature
    assert "Records browser" in web and "Records browser" not in docx
    assert "links to its section" in web  # the website's diagram is clickable
    # each format says where its own boxes' records are
    assert "has a section" in docx and "has a section" not in web
    if listed == 10:
        assert "website version of this appendix lists each one" in docx
        assert "website version" not in web and "browser above lists each one" in web


def test_records_table_columns_fit_their_headings_in_docx() -> None:
    """Issue 14: in the DOCX (8 pt bold headings, 16 cm text width) the records table
    broke "Recor-d" and "Yea-r": the Record column needs about 39 pt (8.6% of the text
    width, cell margins included) and the Year column about 28 pt (6.2%)."""
    import json

    import pypandoc

    frame = both_arms_ledger()
    page = records_page_markdown(derive_counts(frame, REASONS), flow_records(frame), REASONS)
    table = next(
        b
        for b in json.loads(pypandoc.convert_text(page, "json", "markdown"))["blocks"]
        if b["t"] == "Table"
    )
    widths = [spec[1]["c"] for spec in table["c"][2]]
    assert widths[0] >= 0.09 and widths[2] >= 0.065, widths


def test_browser_data_names_included_studies_by_their_label(tmp_path: Path) -> None:
    """The records browser (website) named an included record's study by its internal id
    ("Included: study glue2017") where the static list names it "Glue 2017": its data
    scripts pass the reader-words check that the pages pass."""
    from livingreview.render.reader_text import leaked_script_terms

    frame = ledger(inc("alpha2019", bib_key="alpha2019"), exc("wrong_population"))
    records = tmp_path / "records.csv"
    frame.drop(columns=["_line"]).fillna("").to_csv(records, index=False)
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump({"exclusion_reasons": REASONS}))
    studies = tmp_path / "studies.csv"
    studies.write_text(
        "study_id,bib_key,diagnosis_group,design_class\nalpha2019,alpha2019,ptsd,rct_parallel\n"
    )
    bibliography = tmp_path / "refs.bib"
    bibliography.write_text(
        "@article{alpha2019, title = {T}, author = {Alpha, A.}, year = {2019}}\n"
    )
    page, data = tmp_path / "records.qmd", tmp_path / "records-data"
    write_records_page(
        records, protocol, derive_counts(frame, REASONS), page,
        studies=studies, bibliography=bibliography, records_data=data,
    )  # fmt: skip
    scripts = sorted(p for p in data.glob("*.js") if p.name != "records-browser.js")
    assert leaked_script_terms(scripts, set(), {"alpha2019"}) == {}
    assert "Included: study Alpha 2019" in " ".join(p.read_text() for p in scripts)
    # the check finds an internal key in the data a script shows
    (data / "p09999.js").write_text(
        'LR_RECORDS_PAGE("p09999.js",[["R1","Included: study alpha2019"]]);\n'
    )
    assert leaked_script_terms([data / "p09999.js"], set(), {"alpha2019"}) == {
        "p09999.js": ["alpha2019"]
    }


def test_the_version_history_diagram_has_a_heading_of_its_own() -> None:
    """It came right after the corrections list, as if it belonged to that section."""
    from livingreview.text.sentences import other_flow_figure_markdown

    now, previous = changed_decisions_ledger()
    counts = derive_counts(now, REASONS, previous)
    block = other_flow_figure_markdown(counts, counts, "update", "img", "2.0")
    assert block.startswith("## Flow diagram of this update {.unnumbered}\n\nFor comparison, ")


def test_the_update_diagram_alt_text_describes_the_update_template() -> None:
    """Its alt text said "PRISMA 2020 flow diagram for other methods.": it is the template
    for updated reviews, with a column of the previous version's studies."""
    from livingreview.text.sentences import other_flow_figure_markdown

    now, previous = changed_decisions_ledger()
    counts = derive_counts(now, REASONS, previous)
    block = other_flow_figure_markdown(counts, counts, "update", "img", "2.0")
    alt = re.search(r'fig-alt="([^"]*)"', block).group(1)
    assert alt.startswith("PRISMA 2020 flow diagram for an updated review: a column of previous")
    assert "included in version 2.0" in alt and "Total studies included in review" in alt


def test_flow_alt_text_names_the_boxes_drawn_with_their_counts(tmp_path: Path) -> None:
    """The alt text listed boxes "identified, removed, screened, sought..." for a diagram of
    other methods only (which has no removed or screened box), gave no counts, and left
    out an update's "excluded from this update" and "included on re-assessment" boxes."""
    from livingreview.text.sentences import flow_figure_markdown, other_flow_figure_markdown

    other = derive_counts(
        ledger(
            rec("citation_search", retrieval="retrieved", eligibility="include", study_id="S1"),
            rec("website", retrieval="not_retrieved"),
        ),
        REASONS,
    )
    alt = re.search(r'fig-alt="([^"]*)"', flow_figure_markdown(other, "new", "img")).group(1)
    assert "removed" not in alt and "screened" not in alt
    assert f"Websites (n = {other.website_results})" in alt
    assert f"Reports not retrieved (n = {other.other_notretrieved_reports})" in alt
    assert f"Studies included in review (n = {other.new_studies})" in alt
    # the website's diagram says the same: one description for every format
    counts_json = tmp_path / "counts.json"
    counts_json.write_text(counts_to_json(other, REASONS))
    svg = tmp_path / "flow.svg"
    draw_linked_flow_diagram(counts_json, svg, None, None, tmp_path / "records.qmd")
    desc = re.search(r'<desc id="prisma-desc">([^<]*)</desc>', svg.read_text()).group(1)
    assert desc == alt

    now, previous = changed_decisions_ledger()
    update = derive_counts(now, REASONS, previous)
    block = other_flow_figure_markdown(update, update, "update", "img", "2.0")
    alt = re.search(r'fig-alt="([^"]*)"', block).group(1)
    assert (
        "Studies included in previous version excluded from this update "
        f"(n = {update.withdrawn_studies})"
    ) in alt
    assert f"included on re-assessment (n = {update.reassessed_reports})" in alt
    assert f"Total studies included in review (n = {update.total_studies})" in alt

"""The corpus of bad inputs: every user-facing message names the file, the line and the column.

One place that proves what a review team sees when an input is wrong. Each case
edits a copy of a valid fixture (the data of ``test_evidence.py``, the book of
``tests/fixtures/render``, a config, a PRISMA2020 template), runs the loader a
user's command runs, and asserts the printed message: ``file:line [column]:
what``, plus a fix. The module tests go deeper into each checker; this corpus
checks the words the user reads. Inputs that spreadsheets and editors write
(UTF-8 with a byte-order mark, CRLF line endings) must load.

All data here is SYNTHETIC.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from test_evidence import NAMES, fixture_texts, write_review
from test_render_errors import FIXTURE, chapter, project

from livingreview.config import load_config
from livingreview.errors import ReviewError
from livingreview.evidence.review_data import load_review_data
from livingreview.prisma.counts import derive_counts_from_files
from livingreview.prisma.model import PrismaCounts
from livingreview.prisma.template import from_prisma2020_csv, to_prisma2020_csv
from livingreview.render import check_manuscript_or_raise

METHODS = "manuscript/02-methods.qmd"
CONFIG = {
    "data": {
        "protocol": "data/protocol.yaml",
        "records": "data/records.csv",
        "studies": "data/studies.csv",
        "extraction_sources": "data/extraction_sources.csv",
        "outcomes": "data/outcomes.csv",
        "effects": "data/effects.csv",
        "risk_of_bias": "data/risk_of_bias.csv",
        "bibliography": "refs/references.bib",
    },
    "render": {"backend": "auto", "formats": ["html", "docx", "pdf"]},
}

Run = Callable[[Path], object]


# --------------------------------------------------------------------------- #
# How each kind of input is loaded (the path a user's command takes)
# --------------------------------------------------------------------------- #


def data(edit: Callable[[dict[str, str | bytes]], None]) -> Run:
    """Load the data files (``livingreview validate``, rule validate_data) after ``edit``."""

    def run(tmp_path: Path) -> object:
        texts = fixture_texts()
        edit(texts)
        return load_review_data(**write_review(tmp_path, texts))

    return run


def replace(key: str, old: str, new: str, encoding: str | None = None) -> Run:
    def edit(texts: dict[str, str | bytes]) -> None:
        text = texts[key]
        assert isinstance(text, str) and old in text, f"{old!r} not in the {key} fixture"
        text = text.replace(old, new, 1)
        texts[key] = text.encode(encoding) if encoding else text

    return data(edit)


def append(key: str, text: str) -> Run:
    def edit(texts: dict[str, str | bytes]) -> None:
        texts[key] = str(texts[key]) + text

    return data(edit)


def manuscript(files: dict[str, str | bytes]) -> Run:
    """Check the chapters of the fixture book (``livingreview check``, and the check the
    rule render_book starts with)."""

    def run(tmp_path: Path) -> object:
        texts = {k: v for k, v in files.items() if isinstance(v, str)}
        root = project(tmp_path, texts)
        for name, raw in files.items():
            if isinstance(raw, bytes):
                (root / name).write_bytes(raw)
        return check_manuscript_or_raise(root)

    return run


def config(text: str | bytes) -> Run:
    """Read config/config.yaml as the workflow does."""

    def run(tmp_path: Path) -> object:
        path = tmp_path / "config" / "config.yaml"
        path.parent.mkdir()
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return load_config(path)

    return run


def config_with(**changes: object) -> Run:
    return config(yaml.safe_dump({**CONFIG, **changes}))


def ledger(records: str) -> Run:
    """Derive the PRISMA counts (rule derive_prisma_counts) from a ledger."""

    def run(tmp_path: Path) -> object:
        paths = write_review(tmp_path, {**fixture_texts(), "records": records})
        out = tmp_path / "out"
        return derive_counts_from_files(
            paths["records"], paths["protocol"], out / "counts.json", out / "prisma2020.csv"
        )

    return run


def template(edit: Callable[[str], str]) -> Run:
    """Read a filled-in PRISMA2020 template (config prisma.counts_template)."""

    def run(tmp_path: Path) -> object:
        path = tmp_path / "prisma2020.csv"
        path.write_text(edit(template_text()), encoding="utf-8")
        return from_prisma2020_csv(path)

    return run


def template_text() -> str:
    """A consistent template: 12 citations found, 2 not retrieved, 3 excluded, 7 included."""
    counts = PrismaCounts(
        **{f.name: 0 for f in dataclasses.fields(PrismaCounts)}
        | {name: {} for name in ("database_specific", "register_specific", "dbr_excluded")}
        | {name: None for name in ("previous_studies", "previous_reports")}
        | {"total_studies_ma": None, "total_reports_ma": None}
        | {"citations_results": 12, "other_sought_reports": 12, "other_notretrieved_reports": 2}
        | {"other_assessed": 10, "other_excluded": {"Wrong population": 3}}
        | {"new_studies": 5, "new_reports": 7, "total_studies": 5, "total_reports": 7}
    )
    return to_prisma2020_csv(counts)


def set_template_value(key: str, value: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        new, n = re.subn(rf"^({key},.*),[^,\n]*$", rf"\g<1>,{value}", text, flags=re.M)
        assert n == 1
        return new

    return edit


# Ledger rows (header of the evidence fixture) for PRISMA cases.
HEADER = (
    "record_id,source_type,source,search_date,title,year,duplicate_of,screening,"
    "retrieval,eligibility,exclusion_reason,study_id,bib_key\n"
)

# --------------------------------------------------------------------------- #
# The corpus: (how to load, file, line, column, message)
# --------------------------------------------------------------------------- #

CASES = [
    # encoding and layout
    pytest.param(
        replace("records", "Trial two", "Trial deux é", encoding="latin-1"),
        "records.csv", 3, None, r"is not valid UTF-8 text; found 'byte 0xe9'",
        id="latin1-records",
    ),
    pytest.param(
        replace("protocol", "Adults.", "Adultes âgés.", encoding="latin-1"),
        "protocol.yaml", 5, None, r"is not valid UTF-8 text",
        id="latin1-protocol",
    ),
    pytest.param(
        manuscript({METHODS: chapter("Résumé").encode("latin-1")}),
        METHODS, 3, None, r"is not valid UTF-8 text",
        id="latin1-chapter",
    ),
    pytest.param(
        # saved twice with a byte-order mark: the second one is part of the first name
        data(lambda texts: texts.__setitem__("studies", "\ufeff\ufeff" + str(texts["studies"]))),
        "studies.csv", 1, "study_id", r"column name holds an invisible character \(U\+FEFF\)",
        id="two-byte-order-marks",
    ),
    pytest.param(
        replace("studies", ",route\n", ",route\u200b\n"),
        "studies.csv", 1, "route", r"column name holds an invisible character \(U\+200B\)",
        id="zero-width-space-in-a-column-name",
    ),
    # columns
    pytest.param(
        replace("records", ",source,", ",origin,"),
        "records.csv", 1, "source", r"required column is missing",
        id="missing-column",
    ),
    pytest.param(
        replace("studies", ",route\n", ",colour\n"),
        "studies.csv", 1, "colour", r"unknown column",
        id="unknown-column",
    ),
    # hostile and careless inputs (issue: no configuration can harm the project)
    pytest.param(
        replace("protocol", "question: Does the drug help?\n",
                "question: Does the drug help?\nx: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                + "".join(f"x{i}: &a{i} [{', '.join(['*a' if i == 0 else f'*a{i - 1}'] * 10)}]\n"
                          for i in range(7))),
        "protocol.yaml", None, None, r"expands to more than 1,000,000 values",
        id="alias-bomb-protocol",
    ),
    pytest.param(
        config("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
               + "".join(f"b{i}: &b{i} [{', '.join(['*a' if i == 0 else f'*b{i - 1}'] * 10)}]\n"
                         for i in range(7))),
        "config.yaml", None, None, r"expands to more than",
        id="alias-bomb-config",
    ),
    pytest.param(
        replace("protocol", "diagnosis_groups:\n", "question: Twice?\ndiagnosis_groups:\n"),
        "protocol.yaml", 12, None, r"key 'question' appears twice in one mapping \(lines 1 and 12",
        id="duplicate-yaml-key",
    ),
    pytest.param(
        config_with(data={k: v for k, v in CONFIG["data"].items() if k != "outcomes"}),
        "config.yaml", 1, "data.outcomes", r"required setting is missing",
        id="config-without-outcomes",
    ),
    pytest.param(
        config_with(data={**CONFIG["data"], "studies": "/etc/passwd"}),
        "config.yaml", 9, "data.studies", r"absolute path",
        id="config-data-absolute",
    ),
    pytest.param(
        config_with(data={**CONFIG["data"], "studies": "../../x.csv"}),
        "config.yaml", 9, "data.studies", r"outside the project",
        id="config-data-outside",
    ),
    pytest.param(
        config_with(data={**CONFIG["data"], "studies": "src"}),
        "config.yaml", 9, "data.studies", r"is a folder, not a file",
        id="config-data-folder",
    ),
    pytest.param(
        # extra digits: the review's participant total was a rounded 26-digit sum
        replace("studies", ",12,", ",99999999999999999999999,"),
        "studies.csv", 2, "n", r"value out of range; found '99999999999999999999999'",
        id="participants-with-extra-digits",
    ),
    pytest.param(
        replace("studies", ",12,", ",inf,"),
        "studies.csv", 2, "n", r"wrong type",
        id="infinite-number",
    ),
    pytest.param(
        replace("records", "Trial two", "Trial \u202etwo"),
        "records.csv", 3, "title", r"invisible control character \(U\+202E\)",
        id="bidi-override",
    ),
    pytest.param(
        replace("records", "Trial two", "Trial\x07two"),
        "records.csv", 3, "title", r"invisible control character \(U\+0007\)",
        id="control-character",
    ),
    pytest.param(
        replace("records", "C,2026-11-01", "C,2999-12-31"),
        "records.csv", 3, "search_date", r"is later than today",
        id="search-date-in-the-future",
    ),
    pytest.param(
        replace("records", "Trial two,2018", "Trial two,2099"),
        "records.csv", 3, "year", r"is later than next year",
        id="publication-year-in-the-future",
    ),
    pytest.param(
        replace("records", "C,2026-11-01,Trial two,2018", 'C,2026-11-01,"Trial\n\ntwo",twenty'),
        "records.csv", 3, "year", r"wrong type",
        id="multi-line-cell-reported-at-its-first-line",
    ),
    pytest.param(
        data(lambda texts: texts.__setitem__("records", str(texts["records"]).replace(",", ";"))),
        "records.csv", 1, None, r"one field holding semicolons.*comma",
        id="semicolon-delimited",
    ),
    pytest.param(
        replace("records", "Trial two", '"' + "x" * 140_000 + '"'),
        "records.csv", 3, None, r"a cell is longer than 131,072 characters",
        id="cell-over-128-kib",
    ),
    pytest.param(
        data(lambda texts: texts.__setitem__("records", str(texts["records"])
            .replace("Again,2017,R001", "Again,2017,R005")
            + "R005,citation_search,Citations,2026-11-01,Loop,2017,R003,,,,,,\n")),
        "records.csv", 4, "duplicate_of", r"cycle \(R003 -> R005 -> R003\)",
        id="duplicate-cycle",
    ),
    pytest.param(
        append("bibliography", "@incollection{four2020, title = {Part}, crossref = {book2020}}\n"),
        "references.bib", 15, "four2020", r"crossref",
        id="bibtex-crossref",
    ),
    # types and values
    pytest.param(
        replace("studies", ",12,", ",twelve,"),
        "studies.csv", 2, "n", r"wrong type",
        id="wrong-type-integer",
    ),
    pytest.param(
        replace("records", "Trial two,2018", "Trial two,MMXVIII"),
        "records.csv", 3, "year", r"wrong type",
        id="wrong-type-year",
    ),
    pytest.param(
        replace("records", "2026-11-01,Trial two", "2026-13-45,Trial two"),
        "records.csv", 3, "search_date", r"not a valid date",
        id="bad-date",
    ),
    pytest.param(
        replace("records", "R002,citation_search", "R002,newspaper"),
        "records.csv", 3, "source_type", r"newspaper",
        id="value-not-allowed",
    ),
    pytest.param(
        replace("records", "2026-11-01,Trial two", "2026-11-01,"),
        "records.csv", 3, "title", r"required value is empty|empty",
        id="empty-required-value",
    ),
    # identity
    pytest.param(
        replace("records", "R004,", "R002,"),
        "records.csv", 5, "record_id", r"duplicate value",
        id="duplicate-record-id",
    ),
    pytest.param(
        append("studies", "s1,two2018,anxiety,single_arm,5,IV\n"),
        "studies.csv", 3, "study_id", r"duplicate value",
        id="duplicate-study-id",
    ),
    # links between files
    pytest.param(
        replace("records", "include,,s1,three2019", "include,,s9,three2019"),
        "records.csv", 5, "study_id", r"not in data/studies\.csv",
        id="dangling-study-id",
    ),
    pytest.param(
        replace("records", ",R001,", ",R999,"),
        "records.csv", 4, "duplicate_of", r"does not exist",
        id="dangling-duplicate-of",
    ),
    pytest.param(
        append("sources", "s7,*,https://x.org,\n"),
        "extraction_sources.csv", 3, "study_id", r"not in data/studies\.csv",
        id="dangling-source-study",
    ),
    pytest.param(
        replace("records", ",two2018\n", ",twenty2018\n"),
        "records.csv", 3, "bib_key", r"twenty2018",
        id="dangling-bib-key",
    ),
    pytest.param(
        replace("records", "exclude,no_outcome", "exclude,not_a_reason"),
        "records.csv", 3, "exclusion_reason", r"not defined in data/protocol\.yaml",
        id="unknown-protocol-code",
    ),
    # BibTeX
    pytest.param(
        replace("bibliography", "title = {Trial two},", "title = {Trial two,"),
        "references.bib", 7, "two2018.title",
        r"entry two2018 cannot be parsed: its title field has 1 '\{' not closed "
        r"\(the entry starts at line 6\)",
        id="bibtex-does-not-parse",
    ),
    pytest.param(
        replace("bibliography", "title = {Trial two},", "title = {Trial two}},"),
        "references.bib", 7, "two2018.title",
        r"entry two2018 ends early: its title field has 1 '\}' too many, so the fields "
        r"after it \(year\) are lost \(the entry starts at line 6\)",
        id="bibtex-closing-brace-too-many",
    ),
    pytest.param(
        replace("bibliography", "title = {Trial two},", "title = {Trial two}"),
        "references.bib", 7, "two2018.title",
        r"a comma is missing after the title field of entry two2018, so the year field",
        id="bibtex-missing-comma-between-fields",
    ),
    pytest.param(
        replace("bibliography", "@article{two2018,", "@article{,"),
        "references.bib", 6, None, r"entry has no citation key",
        id="bibtex-entry-without-key",
    ),
    pytest.param(
        replace("bibliography", "year = {2018}", "year = {20x8}"),
        "references.bib", 8, "two2018.year", r"year is not a four-digit year; found '20x8'",
        id="bibtex-year-not-four-digits",
    ),
    pytest.param(
        append("bibliography", "\n@article{one2017,\n  title = {Again},\n  year = {2017}\n}\n"),
        "references.bib", 16, "one2017", r"duplicate citation key",
        id="duplicate-bibtex-key",
    ),
    # YAML
    pytest.param(
        replace("protocol", "question: Does the drug help?", "question: [unclosed"),
        "protocol.yaml", None, None, r"is not valid YAML",
        id="malformed-protocol-yaml",
    ),
    pytest.param(
        config("data:\n  protocol: data/protocol.yaml\n records: oops\n"),
        "config.yaml", 3, None, r"is not valid YAML",
        id="malformed-config-yaml",
    ),
    pytest.param(
        manuscript({"_quarto.yml": "project:\n  type: book\n book: [\n"}),
        "_quarto.yml", 3, None, r"is not valid YAML",
        id="malformed-quarto-yml",
    ),
    pytest.param(
        config_with(render={"backend": "latex", "formats": ["html"]}),
        "config.yaml", 11, "render.backend", r"value not allowed; found 'latex'",
        id="config-value-not-allowed",
    ),
    pytest.param(
        # the line of the key, the value as written in YAML and a fix to copy
        config("render:\n  backend: auto\n  formats: html\n"),
        "config.yaml", 3, "render.formats",
        r"must be a list; found 'html'. Fix: write formats: \[html\] \(a list",
        id="config-formats-not-a-list",
    ),
    *[
        pytest.param(
            manuscript({"_quarto.yml": f"project:\n  type: book\n  output-dir: {value}\n"}),
            "_quarto.yml", 3, "project.output-dir", message, id=f"quarto-output-dir-{name}",
        )
        for name, value, message in [
            ("not-a-name", "[a, b]", r"must be a folder name; found '\[a, b\]'. Fix: write "
             r"one folder name, such as output-dir: _book"),
            ("outside", "../elsewhere", r"leads outside the project folder; found "
             r"'\.\./elsewhere'. Fix: use a new folder for the output, such as _book, "
             r"inside the project folder"),
        ]
    ],
    pytest.param(
        manuscript({"_quarto.yml": (FIXTURE / "_quarto.yml").read_text(encoding="utf-8")
                    .replace("    - manuscript/03-results.qmd\n", "    - manuscript/03-results"
                             ".qmd\n    - manuscript/./03-results.qmd\n")}),
        "_quarto.yml", 21, "book.chapters",
        r"the book lists this file twice; found 'manuscript/03-results\.qmd'",
        id="quarto-chapter-listed-twice",
    ),
    pytest.param(
        config(""), "config.yaml", None, None, r"is empty.*Fix: list the data files",
        id="config-empty",
    ),
    pytest.param(
        config_with(render={"backend": "auto", "formats": ["html", "html"]}),
        "config.yaml", 12, "render.formats",
        r"lists the same value twice; found '\[html, html\]'. Fix: list each value of formats once",
        id="config-format-twice",
    ),
    pytest.param(
        config_with(data={**CONFIG["data"], "bibliography": "data/studies.csv"}),
        "config.yaml", 2, "data.bibliography",
        r"expected the path of a BibTeX file, ending in \.bib",
        id="config-bibliography-not-bibtex",
    ),
    pytest.param(
        config_with(colour="blue"),
        "config.yaml", 1, "colour", r"unknown setting",
        id="config-unknown-setting",
    ),
    pytest.param(
        config("!!python/object/apply:os.system ['echo pwned']\n"),
        "config.yaml", 1, None, r"is not valid YAML",
        id="config-cannot-run-code",
    ),
    # chapters
    pytest.param(
        manuscript({METHODS: chapter("As shown [@nobody2020].")}),
        METHODS, 3, None, r"unknown citation key '@nobody2020'",
        id="unknown-citation-key",
    ),
    pytest.param(
        manuscript({METHODS: chapter("We found {{< var counts.nope >}} studies.")}),
        METHODS, 3, "10", r"unknown var 'counts\.nope'",
        id="unknown-variable",
    ),
    # an unclosed shortcode is reported where it opens, not read as a variable named
    # after the rest of the line (the next shortcode included); nor is one closed
    # with }} alone
    *[
        pytest.param(
            manuscript({METHODS: chapter("We found {{< var a >. And {{< var x }}, y >}}.")}),
            METHODS, 3, column,
            rf"the shortcode opened at line 3, column {column} is not closed with '>}}}}'; "
            rf"found '{found}'",
            id=name,
        )
        for name, column, found in [
            ("unclosed-shortcode", "10", r"{{< var a >\. And"),
            ("shortcode-closed-without-its-angle-bracket", "27", r"{{< var x }}, y >}}\."),
        ]
    ],
    # a shortcode not opened with "{{<" (no space inside) is text to Quarto: it would
    # print as typed in the review
    *[
        pytest.param(
            manuscript({METHODS: chapter(f"We found {written} studies.")}),
            METHODS, 3, "10",
            rf"the shortcode at line 3, column 10 is not opened with '{{{{<'.*found "
            rf"'{re.escape(written)}'.*Fix: open it with '{{{{<' and close it with '>}}}}'",
            id=name,
        )
        for name, written in [
            ("shortcode-without-its-opening-angle-bracket", "{{ var counts.n >}}"),
            ("shortcode-without-angle-brackets", "{{ var counts.n }}"),
            ("shortcode-with-single-braces", "{< var counts.n >}"),
        ]
    ],
    pytest.param(
        manuscript({"_quarto.yml": (FIXTURE / "_quarto.yml").read_text(encoding="utf-8")
                    .replace('"A living systematic review"', "Of {{ var topic }}")}),
        "_quarto.yml", 8, "4", r"is not opened with '\{\{<'.*found '\{\{ var topic \}\}'",
        id="shortcode-without-angle-brackets-in-metadata",
    ),
    pytest.param(
        manuscript(
            {
                # as in Quarto, nested include paths are relative to the chapter
                METHODS: chapter("{{< include ../a.md >}}"),
                "a.md": "A\n\n{{< include ../b.md >}}\n",
                "b.md": "{{< include ../a.md >}}\n",
            }
        ),
        "b.md", 1, None, r"include cycle",
        id="include-cycle",
    ),
    pytest.param(
        manuscript({METHODS: "---\ntitle: Methods\nkeywords: [a, b\n---\n\n" + chapter("Text.")}),
        METHODS, 3, "16", r"the front matter is not valid YAML",
        id="chapter-front-matter-not-yaml",
    ),
    pytest.param(
        manuscript({METHODS: chapter("## Search {#sec-search", "", "Text.")}),
        METHODS, 3, "11", r"the heading's attributes are not closed with '\}'.*found "
        r"'\{#sec-search'. Fix: end the line with '\}': \{#sec-search\}",
        id="heading-attributes-not-closed",
    ),
    # a div or code block left open takes the rest of the chapter into it in Pandoc
    pytest.param(
        manuscript({METHODS: chapter("::: {.callout-note}", "", "A note.")}),
        METHODS, 3, None, r"the div opened at line 3 is never closed.*Fix: close it with a "
        r"line holding only :::",
        id="unclosed-div",
    ),
    pytest.param(
        manuscript({METHODS: chapter("A note.", "", ":::")}),
        METHODS, 5, None, r"this ':::' closes no div",
        id="div-closed-twice",
    ),
    pytest.param(
        manuscript({METHODS: chapter("```", "code")}),
        METHODS, 3, None, r"the code block opened at line 3 is never closed",
        id="unclosed-code-block",
    ),
    pytest.param(
        manuscript({METHODS: chapter("{{< include ../a.docx >}}"), "a.docx": b"PK\x03\x04\xe7"}),
        METHODS, 3, None, r"included file is not UTF-8 text \(line 1: byte 0xe7\); found 'a\.docx'",
        id="include-of-a-binary-file",
    ),
    pytest.param(
        manuscript({METHODS: chapter("{{< include ../../../../etc/passwd >}}")}),
        METHODS, 3, None, r"include points outside the project folder",
        id="include-outside-project",
    ),
    pytest.param(
        manuscript({METHODS: chapter("![Secret](../../outside.png)")}),
        METHODS, 3, None, r"image outside the project folder",
        id="image-outside-project",
    ),
    # PRISMA
    pytest.param(
        ledger(HEADER + "R001,database,C,2026-11-01,T,2017,,,retrieved,include,,S1,k1\n"),
        "records.csv", 2, "screening", r"has no screening decision",
        id="prisma-included-without-screening",
    ),
    pytest.param(
        ledger(
            HEADER
            + "R001,database,M,2026-11-01,T,2017,,include,retrieved,include,,s1,one2017\n"
            + "R002,database,M,2026-11-01,T,2017,,include,not_retrieved,exclude,no_outcome,,\n"
        ),
        "records.csv", 3, "eligibility",
        r"record R002: was not retrieved \(box7 dbr_notretrieved_reports\) but has an "
        "eligibility decision",
        id="prisma-not-retrieved-but-assessed",
    ),
    pytest.param(
        template(set_template_value("other_assessed", "11")),
        "prisma2020.csv", None, "other_assessed",
        r"box14 other_assessed is 11 but box12 other_sought_reports \(12\) - "
        r"box13 other_notretrieved_reports \(2\) = 10",
        id="prisma-template-does-not-add-up",
    ),
    pytest.param(
        template(set_template_value("new_reports", "seven")),
        "prisma2020.csv", 28, "n", r"box10 new_reports: cannot read the count; found 'seven'",
        id="prisma-template-not-a-number",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("run", "file", "line", "column", "message"), CASES)
def test_bad_input_message_names_file_line_and_column(
    tmp_path: Path, run: Run, file: str, line: int | None, column: str | None, message: str
) -> None:
    with pytest.raises(ReviewError) as caught:
        run(tmp_path)
    error = caught.value
    matching = [
        p
        for p in error.problems
        if Path(p.file).name == Path(file).name
        and (line is None or p.row == line)
        and (column is None or p.column == column)
        and re.search(message, str(p))
    ]
    assert matching, f"no problem at {file}:{line} [{column}] matching {message!r} in:\n{error}"
    problem = matching[0]
    assert problem.fix, str(problem)
    # What the user reads: the printed error carries the same location and words.
    where = Path(file).name + (f":{line}" if line is not None else "")
    where += f" [{column}]" if column is not None else ""
    assert where in str(error), str(error)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


# --------------------------------------------------------------------------- #
# What spreadsheets and editors write must load
# --------------------------------------------------------------------------- #


def bom_crlf(text: str) -> bytes:
    return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")


def test_data_with_bom_and_crlf_loads(tmp_path: Path) -> None:
    texts = {k: bom_crlf(str(v)) for k, v in fixture_texts().items()}
    loaded = load_review_data(**write_review(tmp_path, texts))
    assert list(loaded.records["record_id"]) == ["R001", "R002", "R003", "R004"]
    assert "Trial two" in set(loaded.records["title"])  # no stray \r in values
    assert loaded.bib_keys == {"one2017", "two2018", "three2019"}


def test_config_with_bom_and_crlf_loads(tmp_path: Path) -> None:
    assert config(bom_crlf(yaml.safe_dump(CONFIG)))(tmp_path) == CONFIG


def test_chapters_and_quarto_yml_with_bom_and_crlf_check_clean(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    for name in ("_quarto.yml", METHODS):
        path = root / name
        path.write_bytes(bom_crlf(path.read_text(encoding="utf-8")))
    check_manuscript_or_raise(root)  # raises on any problem


def test_prisma_template_with_bom_and_crlf_loads(tmp_path: Path) -> None:
    path = tmp_path / "prisma2020.csv"
    path.write_bytes(bom_crlf(template_text()))
    assert from_prisma2020_csv(path).new_reports == 7


def test_fixture_names_cover_every_data_file() -> None:
    assert set(NAMES) == set(fixture_texts())

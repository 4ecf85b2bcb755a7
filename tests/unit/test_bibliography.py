"""Tests for livingreview.bibliography: every bad .bib is reported with file, line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from livingreview.bibliography import Citation, check_keys, entry_keys, load_bibliography
from livingreview.errors import BibliographyError

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
@article{alpha2020,
  author = {Alpha, A.},
  title = {First},
  journal = {J},
  year = {2020}
}

@book{beta2021,
  author = {Beta, B.},
  title = {Second},
  year = {2021}
}
"""


def write(tmp_path: Path, text: str | bytes, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def test_good_file_loads(tmp_path: Path) -> None:
    library = load_bibliography(write(tmp_path, GOOD))
    assert entry_keys(library) == {"alpha2020", "beta2021"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(GOOD.replace("\n", "\r\n"), id="crlf"),
        pytest.param("\ufeff" + GOOD, id="bom"),
        pytest.param("\ufeff" + GOOD.replace("\n", "\r\n"), id="bom-crlf"),
    ],
)
def test_spreadsheet_style_text_is_accepted(tmp_path: Path, text: str) -> None:
    assert entry_keys(load_bibliography(write(tmp_path, text))) == {"alpha2020", "beta2021"}


BAD = [
    pytest.param(
        GOOD + "\n@article{alpha2020,\n  title = {Again}\n}\n",
        "duplicate citation key",
        14,
        "alpha2020",
        id="duplicate-key",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {Unclosed\n}\n\n@misc{delta, title = {D}}\n",
        "cannot be parsed: its title field has 1 '{' not closed (the entry starts at line 14)",
        15,
        "gamma.title",
        id="unparsable-entry-at-its-unclosed-field",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {G},\n  year = {20x2}\n}\n",
        "year is not a four-digit year",
        16,
        "gamma.year",
        id="year-not-four-digits",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {G},\n  year = {in press}\n}\n",
        "year is not a four-digit year",
        16,
        "gamma.year",
        id="year-in-press",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {G},\n  year = {n.d.x}\n}\n",
        "year is not a four-digit year",
        16,
        "gamma.year",
        id="year-almost-n.d.",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  author = {G, G.},\n  year = {2000}\n}\n",
        "no title",
        14,
        "gamma",
        id="missing-title",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {  }\n}\n",
        "no title",
        14,
        "gamma",
        id="empty-title",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {A},\n  title = {B}\n}\n",
        "field twice",
        14,
        "gamma",
        id="duplicate-field",
    ),
    # a '}' too many ends the entry early: bibtexparser keeps the fields after it as a
    # comment, so they would be lost without a word
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {G}},\n  journal = {J},\n  year = {2000}\n}\n",
        "entry gamma ends early: its title field has 1 '}' too many, so the fields after "
        "it (journal, year) are lost (the entry starts at line 14)",
        15,
        "gamma.title",
        id="extra-closing-brace-mid-entry",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {G},\n  year = {2000}}\n}\n",
        "entry gamma ends early: its year field has 1 '}' too many",
        16,
        "gamma.year",
        id="extra-closing-brace-in-the-last-field",
    ),
    pytest.param(
        GOOD + "\n@article{gamma, title = {G}}, year = {2000}}\n",
        "entry gamma ends early: a '}' too many closes it, so the fields after it (year)",
        14,
        "gamma",
        id="extra-closing-brace-one-line-entry",
    ),
    pytest.param(
        GOOD + "\n@article{gamma,\n  title = {G},\n  journal = {J}\n  year = {2000}\n}\n",
        "a comma is missing after the journal field of entry gamma, so the year field on "
        "the next line is read as part of it",
        16,
        "gamma.journal",
        id="missing-comma-between-fields",
    ),
    pytest.param(
        GOOD + '\n@article{gamma,\n  title = "G},\n  year = {2000}\n}\n',
        "its title field has an opening '\"' but no closing '\"'",
        15,
        "gamma.title",
        id="unclosed-quote",
    ),
    pytest.param(
        GOOD + "\n@article{,\n  title = {G},\n  year = {2000}\n}\n",
        "entry has no citation key",
        14,
        None,
        id="no-key",
    ),
    pytest.param(
        GOOD.encode() + "\n@article{gamma,\n  title = {Caf\xe9}\n}\n".encode("latin-1"),
        "not valid UTF-8",
        15,
        None,
        id="latin-1",
    ),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), BAD)
def test_bad_bibliography_is_reported_with_file_and_line(
    tmp_path: Path, text: str | bytes, message: str, line: int, column: str | None
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BibliographyError) as info:
        load_bibliography(path)
    problems = info.value.problems
    assert len(problems) == 1, str(info.value)
    problem = problems[0]
    assert problem.file == str(path)
    assert message in problem.message
    assert problem.row == line
    assert problem.column == column
    # the rendered message carries the same location for the user
    assert f"{path}:{line}" in str(info.value)


def test_a_comment_after_an_entry_is_not_a_cut_off_entry(tmp_path: Path) -> None:
    text = GOOD + "\nChecked against PubMed; the year = the print year.\n"
    assert entry_keys(load_bibliography(write(tmp_path, text))) == {"alpha2020", "beta2021"}


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = GOOD + "\n@article{alpha2020, title = {Dup}}\n\n@article{nothing, year = {1}}\n"
    with pytest.raises(BibliographyError) as info:
        load_bibliography(write(tmp_path, text))
    assert [p.row for p in info.value.problems] == [14, 16, 16]  # no title; year {1}


def test_check_keys_names_each_unknown_key_and_where_it_was_cited(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    cited = [
        Citation("alpha2020", "chapter.qmd", 3, "5"),
        Citation("missing1", "chapter.qmd", 7, "12"),
        Citation("missing2", "data/records.csv", 4, "bib_key"),
    ]
    with pytest.raises(BibliographyError) as info:
        check_keys(cited, path)
    found = [(p.found, p.file, p.row, p.column) for p in info.value.problems]
    assert found == [
        ("missing1", "chapter.qmd", 7, "12"),
        ("missing2", "data/records.csv", 4, "bib_key"),
    ]
    assert "chapter.qmd:7 [12]" in str(info.value)


def test_check_keys_passes_when_all_keys_exist(tmp_path: Path) -> None:
    library = check_keys([Citation("beta2021", "x.qmd", 1)], write(tmp_path, GOOD))
    assert "beta2021" in entry_keys(library)


def test_check_keys_reports_a_broken_bibliography(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "\n@article{alpha2020, title = {Dup}}\n")
    with pytest.raises(BibliographyError, match="duplicate citation key"):
        check_keys([Citation("alpha2020", "x.qmd", 1)], path)


# ---------------------------------------------------------------- the shipped refs/


def test_shipped_bibliography_loads_without_working_notes() -> None:
    path = ROOT / "refs" / "references.bib"
    keys = entry_keys(load_bibliography(path))
    for key in (
        "tully2022",
        "page2021prisma",
        "haddaway2022prisma2020",
        "campbell2020swim",
        "whittaker2021",
        "walsh2021",
        "elliott2014",
    ):
        assert key in keys
    assert "status for Tully" not in path.read_text(encoding="utf-8")


def test_shipped_retracted_reports_say_so_in_the_reference_list() -> None:
    # the AMA style prints no `note`, so a retraction the eligibility facts record
    # is marked in the title, the one field the reference list always shows
    import csv

    facts = ROOT / "data" / "eligibility_facts.csv"
    with facts.open(encoding="utf-8", newline="") as handle:
        retracted = {
            r["record_id"] for r in csv.DictReader(handle) if r["report_type"] == "retracted"
        }
    with (ROOT / "data" / "records.csv").open(encoding="utf-8", newline="") as handle:
        keys = {r["bib_key"] for r in csv.DictReader(handle) if r["record_id"] in retracted}
    assert keys  # the shipped review has one (Mills 2025)
    entries = {e.key: e for e in load_bibliography(ROOT / "refs" / "references.bib").entries}
    for key in keys:
        assert entries[key].fields_dict["title"].value.endswith("[Retracted]"), key


def test_shipped_csl_styles_are_independent() -> None:
    # Pandoc cannot fetch a dependent style's parent offline, so every shipped
    # style must carry its own citation and bibliography layout.
    styles = sorted((ROOT / "refs").glob("*.csl"))
    assert styles
    for style in styles:
        text = style.read_text(encoding="utf-8")
        assert 'rel="independent-parent"' not in text, style.name
        assert re.search(r"<citation\b", text) and re.search(r"<bibliography\b", text)
        assert "creativecommons.org/licenses/by-sa" in text, style.name


# ---------------------------------------------------------------- completeness gate

COMPLETE = """@article{ok2020,
  author = {Smith, Ann and Jones, Bob},
  title = {A trial},
  journal = {J Trials},
  year = {2020},
  volume = {3},
  pages = {1--9},
  doi = {10.1/x}
}
"""


@pytest.mark.parametrize(
    ("entry", "column", "message"),
    [
        pytest.param(
            COMPLETE.replace("  year = {2020},\n", ""), "ok2020.year", "no year", id="year"
        ),
        pytest.param(
            COMPLETE.replace("  volume = {3},\n", ""), "ok2020.volume", "no volume", id="volume"
        ),
        pytest.param(
            COMPLETE.replace("  pages = {1--9},\n", ""), "ok2020.pages", "no pages", id="pages"
        ),
        pytest.param(
            COMPLETE.replace("Smith, Ann and Jones, Bob", "Smith, Ann and others"),
            "ok2020.author",
            "one author and 'others'",
            id="et-al",
        ),
        pytest.param(
            COMPLETE.replace("doi = {10.1/x}", "url = {https://example.org/a}"),
            "ok2020.doi",
            "bare URL but no DOI",
            id="url-not-doi",
        ),
        pytest.param(
            "@misc{m1,\n  title = {A page},\n  url = {https://example.org}\n}\n",
            "m1.author",
            "no author",
            id="misc-author",
        ),
    ],
)
def test_gate_reports_key_and_field(tmp_path: Path, entry: str, column: str, message: str) -> None:
    from livingreview.bibliography import completeness_problems, parse_bibliography

    library, _ = parse_bibliography(write(tmp_path, entry))
    problems = completeness_problems(library, "refs.bib")
    assert any(p.column == column and message in p.message for p in problems), problems


def test_gate_passes_complete_and_checks_only_cited(tmp_path: Path) -> None:
    from livingreview.bibliography import completeness_problems, parse_bibliography

    text = COMPLETE + "@article{bad,\n  title = {No fields}\n}\n"
    library, _ = parse_bibliography(write(tmp_path, text))
    assert completeness_problems(library, "refs.bib", ["ok2020"]) == []
    assert completeness_problems(library, "refs.bib", ["bad"])


def test_gate_accepts_gaps_named_as_unconfirmed(tmp_path: Path) -> None:
    from livingreview.bibliography import completeness_problems, parse_bibliography

    text = COMPLETE.replace(
        "  volume = {3},\n  pages = {1--9},\n", "  unconfirmed = {volume, pages},\n"
    )
    library, _ = parse_bibliography(write(tmp_path, text))
    assert completeness_problems(library, "refs.bib") == []


def test_shipped_references_pass_the_gate() -> None:
    from livingreview.render import check_manuscript

    root = Path(__file__).parents[2]
    gaps = [p for p in check_manuscript(root) if p.file == "refs/references.bib"]
    assert gaps == []


def test_every_waived_field_is_on_record_in_refs_readme() -> None:
    """Each ``unconfirmed`` field of the shipped references is listed in refs/README.md
    with the pages that were searched, so a waiver never hides a gap."""
    from livingreview.bibliography import parse_bibliography, unconfirmed_fields

    root = Path(__file__).parents[2]
    library, _ = parse_bibliography(root / "refs" / "references.bib")
    readme = (root / "refs" / "README.md").read_text(encoding="utf-8")
    waived = {e.key: unconfirmed_fields(e) for e in library.entries if unconfirmed_fields(e)}
    missing = []
    for key, fields in waived.items():
        lines = [ln for ln in readme.splitlines() if f"`{key}` " in ln]
        if not lines or not all(any(f in ln for ln in lines) for f in fields):
            missing.append((key, sorted(fields)))
    assert missing == []

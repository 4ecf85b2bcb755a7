"""The website's page header names the version: "v1.2" for a release, and "Draft" (never
"vdraft") for a build that is not a release (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from livingreview.render import render_book

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "book"
TEMPLATE = Path(__file__).parents[2] / "src" / "livingreview" / "project_template"


def _header(tmp_path: Path, **fields: str) -> str:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update(fields)
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=("html",))
    page = BeautifulSoup((root / "_book" / "index.html").read_text(encoding="utf-8"), "html.parser")
    version = page.find(class_="site-version")
    return "" if version is None else version.get_text()


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"version": "draft", "version-label": "Draft"}, "Draft"),
        ({"version": "1.2", "version-label": "v1.2"}, "v1.2"),
        ({"version": "1.2"}, "v1.2"),  # a project without the label keeps the old header
    ],
)
def test_header_shows_the_label(tmp_path: Path, fields: dict[str, str], shown: str) -> None:
    assert _header(tmp_path, **fields) == shown


def test_new_projects_put_the_label_in_the_header() -> None:
    config = (TEMPLATE / "_quarto.yml").read_text(encoding="utf-8")
    assert 'version-label: "{{< var release.label >}}"' in config


def test_the_shipped_review_header_reads_draft_after_the_last_release(tmp_path: Path) -> None:
    """The shipped ``_quarto.yml`` takes its header from ``release.label`` as new projects
    do: between releases the page header reads "Draft after v2.0", never "v2.0+draft"."""
    shipped = yaml.safe_load((Path(__file__).parents[2] / "_quarto.yml").read_text("utf-8"))
    assert shipped["version-label"] == "{{< var release.label >}}"
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    with (root / "_variables.yml").open("a", encoding="utf-8") as handle:
        # what collect_variables stamps between v2.0 and the next release
        handle.write(
            'release:\n  version: "2.0+draft"\n  label: "Draft after v2.0"\n'
            '  text: "Draft after version 2.0 (not yet released)"\n'
        )
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update({key: shipped[key] for key in ("version", "version-label")})
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=("html",))
    page = BeautifulSoup((root / "_book" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find(class_="site-version").get_text() == "Draft after v2.0"
    # the page footer names the draft the same way, with no "2.0+draft" build stamp
    footer = " ".join(page.find("footer").get_text(" ").split())
    assert "Draft after v2.0" in footer and "+draft" not in footer


def _render_stamped(tmp_path: Path, released: bool) -> dict[str, str]:
    """Render the fixture book in all three formats with the shipped ``_quarto.yml``'s
    version fields and the ``release`` variables collect_variables stamps for a build
    made after release 2.0: the release itself, or a draft with unreleased changes."""
    from docx import Document
    from pypdf import PdfReader

    from livingreview.living.releases import Release, Scope, release_state

    v2 = Release(
        version="2.0",
        date="2026-06-30",
        search_date="2026-06-01",
        note="Synthetic release.",
        scope=Scope(),
        inputs={"records": "0" * 64},
        studies={},
        record_ids=(),
        report_ids=(),
        pending_ids=(),
        prisma={},
        variables={},
    )
    state = release_state([v2], {"records": ("0" if released else "1") * 64})
    shipped = yaml.safe_load((Path(__file__).parents[2] / "_quarto.yml").read_text("utf-8"))
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    with (root / "_variables.yml").open("a", encoding="utf-8") as handle:
        yaml.safe_dump({"release": state}, handle, allow_unicode=True)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update({key: shipped[key] for key in ("version", "version-label", "date")})
    del config["book"]["date"]  # the fixture's own date would win over the release's
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=("html", "docx", "pdf"))
    book = root / "_book"
    html = " ".join(
        BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        for page in sorted(book.rglob("*.html"))
    )
    document = Document(str(book / "review.docx"))
    docx_parts = [p.text for p in document.paragraphs]
    for section in document.sections:  # the running header
        docx_parts += [p.text for p in section.header.paragraphs]
    pdf = " ".join(page.extract_text() for page in PdfReader(str(book / "review.pdf")).pages)
    return {
        "html": " ".join(html.split()),
        "docx": " ".join(" ".join(docx_parts).split()),
        "pdf": " ".join(pdf.split()),
    }


def test_a_draft_build_never_shows_the_draft_stamp_in_any_format(tmp_path: Path) -> None:
    """Between releases the build stamp is "2.0+draft"; readers see "Draft after version 2.0
    (not yet released)" in the title block of every format, never "2.0+draft"."""
    for fmt, text in _render_stamped(tmp_path, released=False).items():
        assert "+draft" not in text, fmt
        assert "Draft after version 2.0 (not yet released)" in text, fmt
        assert "Version 2.0 " not in text, fmt  # a draft does not claim to be version 2.0
        # no "Date not released" after "(not yet released)": a draft prints no date
        assert "not released" not in text.replace("not yet released", ""), fmt
        assert "Date" not in text, fmt


def test_a_released_build_shows_its_version_in_every_format(tmp_path: Path) -> None:
    for fmt, text in _render_stamped(tmp_path, released=True).items():
        assert "Version 2.0" in text and "2026-06-30" in text, fmt
        assert "Draft" not in text and "+draft" not in text, fmt


def _docx_parts(tmp_path: Path, state_yaml: str) -> dict[str, bytes]:
    """The fixture book's DOCX parts, rendered with the shipped version fields and the
    ``release`` variables given."""
    import zipfile

    shipped = yaml.safe_load((Path(__file__).parents[2] / "_quarto.yml").read_text("utf-8"))
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    with (root / "_variables.yml").open("a", encoding="utf-8") as handle:
        handle.write(state_yaml)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config.update({key: shipped[key] for key in ("version", "version-label")})
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    render_book(root, backend="embedded", formats=("docx",))
    with zipfile.ZipFile(root / "_book" / "review.docx") as package:
        return {name: package.read(name) for name in package.namelist()}


W_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (
            'release:\n  version: "2.0+draft"\n  label: "Draft after v2.0"\n'
            '  text: "Draft after version 2.0 (not yet released)"\n',
            "Draft after v2.0",
        ),
        ('release:\n  version: "2.0"\n  label: "v2.0"\n  text: "2.0"\n', "v2.0"),
    ],
)
def test_docx_running_header_names_the_version_and_abstract_is_ragged(
    tmp_path: Path, state: str, label: str
) -> None:
    """Issue 14: the DOCX running header gave only the title; like the PDF's running
    header and the web footer it names the version by its label. The abstract is set
    ragged right (a justified narrow abstract opens rivers around long words and DOIs)."""
    from lxml import etree

    parts = _docx_parts(tmp_path, state)
    headers = [etree.fromstring(data) for name, data in parts.items() if "word/header" in name]
    texts = ["".join(h.xpath("//w:t/text()", namespaces=W_NS)) for h in headers]
    assert any("Fixture review of" in t and t.endswith(label) for t in texts), texts
    assert not any("+draft" in t or "Running title" in t for t in texts), texts
    # outside the TITLE field: Word and LibreOffice show a field's value from the document
    # properties (the title alone), not the text written as its result
    outside = [_unfielded_text(h) for h in headers]
    assert any(t.endswith(label) for t in outside), outside
    styles = etree.fromstring(parts["word/styles.xml"])
    # title (a field, drawn in its paragraph's type) and version in one small type: the
    # header paragraphs have the Header style, which sets it
    header_style = styles.xpath('//w:style[@w:styleId="Header"]', namespaces=W_NS)
    assert header_style and header_style[0].xpath(".//w:rPr/w:sz/@w:val", namespaces=W_NS) == ["17"]
    for header in headers:
        assert header.xpath("//w:p/w:pPr/w:pStyle/@w:val", namespaces=W_NS) == ["Header"]
    abstract = styles.xpath('//w:style[@w:styleId="Abstract"]', namespaces=W_NS)[0]
    assert abstract.xpath(".//w:jc/@w:val", namespaces=W_NS) in ([], ["left"], ["start"])
    document = etree.fromstring(parts["word/document.xml"])
    paragraphs = document.xpath('//w:p[w:pPr/w:pStyle/@w:val="Abstract"]', namespaces=W_NS)
    assert paragraphs  # the fixture's abstract is there, in the Abstract style
    for paragraph in paragraphs:  # and no paragraph overrides the style's alignment
        assert paragraph.xpath("w:pPr/w:jc/@w:val", namespaces=W_NS) in ([], ["left"], ["start"])


def _unfielded_text(part) -> str:
    """Text of a header part that is not the result of a field (between its begin and end)."""
    depth, text = 0, []
    for el in part.iter():
        if el.tag == f"{{{W_NS['w']}}}fldChar":
            kind = el.get(f"{{{W_NS['w']}}}fldCharType")
            depth += {"begin": 1, "end": -1}.get(kind, 0)
        elif el.tag == f"{{{W_NS['w']}}}t" and depth == 0:
            text.append(el.text or "")
    return "".join(text)

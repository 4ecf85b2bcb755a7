"""What changed in the text between two released versions.

Each release keeps the DOCX it was rendered to (``releases/<version>/review.docx``),
so the text readers saw is frozen with it. This module compares two of them:

- :func:`docx_chapters` reads the prose of a release DOCX, grouped by chapter
  (level-1 headings), leaving out tables, whose changes are data changes, and code
  blocks; both versions are normalised to the words a reader sees in the same way
  (:class:`~.reader_words.ReaderWords`: citations by first author and year, no
  provenance captions, no internal keys), so the frozen text of an older build never
  brings build words onto the page and renumbered citations are no change;
- :func:`chapter_diffs` aligns the chapters by title and their paragraphs, and
  diffs paired paragraphs word by word (:mod:`difflib`);
- :func:`changes_markdown` writes the "Changes in this version" section: the data
  changes (as in What's new) and the text changes by chapter;
- :func:`write_changes_docx` writes the new version as a DOCX whose differences
  from the old one are Word revisions (``w:ins``/``w:del``), with the new
  version's styles, for Word's and LibreOffice's review tools.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from ..errors import ReleaseError
from ..io import write_text
from ..markdown import escape_markdown
from .criteria import compare_states, criteria_changes_lines, release_protocol
from .pages import data_changes_lines, release_study_labels
from .reader_words import ReaderWords, cited_keys, project_reader_words
from .releases import Release, load_releases
from .word_diff import Op, word_diff
from .word_diff import markdown_ops as _markdown_ops

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FRONT = "Title page and abstract"
CHANGES = "changes.docx"  # releases/<version>/changes.docx
# "3 Results", "3.1 Methods", "A Records": section numbers the renderer adds
_NUMBER = re.compile(r"^(\d+(\.\d+)*|[A-Z])\s+(?=\S)")

# Two paragraphs are one edited paragraph when this share of their words match.
SIMILAR = 0.5


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class ParagraphDiff:
    """One paragraph of the new version (or a removed one) with its word changes."""

    ops: list[Op]
    style: str = ""

    @property
    def changed(self) -> bool:
        return any(op != "=" for op, _ in self.ops)


@dataclass
class ChapterDiff:
    title: str
    paragraphs: list[ParagraphDiff] = field(default_factory=list)

    def count(self, op: str) -> int:
        """Words inserted (``+``) or deleted (``-``) in this chapter."""
        return sum(
            sum(any(c.isalnum() for c in word) for word in text.split())
            for p in self.paragraphs
            for o, text in p.ops
            if o == op
        )


Docx = str | Path | bytes  # a DOCX file, or its bytes (a release being made)
# Left out of the text comparison: the reference list (renumbering noise; added
# studies are listed with the data changes), code blocks (the BibTeX of "Cite this
# version", which print formats no longer carry) and this page itself.
SKIP_STYLES = {"Bibliography", "SourceCode"}
PLAIN = ReaderWords()  # no labels or rule names: only "rule x_y" and paths are left out
SKIP_CHAPTERS = ("changes in this version",)


def _zip(source: Docx) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)


def _text(node: etree._Element) -> str:
    return "".join(t.text or "" for t in node.iter(_w("t")))


def _superscript(node: etree._Element) -> bool:
    return any(v.get(_w("val")) == "superscript" for v in node.iter(_w("vertAlign")))


def _citation_anchor(node: etree._Element) -> str | None:
    anchor = (node.get(_w("anchor")) or "") if node.tag == _w("hyperlink") else ""
    return anchor[4:] if anchor.startswith("ref-") else None


def _paragraph_text(p: etree._Element, reader: ReaderWords, numbered: list[str]) -> str:
    """A paragraph's words, each citation group (linked to ``#ref-<key>``, with its
    superscript separators) replaced by ``reader``'s rendering of the works it cites."""
    parts: list[str] = []
    anchors: list[str] = []
    shown: list[str] = []

    def close_citation() -> None:
        if anchors:
            text = "".join(shown)
            cited = reader.citation(cited_keys(text, anchors, numbered), text)
            before = "".join(parts).split()
            if cited == text:
                parts.append(text)
            elif not (before and f"({before[-1]})" == cited):  # "Yermus (Yermus)": once
                parts.append(f" {cited}")
            anchors.clear()
            shown.clear()

    for child in p:
        key = _citation_anchor(child)
        text = _text(child)
        if key is not None:
            anchors.append(key)
            shown.append(text)
        elif anchors and _superscript(child) and text.strip() in {",", "–", "-", ";", ""}:
            shown.append(text)
        else:
            close_citation()
            parts.append(text)
    close_citation()
    return reader.clean("".join(parts))


def _reference_order(body: etree._Element) -> list[str]:
    """Keys of the reference list in order (its ``ref-<key>`` bookmarks): entry 1, 2, ..."""
    keys = []
    for mark in body.iter(_w("bookmarkStart")):
        name = mark.get(_w("name")) or ""
        if name.startswith("ref-") and name[4:] not in keys:
            keys.append(name[4:])
    return keys


def docx_chapters(
    path: Docx, reader: ReaderWords = PLAIN
) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(chapter title, [(style, paragraph text), ...])`` of a DOCX, tables and code
    blocks left out, the text normalised by ``reader``."""
    try:
        with _zip(path) as package:
            body = etree.fromstring(package.read("word/document.xml")).find(_w("body"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ReleaseError.single(
            path if not isinstance(path, bytes) else "review.docx",
            f"cannot read the release's DOCX ({exc})",
            fix="restore it from git",
        ) from None
    chapters: list[tuple[str, list[tuple[str, str]]]] = [(FRONT, [])]
    numbered = _reference_order(body)
    for p in body.iter(_w("p")):
        if any(a.tag == _w("tbl") for a in p.iterancestors()):
            continue
        style_el = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        style = style_el.get(_w("val")) if style_el is not None else ""
        if style in SKIP_STYLES:
            continue
        if style == "Heading1":
            text = " ".join(_text(p).split())
            if text:
                chapters.append((text, []))
            continue
        text = _paragraph_text(p, reader, numbered)
        if text:
            chapters[-1][1].append((style, text))
    return [
        c
        for c in chapters
        if (c[0] != FRONT or c[1]) and not _title_key(c[0]).endswith(SKIP_CHAPTERS)
    ]


def _title_key(title: str) -> str:
    return _NUMBER.sub("", title).strip().casefold()


def _paragraph_diffs(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[ParagraphDiff]:
    out = []
    a, b = [t for _, t in old], [t for _, t in new]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [ParagraphDiff([("=", t)], s) for s, t in new[j1:j2]]
            continue
        out += _pair_block(old[i1:i2], new[j1:j2])
    return out


def _similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    return matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


def _pair_block(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[ParagraphDiff]:
    """Paragraphs that differ: an edited one is paired with its most similar
    successor in order (word diff), the others are whole insertions or deletions."""
    out: list[ParagraphDiff] = []
    i = 0
    for style, text in new:
        match = next((k for k in range(i, len(old)) if _similar(old[k][1], text)), None)
        if match is None:
            out.append(ParagraphDiff([("+", text)], style))
            continue
        out += [ParagraphDiff([("-", t)], s) for s, t in old[i:match]]
        out.append(ParagraphDiff(word_diff(old[match][1], text), style))
        i = match + 1
    out += [ParagraphDiff([("-", t)], s) for s, t in old[i:]]
    return out


def chapter_diffs(old_docx: Docx, new_docx: Docx, reader: ReaderWords = PLAIN) -> list[ChapterDiff]:
    """Chapters of the new version (and chapters removed from the old) with their diffs,
    both versions read through ``reader``."""
    old = {_title_key(t): (t, paras) for t, paras in docx_chapters(old_docx, reader)}
    out = []
    seen = set()
    for title, paragraphs in docx_chapters(new_docx, reader):
        key = _title_key(title)
        seen.add(key)
        before = old.get(key, (title, None))[1]
        if before is None:
            diffs = [ParagraphDiff([("+", t)], s) for s, t in paragraphs]
        else:
            diffs = _paragraph_diffs(before, paragraphs)
        out.append(ChapterDiff(title, diffs))
    for key, (title, paragraphs) in old.items():
        if key not in seen:
            out.append(ChapterDiff(title, [ParagraphDiff([("-", t)], s) for s, t in paragraphs]))
    return out


# ---------------------------------------------------------------- the website page


def changes_markdown(
    releases: Sequence[Release],
    docx: Mapping[str, str | Path],
    labels: Mapping[str, str] | None = None,
    reader: ReaderWords = PLAIN,
) -> str:
    """The "Changes in this version" section for the latest release.

    ``docx`` maps versions to their release DOCX, read through ``reader``, whose
    labels name the studies unless ``labels`` are given.
    Deleted words are struck through and inserted words underlined, by chapter;
    unchanged paragraphs are left out.
    """
    if len(releases) < 2:
        return (
            "There is no earlier released version to compare with: the changes "
            "between versions are listed here from the second release on.\n"
        )
    old, new = releases[-2], releases[-1]
    before, after = release_protocol(old), release_protocol(new)
    lines = [
        f"## Version {new.version} compared with version {old.version} {{.unnumbered}}",
        "",
        "### Eligibility criteria {.unnumbered}",
        "",
        *criteria_changes_lines(before, after, compare_states(before, after)),
        "",
        "### Data {.unnumbered}",
        "",
        *data_changes_lines(old, new, reader.labels if labels is None else labels),
        "",
        "### Text {.unnumbered}",
        "",
        "Words removed since the previous version are struck through and words added "
        "are underlined; only changed paragraphs are shown. Tables are compared through "
        "the data above."
        + (
            " Citations are shown by first author and year, because their numbers "
            "change when references are added."
            if reader.labels
            else ""
        ),
        "",
    ]
    if old.version not in docx or new.version not in docx:
        lines.append("The text of one of these versions is not available.")
        return "\n".join(lines) + "\n"
    for chapter in chapter_diffs(docx[old.version], docx[new.version], reader):
        changed = [p for p in chapter.paragraphs if p.changed]
        title = escape_markdown(chapter.title)
        if not changed:
            lines += [f"#### {title} {{.unnumbered}}", "", "No changes.", ""]
            continue
        lines += [
            f"#### {title} {{.unnumbered}}",
            "",
            f"{_words(chapter.count('+'))} added, {_words(chapter.count('-'))} removed.",
            "",
        ]
        # quoted from the releases, normalised to reader-facing words (ReaderWords)
        lines += ["::: {.released-text}", ""]
        lines += [_markdown_ops(p.ops) + "\n" for p in changed]
        lines += [":::", ""]
    return "\n".join(lines) + "\n"


def _words(n: int) -> str:
    return f"{n:,} word" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- the tracked-changes DOCX


def _runs(ops: list[Op], author: str, date: str, counter: list[int]) -> str:
    out = []
    for op, text in ops:
        text = escape(text)
        if op == "=":
            out.append(f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>')
            continue
        counter[0] += 1
        tag, text_tag = ("w:ins", "w:t") if op == "+" else ("w:del", "w:delText")
        out.append(
            f'<{tag} w:id="{counter[0]}" w:author={quoteattr(author)} w:date="{date}">'
            f'<w:r><{text_tag} xml:space="preserve">{text}</{text_tag}></w:r></{tag}>'
        )
    return "".join(out)


def _paragraph_xml(p: ParagraphDiff, author: str, date: str, counter: list[int]) -> str:
    whole = {op for op, _ in p.ops}
    mark = ""
    if whole in ({"+"}, {"-"}):  # a whole paragraph added or removed: its mark too
        counter[0] += 1
        tag = "w:ins" if whole == {"+"} else "w:del"
        mark = (
            f'<w:rPr><{tag} w:id="{counter[0]}" w:author={quoteattr(author)} '
            f'w:date="{date}"/></w:rPr>'
        )
    style = f'<w:pStyle w:val="{escape(p.style)}"/>' if p.style else ""
    return f"<w:p><w:pPr>{style}{mark}</w:pPr>{_runs(p.ops, author, date, counter)}</w:p>"


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)


def changes_docx_bytes(
    old_docx: Docx, new_docx: Docx, author: str, date: str, reader: ReaderWords = PLAIN
) -> bytes:
    """The new version's text as a DOCX with every change since the old one as a
    revision, both read through ``reader``."""
    counter = [0]
    body = []
    for chapter in chapter_diffs(old_docx, new_docx, reader):
        heading = ParagraphDiff([("=", chapter.title)], "Heading1")
        if chapter.paragraphs and all(p.ops[0][0] == "-" for p in chapter.paragraphs):
            heading = ParagraphDiff([("-", chapter.title)], "Heading1")
        if chapter.title != FRONT:
            body.append(_paragraph_xml(heading, author, date, counter))
        body += [_paragraph_xml(p, author, date, counter) for p in chapter.paragraphs]
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>'
    )
    with _zip(new_docx) as package:
        styles = package.read("word/styles.xml")
    parts = {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "_rels/.rels": PACKAGE_RELS.encode(),
        "word/document.xml": document.encode("utf-8"),
        "word/_rels/document.xml.rels": DOCUMENT_RELS.encode(),
        "word/styles.xml": styles,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    return out.getvalue()


def release_changes_docx(
    old_docx: Docx, new_docx: Docx, release: Release, reader: ReaderWords = PLAIN
) -> bytes:
    """``releases/<version>/changes.docx`` of ``release``: its text against the previous one's."""
    return changes_docx_bytes(
        old_docx, new_docx, author="livingreview", date=f"{release.date}T00:00:00Z", reader=reader
    )


def write_changes_page(
    snapshots: Sequence[str | Path],
    documents: Sequence[str | Path],
    bibliography: str | Path | None,
    output: str | Path,
    root: str | Path = ".",
) -> None:
    """Write the "Changes in this version" Markdown from the releases and their DOCX
    files, read as readers saw them (the rule names of the project in ``root``)."""
    releases = load_releases(snapshots)
    docx = {Path(d).parent.name: d for d in documents}
    labels = release_study_labels(releases, bibliography) if bibliography else {}
    reader = project_reader_words(root, releases, bibliography)
    write_text(output, changes_markdown(releases, docx, labels, reader))

"""Word feedback back to the chapters: comments and tracked changes of a returned DOCX.

A co-author opens ``review.docx`` in Word or LibreOffice, comments and edits
with track changes on, and sends it back. :func:`read_feedback` reads every
comment (``w:comment``), insertion (``w:ins``) and deletion (``w:del``) and
places each at the chapter file and line it came from, through the invisible
bookmark the build put at the start of every prose paragraph
(:mod:`livingreview.render.source_anchors`).

:func:`apply_feedback` writes insertions and deletions into the chapter files,
but only in plain prose paragraphs: a paragraph holding a variable, a
citation or cross-reference, an include, a span or div with attributes (a
checked claim) or any other markup is left for a person, and reported so. If
any change cannot be placed (no bookmark, the chapter changed since the DOCX
was built, the text does not match), nothing is written.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import FeedbackError, Problem, raise_if_any
from ..io import write_text
from ..render.source_anchors import file_key, parse_anchor

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
KINDS = ("comment", "insertion", "deletion")
# Source text that makes a paragraph more than plain prose: shortcodes (variables,
# includes), citations and cross-references, attributes (claims), links, markup.
NOT_PLAIN = re.compile(r"\{\{<|@|\{[#.]|[\[\]`*_<>\\$^~|]")
# What Pandoc's smart extension turns source characters into in the DOCX.
SMART = {"'": "‘’", '"': "“”"}
SMART_RUNS = (("---", "—"), ("--", "–"), ("...", "…"))


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Item:
    """One comment or tracked change, placed in the chapters if possible."""

    kind: str  # comment | insertion | deletion
    text: str  # inserted or deleted text, or the comment's text
    author: str = ""
    context: str = ""  # the commented text, or the words just before a change
    file: str | None = None
    line: int | None = None
    action: str = ""  # what --apply does or did with it, or why a person must
    # where in the paragraph's original (rendered) text the item sits
    start: int = 0
    end: int = 0
    anchor: str | None = None  # the paragraph's bookmark
    original: str = field(default="", repr=False)  # the paragraph's text as built
    comment_id: str | None = None

    def where(self) -> str:
        """``file:line`` or a description of why the item has no place."""
        return f"{self.file}:{self.line}" if self.file else "(no source paragraph)"


@dataclass
class _Paragraph:
    anchor: str | None
    original: str = ""  # the text as built (deletions in, insertions out)
    items: list[Item] = field(default_factory=list)


# ---------------------------------------------------------------- reading the DOCX


def _comments(package: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Comment id -> (author, text) from word/comments.xml (absent: none)."""
    if "word/comments.xml" not in package.namelist():
        return {}
    root = etree.fromstring(package.read("word/comments.xml"))
    out = {}
    for comment in root.iter(_w("comment")):
        paragraphs = ["".join(t.text or "" for t in p.iter(_w("t"))) for p in comment.iter(_w("p"))]
        out[comment.get(_w("id"))] = (comment.get(_w("author"), ""), "\n".join(paragraphs).strip())
    return out


def _paragraphs(document: etree._Element, comments: dict[str, tuple[str, str]]) -> list[_Paragraph]:
    """Every body paragraph with its original text and the items inside it."""
    out: list[_Paragraph] = []
    open_comments: dict[str, tuple[_Paragraph, int]] = {}
    seen: set[str] = set()

    def comment(ident: str, end_para: _Paragraph) -> None:
        if ident in seen:
            return
        seen.add(ident)
        start_para, start = open_comments.pop(ident, (end_para, None))
        _add_comment(start_para, ident, start, end_para, comments)

    def visit(el: etree._Element, para: _Paragraph, state: str, author: str) -> None:
        for child in el:
            tag = child.tag
            if tag in (_w("pPr"), _w("rPr")):
                continue  # formatting (and marks of changed formatting), no text
            if tag in (_w("ins"), _w("moveTo")):
                visit(child, para, "ins", child.get(_w("author"), ""))
            elif tag in (_w("del"), _w("moveFrom")):
                visit(child, para, "del", child.get(_w("author"), ""))
            elif tag == _w("bookmarkStart"):
                if para.anchor is None and parse_anchor(child.get(_w("name"), "")):
                    para.anchor = child.get(_w("name"))
            elif tag in (_w("t"), _w("delText")):
                text = child.text or ""
                pos = len(para.original)
                if state == "ins":
                    _extend(para, "insertion", text, author, pos, pos)
                else:
                    para.original += text
                    if state == "del":
                        _extend(para, "deletion", text, author, pos, pos + len(text))
            elif tag == _w("commentRangeStart"):
                open_comments[child.get(_w("id"))] = (para, len(para.original))
            elif tag in (_w("commentRangeEnd"), _w("commentReference")):
                comment(child.get(_w("id")), para)
            else:
                visit(child, para, state, author)

    for p in document.iter(_w("p")):
        para = _Paragraph(anchor=None)
        visit(p, para, "", "")
        out.append(para)
    return out


def _extend(para: _Paragraph, kind: str, text: str, author: str, start: int, end: int) -> None:
    """Add a change, merging it with the previous one when they touch (Word splits runs)."""
    last = next((i for i in reversed(para.items) if i.kind != "comment"), None)
    if last is not None and last.kind == kind and last.author == author and last.end == start:
        last.text += text
        last.end = end
        return
    para.items.append(Item(kind, text, author, start=start, end=end))


def _add_comment(
    para: _Paragraph,
    ident: str,
    start: int | None,
    end_para: _Paragraph,
    comments: dict[str, tuple[str, str]],
) -> None:
    author, text = comments.get(ident, ("", ""))
    end = len(para.original)  # a range ending in a later paragraph runs to this one's end
    start = end if start is None else start
    para.items.append(
        Item(
            "comment",
            text,
            author,
            para.original[start:end],
            start=start,
            end=end,
            comment_id=ident,
        )
    )


# ---------------------------------------------------------------- placing in the chapters


def _source_files(project: Path) -> dict[str, str]:
    """File key -> project-relative path of every file a chapter can come from."""
    files = [p for p in project.glob("*.qmd")] + [p for p in project.glob("*.md")]
    for folder in ("manuscript", "results"):
        files += [p for p in (project / folder).rglob("*") if p.suffix in (".qmd", ".md")]
    return {
        file_key(p.relative_to(project).as_posix()): p.relative_to(project).as_posix()
        for p in files
    }


def paragraph_lines(lines: list[str], start: int) -> list[str]:
    """The source lines of the paragraph that begins at 1-based line ``start``."""
    out = []
    for line in lines[start - 1 :]:
        if not line.strip() or (out and line.lstrip().startswith((":::", "#"))):
            break
        out.append(line)
    return out


def align(source: str, rendered: str) -> list[int] | None:
    """Offsets into ``source`` of every position 0..len(rendered) of ``rendered``.

    The rendered text is the source with line breaks as spaces and Pandoc's smart
    punctuation; anything else (markup, expanded values) gives None.
    """
    offsets = []
    i = 0
    j = 0
    while j < len(rendered):
        offsets.append(i)
        if i >= len(source):
            return None
        char = rendered[j]
        run = next((s for s, r in SMART_RUNS if r == char and source.startswith(s, i)), None)
        if run:
            i += len(run)
        elif (
            source[i] == char
            or (source[i] == "\n" and char == " ")
            or char in SMART.get(source[i], "")
        ):
            i += 1
        else:
            return None
        j += 1
    offsets.append(i)
    return offsets if i == len(source) else None


def _place(paragraph: _Paragraph, project: Path, files: dict[str, str]) -> None:
    """Give each item of ``paragraph`` its file, line and what --apply will do."""
    if paragraph.anchor is None:
        for item in paragraph.items:
            item.action = (
                "not from a chapter paragraph (title page, table, figure, reference list "
                "or generated text): make this change by hand"
            )
        return
    key, start = parse_anchor(paragraph.anchor) or ("", 0)
    rel = files.get(key)
    for item in paragraph.items:
        item.file, item.line = rel, start
    if rel is None:
        for item in paragraph.items:
            item.action = "cannot place: the chapter file this paragraph came from no longer exists"
        return
    lines = (project / rel).read_text(encoding="utf-8").split("\n")
    source_lines = paragraph_lines(lines, start)
    source = "\n".join(source_lines)
    offsets = align(source, paragraph.original)
    generated = rel.startswith("results/")
    plain = offsets is not None and not NOT_PLAIN.search(source) and not generated
    for item in paragraph.items:
        item.context = item.context or paragraph.original[max(0, item.start - 30) : item.start]
        if offsets is not None:
            item.line = start + source[: offsets[item.start]].count("\n")
        else:
            item.line = start + _line_of(source, item)
        if item.kind == "comment":
            item.action = "comment: for a person to answer"
        elif generated:
            item.action = "in generated text: change the data or the code that writes it"
        elif plain:
            item.action = "apply"
        elif offsets is None and NOT_PLAIN.search(source) is None:
            item.action = (
                "cannot place: the paragraph no longer matches the DOCX (was the chapter "
                "edited after the build?)"
            )
        else:
            item.action = (
                "for a person: the paragraph holds variables, citations, cross-references, "
                "claims or other markup, which are never edited automatically"
            )


def _line_of(source: str, item: Item) -> int:
    """Best line offset in the paragraph for an item whose text cannot be aligned."""
    for probe in (item.text if item.kind == "deletion" else "", item.context[-20:]):
        probe = probe.strip()
        if probe:
            found = " ".join(source.split("\n")).find(probe)
            if found >= 0:
                return source[:found].count("\n")
    return 0


def read_feedback(docx: str | Path, project: str | Path = ".") -> list[Item]:
    """Every comment and tracked change of ``docx``, placed in ``project``'s chapters."""
    docx, project = Path(docx), Path(project)
    try:
        with zipfile.ZipFile(docx) as package:
            document = etree.fromstring(package.read("word/document.xml"))
            comments = _comments(package)
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise FeedbackError.single(
            docx,
            f"cannot read this file as a Word document ({exc})",
            fix="pass the .docx the co-author returned, saved in Word format (.docx)",
        ) from None
    files = _source_files(project)
    items = []
    for paragraph in _paragraphs(document, comments):
        _place(paragraph, project, files)
        for item in paragraph.items:
            item.anchor, item.original = paragraph.anchor, paragraph.original
        # in reading order; a comment before the changes inside the text it covers
        items.extend(sorted(paragraph.items, key=lambda i: (i.start, i.kind != "comment")))
    return items


# ---------------------------------------------------------------- applying


def _paragraphs_to_edit(items: Iterable[Item]) -> dict[tuple[str, int], list[Item]]:
    grouped: dict[tuple[str, int], list[Item]] = {}
    for item in items:
        if item.action == "apply" and item.file and item.anchor:
            _, start = parse_anchor(item.anchor) or ("", 0)
            grouped.setdefault((item.file, start), []).append(item)
    return grouped


def apply_feedback(items: list[Item], project: str | Path = ".") -> list[str]:
    """Write the insertions and deletions marked "apply" into the chapter files.

    Raises FeedbackError, writing nothing, when any change cannot be placed.
    Returns the files changed.
    """
    project = Path(project)
    problems = [
        Problem(item.file or "(returned DOCX)", item.action, row=item.line, found=item.text)
        for item in items
        if item.action.startswith("cannot place")
    ]
    raise_if_any(problems, FeedbackError, "nothing was written: some changes cannot be placed")
    texts: dict[str, list[str]] = {}
    for (rel, start), changes in sorted(_paragraphs_to_edit(items).items()):
        lines = texts.setdefault(rel, (project / rel).read_text(encoding="utf-8").split("\n"))
        old_lines = paragraph_lines(lines, start)
        source = "\n".join(old_lines)
        offsets = align(source, changes[0].original)
        if offsets is None:  # checked when placed; only a file changed since then
            raise FeedbackError.single(rel, "the chapter changed while applying", row=start)
        new = source
        for item in sorted(changes, key=lambda i: (i.start, i.kind == "deletion"), reverse=True):
            a, b = offsets[item.start], offsets[item.end]
            new = new[:a] + (item.text if item.kind == "insertion" else "") + new[b:]
        lines[start - 1 : start - 1 + len(old_lines)] = new.split("\n")
    for rel, lines in texts.items():
        write_text(project / rel, "\n".join(lines))
    return sorted(texts)


def feedback_report(items: list[Item], docx: str | Path) -> str:
    """Plain-text report: every item with its place and what happens to it."""
    if not items:
        return f"{docx}: no comments or tracked changes found\n"
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in KINDS}
    head = f"{docx}: " + ", ".join(f"{n} {kind}(s)" for kind, n in counts.items()) + "\n"
    lines = [head]
    for item in items:
        who = f" by {item.author}" if item.author else ""
        lines.append(f"{item.where()}: {item.kind}{who}: {item.text!r}")
        if item.kind == "comment" and item.context:
            lines.append(f"    on: {item.context!r}")
        lines.append(f"    -> {item.action}")
    return "\n".join(lines) + "\n"

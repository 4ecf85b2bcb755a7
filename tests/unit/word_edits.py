"""Edit a DOCX the way Word records a co-author's review, for the feedback tests.

Word writes a tracked deletion as the deleted runs moved into ``<w:del>`` with
their ``<w:t>`` renamed ``<w:delText>``, a tracked insertion as new runs inside
``<w:ins>``, and a comment as ``<w:commentRangeStart/>`` ... ``<w:commentRangeEnd/>``
followed by a run holding ``<w:commentReference/>``, with the comment's text in
``word/comments.xml`` (linked from the document's relationships and declared in
``[Content_Types].xml``). Runs are split where a change starts or ends. These
helpers write exactly that structure into a DOCX made by the build.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
DATE = "2027-01-15T10:00:00Z"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class WordEdits:
    """A DOCX opened for editing; ``save`` writes the edited copy."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as package:
            self.parts = {info.filename: package.read(info.filename) for info in package.infolist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.comments = etree.fromstring(
            self.parts.get("word/comments.xml") or f'<w:comments xmlns:w="{W}"/>'.encode()
        )
        self.next_id = 900

    # ------------------------------------------------------------ runs

    def _runs(self, paragraph: etree._Element) -> list[etree._Element]:
        return [r for r in paragraph.iter(w("r")) if r.find(w("t")) is not None]

    def _paragraph(self, phrase: str) -> etree._Element:
        for p in self.document.iter(w("p")):
            if phrase in "".join(t.text or "" for t in p.iter(w("t"))):
                return p
        raise AssertionError(f"no paragraph contains {phrase!r}")

    def _split(self, paragraph: etree._Element, offset: int) -> None:
        """Split the run that spans ``offset`` so that a run starts there."""
        position = 0
        for run in self._runs(paragraph):
            text = "".join(t.text or "" for t in run.findall(w("t")))
            if position < offset < position + len(text):
                cut = offset - position
                tail = copy.deepcopy(run)
                for t in run.findall(w("t"))[1:]:
                    run.remove(t)
                for t in tail.findall(w("t"))[1:]:
                    tail.remove(t)
                run.find(w("t")).text = text[:cut]
                tail.find(w("t")).text = text[cut:]
                for element in (run.find(w("t")), tail.find(w("t"))):
                    element.set(XML_SPACE, "preserve")
                run.addnext(tail)
                return
            position += len(text)

    def _range(self, phrase: str) -> list[etree._Element]:
        """The runs that hold exactly ``phrase`` (first occurrence), split as needed."""
        paragraph = self._paragraph(phrase)
        text = "".join(t.text or "" for t in paragraph.iter(w("t")))
        start = text.index(phrase)
        self._split(paragraph, start)
        self._split(paragraph, start + len(phrase))
        out, position = [], 0
        for run in self._runs(paragraph):
            length = len("".join(t.text or "" for t in run.findall(w("t"))))
            if start <= position < start + len(phrase):
                out.append(run)
            position += length
        return out

    def _change(self, tag: str, author: str) -> etree._Element:
        self.next_id += 1
        return etree.Element(
            w(tag), {w("id"): str(self.next_id), w("author"): author, w("date"): DATE}
        )

    # ------------------------------------------------------------ edits

    def delete(self, phrase: str, author: str = "Co Author") -> None:
        """Tracked deletion of ``phrase``."""
        runs = self._range(phrase)
        wrapper = self._change("del", author)
        runs[0].addprevious(wrapper)
        for run in runs:
            for t in run.findall(w("t")):
                t.tag = w("delText")
            wrapper.append(run)

    def insert(self, after: str, text: str, author: str = "Co Author") -> None:
        """Tracked insertion of ``text`` right after the phrase ``after``."""
        runs = self._range(after)
        wrapper = self._change("ins", author)
        run = copy.deepcopy(runs[-1])
        for t in run.findall(w("t"))[1:]:
            run.remove(t)
        run.find(w("t")).text = text
        run.find(w("t")).set(XML_SPACE, "preserve")
        wrapper.append(run)
        runs[-1].addnext(wrapper)

    def comment(self, phrase: str, text: str, author: str = "Co Author") -> None:
        """A comment on ``phrase``."""
        runs = self._range(phrase)
        self.next_id += 1
        ident = str(self.next_id)
        runs[0].addprevious(etree.Element(w("commentRangeStart"), {w("id"): ident}))
        end = etree.Element(w("commentRangeEnd"), {w("id"): ident})
        runs[-1].addnext(end)
        reference = etree.fromstring(
            f'<w:r xmlns:w="{W}"><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            f'<w:commentReference w:id="{ident}"/></w:r>'
        )
        end.addnext(reference)
        self.comments.append(
            etree.fromstring(
                f'<w:comment xmlns:w="{W}" w:id="{ident}" w:author="{author}" w:date="{DATE}" '
                f'w:initials="CA"><w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>'
                f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/>'
                f"</w:r><w:r><w:t>{text}</w:t></w:r></w:p></w:comment>"
            )
        )

    def save(self, target: Path) -> Path:
        """Write the edited DOCX (comments part, relationship and content type added)."""
        parts = dict(self.parts)
        parts["word/document.xml"] = etree.tostring(
            self.document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        if len(self.comments):
            parts["word/comments.xml"] = etree.tostring(
                self.comments, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            rels = parts["word/_rels/document.xml.rels"].decode()
            if COMMENTS_TYPE not in rels:
                rels = rels.replace(
                    "</Relationships>",
                    f'<Relationship Id="rIdComments" Type="{COMMENTS_TYPE}" '
                    'Target="comments.xml"/></Relationships>',
                )
                parts["word/_rels/document.xml.rels"] = rels.encode()
            types = parts["[Content_Types].xml"].decode()
            if "/word/comments.xml" not in types:
                types = types.replace(
                    "</Types>",
                    '<Override PartName="/word/comments.xml" '
                    f'ContentType="{COMMENTS_CT}"/></Types>',
                )
                parts["[Content_Types].xml"] = types.encode()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        return target


def revisions(data: bytes) -> tuple[list[str], list[str]]:
    """Texts of the ``w:ins`` and ``w:del`` revisions of a DOCX (empty ones, such as
    paragraph marks, left out)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")

    def texts(runs: list[str]) -> list[str]:
        found = ["".join(re.findall(r"<w:(?:t|delText)[^>]*>([^<]*)<", r)).strip() for r in runs]
        return [t for t in found if t]

    return (
        texts(re.findall(r"<w:ins [^>]*[^/]>(.*?)</w:ins>", xml)),
        texts(re.findall(r"<w:del [^>]*[^/]>(.*?)</w:del>", xml)),
    )

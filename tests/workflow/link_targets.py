"""Where the links of a built DOCX and PDF lead: for the checks that print has no link
that only works beside the website's files (``render/print_links.py``).

Shared by the unit test of the link rewrite and the workflow tests of built reviews.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from pypdf import PdfReader

# a link with a scheme (https:, mailto:) works anywhere; an internal one has none
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def pdf_link_targets(path: Path) -> list[str]:
    """The URI of every link annotation of the PDF (internal links have none)."""
    targets = []
    for page in PdfReader(path).pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A") or {}
            if "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def docx_link_targets(path: Path) -> list[str]:
    """The target of every external hyperlink relationship of the DOCX's main part."""
    with zipfile.ZipFile(path) as package:
        rels = package.read("word/_rels/document.xml.rels").decode("utf-8")
    return [
        m.group(2)
        for m in re.finditer(r'<Relationship\b([^>]*?)Target="([^"]*)"([^>]*)/>', rels)
        if "relationships/hyperlink" in m.group(1) + m.group(3)
    ]


def relative_targets(targets: list[str]) -> list[str]:
    """The targets that are neither absolute nor within the document."""
    return [t for t in targets if not SCHEME.match(t) and not t.startswith("#")]

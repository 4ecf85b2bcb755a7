"""Links to the website's own files in DOCX and PDF: absolute, or plain text.

On the website a relative link (``../releases/1.0/review.pdf``, ``data/records.csv``)
leads from the page to a file published beside it. A downloaded DOCX or PDF has no
folder around it, so the same link goes nowhere. In print, such a link becomes:

- the website's address (``book: site-url`` in ``_quarto.yml``, Quarto's base URL of
  the published website, which it also uses for the sitemap and canonical links)
  followed by the file's path on the site, when the review declares that address;
- its text alone (no link) when it does not, so nothing in print points nowhere.
  Text that tells readers where to find such files says so in words (the version
  history: "on the review's website").

Links within the book (``#id``), with a scheme (``https:``, ``mailto:``) or to a
path outside the published folder are left as they are, or (the last) printed as
text.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from . import ast as A
from .block_index import select
from .chapter_source import SCHEME

__all__ = ["print_links", "site_address"]


def site_address(site_url: str, path: str) -> str:
    """``path`` (relative to the website's root) on the website at ``site_url``, joined
    as Quarto joins a sitemap entry: the base with one ``/`` before the path."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def _site_path(target: str, folder: str) -> str | None:
    """The site-root path a relative link ``target`` written in ``folder`` leads to
    (its ``#fragment`` or ``?query`` kept), or ``None`` when it leaves the site."""
    cut = min((i for i in (target.find("#"), target.find("?")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    # Quarto: a path starting with / is relative to the project (the site's root)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
    resolved = posixpath.normpath(joined or ".")
    if resolved == ".." or resolved.startswith("../"):
        return None
    return ("" if resolved == "." else resolved) + rest


def print_links(node: list[Any], source: Path | None, site_url: str | None) -> list[Any]:
    """Rewrite, in place, every link in ``node`` (blocks, inlines or metadata values
    written in the file ``source``, relative to the project; ``None``: ``_quarto.yml``)
    that leads to a file or page of the website: to its absolute address on
    ``site_url``, or, without one, to its text alone (a span keeping the link's id).
    Returns ``node``."""
    folder = source.parent.as_posix() if source is not None else ""
    folder = "" if folder == "." else folder
    for el in list(select(node, ("Link",))):
        attr, content, (target, _title) = el["c"]
        if not target or target.startswith("#") or SCHEME.match(target):
            continue
        # a project file named where the matter of _quarto.yml is (a declaration)
        path = _site_path(target, "" if "root-link" in attr[1] else folder)
        if site_url and path is not None:
            el["c"][2][0] = site_address(site_url, path)
            continue
        el["t"] = "Span"  # no address to give: the words stay, the dead link goes
        el["c"] = [A.attr(attr[0]), content]
    return node

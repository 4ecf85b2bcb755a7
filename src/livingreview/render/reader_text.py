"""Keep build-system words out of what readers see.

Captions and prose are for readers: a workflow rule name (``draw_flow_diagram``),
a project path (``data/studies.csv``) or an internal key (a citation key such
as ``glue2017`` or a study id such as ``yermus_kap``) printed in the text means
the build leaked into the review. Provenance belongs in a figure's or table's
``data-source``/``data-rule`` attributes, which the website shows as a small
"source" note and print formats drop (see :mod:`.finish`).

The check reads the text a reader sees: words, code spans and code blocks,
link text and captions. It ignores what is not shown as text: citation keys
inside citations, link targets, attributes and identifiers.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..workflow import module_snakefile
from . import ast as A
from .block_index import select

__all__ = [
    "add_link_tips",
    "chapter_reader_problems",
    "id_entries",
    "key_index",
    "leaked_script_terms",
    "leaked_terms",
    "link_tips",
    "merge_tips",
    "reader_terms",
    "reader_text_problems",
    "rule_names",
    "visible_text",
]

RULE = re.compile(r"^\s*(?:rule|checkpoint)\s+(\w+)\s*:", re.M)
# A path inside the project's build folders, as a reader would see it printed.
PROJECT_PATH = re.compile(
    r"(?<![\w/.-])(?:data|results|refs|logs|releases|workflow|config|manuscript)"
    r"(?:/[\w.-]*\w)+"
)
# Internal keys worth checking look like identifiers: letters with a digit or an underscore.
INTERNAL_KEY = re.compile(r"^(?=.*[a-z])(?=.*[\d_])[A-Za-z][\w:-]*$")
SKIPPED = {"Cite", "RawInline", "RawBlock", "Math", "Note"}


def rule_names(root: Path) -> set[str]:
    """Names of the workflow's rules (``Snakefile`` and ``workflow/rules/*.smk``).

    A project whose ``Snakefile`` loads the rules shipped in the package as a
    Snakemake module (``module_snakefile()``, as every review made by
    ``livingreview init`` does) has its rule names in the package's pipeline, so
    those are read too."""
    files = [root / "Snakefile", *sorted((root / "workflow" / "rules").glob("*.smk"))]
    snakefile = root / "Snakefile"
    if snakefile.is_file() and "module_snakefile" in snakefile.read_text(encoding="utf-8"):
        pipeline = Path(module_snakefile()).parent
        files += [pipeline / "Snakefile", *sorted((pipeline / "rules").glob("*.smk"))]
    names: set[str] = set()
    for path in files:
        if path.is_file():
            names.update(RULE.findall(path.read_text(encoding="utf-8")))
    return names


def study_ids(root: Path, studies: Path | None) -> set[str]:
    """Study ids of the extraction sheet (``study_id`` column), if there is one."""
    if studies is None or not (root / studies).is_file():
        return set()
    with open(root / studies, encoding="utf-8", newline="") as handle:
        return {row.get("study_id", "") for row in csv.DictReader(handle)} - {""}


def visible_text(blocks: Any) -> Iterator[str]:
    """The text of each block a reader sees (one string per paragraph, cell or caption)."""

    def inline_text(node: Any) -> str:
        if isinstance(node, list):
            return "".join(inline_text(n) for n in node)
        if not isinstance(node, dict) or "t" not in node:
            return ""
        t = node["t"]
        if t in SKIPPED:
            return " "
        if t == "Str":
            return node["c"]
        if t == "Code":
            return node["c"][1]
        if t in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if t in ("Link", "Image"):
            return inline_text(node["c"][1])
        if t in ("Span",):
            return inline_text(node["c"][1])
        if t == "Quoted":
            return inline_text(node["c"][1])
        c = node.get("c")
        return inline_text(c) if isinstance(c, list) else ""

    # Text quoted from a frozen release (the word diff of "Changes in this version") is
    # checked too: readers see it, so the build normalises it to reader-facing words
    # (livingreview.living.reader_words) rather than printing an older build's leaks.
    for el in A.iter_elements(blocks):
        t = el["t"]
        if t in ("Para", "Plain"):
            yield inline_text(el["c"])
        elif t == "Header":
            yield inline_text(el["c"][2])
        elif t == "CodeBlock":
            yield el["c"][1]


def key_index(keys: Iterable[str]) -> dict[str, list[str]]:
    """The internal keys worth checking (:data:`INTERNAL_KEY`), sorted, by lower case."""
    index: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        if INTERNAL_KEY.match(key):
            index.setdefault(key.lower(), []).append(key)
    return index


def leaked_terms(
    text: str,
    rules: Iterable[str],
    keys: Iterable[str],
    index: dict[str, list[str]] | None = None,
) -> list[str]:
    """Rule names, project paths and internal keys that occur in ``text`` as words.

    ``index`` is :func:`key_index` of ``keys``, when the caller checks many texts."""
    found = [m.group(0) for m in PROJECT_PATH.finditer(text)]
    words = set(re.findall(r"[\w:-]+", text))
    found += sorted(w for w in words & set(rules) if "_" in w)  # "all" is a word too
    if index is None:
        index = key_index(keys)
    lowered = {w.lower() for w in words}
    found += sorted(k for low in lowered & index.keys() for k in index[low])
    return found


def script_data_strings(text: str) -> list[str]:
    """The string values (not the keys) of a website data script such as the records
    browser's ``LR_RECORDS_PAGE("p00001.js",[[...]]);``: what its script shows readers."""
    strings: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    for call in re.finditer(r"^\w+\((.*)\);\s*$", text, re.M):
        collect(json.loads(f"[{call.group(1)}]"))
    return strings


def leaked_script_terms(
    scripts: Iterable[Path], rules: Iterable[str], keys: Iterable[str]
) -> dict[str, list[str]]:
    """``{file name: leaked terms}`` of website data scripts (the records browser's
    ``records-data/*.js``): the words their script shows, checked as
    :func:`leaked_terms` checks a page's text. Files with no leak are left out."""
    index = key_index(keys)
    found: dict[str, list[str]] = {}
    for path in scripts:
        text = " ".join(script_data_strings(Path(path).read_text(encoding="utf-8")))
        terms = leaked_terms(text, rules, keys, index)
        if terms:
            found[Path(path).name] = sorted(set(terms))
    return found


def reader_text_problems(
    model: Any, studies: Path | None = Path("data/studies.csv")
) -> list[Problem]:
    """One problem per rule name, project path or internal key in a chapter's visible text."""
    rules, keys, index, _ = reader_terms(model, studies)
    problems: list[Problem] = []
    for chapter in model.chapters:
        problems += chapter_reader_problems(chapter, rules, keys, index)
    return problems


def reader_terms(
    model: Any, studies: Path | None = Path("data/studies.csv")
) -> tuple[set[str], set[str], dict[str, list[str]], str]:
    """``(rule names, internal keys, their index, a hash of both)``: what
    :func:`chapter_reader_problems` looks for."""
    from .pandoc import bibliography_keys

    rules = rule_names(model.root)
    keys = study_ids(model.root, studies)
    if model.book.bibliography:
        keys |= bibliography_keys(list(model.book.bibliography))
    stamp = hashlib.sha256("\0".join([*sorted(rules), "", *sorted(keys)]).encode()).hexdigest()
    return rules, keys, key_index(keys), stamp


def chapter_reader_problems(
    chapter: Any, rules: set[str], keys: set[str], index: dict[str, list[str]]
) -> list[Problem]:
    """:func:`reader_text_problems` of one chapter."""
    from .book import locate  # local: book imports this module

    problems: list[Problem] = []
    seen: set[str] = set()
    texts = list(visible_text(chapter.blocks))
    # one look at all of it first (a 1,000-row table is 11,000 texts): a line break
    # ends every word and path, so the joined text has a term only if a block has
    if not leaked_terms("\n".join(texts), rules, keys, index):
        return problems
    for text in texts:
        for term in leaked_terms(text, rules, keys, index):
            if term in seen:
                continue
            seen.add(term)
            # the source may escape characters (yermus\_kap)
            file, line = locate(chapter, r"\\?".join(re.escape(c) for c in term))
            kind = (
                "a project path"
                if "/" in term
                else "a workflow rule name"
                if term in rules
                else "an internal key"
            )
            problems.append(
                Problem(
                    file,
                    f"text readers see contains {kind}",
                    row=line,
                    found=term,
                    expected="words for readers (study labels such as 'Glue 2017', "
                    "'the screening ledger')",
                    fix="reword it; give a figure's or table's provenance as "
                    'data-source="..." data-rule="..." attributes, which the '
                    "website shows as a source note",
                )
            )
    return problems


# ---------------------------------------------------------------- hover text for links

TIP_LENGTH = 300


def link_tips(pages: list[list[A.Element]]) -> dict[str, str]:
    """``{id: text}`` shown when a reader hovers a link to that id on the website.

    References (``ref-*``) give their formatted entry; figures and tables
    their caption; sections their title.
    """
    return merge_tips([id_entries(blocks) for blocks in pages])


def id_entries(blocks: list[A.Element]) -> list[tuple[str, str | None]]:
    """``(id, tip)`` for every element of ``blocks`` with an id, in document order:
    the tip text (see :func:`link_tips`), ``""`` if it has none, ``None`` if the
    element is not something a link's tip shows."""
    out: list[tuple[str, str | None]] = []
    for el in select(blocks, A.HAS_ATTR):
        a = A.get_attr(el)
        if not a or not a[0]:
            continue
        ident, t = a[0], el["t"]
        if ident.startswith("ref-") and t == "Div":
            text = A.stringify(el["c"][1])
        elif t in ("Figure", "Table"):
            caption = A.walk(copy.deepcopy(el["c"][1][1]), _drop_source_note)
            text = A.stringify(caption)
        elif t == "Header":
            text = A.stringify(el["c"][2])
        else:
            out.append((ident, None))
            continue
        text = " ".join(text.split())
        out.append((ident, text if len(text) <= TIP_LENGTH else text[: TIP_LENGTH - 1] + "…"))
    return out


def merge_tips(pages: list[list[tuple[str, str | None]]]) -> dict[str, str]:
    """The tips of :func:`id_entries` of each page, in order: an id's first tip wins."""
    tips: dict[str, str] = {}
    for entries in pages:
        for ident, text in entries:
            if text and ident not in tips:
                tips[ident] = text
    return tips


def add_link_tips(blocks: list[A.Element], tips: dict[str, str]) -> None:
    """Give every link to a known id (citations, cross-references) a ``title`` tooltip."""
    for el in select(blocks, ("Link",)):
        target = el["c"][2][0]
        if target.startswith("#") and target[1:] in tips and not el["c"][2][1]:
            el["c"][2][1] = tips[target[1:]]


def _drop_source_note(el: A.Element) -> list[A.Element] | None:
    return [] if el["t"] == "Span" and "source-note" in el["c"][0][1] else None

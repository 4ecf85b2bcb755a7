"""The words a reader saw in a released DOCX, normalised for comparing two versions.

"Changes in this version" quotes the frozen text of two releases. That text may
hold what older builds printed and later builds no longer do: provenance
captions ("Drawn by code (rule draw_x)", "Data: data/studies.csv; ..."), an
internal key, a BibTeX block. A release is never edited, so both sides of the
diff are normalised the same way before they are compared
(:class:`ReaderWords`):

- citations are read as the works they point to and shown by first author and
  year ("(Tully 2022)"), because their numbers shift whenever a reference is
  added, so "anxiolytics1" against "anxiolytics2" is no change for a reader;
- an internal key (a study id or citation key printed as a word) becomes its
  study label;
- a sentence naming a workflow rule or a project path is left out;
- code blocks (the BibTeX of "Cite this version") are left out by their style
  (see :mod:`.version_diff`);
- a paragraph that cites a version of this review ("<authors>. <the review's
  title>: A living systematic review. Version 1.0, released ...": "Cite this
  version") is left out: it is the build's byline for itself, not text of the
  review, and versions 1.0 and 2.0 printed it naming the authors of the review
  they are based on (see ``releases/corrections.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..render.reader_text import INTERNAL_KEY, leaked_terms, rule_names
from .releases import Release

# "rule draw_x": a workflow rule named in prose, even in a project whose rules are unknown
RULE_WORDS = re.compile(r"\b(?:rule|checkpoint)\s+`?\w*_\w*")
# A sentence ends at . ! ? followed by a space and a capital, a digit or an opening
# bracket or quote.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(“\"‘'])")
# "3", "2,5", "16–18": the numbers a numeric citation shows
CITED_NUMBERS = re.compile(r"^\s*\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*\s*$")
CITATION_SEPARATORS = {",", "–", "-", ", ", ";"}


@dataclass(frozen=True)
class ReaderWords:
    """How released text is made reader-facing before two versions are compared.

    ``labels`` maps citation keys and study ids to reader-facing labels
    ("Glue 2017"); ``rules`` are the workflow's rule names. With neither, only
    sentences of the form "rule draw_x" or holding a project path are left out,
    and citations keep the numbers they were printed with.
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    rules: frozenset[str] = frozenset()
    titles: tuple[str, ...] = ()
    """The review's title(s) as a citation of one of its versions prints them."""

    def citation(self, keys: Sequence[str], shown: str) -> str:
        """A citation group: ``(Glue 2017; Tully 2022)``, or as printed if a key has no label."""
        names = list(dict.fromkeys(self.labels.get(k, "") for k in keys))
        if not keys or "" in names:
            return shown
        return "(" + "; ".join(names) + ")"

    def clean(self, text: str) -> str:
        """``text`` with internal keys named by their labels and build sentences left out
        ("" for a paragraph that cites a version of this review)."""
        if self.is_self_citation(text):
            return ""
        text = re.sub(r"[\w:-]+", self._label_word, text)
        kept = [s for s in SENTENCE_END.split(text) if not self.is_build_sentence(s)]
        return " ".join(" ".join(kept).split())

    def is_build_sentence(self, sentence: str) -> bool:
        """True for a sentence that names a workflow rule or a project path."""
        return bool(RULE_WORDS.search(sentence) or leaked_terms(sentence, self.rules, ()))

    def is_self_citation(self, paragraph: str) -> bool:
        """True for a paragraph that cites a version of this review: a byline, one of
        :attr:`titles` and "Version <number>" (what "Cite this version" prints)."""
        text = " ".join(paragraph.split())
        return any(
            re.match(
                rf"^[^.]+(?:\.[^.]+)*?\.\s+{re.escape(title)}\b[^.]*\.\s+Version\s+\d+(?:\.\d+)*\b",
                text,
            )
            for title in self.titles
            if title
        )

    def _label_word(self, match: re.Match[str]) -> str:
        word = match.group(0)
        if INTERNAL_KEY.match(word) and word in self.labels:
            return self.labels[word]
        return word


def cited_keys(shown: str, anchors: Sequence[str], numbered: Sequence[str]) -> list[str]:
    """The keys a numeric citation cites: its printed numbers ("16–18" is three works)
    read against the document's reference list ``numbered`` (key of entry 1, 2, ...),
    else the keys its links point to."""
    if not CITED_NUMBERS.match(shown):
        return list(anchors)
    keys: list[str] = []
    for part in shown.split(","):
        ends = [int(n) for n in re.findall(r"\d+", part)]
        for number in range(ends[0], ends[-1] + 1):
            if not 1 <= number <= len(numbered):
                return list(anchors)
            keys.append(numbered[number - 1])
    return keys


def project_reader_words(
    root: str | Path,
    releases: Iterable[Release],
    bibliography: str | Path | None,
) -> ReaderWords:
    """The :class:`ReaderWords` of a project: its rule names, and labels for every study
    of ``releases`` and every entry of its bibliography."""
    from ..evidence.studies import author_year_label, bib_first_author_year, disambiguated_labels
    from .pages import release_study_labels

    releases = list(releases)
    labels: dict[str, str] = {}
    if bibliography is not None and Path(bibliography).is_file():
        titles = _short_titles(bibliography)
        base = {
            key: author_year_label(author, year, titles.get(key, ""))
            for key, (author, year) in bib_first_author_year(bibliography).items()
        }
        labels.update(disambiguated_labels({k: v for k, v in base.items() if v}))
        labels.update(release_study_labels(releases, bibliography))
    return ReaderWords(
        labels=labels, rules=frozenset(rule_names(Path(root))), titles=_review_titles(root)
    )


def _review_titles(root: str | Path) -> tuple[str, ...]:
    """The review's title (``book: title:`` of ``_quarto.yml``), if it has one."""
    from ..errors import ReviewError
    from ..io import read_yaml

    try:
        config = read_yaml(Path(root) / "_quarto.yml")
    except ReviewError:
        return ()
    book = config.get("book") if isinstance(config, dict) else None
    title = book.get("title") if isinstance(book, dict) else None
    return (str(title).strip(),) if title else ()


def _short_titles(bibliography: str | Path, words: int = 4) -> dict[str, str]:
    """``{key: '“The first words of its title…”'}``: how a work without authors is named."""
    from ..bibliography import load_bibliography

    out = {}
    for entry in load_bibliography(bibliography, decode_latex=True).entries:
        title = str(entry.fields_dict["title"].value) if "title" in entry.fields_dict else ""
        title = re.sub(r"[{}]", "", title).split()
        if title:
            out[entry.key] = "“" + " ".join(title[:words]) + ("…”" if len(title) > words else "”")
    return out

"""Quarto conformance corpus: quarto-cli's own test documents and their expectations.

Every document under ``tests/fixtures/quarto/docs/`` comes from the quarto-cli
repository (MIT, see the README there). Its expectations are the
``_quarto: tests:`` block in its front matter (smoke-all documents) or an
``expectations.yml`` beside it transcribed from ``tests/smoke/*.test.ts``.
Each expectation (one selector, one regular expression, one XPath) is one
pytest case, run against the embedded backend's output for that document.

A single document is rendered as a one-chapter book (``index.qmd`` at the
project root, so its paths are relative to the document as in Quarto; in
``doc/`` when it points at files in a parent folder, ``../img/x.png``) with
``crossref: chapters: false`` and ``number-sections: false`` unless the
document sets them, which is how Quarto numbers a single document. Images the
documents point at are not copied from quarto-cli: small placeholder pictures
are drawn here. Cases known to fail are listed, each with its reason, in
``known_failures.yml``; they are strict xfails, so fixing one fails the run
until the list is updated. ``benchmarks/quarto_conformance.py`` prints the
pass rate.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree
from pypdf import PdfReader

from livingreview.errors import ReviewError
from livingreview.render import check_manuscript, render_book

CORPUS = Path(__file__).parents[1] / "fixtures" / "quarto"
DOCS = CORPUS / "docs"
W_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
# Format keys of the tests blocks and the embedded backend's format for each.
FORMATS = {"html": "html", "docx": "docx", "typst": "pdf"}
# Check kinds whose subject the embedded backend does not produce (LaTeX, Markdown,
# RevealJS ... outputs): recorded in the README, not turned into cases.
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<src>[^)\s]+)")


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---", text, re.S)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


@dataclass
class Case:
    doc: str
    file: str  # the document inside the case folder
    fmt: str  # html, docx, typst
    kind: str  # check name
    value: Any = None
    negate: bool = False
    ident: str = ""


@dataclass
class Doc:
    name: str
    project: bool
    lenient: bool = False
    formats: set[str] = field(default_factory=set)

    @property
    def folder(self) -> Path:
        """Where a single document sits in its book: the root, or ``doc/`` if it reaches up."""
        if self.project:
            return Path()
        texts = [p.read_text(encoding="utf-8") for p in (DOCS / self.name).rglob("*.*md")]
        reaches_up = any(m.group("src").startswith("../") for t in texts for m in IMAGE.finditer(t))
        return Path("doc") if reaches_up else Path()


def _checks(doc: str, file: str, tests: dict[str, Any]) -> list[Case]:
    cases: list[Case] = []
    for fmt, checks in (tests or {}).items():
        if fmt not in FORMATS:
            continue
        n = 0
        if not isinstance(checks, dict) or not checks:
            checks = {"noErrorsOrWarnings": None}
        for kind, value in checks.items():
            if kind in ("shouldError", "noErrors", "noErrorsOrWarnings"):
                cases.append(Case(doc, file, fmt, kind))
                continue
            lists = value if isinstance(value, list) else [value]
            must = lists[0] if lists and isinstance(lists[0], list) else lists
            must_not = lists[1] if len(lists) > 1 and isinstance(lists[1], list) else []
            if kind == "ensureHtmlElements" and lists and not isinstance(lists[0], list):
                must, must_not = lists, []
            for negate, items in ((False, must), (True, must_not)):
                for item in items:
                    n += 1
                    cases.append(Case(doc, file, fmt, kind, item, negate))
        if not any(c.kind in ("shouldError",) for c in cases if c.fmt == fmt and c.doc == doc):
            cases.append(Case(doc, file, fmt, "renders"))
    return cases


def collect() -> tuple[dict[str, Doc], list[Case]]:
    docs: dict[str, Doc] = {}
    cases: list[Case] = []
    for folder in sorted(p for p in DOCS.iterdir() if p.is_dir()):
        doc = Doc(folder.name, (folder / "_quarto.yml").exists())
        docs[doc.name] = doc
        extra = folder / "expectations.yml"
        found: list[Case] = []
        if extra.exists():
            spec = yaml.safe_load(extra.read_text(encoding="utf-8"))
            doc.lenient = bool(spec.get("lenient"))
            found += _checks(doc.name, "index.qmd", spec.get("tests") or {})
            for file, tests in (spec.get("files") or {}).items():
                found += _checks(doc.name, file, tests)
        for qmd in sorted(folder.rglob("*.qmd")):
            rel = qmd.relative_to(folder).as_posix()
            tests = ((front_matter(qmd).get("_quarto") or {}).get("tests")) or {}
            found += _checks(doc.name, rel, tests)
        if not found:  # smoke-all's default: the document renders
            meta = front_matter(folder / "index.qmd") if (folder / "index.qmd").exists() else {}
            fmt = meta.get("format", "html")
            fmt = next(iter(fmt)) if isinstance(fmt, dict) else fmt
            fmt = fmt if fmt in FORMATS else "html"
            found.append(Case(doc.name, "index.qmd", fmt, "renders"))
        seen: dict[str, int] = {}
        for case in found:
            base = f"{case.doc}/{case.file}:{case.fmt}:{case.kind}"
            seen[base] = seen.get(base, 0) + 1
            case.ident = f"{base}{'!' if case.negate else ''}#{seen[base]}"
            doc.formats.add(case.fmt)
        cases += found
    return docs, cases


DOC_INDEX, CASES = collect()
KNOWN = yaml.safe_load((CORPUS / "known_failures.yml").read_text(encoding="utf-8")) or {}


# ---------------------------------------------------------------- building


def _placeholder(path: Path) -> None:
    """A small generated picture standing in for one of quarto-cli's test images."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    grid = np.linspace(0, 1, 48)
    image = np.outer(grid, grid[::-1])
    fmt = {".jpg": "jpeg", ".jpeg": "jpeg"}.get(path.suffix.lower(), "png")
    plt.imsave(path, image, cmap="viridis", format=fmt)


def _add_images(root: Path) -> None:
    for qmd in [*root.rglob("*.qmd"), *root.rglob("*.md")]:
        for match in IMAGE.finditer(qmd.read_text(encoding="utf-8")):
            src = match.group("src")
            if ":" in src.split("/")[0] or "{{" in src:
                continue
            target = (root / src.lstrip("/")) if src.startswith("/") else (qmd.parent / src)
            target = target.resolve()
            if target.is_relative_to(root.resolve()) and not target.exists():
                _placeholder(target)


def _book_yaml(meta: dict[str, Any], chapter: str) -> dict[str, Any]:
    crossref = {"chapters": False}
    return {
        "project": {"type": "book"},
        "book": {"title": str(meta.get("title") or "Test document"), "chapters": [chapter]},
        "number-sections": bool(meta.get("number-sections", False)),
        "crossref": crossref,
        "format": {
            "html": {},
            "docx": {},
            "typst": {"keep-typ": True},
        },
    }


def _website_as_book(root: Path) -> None:
    """The embedded backend renders books: a website's pages become its chapters."""
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    if (config.get("project") or {}).get("type") == "book":
        return
    pages = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.qmd")
        if not any(part.startswith("_") for part in p.relative_to(root).parts)
    )
    pages.sort(key=lambda p: p != "index.qmd")
    title = str((config.get("website") or {}).get("title") or "Site")
    book = {
        "project": {"type": "book"},
        "book": {"title": title, "chapters": pages},
        "format": {"html": {}, "docx": {}, "typst": {"keep-typ": True}},
    }
    (root / "_quarto.yml").write_text(yaml.safe_dump(book), encoding="utf-8")


@dataclass
class Output:
    root: Path
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def page(self, file: str, folder: Path) -> Path:
        return self.root / "_book" / (folder / file).with_suffix(".html")

    def single(self, suffix: str) -> Path:
        return next((self.root / "_book").glob(f"*{suffix}"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Output]:
    return {}


def render(doc: Doc, fmt: str, cache: dict, tmp_path_factory: pytest.TempPathFactory) -> Output:
    key = (doc.name, fmt)
    if key in cache:
        return cache[key]
    root = _project(doc, tmp_path_factory)
    out = Output(root)
    try:
        kwargs = {"lenient": True} if doc.lenient else {}
        render_book(root, backend="embedded", formats=[FORMATS[fmt]], **kwargs)
    except (ReviewError, TypeError) as exc:
        problems = getattr(exc, "problems", [])
        out.error = "\n".join([str(exc), *(str(pr) for pr in problems)])
    cache[key] = out
    return out


# ---------------------------------------------------------------- checking


def _html(out: Output, case: Case, folder: Path) -> str:
    return out.page(case.file, folder).read_text(encoding="utf-8")


def _docx_xml(out: Output) -> str:
    with zipfile.ZipFile(out.single(".docx")) as z:
        return z.read("word/document.xml").decode("utf-8")


def _typst(out: Output) -> str:
    return out.single(".typ").read_text(encoding="utf-8")


def evaluate(case: Case, out: Output, folder: Path) -> bool:
    """Whether the output satisfies the expectation (before negation)."""
    if case.kind == "shouldError":
        return out.error is not None
    if out.error is not None:
        raise AssertionError(f"render failed: {out.error[:1500]}")
    if case.kind in ("renders", "noErrors", "noErrorsOrWarnings"):
        return True
    if case.kind == "ensureHtmlElements":
        soup = BeautifulSoup(_html(out, case, folder), "html.parser")
        return bool(soup.select(case.value))
    if case.kind == "ensureFileRegexMatches" and case.fmt == "html":
        return re.search(case.value, _html(out, case, folder), re.M) is not None
    if case.kind == "ensureDocxXpath":
        tree = etree.fromstring(_docx_xml(out).encode("utf-8"))
        return bool(tree.xpath(case.value, namespaces=W_NS))
    if case.kind == "ensureDocxRegexMatches":
        return re.search(case.value, _docx_xml(out), re.M) is not None
    if case.kind == "ensureTypstFileRegexMatches":
        return re.search(case.value, _typst(out), re.M) is not None
    if case.kind == "ensurePdfRegexMatches":
        text = "\n".join(p.extract_text() for p in PdfReader(out.single(".pdf")).pages)
        return re.search(case.value, text, re.M) is not None
    raise AssertionError(f"check '{case.kind}' is not implemented by this harness")


def _param(case: Case) -> Any:
    marks = []
    if case.ident in KNOWN:
        marks.append(pytest.mark.xfail(strict=True, reason=str(KNOWN[case.ident])))
    return pytest.param(case, id=case.ident, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_quarto_expectation(
    case: Case, outputs: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    doc = DOC_INDEX[case.doc]
    out = render(doc, case.fmt, outputs, tmp_path_factory)
    ok = evaluate(case, out, doc.folder)
    what = f"{case.kind} {case.value!r}"
    if case.negate:
        assert not ok, f"{what} should not match"
    else:
        assert ok, f"{what} should match"


def _project(doc: Doc, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document as a book in a fresh folder (see the module docstring)."""
    root = tmp_path_factory.mktemp(doc.name) / "project"
    source = DOCS / doc.name
    if doc.project:
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("expectations.yml"))
        _website_as_book(root)
    else:
        chapter = (doc.folder / "index.qmd").as_posix()
        shutil.copytree(
            source, root / doc.folder, ignore=shutil.ignore_patterns("expectations.yml")
        )
        meta = front_matter(root / chapter)
        (root / "_quarto.yml").write_text(
            yaml.safe_dump(_book_yaml(meta, chapter), allow_unicode=True), encoding="utf-8"
        )
    _add_images(root)
    return root


@pytest.mark.parametrize("name", sorted(DOC_INDEX))
def test_what_check_accepts_renders(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No document that ``livingreview check`` accepts fails to render, in any format."""
    root = _project(DOC_INDEX[name], tmp_path_factory)
    if check_manuscript(root):
        return  # refused up front, with file and line: nothing half-built
    render_book(root, backend="embedded", formats=["html", "docx", "pdf"])
    assert (root / "_book" / "index.html").exists() or any((root / "_book").rglob("*.html"))


def test_corpus_size() -> None:
    """The issue asks for at least 40 documents and their origins in the README."""
    assert len(DOC_INDEX) >= 40
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in DOC_INDEX:
        assert f"`{name}`" in readme, f"{name} has no origin line in the README"
    assert "MIT License" in (CORPUS / "LICENSE").read_text(encoding="utf-8")
    for ident in KNOWN:
        assert any(c.ident == ident for c in CASES), f"known failure {ident} is not a case"

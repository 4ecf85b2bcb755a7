"""Study figures split into parts above figures.studies_per_part (issue 19).

The splitting (counts, order, every study once), the parts drawn from a
SYNTHETIC review made by code (tests/workflow/fixture_review.py), each with its
legend, and the Markdown the chapter includes: one part is the plain figure of
before, more parts are subfigures under one figure number in HTML, DOCX and PDF.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from figure_measure import shown_tick_label_boxes

from livingreview.figures.common import row_labels
from livingreview.figures.parts import Part, parts_markdown, split_studies


def _fixture_module():
    """tests/workflow/fixture_review.py, loaded by path (tests/ is not a package)."""
    path = Path(__file__).resolve().parents[1] / "workflow" / "fixture_review.py"
    spec = importlib.util.spec_from_file_location("fixture_review_parts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURE = _fixture_module()
PROTOCOL, make_scaled_review = FIXTURE.PROTOCOL, FIXTURE.make_scaled_review


def test_no_split_at_or_below_the_threshold() -> None:
    ids = [f"s{i}" for i in range(40)]
    parts = split_studies(ids, 40)
    assert len(parts) == 1
    assert parts[0].study_ids == tuple(ids)
    assert split_studies(ids, 0)[0].study_ids == tuple(ids)  # 0: never split
    assert len(split_studies(ids, None)) == 1


@pytest.mark.parametrize(
    ("studies", "per_part", "sizes"),
    [(41, 40, [21, 20]), (100, 40, [34, 33, 33]), (1000, 40, [40] * 25), (7, 1, [1] * 7)],
)
def test_parts_are_even_consecutive_and_cover_every_study_once(
    studies: int, per_part: int, sizes: list[int]
) -> None:
    ids = [f"study{i:04d}" for i in range(studies)]
    parts = split_studies(ids, per_part)
    assert [len(p.study_ids) for p in parts] == sizes
    assert [s for p in parts for s in p.study_ids] == ids  # order kept, each once
    assert all(p.count == len(parts) and p.total == studies for p in parts)
    assert [p.number for p in parts] == list(range(1, len(parts) + 1))
    assert parts[0].first == 1 and parts[-1].last == studies
    assert all(b.first == a.last + 1 for a, b in itertools.pairwise(parts))


def test_a_study_in_two_panels_belongs_to_its_first_place() -> None:
    parts = split_studies(["a", "b", "c", "a", "d"], 2)
    assert [p.study_ids for p in parts] == [("a", "b"), ("c", "d")]


def test_part_captions() -> None:
    assert Part(2, 25, tuple(f"s{i}" for i in range(40)), 41, 1000).caption() == (
        "Studies 41–80 of 1,000"
    )
    assert Part(3, 3, ("x",), 3, 3).caption() == "Study 3 of 3"


def test_markdown_for_one_part_is_the_image_alone() -> None:
    parts = split_studies(["a", "b"], 40)
    assert parts_markdown("effect_direction", parts, "effect_direction") == (
        "![](effect_direction/effect_direction)\n"
    )


def test_markdown_for_parts_is_a_column_of_subfigures() -> None:
    parts = split_studies([f"s{i}" for i in range(12)], 5)
    text = parts_markdown("onset_duration", parts, "onset_duration")
    assert text.startswith("::: {.figure-parts layout-ncol=1}\n") and text.rstrip().endswith(":::")
    images = re.findall(r"!\[([^\]]*)\]\(([^)]*)\)\{#([\w-]+)\}", text)
    assert images == [
        ("Studies 1–4 of 12", "onset_duration/onset_duration-1", "fig-onset-duration-1"),
        ("Studies 5–8 of 12", "onset_duration/onset_duration-2", "fig-onset-duration-2"),
        ("Studies 9–12 of 12", "onset_duration/onset_duration-3", "fig-onset-duration-3"),
    ]


def test_markdown_names_the_groups_that_start_in_a_part() -> None:
    """12 studies in parts of 4: "Group A" (s0-s4) starts in part 1, "B; C & D" (s5-s9)
    and "E" (s10, s11) in parts 2 and 3. One group alone (nothing to go to) or no
    groups: no attribute, as before."""
    parts = split_studies([f"s{i}" for i in range(12)], 5)
    groups = {f"s{i}": "Group A" if i < 5 else "B; C & D" if i < 10 else "E" for i in range(12)}
    text = parts_markdown("onset_duration", parts, "onset_duration", groups)
    attrs = re.findall(r"\{(#[^}]*)\}", text)
    assert attrs == [
        '#fig-onset-duration-1 data-groups="Group%20A"',
        '#fig-onset-duration-2 data-groups="B%3B%20C%20%26%20D"',
        '#fig-onset-duration-3 data-groups="E"',
    ]
    for one_group in ({f"s{i}": "Group A" for i in range(12)}, {}, None):
        assert parts_markdown("onset_duration", parts, "onset_duration", one_group) == (
            parts_markdown("onset_duration", parts, "onset_duration")
        )
        assert "data-groups" not in parts_markdown("x", parts, "x", one_group)
    whole = split_studies(["s0", "s1"], 5)
    assert parts_markdown("x", whole, "x", groups) == "![](x/x)\n"


# ---------------------------------------------------------------- drawn parts


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from livingreview.evidence.outcomes import load_outcomes
    from livingreview.evidence.risk_of_bias import load_risk_of_bias
    from livingreview.evidence.studies import study_labels
    from livingreview.validation import load_table

    root = make_scaled_review(tmp_path_factory.mktemp("parts"), 100, 200)
    studies = load_table(root / "data/studies.csv", "studies")
    return {
        "root": root,
        "studies": studies,
        "outcomes": load_outcomes(root / "data/outcomes.csv", studies),
        "rob": load_risk_of_bias(root / "data/risk_of_bias.csv", studies),
        "labels": study_labels(studies, root / "refs/references.bib"),
    }


def _gid_studies(svg: Path, prefix: str, position: int) -> list[str]:
    """Study ids in the gids ``prefix:...`` of an SVG, in drawing order, once each."""
    found = re.findall(rf'id="({prefix}:[^"]+)"', svg.read_text(encoding="utf-8"))
    return list(dict.fromkeys(g.split(":")[position] for g in found))


def _draw(
    review: dict, name: str, folder: Path, per_part: int, formats=("svg", "pdf", "png")
) -> list[Part]:
    from livingreview.figures.effect_direction import effect_direction_parts
    from livingreview.figures.onset_duration import onset_duration_parts
    from livingreview.figures.risk_of_bias import traffic_light_parts

    include = folder / f"{name}.md"
    images = folder / name
    kw = {"labels": review["labels"], "per_part": per_part, "formats": formats}
    if name == "risk_of_bias_traffic_light":
        return traffic_light_parts(review["rob"], images, include, **kw)
    groups = PROTOCOL["diagnosis_groups"]
    if name == "effect_direction":
        designs = PROTOCOL["design_classes"]
        return effect_direction_parts(
            review["studies"], review["outcomes"], groups, designs, images, include, **kw
        )
    return onset_duration_parts(
        review["studies"], review["outcomes"], groups, images, include, **kw
    )


# figure -> (gid prefix, position of the study id in the gid, a legend text every part has)
FIGURES = {
    "risk_of_bias_traffic_light": ("rob", 2, "D1: "),
    "effect_direction": ("direction", 1, "Benefit"),
    "onset_duration": ("time", 1, "First measured"),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_parts_hold_every_study_once_in_the_whole_figures_order(
    review: dict, tmp_path: Path, name: str
) -> None:
    prefix, position, legend = FIGURES[name]
    whole = _draw(review, name, tmp_path / "whole", 0)
    assert len(whole) == 1 and sorted((tmp_path / "whole" / name).iterdir()) == [
        tmp_path / "whole" / name / f"{name}.{ext}" for ext in ("pdf", "png", "svg")
    ]
    order = _gid_studies(tmp_path / "whole" / name / f"{name}.svg", prefix, position)
    parts = _draw(review, name, tmp_path / "split", 30, formats=("svg", "png"))
    assert [len(p.study_ids) for p in parts] == [25, 25, 25, 25]
    seen: list[str] = []
    for part in parts:
        stem = tmp_path / "split" / name / f"{name}-{part.number}"
        assert all(stem.with_suffix(f".{ext}").stat().st_size for ext in ("svg", "png"))
        assert not stem.with_suffix(".pdf").exists()  # only the renditions asked for
        svg = stem.with_suffix(".svg").read_text(encoding="utf-8")
        assert legend in svg, f"part {part.number} of {name} has no legend"
        drawn = _gid_studies(stem.with_suffix(".svg"), prefix, position)
        assert set(drawn) <= set(part.study_ids)
        seen += drawn
    assert seen == order  # each drawn study once, in the whole figure's order
    include = (tmp_path / "split" / f"{name}.md").read_text(encoding="utf-8")
    assert include.count("![Studies ") == 4 and f"]({name}/{name}-4)" in include
    # the website's "Go to group": the part where each diagnosis group starts
    marks = re.findall(r'\{#fig-[\w-]+-(\d+)(?: data-groups="([^"]*)")?\}', include)
    found = {unquote(g): int(n) for n, names in marks if names for g in names.split(" ")}
    expected: dict[str, int] = {}
    if name != "risk_of_bias_traffic_light":  # ordered by study label, not grouped
        studies = review["studies"]
        group_of = dict(
            zip(studies["study_id"].astype(str), studies["diagnosis_group"], strict=True)
        )
        for i, sid in enumerate(order):
            expected.setdefault(PROTOCOL["diagnosis_groups"][group_of[sid]], i // 25 + 1)
        assert len(expected) > 1
    assert found == expected


def test_one_part_is_byte_identical_to_the_unsplit_figure(review: dict, tmp_path: Path) -> None:
    from livingreview.figures.risk_of_bias import traffic_light_figure

    _draw(review, "risk_of_bias_traffic_light", tmp_path, 1000)
    plain = tmp_path / "plain"
    traffic_light_figure(
        review["rob"], *(plain.with_suffix(f".{e}") for e in ("svg", "pdf", "png")),
        labels=review["labels"],
    )  # fmt: skip
    for ext in ("svg", "pdf", "png"):
        drawn = tmp_path / "risk_of_bias_traffic_light" / f"risk_of_bias_traffic_light.{ext}"
        assert drawn.read_bytes() == plain.with_suffix(f".{ext}").read_bytes()


# ---------------------------------------------------------------- rendered parts

BOOK_YML = """\
project:
  type: book
book:
  title: Parts
  output-file: parts
  chapters:
    - index.qmd
format:
  html: {}
  docx: {}
  typst: {}
"""

CHAPTER = """\
# Results

@fig-whole is one picture, @fig-split has parts and @fig-plain is written as before.

::: {#fig-whole fig-alt="Alt of the whole figure."}

{{< include figures/whole.md >}}

Caption of the whole figure.
:::

::: {#fig-split fig-alt="Alt of the split figure."}

{{< include figures/split.md >}}

Caption of the split figure.
:::

![Caption of the whole figure.](figures/whole/whole){#fig-plain fig-alt="Alt of the whole figure."}
"""


def _parts_book(root: Path, split: int = 12) -> Path:
    """The made-up book above in ``root``: a figure of 3 studies (one part) and one of
    ``split`` studies, in parts of 5 at most, its first half in "Group A", the rest in
    "Group B & C". Returns ``root``."""
    import matplotlib.pyplot as plt
    import numpy as np

    from livingreview.figures.parts import image_stem
    from livingreview.render import check_manuscript

    (root / "_quarto.yml").write_text(BOOK_YML, encoding="utf-8")
    (root / "index.qmd").write_text(CHAPTER, encoding="utf-8")
    for name, count in (("whole", 3), ("split", split)):
        parts = split_studies([f"s{i}" for i in range(count)], 5)
        groups = {f"s{i}": "Group A" if i < count / 2 else "Group B & C" for i in range(count)}
        folder = root / "figures" / name
        folder.mkdir(parents=True)
        for part in parts:  # a tall picture per part: together more than a page
            stem = folder / image_stem(name, part)
            for ext in ("png", "svg"):
                plt.imsave(stem.with_suffix(f".{ext}"), np.full((90, 40), part.number / 3), dpi=20)
        (root / "figures" / f"{name}.md").write_text(
            parts_markdown(name, parts, name, groups), encoding="utf-8"
        )
    assert check_manuscript(root) == []
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from livingreview.render import render_book

    root = _parts_book(tmp_path_factory.mktemp("partsbook"))
    render_book(root, backend="embedded")
    return root / "_book"


def test_html_one_part_is_the_figure_of_before_and_parts_are_subfigures(rendered: Path) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((rendered / "index.html").read_text(encoding="utf-8"), "html.parser")
    whole, plain = soup.select_one("div#fig-whole"), soup.select_one("div#fig-plain")
    assert str(whole).replace("fig-whole", "X").replace("1.1", "N") == str(plain).replace(
        "fig-plain", "X"
    ).replace("1.3", "N")
    split = soup.select_one("div#fig-split.quarto-layout-panel > figure.quarto-float-fig")
    cells = split.select("div.quarto-layout-row > div.quarto-layout-cell")
    assert [c.select_one("div.quarto-float")["id"] for c in cells] == [
        "fig-split-1", "fig-split-2", "fig-split-3",
    ]  # fmt: skip
    assert [c.select_one("img")["alt"] for c in cells] == ["Alt of the split figure."] * 3
    captions = [" ".join(c.select_one("figcaption").get_text().split()) for c in cells]
    assert captions == ["(a) Studies 1–4 of 12", "(b) Studies 5–8 of 12", "(c) Studies 9–12 of 12"]
    text = " ".join(soup.get_text(" ").split()).replace("\u00a0", " ")
    assert "Figure 1.2: Caption of the split figure." in text
    assert "Figure 1.1 is one picture, Figure 1.2 has parts" in text


def test_html_parts_are_marked_for_the_pager_and_later_parts_load_when_shown(
    rendered: Path,
) -> None:
    """The website's pages.js shows a figure in parts one part at a time: the panel is
    marked, the images of parts after the first are lazy (not fetched while hidden),
    and the page loads the script; a figure of one part gets none of this."""
    from bs4 import BeautifulSoup

    html = (rendered / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    split = soup.select_one("div#fig-split")
    assert split["class"] == ["quarto-layout-panel", "figure-parts"]
    assert [img.get("loading") for img in split.select("img")] == [None, "lazy", "lazy"]
    # parts of 4 studies: Group A (s0-s5) starts in part 1, Group B & C (s6-s11) in 2
    groups = [img.get("data-groups") for img in split.select("img")]
    assert groups == ["Group%20A", "Group%20B%20%26%20C", None]
    for ident in ("fig-whole", "fig-plain"):
        figure = soup.select_one(f"div#{ident}")
        assert "figure-parts" not in str(figure) and "loading" not in str(figure)
    assert len(soup.select("div.figure-parts")) == 1
    script = "site_libs/livingreview/pages.js"
    assert soup.select_one(f'script[src="{script}"]') is not None
    assert (rendered / script).is_file()
    assert html.count('loading="lazy"') == 2  # the page's other images load as before


def test_subfigure_labels_go_on_after_z() -> None:
    """A figure of 40 parts has 40 subfigures: (z) is followed by (aa), (ab) ..., not by
    punctuation and control characters."""
    from livingreview.render.floats import label

    assert [label("alpha a", n) for n in (1, 26, 27, 28, 40, 52, 53)] == [
        "a", "z", "aa", "ab", "an", "az", "ba",
    ]  # fmt: skip
    assert label("alpha A", 27) == "AA" and label("alpha c", 1) == "c"
    assert label("alpha c", 25) == "aa" and label("roman", 4) == "iv"


def test_docx_and_pdf_show_every_part_under_one_number(rendered: Path) -> None:
    import docx
    from pypdf import PdfReader

    document = docx.Document(str(rendered / "parts.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    paragraphs += [p.text for t in document.tables for r in t.rows for c in r.cells
                   for p in c.paragraphs]  # fmt: skip
    docx_text = " ".join(" ".join(paragraphs).split()).replace("\u00a0", " ")
    pdf = PdfReader(rendered / "parts.pdf")
    pdf_text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    for text in (docx_text, pdf_text.replace("\u00a0", " ")):
        assert "Figure 1.2 has parts" in text
        assert "Figure 1.2: Caption of the split figure." in text
        for caption in ("(a) Studies 1–4 of 12", "(c) Studies 9–12 of 12"):
            assert caption in text
        assert "Figure 1.4" not in text  # the parts are not figures of their own
    pages = [" ".join(p.extract_text().split()) for p in pdf.pages]

    def page_of(text: str) -> int:
        return next(i for i, page in enumerate(pages) if text in page)

    # in place after the text (a float cannot break), each part whole, over the pages
    assert page_of("(a) Studies 1–4") - page_of("Figure 1.2 has parts") in (0, 1)
    assert page_of("(c) Studies 9–12") > page_of("(a) Studies 1–4")
    assert sum(page.count("Studies 5–8 of 12") for page in pages) == 1


# ------------------------------------------- the evidence map and the sensitivity plot


def test_evidence_map_parts_hold_every_study_once_on_one_axis(
    review: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part of the study overview is drawn (:func:`build_study_overview`) with the
    studies of that part only, in the whole map's order, on the whole map's axis."""
    import livingreview.figures.study_overview as overview

    drawn: list[tuple[list[str], tuple]] = []

    def capture(build, args, kwargs, outputs):
        fig = build(*args, **kwargs)
        ax = fig.axes[0]
        drawn.append(([t.get_text() for t in row_labels(ax)], ax.get_xlim()))
        for out in outputs:
            if out is not None:
                Path(out).write_bytes(b"")

    monkeypatch.setattr(overview, "draw_once", capture)
    studies = review["studies"]
    ids = {str(s): str(s) for s in studies["study_id"]}  # labels: the ids themselves
    groups, designs = PROTOCOL["diagnosis_groups"], PROTOCOL["design_classes"]
    whole = overview.study_overview_parts(
        studies, groups, designs, tmp_path / "w", tmp_path / "w.md", labels=ids, per_part=0
    )
    assert len(whole) == 1 and len(drawn) == 1
    order, _ = drawn.pop()
    assert sorted(order) == sorted(ids)
    parts = overview.study_overview_parts(
        studies, groups, designs, tmp_path / "s", tmp_path / "s.md", labels=ids, per_part=30
    )
    assert [len(p.study_ids) for p in parts] == [25, 25, 25, 25]
    assert [label for labels, _ in drawn for label in labels] == order  # each once, in order
    assert [labels for labels, _ in drawn] == [list(p.study_ids) for p in parts]
    assert len({xlim for _, xlim in drawn}) == 1  # one sample-size axis for every part
    include = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert include.count("![Studies ") == 4 and "](s/study_overview-4)" in include


@pytest.fixture(scope="module")
def sensitivity_inputs(review: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The synthetic review's files and three analyses written as evaluate_sensitivity_analyses
    writes them: all studies, every third left out, and one study no study row names."""
    from livingreview.synthesis.sensitivity import SensitivityResult, results_to_json

    ids = [str(s) for s in review["studies"]["study_id"]]
    results = [
        SensitivityResult("primary", "Primary analysis", tuple(ids), (), ()),
        SensitivityResult("strict", "Strict", tuple(ids[1::3]), tuple(ids[::3]), ()),
        SensitivityResult("wide", "Wide", (*ids, "zz-extra"), (), ("zz-extra",)),
    ]
    path = tmp_path_factory.mktemp("sens") / "sensitivity.json"
    path.write_text(results_to_json(results), encoding="utf-8")
    root = review["root"]
    return {
        "protocol": root / "data/protocol.yaml",
        "results": path,
        "studies": root / "data/studies.csv",
        "outcomes": root / "data/outcomes.csv",
        "bibliography": root / "refs/references.bib",
    }


def test_sensitivity_parts_hold_every_study_once_with_counts_under_the_last(
    sensitivity_inputs: dict, tmp_path: Path
) -> None:
    from livingreview.figures.sensitivity import sensitivity_parts

    folder = tmp_path / "whole" / "sensitivity"
    whole = sensitivity_parts(sensitivity_inputs, folder, tmp_path / "whole" / "s.md", per_part=0)
    assert len(whole) == 1 and whole[0].total == 101  # 100 studies and the extra one
    drawn_whole = _gid_studies(folder / "sensitivity.svg", "sensitivity", 2)
    order = list(whole[0].study_ids)  # the rows top to bottom (gids go by marker kind)
    assert sorted(drawn_whole) == sorted(order) and order[-1] == "zz-extra"
    folder = tmp_path / "split" / "sensitivity"
    parts = sensitivity_parts(
        sensitivity_inputs, folder, tmp_path / "split" / "s.md", per_part=30, formats=("svg",)
    )
    assert [len(p.study_ids) for p in parts] == [26, 25, 25, 25]
    seen: list[str] = []
    for part in parts:
        svg = folder / f"sensitivity-{part.number}.svg"
        assert not svg.with_suffix(".png").exists()
        drawn = _gid_studies(svg, "sensitivity", 2)
        assert sorted(drawn) == sorted(part.study_ids)
        seen += part.study_ids
        # the counts under the columns are the whole analysis's: under the last part only
        text = svg.read_text(encoding="utf-8")
        assert ("Study left out" in text) and (
            ("improved in" in text) == (part.number == len(parts))
        ), part.number
    assert seen == order


def test_one_part_of_the_evidence_map_is_the_unsplit_figure(review: dict, tmp_path: Path) -> None:
    from livingreview.figures.study_overview import study_overview_figure, study_overview_parts

    groups, designs = PROTOCOL["diagnosis_groups"], PROTOCOL["design_classes"]
    study_overview_parts(
        review["studies"], groups, designs, tmp_path / "o", tmp_path / "o.md",
        labels=review["labels"], per_part=1000,
    )  # fmt: skip
    plain = tmp_path / "plain"
    study_overview_figure(
        review["studies"], groups, designs,
        *(plain.with_suffix(f".{e}") for e in ("svg", "pdf", "png")), labels=review["labels"],
    )  # fmt: skip
    for ext in ("svg", "pdf", "png"):
        drawn = tmp_path / "o" / f"study_overview.{ext}"
        assert drawn.read_bytes() == plain.with_suffix(f".{ext}").read_bytes()


# ---------------------------------------------------------- the onset plot's time axis


def _onset_parts_ticks(
    review: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, labels: dict
) -> list[tuple[tuple[str, ...], list]]:
    """Each drawn part's time tick labels and their boxes in the drawn part."""
    import livingreview.figures.onset_duration as onset

    drawn: list[tuple[tuple[str, ...], list]] = []

    def capture(build, args, kwargs, outputs):
        fig = build(*args, **kwargs)
        drawn.append((onset.time_tick_labels(fig), shown_tick_label_boxes(fig)))
        for out in outputs:
            if out is not None:
                Path(out).write_bytes(b"")

    monkeypatch.setattr(onset, "draw_once", capture)
    parts = onset.onset_duration_parts(
        review["studies"], review["outcomes"], PROTOCOL["diagnosis_groups"], tmp_path / "o",
        tmp_path / "o.md", labels=labels, per_part=30,
    )  # fmt: skip
    assert len(parts) == len(drawn) == 4
    return drawn


def test_onset_parts_share_the_time_ticks_that_fit_the_narrowest_part(
    review: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time ticks are thinned once, on the part with the widest study label (its
    axis is the narrowest): every part shows the same ticks, and none touch."""
    ids = {str(s): str(s) for s in review["studies"]["study_id"]}
    plain = _onset_parts_ticks(review, tmp_path / "plain", monkeypatch, ids)
    # one long label in the third part narrows that part's axis only
    third = sorted(_third_part_ids(review))[0]
    long = {**ids, third: "A label long enough to narrow the axis"}
    narrowed = _onset_parts_ticks(review, tmp_path / "long", monkeypatch, long)
    for drawn in (plain, narrowed):
        assert len({ticks for ticks, _ in drawn}) == 1  # one set of ticks for every part
        for _, boxes in drawn:
            assert len(boxes) >= 2 and all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes))
    assert set(narrowed[0][0]) < set(plain[0][0])  # the narrow part dropped some everywhere


def _third_part_ids(review: dict) -> set[str]:
    from livingreview.figures.effect_direction import study_order

    order = study_order(review["studies"], PROTOCOL["diagnosis_groups"])
    return set(split_studies(order, 30)[2].study_ids)

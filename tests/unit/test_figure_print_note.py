"""A split figure in more parts than figures.print_parts: drawn for the website alone,
printed as a note in DOCX and PDF (figures/parts.py, render/print_parts.py; issue 19).
The whole build is tests/workflow/test_figure_print_note_build.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from livingreview.figures.parts import (
    PRINT_NOTE_CLASS,
    Renditions,
    draw_parts,
    part_renditions,
    parts_markdown,
    split_studies,
)
from livingreview.paths import figure_formats
from livingreview.render import ast as A
from livingreview.render.floats import PANEL, normalise_floats
from livingreview.render.print_parts import parts_note, shorten_split_figures

ALL = ("svg", "pdf", "png")


@pytest.mark.parametrize(
    ("renditions", "count", "drawn"),
    [
        (Renditions(ALL, ("svg",), 3), 4, ("svg",)),  # over the limit: the website's alone
        (Renditions(ALL, ("svg",), 3), 3, ALL),  # at the limit: every part printed
        (Renditions(ALL, ("svg",), 0), 400, ALL),  # 0: always printed
        (Renditions(ALL, (), 3), 4, ALL),  # no website: printed
        (Renditions.of(["svg", "png"]), 400, ("svg", "png")),  # a plain list: no limit
        (Renditions.of({"formats": ALL, "website": ["png"], "print_parts": 2}), 3, ("png",)),
    ],
)
def test_renditions_drawn_for_a_figure_in_parts(renditions, count, drawn) -> None:
    assert renditions.for_parts(count) == drawn


@pytest.mark.parametrize(
    ("render", "figures", "limit"),
    [
        ({"backend": "embedded", "formats": ["html", "docx", "pdf"]}, {}, 80),
        ({"backend": "embedded", "formats": ["html", "pdf"]}, {"print_parts": 5}, 5),
        ({"backend": "embedded", "formats": ["docx", "pdf"]}, {"print_parts": 5}, 0),
        ({"backend": "quarto", "formats": ["html", "docx", "pdf"]}, {"print_parts": 5}, 0),
    ],
)
def test_the_limit_holds_only_when_the_embedded_renderer_builds_the_website(
    render, figures, limit
) -> None:
    param = part_renditions({"render": render, "figures": figures}, ALL, ["svg"])
    assert param == {"formats": list(ALL), "website": ["svg"], "print_parts": limit}


def test_auto_backend_prints_every_part_when_quarto_is_on_path(monkeypatch) -> None:
    config = {"render": {"backend": "auto", "formats": ["html", "pdf"]}}
    monkeypatch.setattr("livingreview.paths.shutil.which", lambda name: "/usr/bin/quarto")
    assert part_renditions(config, ALL, ["svg"])["print_parts"] == 0
    monkeypatch.setattr("livingreview.paths.shutil.which", lambda name: None)
    assert part_renditions(config, ALL, ["svg"])["print_parts"] == 80


def test_website_rendition_is_the_html_default_image_extension(tmp_path: Path) -> None:
    (tmp_path / "_quarto.yml").write_text(
        "format:\n  html:\n    default-image-extension: svg\n"
        "  docx:\n    default-image-extension: png\n  typst:\n    default-image-extension: pdf\n",
        encoding="utf-8",
    )
    assert figure_formats(tmp_path) == ALL
    assert figure_formats(tmp_path, outputs=("html",)) == ("svg",)
    assert figure_formats(tmp_path, outputs=("docx", "typst")) == ("pdf", "png")


def test_draw_parts_draws_the_website_rendition_alone_above_the_limit(tmp_path: Path) -> None:
    drawn: dict[int, list[str]] = {}

    def draw(part, outputs) -> None:
        drawn[part.number] = [p.suffix for p in outputs if p is not None]
        for path in outputs:
            if path is not None:
                path.write_text("x", encoding="utf-8")

    parts = split_studies([f"s{i}" for i in range(12)], 3)  # 4 parts
    include = tmp_path / "fig.md"
    draw_parts("fig", tmp_path / "fig", include, parts, draw, Renditions(ALL, ("svg",), 3))
    assert drawn == {n: [".svg"] for n in range(1, 5)}
    assert sorted(p.name for p in (tmp_path / "fig").iterdir()) == [
        f"fig-{n}.svg" for n in range(1, 5)
    ]
    text = include.read_text(encoding="utf-8")
    assert text.startswith("::: {.figure-parts .figure-parts-print-note layout-ncol=1}")
    assert re.findall(r"\]\(([^)]*)\)", text) == [f"fig/fig-{n}.svg" for n in range(1, 5)]
    # at the limit: every rendition, no marker, paths without extension (as before)
    drawn.clear()
    draw_parts("fig", tmp_path / "fig", include, parts, draw, Renditions(ALL, ("svg",), 4))
    assert drawn == {n: [".svg", ".pdf", ".png"] for n in range(1, 5)}
    text = include.read_text(encoding="utf-8")
    assert PRINT_NOTE_CLASS not in text
    assert text == parts_markdown("fig", parts, "fig")


def _figure(note_rendition: str | None) -> list[A.Element]:
    """The Pandoc blocks of ``::: {#fig-x}`` around a three-part include, normalised
    as the book model has them."""
    import json
    import subprocess

    import pypandoc

    parts = split_studies([f"s{i}" for i in range(9)], 3)
    markdown = "::: {#fig-x}\n\n" + parts_markdown("x", parts, "x", None, note_rendition)
    markdown += "\nCaption of x.\n:::\n"
    out = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "json"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    return normalise_floats(json.loads(out.stdout)["blocks"])


@pytest.mark.parametrize("fmt", ["docx", "typst"])
def test_print_shows_the_note_with_the_parts_ids(fmt: str) -> None:
    blocks = _figure("svg")
    assert shorten_split_figures(blocks, fmt) == 1
    figure = blocks[0]
    assert figure["t"] == "Figure" and figure["c"][0][0] == "fig-x"
    assert PRINT_NOTE_CLASS not in figure["c"][0][1]
    assert A.stringify(figure["c"][1][1]) == "Caption of x."
    assert not [el for el in A.iter_elements(figure["c"][2]) if el["t"] == "Image"]
    assert parts_note(3) in A.stringify(figure["c"][2])
    if fmt == "docx":  # bookmarks, in a figure of its own (no layout table)
        assert PANEL not in figure["c"][0][1]
        ids = [el["c"][0][0] for el in A.iter_elements(figure["c"][2]) if el["t"] == "Span"]
    else:  # labelled metadata: Pandoc would write bare labels, one after another
        assert PANEL in figure["c"][0][1]
        raws = [el["c"][1] for el in A.iter_elements(figure["c"][2]) if el["t"] == "RawInline"]
        ids = [re.fullmatch(r"#metadata\(none\)<([\w-]+)>", r).group(1) for r in raws]
    assert ids == ["fig-x-1", "fig-x-2", "fig-x-3"]


def test_the_website_keeps_every_part_and_loses_the_marker() -> None:
    blocks = _figure("svg")
    assert shorten_split_figures(blocks, "html") == 0
    figure = blocks[0]
    assert PRINT_NOTE_CLASS not in figure["c"][0][1]
    images = [el for el in A.iter_elements(figure["c"][2]) if el["t"] == "Image"]
    assert [i["c"][2][0] for i in images] == [f"x/x-{n}.svg" for n in (1, 2, 3)]


def test_an_unmarked_figure_in_parts_prints_every_part() -> None:
    blocks = _figure(None)
    before = A.clone(blocks)
    assert shorten_split_figures(blocks, "typst") == 0
    assert blocks == before


def test_the_note_counts_with_separators() -> None:
    assert parts_note(400) == (
        "This figure has 400 parts, too many to print. "
        "The website version of this review shows every part."
    )
    assert parts_note(1200).startswith("This figure has 1,200 parts")


def test_a_figure_in_parts_not_alone_in_its_block_is_a_problem_at_its_include(
    tmp_path: Path,
) -> None:
    """A paragraph beside the include inside the figure block would number each part as
    a figure of its own, and print could not give the note: check names the include."""
    from test_figure_parts import _parts_book

    from livingreview.render import check_manuscript

    root = _parts_book(tmp_path)  # checked clean as written
    chapter = root / "index.qmd"
    text = chapter.read_text(encoding="utf-8")
    include = "{{< include figures/split.md >}}"
    assert text.count(include) == 1
    chapter.write_text(
        text.replace(include, "Arrows point up for benefit.\n\n" + include), encoding="utf-8"
    )
    problems = check_manuscript(root)
    assert [p.message for p in problems] == ["a figure in parts must be alone in its figure block"]
    line = text[: text.index(include)].count("\n") + 3  # two lines were added above it
    assert (problems[0].file, problems[0].row) == ("index.qmd", line)
    assert "split.md" in problems[0].found

"""Study figures split into parts above a configured number of studies (issue 19).

A figure with one row per study (the traffic-light, effect-direction and onset
plots) grows with the review: at 1,000 studies it was one image 225 inches tall,
printed at 0.15 mm per study. Above ``figures.studies_per_part`` studies
(config/README.md) the figure is drawn in consecutive parts instead, each by the
same drawing function on its own studies, so every part keeps the row height,
the column headings and a legend of what that part draws, and studies keep the
order of the whole figure.

A split figure's rule writes a folder of images and a Markdown file the chapter
includes inside its figure div (``::: {#fig-x}``). For one part the file holds
the image alone, so the figure is exactly the figure it always was; for more it
holds a one-column layout of captioned subfigures ("(a) Studies 1-40 of 1,000"),
Quarto's subfigure form, which both renderers number and cross-reference. The
website shows such a figure one part at a time, with a pager.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..io import atomic_path
from ..paths import render_backend

DEFAULT_STUDIES_PER_PART = 25  # a part then prints at about 80% of its drawn size on A4
# config/README.md: figures.print_parts. 80 parts of 25 studies are 2,000 studies, the
# default of tables.print_rows; a 1,000-study review (40 parts) prints every part.
DEFAULT_PRINT_PARTS = 80
FORMATS = ("svg", "pdf", "png")
# The class of the layout of a split figure's parts: the website shows one part at a
# time with a pager (render/floats.py, render/templates/pages.js); print ignores it.
PARTS_CLASS = "figure-parts"
# Beside PARTS_CLASS when the figure has more parts than figures.print_parts: DOCX and
# PDF print a note instead of its parts (render/print_parts.py), whose print
# renditions are then not drawn.
PRINT_NOTE_CLASS = "figure-parts-print-note"


@dataclass(frozen=True)
class Renditions:
    """The renditions a split figure is drawn in: ``formats``, those some output format
    shows; for a figure in more than ``print_parts`` parts (``0``: never) only
    ``website``, those the website shows, as DOCX and PDF print a note instead of
    its parts (``figures.print_parts``). The figure rules are given ``print_parts``
    only when the embedded renderer builds the website (the Snakefile's
    ``get_part_renditions``): Quarto prints every part."""

    formats: tuple[str, ...] = FORMATS
    website: tuple[str, ...] = ()
    print_parts: int = 0

    @classmethod
    def of(cls, value: Renditions | Mapping[str, Any] | Sequence[str]) -> Renditions:
        """From a rule's ``formats`` param: the renditions alone (every part printed),
        or a mapping of ``formats``, ``website`` and ``print_parts``."""
        if isinstance(value, Renditions):
            return value
        if isinstance(value, Mapping):
            return cls(tuple(value["formats"]), tuple(value["website"]), int(value["print_parts"]))
        return cls(tuple(value))

    def prints_as_note(self, count: int) -> bool:
        """Whether a figure in ``count`` parts prints as a note instead of its parts."""
        return bool(self.print_parts and self.website) and count > self.print_parts

    def for_parts(self, count: int) -> tuple[str, ...]:
        """The renditions drawn of each part of a figure in ``count`` parts."""
        return self.website if self.prints_as_note(count) else self.formats


@dataclass(frozen=True)
class Part:
    """One part of a split figure: its 1-based number and its studies, in figure order."""

    number: int
    count: int
    study_ids: tuple[str, ...]
    first: int  # 1-based position of its first study in the whole figure
    total: int  # studies in the whole figure

    @property
    def last(self) -> int:
        return self.first + len(self.study_ids) - 1

    def caption(self) -> str:
        """``Studies 41–80 of 1,000`` (``Study 41 of 41`` for a part of one)."""
        if len(self.study_ids) == 1:
            return f"Study {self.first:,} of {self.total:,}"
        return f"Studies {self.first:,}–{self.last:,} of {self.total:,}"


def part_renditions(
    config: Mapping[str, Any], formats: Sequence[str], website: Sequence[str]
) -> dict[str, Any]:
    """A split figure rule's ``formats`` param (:meth:`Renditions.of`) for the workflow's
    ``config``: ``formats`` (what some output format shows) and ``website`` (what the
    website shows, drawn alone above ``figures.print_parts`` parts). The limit holds
    only when the embedded renderer builds the website; else every part is printed."""
    render = config.get("render") or {}
    builds_website = "html" in render.get("formats", ("html",))
    embedded = render_backend(str(render.get("backend", "auto"))) == "embedded"
    limit = (config.get("figures") or {}).get("print_parts", DEFAULT_PRINT_PARTS)
    return {
        "formats": list(formats),
        "website": list(website),
        "print_parts": int(limit) if builds_website and embedded else 0,
    }


def split_studies(order: Sequence[str], per_part: int | None) -> list[Part]:
    """``order`` (the studies in the whole figure's order) in consecutive parts of at
    most ``per_part`` studies, as even in size as possible. A study listed twice
    (in two panels) belongs to the part of its first place.

    One part when there are no more than ``per_part`` studies, or ``per_part`` is
    ``None`` or 0 (splitting turned off).
    """
    ids = list(dict.fromkeys(str(s) for s in order))
    count = 1 if not per_part or len(ids) <= per_part else math.ceil(len(ids) / per_part)
    base, extra = divmod(len(ids), count)
    parts, start = [], 0
    for number in range(1, count + 1):
        size = base + (1 if number <= extra else 0)
        parts.append(Part(number, count, tuple(ids[start : start + size]), start + 1, len(ids)))
        start += size
    return parts


def image_stem(name: str, part: Part) -> str:
    """File name (no extension) of a part: ``name`` alone, else ``name-01`` ..."""
    if part.count == 1:
        return name
    return f"{name}-{part.number:0{len(str(part.count))}d}"


def draw_parts(
    name: str,
    folder: str | Path,
    include: str | Path,
    parts: list[Part],
    draw: Callable[[Part, tuple[Path | None, Path | None, Path | None]], Any],
    formats: Renditions | Mapping[str, Any] | Sequence[str] = FORMATS,
    groups: Mapping[str, str] | None = None,
) -> list[Path]:
    """Draw each part with ``draw(part, (svg, pdf, png))`` into ``folder`` and write the
    Markdown ``include`` that shows them; returns the image stems written. Only the
    renditions ``formats`` asks for are written (the others are passed as None): the
    build asks for those some output format shows (``livingreview.paths.figure_formats``:
    SVG for the website, PDF for the book's PDF, PNG for the DOCX), and only the
    website's for a figure that prints as a note (:class:`Renditions`). ``groups``
    (study id: the heading of its group) as :func:`parts_markdown` takes it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    renditions = Renditions.of(formats)
    wanted = renditions.for_parts(len(parts))
    stems = []
    for part in parts:
        stem = folder / image_stem(name, part)
        outputs = tuple(stem.with_suffix(f".{ext}") if ext in wanted else None for ext in FORMATS)
        draw(part, outputs)
        stems.append(stem)
    include = Path(include)
    relative = Path(folder.resolve().relative_to(include.resolve().parent))
    # a figure printed as a note names its parts' website rendition, the one drawn
    website = renditions.website[0] if renditions.prints_as_note(len(parts)) else None
    with atomic_path(include) as tmp:
        markdown = parts_markdown(name, parts, relative.as_posix(), groups, website)
        Path(tmp).write_text(markdown, encoding="utf-8")
    return stems


def draw_study_parts(
    name: str,
    frames: Sequence[Any],
    order: Sequence[str],
    folder: str | Path,
    include: str | Path,
    draw: Callable[..., None],
    *,
    labels: Mapping[str, str] | None = None,
    per_part: int | None = DEFAULT_STUDIES_PER_PART,
    formats: Renditions | Mapping[str, Any] | Sequence[str] = FORMATS,
    groups: Mapping[str, str] | None = None,
    **shared: Any,
) -> list[Part]:
    """A figure with one row per study (``order``, top to bottom) in parts:
    ``draw(*frames, svg, pdf, png, labels=..., **shared)`` once per part, with the
    rows of each table in ``frames`` (by ``study_id``) and the labels of that part's
    studies, in the renditions ``formats``. One part is the whole figure, drawn (and
    cached) exactly as before; ``shared`` keyword arguments go only to the parts of
    a split figure. ``groups`` (study id: the heading of its diagnosis group, as the
    figure draws it) lets the website go to the part where a group starts."""
    labels = labels or {}
    parts = split_studies(order, per_part)

    def one(part: Part, outputs: tuple) -> None:
        if part.count == 1:
            draw(*frames, *outputs, labels=labels)
            return
        part_frames, part_labels = part_inputs(part, frames, labels)
        draw(*part_frames, *outputs, labels=part_labels, **shared)

    draw_parts(name, folder, include, parts, one, formats, groups)
    return parts


def part_inputs(
    part: Part, frames: Sequence[Any], labels: Mapping[str, str]
) -> tuple[list[Any], dict[str, str]]:
    """The rows of each table in ``frames`` (by ``study_id``) and the labels of
    ``part``'s studies: what :func:`draw_study_parts` draws a part of a split figure from."""
    ids = set(part.study_ids)
    rows = [frame[frame["study_id"].astype(str).isin(ids)] for frame in frames]
    return rows, {k: v for k, v in labels.items() if k in ids}


def study_groups(studies: Any, diagnosis_labels: Mapping[str, str]) -> dict[str, str]:
    """Study id: the heading of its diagnosis group (the ``groups`` of
    :func:`draw_study_parts`) for a studies table."""
    codes = zip(studies["study_id"].astype(str), studies["diagnosis_group"], strict=True)
    return {sid: diagnosis_labels[code] for sid, code in codes if code in diagnosis_labels}


def group_starts(parts: list[Part], groups: Mapping[str, str]) -> list[list[str]]:
    """For each part, the groups (headings, in figure order) whose first study is in it."""
    seen: set[str] = set()
    starts: list[list[str]] = []
    for part in parts:
        starts.append([])
        for sid in part.study_ids:
            group = groups.get(sid)
            if group is not None and group not in seen:
                seen.add(group)
                starts[-1].append(group)
    return starts


def parts_markdown(
    name: str,
    parts: list[Part],
    image_dir: str,
    groups: Mapping[str, str] | None = None,
    note_rendition: str | None = None,
) -> str:
    """The Markdown a chapter includes inside its figure div for the figure's parts.

    One part: the image alone (the div's caption, id and alt text make it the
    figure). More: a one-column layout (of class :data:`PARTS_CLASS`) of subfigures,
    each captioned with its studies and given the id ``fig-<name>-<n>``. With
    ``groups`` (study id: group heading) and more than one group, a part where groups
    start names them in ``data-groups`` (each percent-encoded, separated by spaces),
    for the website's pager; print ignores it. ``note_rendition`` (the website's
    rendition, ``svg``) marks a figure DOCX and PDF print as a note
    (:data:`PRINT_NOTE_CLASS`), whose parts are drawn in that rendition alone: its
    images are named with that extension.
    """
    if len(parts) == 1:
        return f"![]({image_dir}/{image_stem(name, parts[0])})\n"
    ident = "fig-" + name.replace("_", "-")
    starts = group_starts(parts, groups or {})
    if sum(map(len, starts)) < 2:
        starts = [[] for _ in parts]
    classes = f".{PARTS_CLASS}" + (f" .{PRINT_NOTE_CLASS}" if note_rendition else "")
    ext = f".{note_rendition}" if note_rendition else ""
    lines = [f"::: {{{classes} layout-ncol=1}}", ""]
    for part, names in zip(parts, starts, strict=True):
        attrs = f"#{ident}-{part.number}"
        if names:
            attrs += f' data-groups="{" ".join(quote(n, safe="") for n in names)}"'
        image = f"{image_dir}/{image_stem(name, part)}{ext}"
        lines += [f"![{part.caption()}]({image}){{{attrs}}}", ""]
    lines.append(":::")
    return "\n".join(lines) + "\n"

"""What the PRISMA 2020 flow diagram says: which boxes it has and the text of each.

:mod:`livingreview.prisma.flow_diagram` places and draws these boxes; this module
decides their content from :class:`~livingreview.prisma.model.PrismaCounts`, following
the PRISMA 2020 templates (Page et al. 2021) for new and updated reviews. Box 8 / 14
("Reports assessed for eligibility") also says, when the ledger records it, how many
reports were judged on their full text and how many on the abstract, part of the text
or the trial registration only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .model import UNSPECIFIED_REASON, PrismaCounts

YELLOW = "#ffc125"  # R package default title_colour "Goldenrod1"
GREY = "#dcdcdc"  # greybox_colour "Gainsboro"
NBSP = "\u00a0"  # glues "(n = 12)" together while wrapping; rendered as a space


@dataclass(frozen=True)
class _Spec:
    """A box before placement: where it goes and what it says."""

    name: str
    kind: str
    row: str
    columns: tuple[str, ...]
    paragraphs: tuple[str, ...]
    face: str = "white"
    tooltip: str = ""


# --------------------------------------------------------------------------- #
# Content: which boxes, saying what
# --------------------------------------------------------------------------- #


def _n(count: int | None) -> str:
    """``(n = 1,234)`` with non-breaking spaces so wrapping keeps it whole."""
    return f"(n{NBSP}={NBSP}{(count or 0):,})"


def _sources(items: Mapping[str, int]) -> list[str]:
    return [f"    {name} {_n(n)}" for name, n in items.items()]


def _reasons(items: Mapping[str, int]) -> tuple[str, ...]:
    labelled = {k: v for k, v in items.items() if k != UNSPECIFIED_REASON}
    if not labelled:
        return (f"Reports excluded {_n(sum(items.values()))}",)
    lines = [f"{label} {_n(n)}" for label, n in labelled.items()]
    if UNSPECIFIED_REASON in items:
        lines.append(f"Reason not given {_n(items[UNSPECIFIED_REASON])}")
    return ("Reports excluded:", *lines)


def _assessed(c: PrismaCounts, arm: str) -> tuple[str, ...]:
    """Box 8 / 14: reports assessed, split by what was read when the ledger records it."""
    assessed = getattr(c, f"{arm}_assessed")
    full, without = (getattr(c, f"{arm}_assessed_{k}") for k in ("full_text", "without_full_text"))
    lines = [f"Reports assessed for eligibility {_n(assessed)}"]
    if full is None or without is None:
        return tuple(lines)
    lines.append(f"    On the full text {_n(full)}")
    lines.append(f"    On the abstract, part of the text or registration only {_n(without)}")
    if assessed - full - without:
        lines.append(f"    What was read is not recorded {_n(assessed - full - without)}")
    return tuple(lines)


def _box(name: str, row: str, column: str, *paragraphs: str) -> _Spec:
    """A white content box in one column."""
    return _Spec(name, "box", row, (column,), paragraphs)


def _dbr_arm(c: PrismaCounts, main: str, side: str) -> list[_Spec]:
    """Boxes 2-9: identification via databases and registers down to full-text exclusions."""
    return [
        _box("database_results", "identification", main,
             "Records identified from:",
             f"Databases {_n(c.database_results)}", *_sources(c.database_specific),
             f"Registers {_n(c.register_results)}", *_sources(c.register_specific)),
        _box("duplicates", "identification", side,
             "Records removed before screening:",
             f"Duplicate records {_n(c.duplicates)}",
             f"Records marked as ineligible by automation tools {_n(c.excluded_automatic)}",
             f"Records removed for other reasons {_n(c.excluded_other)}"),
        _box("records_screened", "screened", main, f"Records screened {_n(c.records_screened)}"),
        _box("records_excluded", "screened", side, f"Records excluded {_n(c.records_excluded)}"),
        *_report_boxes(c, "dbr", main, side),
    ]  # fmt: skip


def _other_arm(c: PrismaCounts, main: str, side: str) -> list[_Spec]:
    """Boxes 11-15: identification via other methods; no screening box in this arm."""
    return [
        _box("website_results", "identification", main,
             "Records identified from:",
             f"Websites {_n(c.website_results)}",
             f"Organisations {_n(c.organisation_results)}",
             f"Citation searching {_n(c.citations_results)}"),
        *_report_boxes(c, "other", main, side),
    ]  # fmt: skip


def _report_boxes(c: PrismaCounts, arm: str, main: str, side: str) -> list[_Spec]:
    """The four report boxes every arm has: sought, not retrieved, assessed, excluded."""

    def count(box: str) -> Any:
        return getattr(c, f"{arm}_{box}")

    return [
        _box(f"{arm}_sought_reports", "sought", main,
             f"Reports sought for retrieval {_n(count('sought_reports'))}"),
        _box(f"{arm}_notretrieved_reports", "sought", side,
             f"Reports not retrieved {_n(count('notretrieved_reports'))}"),
        _box(f"{arm}_assessed", "assessed", main, *_assessed(c, arm)),
        _box(f"{arm}_excluded", "assessed", side, *_reasons(count("excluded"))),
    ]  # fmt: skip


def _included(c: PrismaCounts, column: str) -> list[_Spec]:
    """Boxes 10, 16 and 17 under the main arm."""
    if c.is_update:
        specs = [
            _box("new_studies", "included", column,
                 f"New studies included in review {_n(c.new_studies)}",
                 f"Reports of new included studies {_n(c.new_reports)}"),
            _box("total_studies", "total", column,
                 f"Total studies included in review {_n(c.total_studies)}",
                 f"Reports of total included studies {_n(c.total_reports)}"),
        ]  # fmt: skip
    else:  # the template for new reviews says "Studies included" and has no total box
        specs = [
            _box("new_studies", "included", column,
                 f"Studies included in review {_n(c.new_studies)}",
                 f"Reports of included studies {_n(c.new_reports)}"),
        ]  # fmt: skip
    if c.total_studies_ma is not None:
        specs.append(
            _box("total_studies_ma", "ma", column,
                 f"Total studies included in meta-analysis {_n(c.total_studies_ma)}",
                 f"Reports of total included studies in meta-analysis {_n(c.total_reports_ma)}")
        )  # fmt: skip
    return specs


def _changed_decisions(c: PrismaCounts) -> list[_Spec]:
    """Boxes under "Previous studies" when a decision on a record of the previous version
    changed: its studies excluded from this update (with the reasons of the reports no
    longer included), and its other records included now on re-assessment. The PRISMA
    2020 template has no box for either; without them the total would not be the
    previous studies plus the new ones."""
    specs = []
    if c.withdrawn_studies is not None:
        specs.append(
            _box("previous_withdrawn", "assessed", "prev",
                 "Studies included in previous version excluded from this update "
                 f"{_n(c.withdrawn_studies)}",
                 f"Reports no longer included {_n(c.withdrawn_reports)}",
                 *[f"    {label or 'Reason not given'} {_n(n)}"
                   for label, n in (c.withdrawn_reasons or {}).items()])
        )  # fmt: skip
    if c.reassessed_reports is not None:
        specs.append(
            _box("reassessed", "included", "prev",
                 "Records of earlier versions included on re-assessment "
                 f"{_n(c.reassessed_reports)}",
                 f"New studies from these records {_n(c.reassessed_studies)}")
        )  # fmt: skip
    return specs


def _arms(c: PrismaCounts) -> tuple[str, str | None]:
    """Which arm is drawn as the main arm and which (if any) as the grey second arm."""
    if c.has_dbr_arm or not c.has_other_arm:
        return "dbr", ("other" if c.has_other_arm else None)
    return "other", None


def _title(arm: str, columns: tuple[str, ...], text: str, face: str) -> _Spec:
    return _Spec(f"title_{arm}", "title", "title", columns, (text,), face)


def _specs(c: PrismaCounts) -> list[_Spec]:
    """Every box of the diagram, with its row and column(s)."""
    primary, secondary = _arms(c)
    new = "new " if c.is_update else ""  # the update template says "new studies"
    titles = {
        "dbr": f"Identification of {new}studies via databases and registers",
        "other": f"Identification of {new}studies via other methods",
    }
    arm_boxes = {"dbr": _dbr_arm, "other": _other_arm}
    specs: list[_Spec] = []
    if c.is_update:
        specs += [
            _title("previous", ("prev",), "Previous studies", GREY),
            _box("previous_studies", "identification", "prev",
                 f"Studies included in previous version of review {_n(c.previous_studies)}",
                 "Reports of studies included in previous version of review "
                 f"{_n(c.previous_reports)}"),
            *_changed_decisions(c),
        ]  # fmt: skip
    specs.append(_title(primary, ("p", "ps"), titles[primary], YELLOW))
    specs += arm_boxes[primary](c, "p", "ps")
    if secondary:
        specs.append(_title(secondary, ("s", "ss"), titles[secondary], GREY))
        specs += arm_boxes[secondary](c, "s", "ss")
    specs += _included(c, "p")
    return [replace(s, tooltip=_tooltip(s)) for s in specs]


def drawn_boxes(counts: PrismaCounts) -> list[str]:
    """Names (keys of :data:`BOX_NAMES`) of the content boxes drawn for ``counts``, in order."""
    return [spec.name for spec in _specs(counts) if spec.kind == "box"]


def description(counts: PrismaCounts, previous_version: str | None = None) -> str:
    """What the diagram shows, box by box in reading order with its counts: the SVG's
    <desc> and every format's alt text (``previous_version`` names the version whose
    studies an update's "Previous studies" column holds)."""
    if counts.is_update:
        which = f"version {previous_version}" if previous_version else "the previous version"
        head = (
            "PRISMA 2020 flow diagram for an updated review: a column of previous studies, "
            f"those included in {which}, beside the records identified since then"
        )
    else:
        head = "PRISMA 2020 flow diagram"
    parts = [_tooltip(s).replace("\n", "; ").replace(":; ", ": ") for s in _specs(counts)]
    return f"{head}. " + ". ".join(parts) + "."


def _tooltip(spec: _Spec) -> str:
    return "\n".join(p.strip().replace(NBSP, " ") for p in spec.paragraphs)

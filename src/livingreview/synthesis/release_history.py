"""The living view: how a pooled estimate moved from release to release.

Every release snapshot (``releases/<version>/release.yaml``) freezes the generated
numbers, including ``variables.meta.<analysis>.*`` once the review pools an analysis.
:func:`meta_history` reads them back and :func:`conclusion_sentence` says in words
whether the conclusion changed; :func:`livingreview.figures.release_history.history_figure`
draws the estimate and its confidence interval per release (a cumulative meta-analysis
by release).

The conclusion is read from the interval, as a reader would: an interval wholly on
one side of the line of no effect favours that side; otherwise the evidence is
inconclusive.  The conclusion changed when that reading differs between the first and
the latest release that pooled the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version such as 2.10 (numeric parts)."""
    return tuple(int(part) for part in str(version).split(".") if part.isdigit())


NULL = {"RR": 1.0, "OR": 1.0, "ROM": 1.0, "PETO": 1.0}


@dataclass(frozen=True)
class HistoryPoint:
    version: str
    date: str
    k: int
    estimate: float | None  # on the reader's scale (ratio for ratios)
    ci_lower: float | None
    ci_upper: float | None


def _number(text: Any) -> float | None:
    if text in (None, ""):
        return None
    return float(str(text).replace("−", "-"))


def meta_history(snapshots: Sequence[Mapping[str, Any]], analysis_id: str) -> list[HistoryPoint]:
    """One point per release (oldest first); estimate None where it was not pooled."""
    points = []
    for snap in sorted(snapshots, key=lambda s: version_key(str(s["version"]))):
        meta = (snap.get("variables") or {}).get("meta", {}).get(analysis_id, {})
        pooled = meta.get("pooled") == "yes"
        points.append(
            HistoryPoint(
                str(snap["version"]),
                str(snap.get("date", "")),
                int(meta.get("k", 0) or 0),
                _number(meta.get("estimate")) if pooled else None,
                _number(meta.get("ci_lower")) if pooled else None,
                _number(meta.get("ci_upper")) if pooled else None,
            )
        )
    return points


CURRENT = "this version"


def current_point(variables: Mapping[str, Any], date: str = "") -> HistoryPoint | None:
    """The build's own result (``meta.<analysis>.*`` variables), or None if not pooled."""
    if variables.get("pooled") != "yes":
        return None
    return HistoryPoint(
        CURRENT,
        date,
        int(variables.get("k", 0) or 0),
        _number(variables.get("estimate")),
        _number(variables.get("ci_lower")),
        _number(variables.get("ci_upper")),
    )


def with_current(
    points: Sequence[HistoryPoint], current: HistoryPoint | None
) -> list[HistoryPoint]:
    """The releases, then this build when it pooled and differs from the latest release
    (a build of the latest release shows the same numbers and is not repeated)."""
    out = list(points)
    if current is None:
        return out
    key = (current.k, current.estimate, current.ci_lower, current.ci_upper)
    if out and (out[-1].k, out[-1].estimate, out[-1].ci_lower, out[-1].ci_upper) == key:
        return out
    return [*out, current]


def version_name(point: HistoryPoint) -> str:
    """ "version 1.0", or "this version" for the build itself."""
    return point.version if point.version == CURRENT else f"version {point.version}"


def read_snapshots(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    """The release.yaml files as plain mappings (version, date, variables)."""
    import yaml

    return [yaml.safe_load(Path(p).read_text(encoding="utf-8")) for p in paths]


def _reading(p: HistoryPoint, null: float, directions: tuple[str, str]) -> str:
    assert p.ci_lower is not None and p.ci_upper is not None
    if p.ci_upper < null:
        return directions[0].lower()
    if p.ci_lower > null:
        return directions[1].lower()
    return "inconclusive"


def conclusion_sentence(
    points: Sequence[HistoryPoint],
    measure: str,
    directions: tuple[str, str] = ("Favours intervention", "Favours control"),
) -> str:
    """Whether the conclusion changed between the first and the latest pooled release."""
    pooled = [p for p in points if p.estimate is not None]
    if not pooled:
        return "No version of this review has pooled this analysis yet."
    null = NULL.get(measure, 0.0)
    first, last = pooled[0], pooled[-1]
    a, b = _reading(first, null, directions), _reading(last, null, directions)
    span = f"{version_name(first)} ({first.k} studies) to {version_name(last)} ({last.k} studies)"
    if len(pooled) == 1:
        return f"Only {version_name(last)} has pooled this analysis ({b})."
    if a == b:
        return f"The conclusion did not change from {span}: the pooled estimate {_verb(b)}."
    return (
        f"The conclusion changed from {span}: the pooled estimate {_verb(a, past=True)} "
        f"and now {_verb(b)}."
    )


def _verb(reading: str, past: bool = False) -> str:
    """'favours ketamine' -> 'favours ketamine' / 'favoured ketamine'."""
    if reading == "inconclusive":
        return "was inconclusive" if past else "is inconclusive (its interval includes no effect)"
    return reading.replace("favours", "favoured", 1) if past else reading

"""Who decided what: the decision log, two independent reviewers, conflicts and agreement.

Every decision applied from a sheet is appended to ``screening/decisions.csv``
(record, stage, decision, reason, reviewer, date, note, role). With one
reviewer a decision goes straight into the ledger. With two (``screening:
reviewers: 2`` in ``data/protocol.yaml``) the title/abstract and full-text
eligibility decisions enter the ledger only when two reviewers agree, or when a
disagreement is resolved (``role`` = ``resolution``); retrieval and study
linking are records of fact and apply as soon as one person enters them.

Agreement per stage is Cohen's kappa and the raw proportion of agreement over
the records both of the first two reviewers decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..validation import read_csv_rows
from ..wording import count_value

DOUBLE_STAGES = ("screening", "eligibility")
"""Stages two reviewers decide independently (Cochrane Handbook 4.6.4)."""


def read_decision_log(path: str | Path | None) -> list[dict[str, str]]:
    """Rows of the decision log; an absent log is empty."""
    if path is None or not Path(path).exists():
        return []
    return [row for _, row in read_csv_rows(path)[1]]


def _key(row: Mapping[str, str]) -> tuple[str, str]:
    return row.get("record_id", ""), row.get("stage", "")


@dataclass(frozen=True)
class Conflict:
    """Two reviewers disagree on a record at a stage, and nobody has resolved it."""

    record_id: str
    stage: str
    decisions: dict[str, tuple[str, str]]  # reviewer -> (decision, reason)

    def describe(self) -> str:
        """``"Alice: include | Bob: exclude (wrong_population)"``."""
        return " | ".join(
            f"{who}: {d}" + (f" ({r})" if r else "") for who, (d, r) in self.decisions.items()
        )


def _by_record_stage(log: Iterable[Mapping[str, str]]) -> dict[tuple[str, str], list]:
    grouped: dict[tuple[str, str], list[Mapping[str, str]]] = {}
    for row in log:
        grouped.setdefault(_key(row), []).append(row)
    return grouped


def reviewer_decisions(rows: Sequence[Mapping[str, str]]) -> dict[str, tuple[str, str]]:
    """Latest ``(decision, reason)`` of each reviewer (role ``review``), in first-seen order."""
    out: dict[str, tuple[str, str]] = {}
    for row in rows:
        if row.get("role", "review") == "review":
            out[row.get("reviewer", "")] = (row.get("decision", ""), row.get("reason", ""))
    return out


def settled(rows: Sequence[Mapping[str, str]], reviewers: int) -> tuple[str, str] | None:
    """The ``(decision, reason)`` that enters the ledger, or None while it is open.

    A resolution wins; otherwise with one reviewer the latest decision, with two
    the decision on which at least two reviewers agree (same decision and reason).
    """
    resolutions = [r for r in rows if r.get("role") == "resolution"]
    if resolutions:
        last = resolutions[-1]
        return last.get("decision", ""), last.get("reason", "")
    decisions = reviewer_decisions(rows)
    if reviewers < 2:
        return list(decisions.values())[-1] if decisions else None
    values = list(decisions.values())
    if len(values) >= 2 and len(set(values)) == 1:
        return values[0]
    return None


def find_conflicts(log: Iterable[Mapping[str, str]]) -> list[Conflict]:
    """Records where reviewers disagree at a stage and no resolution is recorded."""
    out = []
    for (rid, stage), rows in _by_record_stage(log).items():
        if any(r.get("role") == "resolution" for r in rows):
            continue
        decisions = reviewer_decisions(rows)
        if len(decisions) >= 2 and len(set(decisions.values())) > 1:
            out.append(Conflict(rid, stage, decisions))
    return out


def waiting_for_second(log: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
    """``(record, stage)`` decided by only one reviewer at a double-reviewed stage."""
    return [
        key
        for key, rows in _by_record_stage(log).items()
        if key[1] in DOUBLE_STAGES
        and not any(r.get("role") == "resolution" for r in rows)
        and len(reviewer_decisions(rows)) == 1
    ]


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of paired categorical decisions; None when chance agreement is 1."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    categories = {c for pair in pairs for c in pair}
    expected = sum(
        (sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n)
        for c in categories
    )
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def agreement(log: Iterable[Mapping[str, str]]) -> dict[str, dict[str, float | int | None]]:
    """Per double-reviewed stage: records both reviewers decided, raw agreement and kappa.

    The first two reviewers of each record are paired (their decision, not
    the reason). Stages nobody decided twice are left out.
    """
    pairs: dict[str, list[tuple[str, str]]] = {}
    for (_, stage), rows in _by_record_stage(log).items():
        if stage not in DOUBLE_STAGES:
            continue
        decisions = list(reviewer_decisions(rows).values())
        if len(decisions) >= 2:
            pairs.setdefault(stage, []).append((decisions[0][0], decisions[1][0]))
    out: dict[str, dict[str, float | int | None]] = {}
    for stage in DOUBLE_STAGES:
        if stage in pairs:
            stage_pairs = pairs[stage]
            kappa = cohen_kappa(stage_pairs)
            out[stage] = {
                "records": len(stage_pairs),
                "agreement": round(sum(a == b for a, b in stage_pairs) / len(stage_pairs), 3),
                "kappa": None if kappa is None else round(kappa, 2),
            }
    return out


def assessment_words(assessed: Mapping[str, int] | None) -> str:
    """How reports were assessed for eligibility, by what the ledger says was read
    (``assessed``: counts ``full_text``, ``abstract_or_registration`` and
    ``unrecorded``, as the ``assessment`` variables give them): "full texts" only
    when every assessed report's full text was read."""
    if not assessed:
        return "assessed the reports for eligibility"
    full = count_value(assessed.get("full_text", 0))
    other = count_value(assessed.get("abstract_or_registration", 0))
    if count_value(assessed.get("unrecorded", 0)) or not full + other:
        return "assessed the reports for eligibility"
    if not other:
        return "assessed full texts for eligibility"
    without = "the abstract, part of the text or the trial registration"
    if not full:
        return f"assessed the reports for eligibility on {without} (no full text was read)"
    return (
        "assessed the reports for eligibility on the full text where it was read "
        f"and otherwise on {without}"
    )


def agreement_variables(
    log_path: str | Path | None, reviewers: int, assessed: Mapping[str, int] | None = None
) -> dict[str, object]:
    """The ``screening`` variables the methods text quotes.

    ``reviewers`` (1 or 2), ``statement`` (a sentence saying how records were
    screened and assessed, by what was read (``assessed``, see
    :func:`assessment_words`), with the agreement when two reviewers screened) and,
    per double-reviewed stage with paired decisions, ``records``,
    ``agreement_percent`` and ``kappa`` (text: "0.40" or "not defined").
    """
    stats = agreement(read_decision_log(log_path))
    variables: dict[str, object] = {"reviewers": reviewers}
    assessing = assessment_words(assessed)
    if reviewers < 2:
        variables["statement"] = (
            f"One reviewer screened titles and abstracts and {assessing}; "
            "no second reviewer checked the decisions."
        )
        return variables
    parts = []
    names = {"screening": "title/abstract screening", "eligibility": "eligibility assessment"}
    for stage, values in stats.items():
        kappa = "not defined" if values["kappa"] is None else f"{values['kappa']:.2f}"
        percent = round(100 * float(values["agreement"] or 0), 1)
        variables[stage] = {
            "records": values["records"],
            "agreement_percent": percent,
            "kappa": kappa,
        }
        parts.append(
            f"{names[stage]}: Cohen's kappa {kappa}, raw agreement {percent}% "
            f"({values['records']} records)"
        )
    statement = (
        f"Two reviewers independently screened titles and abstracts and {assessing}; "
        "disagreements were resolved by discussion or a third reviewer"
    )
    variables["statement"] = statement + (
        " (agreement at " + "; ".join(parts) + ")." if parts else "."
    )
    return variables

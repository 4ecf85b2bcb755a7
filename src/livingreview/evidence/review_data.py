"""Load the review's source data and check that the files agree with each other.

Each table is first checked on its own against its schema
(:func:`livingreview.validation.load_table`); this module adds the checks that
need two files at once (a reason code used in records.csv must be defined in
protocol.yaml, a study must have an included report, every extracted value must
have a source, every citation key must be in the .bib ...). Every problem in
every file is collected and raised together as one :class:`DataError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..bibliography import Citation, entry_keys, missing_key_problems, parse_bibliography
from ..errors import DataError, Problem, ReviewError, raise_if_any
from ..io import compose_yaml, read_text, read_yaml, write_text
from ..validation import (
    frame_rows,
    load_schema,
    load_table,
    read_schema,
    schema_errors,
    value_problem,
)

if TYPE_CHECKING:  # the tables are built by load_table, which imports pandas itself
    import jsonschema
    import pandas as pd

__all__ = [
    "ReviewData",
    "load_protocol",
    "load_review_data",
    "schema_markdown",
    "write_validated",
]

# Row order of the normalised tables written by write_validated.
SORT_KEYS = {
    "records": ["record_id"],
    "studies": ["study_id"],
    "extraction_sources": ["study_id", "field", "source"],
}


@dataclass(frozen=True)
class ReviewData:
    """The review's validated source data.

    Tables keep the source line of each row in column ``_line`` so later steps
    can point users at the row; :func:`write_validated` drops it.
    """

    protocol: dict[str, Any]
    records: pd.DataFrame
    studies: pd.DataFrame
    sources: pd.DataFrame
    bib_keys: frozenset[str]


# --------------------------------------------------------------------------- protocol


def _yaml_line(node: yaml.Node | None, path: Iterable[Any]) -> int | None:
    """1-based line of the YAML node at ``path`` (or of its nearest existing parent)."""
    if node is None:
        return None
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            child = node.value[step] if step < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _protocol_problem(
    file: str, root: yaml.Node | None, err: jsonschema.ValidationError
) -> Problem:
    path = list(err.absolute_path)
    if "propertyNames" in err.relative_schema_path:
        path.append(err.instance)  # the offending key itself, not its parent mapping
    key = "/".join(str(p) for p in path) or None
    line = _yaml_line(root, path)
    if err.validator == "required":
        missing = err.message.split("'")[1]
        where = f"{key}/{missing}" if key else missing
        return Problem(
            file,
            "required key is missing",
            row=line,
            column=where,
            fix=f"add '{missing}' (see data/README.md)",
        )
    if err.validator == "additionalProperties":
        return Problem(
            file,
            err.message,
            row=line,
            column=key,
            fix="remove or rename the key (see data/README.md)",
        )
    return value_problem(file, err, row=line, column=key, found=str(err.instance))


def load_protocol(path: str | Path) -> tuple[dict[str, Any], list[Problem]]:
    """Read ``protocol.yaml`` and check it against ``protocol.schema.yaml``.

    Returns the parsed protocol and the problems found (an unreadable file
    raises :class:`DataError` at once, since nothing else can be checked).
    """
    file = str(path)
    data = read_yaml(path, DataError)  # reports syntax errors with their line
    # The composed node tree keeps line numbers, which the parsed data lacks.
    root = compose_yaml(read_text(path, DataError), path, DataError)
    if not isinstance(data, dict):
        raise DataError.single(
            file,
            "must be a mapping of keys to values",
            row=1,
            found=type(data).__name__,
            fix="see data/README.md",
        )
    problems = [
        _protocol_problem(file, root, err)
        for err in sorted(schema_errors(data, "protocol"), key=lambda e: [str(p) for p in e.path])
    ]
    criteria = data.get("eligibility")
    if isinstance(criteria, list):
        seen: set[str] = set()
        for i, criterion in enumerate(criteria):
            cid = criterion.get("id") if isinstance(criterion, dict) else None
            if cid in seen:
                problems.append(
                    Problem(
                        file,
                        "criterion id used twice",
                        row=_yaml_line(root, ["eligibility", i, "id"]),
                        column=f"eligibility/{i}/id",
                        found=str(cid),
                        fix="give each criterion its own id",
                    )
                )
            seen.add(cid)
    classes = data.get("design_classes")
    if isinstance(classes, dict):
        allowed = read_schema("studies")["properties"]["design_class"]["enum"]
        for value in allowed:
            if value not in classes:
                problems.append(
                    Problem(
                        file,
                        "design class has no label",
                        row=_yaml_line(root, ["design_classes"]),
                        column=f"design_classes/{value}",
                        expected="a label for every design_class of data/studies.csv",
                        fix=f"add '{value}: <label>' under design_classes",
                    )
                )
        for value in classes:
            if value not in allowed:
                problems.append(
                    Problem(
                        file,
                        "unknown design class",
                        row=_yaml_line(root, ["design_classes", value]),
                        column=f"design_classes/{value}",
                        found=value,
                        expected=f"one of: {', '.join(allowed)}",
                        fix="remove it or correct the spelling",
                    )
                )
    return data, problems


# --------------------------------------------------------------------------- cross-file checks


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame_rows(frame)


def _codes(protocol: dict[str, Any], key: str) -> list[str]:
    value = protocol.get(key)
    return list(value) if isinstance(value, dict) else []


def _record_problems(
    file: str, records: list[dict[str, Any]], reasons: list[str] | None
) -> list[Problem]:
    """duplicate_of targets and exclusion reason codes (``records``: the ledger's rows)."""
    problems: list[Problem] = []
    by_id = {r["record_id"]: r for r in records}
    for rec in records:
        target = rec.get("duplicate_of")
        if target is not None:
            if target == rec["record_id"]:
                problems.append(
                    Problem(
                        file,
                        "record is marked as a duplicate of itself",
                        row=rec["_line"],
                        column="duplicate_of",
                        found=target,
                        fix="name the record it duplicates, or leave empty",
                    )
                )
            elif target not in by_id:
                problems.append(
                    Problem(
                        file,
                        "duplicate_of names a record that does not exist",
                        row=rec["_line"],
                        column="duplicate_of",
                        found=target,
                        expected="a record_id in this file",
                        fix="correct the record_id",
                    )
                )
            elif by_id[target].get("duplicate_of") is not None:
                problems.append(
                    Problem(
                        file,
                        "duplicate_of names a record that is itself a duplicate",
                        row=rec["_line"],
                        column="duplicate_of",
                        found=target,
                        expected="the record that was kept",
                        fix=_chain_fix(rec["record_id"], target, by_id),
                    )
                )
        reason = rec.get("exclusion_reason")
        if reasons is not None and reason is not None and reason not in reasons:
            problems.append(
                Problem(
                    file,
                    "exclusion reason is not defined in data/protocol.yaml",
                    row=rec["_line"],
                    column="exclusion_reason",
                    found=reason,
                    expected=f"one of: {', '.join(reasons)}",
                    fix="use a defined code or add it under exclusion_reasons",
                )
            )
    return problems


def _chain_fix(record_id: str, target: str, by_id: dict[str, dict[str, Any]]) -> str:
    """How to end a chain of duplicates: point at the record the chain ends on, if any."""
    seen = [record_id, target]
    while (nxt := by_id.get(seen[-1], {}).get("duplicate_of")) is not None:
        if nxt in seen:  # a cycle: no record in it was kept
            cycle = " -> ".join([*seen[seen.index(nxt) :], nxt])
            return (
                f"the duplicates form a cycle ({cycle}); "
                "clear duplicate_of on the record that was kept"
            )
        if nxt not in by_id:
            break
        seen.append(nxt)
    return f"use {seen[-1]} instead (the record the chain ends on)"


def _study_link_problems(
    records_file: str, studies_file: str, records: list[dict[str, Any]], studies: pd.DataFrame
) -> list[Problem]:
    """study_id of records (the ledger's rows) exists; every study has an included report
    whose key it uses."""
    problems: list[Problem] = []
    study_ids = set(studies["study_id"])
    included: dict[str, set[str]] = {}
    for rec in records:
        sid = rec.get("study_id")
        if sid is None:
            continue
        if sid not in study_ids:
            problems.append(
                Problem(
                    records_file,
                    "study_id is not in data/studies.csv",
                    row=rec["_line"],
                    column="study_id",
                    found=sid,
                    expected="a study_id of data/studies.csv",
                    fix="add the study to data/studies.csv or correct the id",
                )
            )
        elif rec.get("eligibility") == "include":
            included.setdefault(sid, set()).add(rec.get("bib_key"))
    for study in _rows(studies):
        sid = study["study_id"]
        if sid not in included:
            problems.append(
                Problem(
                    studies_file,
                    "study has no included report in data/records.csv",
                    row=study["_line"],
                    column="study_id",
                    found=sid,
                    expected="at least one record with eligibility=include and this study_id",
                    fix="link its report(s) in data/records.csv or remove the study",
                )
            )
        elif study.get("bib_key") not in included[sid]:
            problems.append(
                Problem(
                    studies_file,
                    "bib_key is not the key of one of the study's included reports",
                    row=study["_line"],
                    column="bib_key",
                    found=study.get("bib_key"),
                    expected=f"one of: {', '.join(sorted(included[sid]))}",
                    fix="use the key of the study's main report",
                )
            )
    return problems


def _diagnosis_problems(file: str, studies: pd.DataFrame, groups: list[str]) -> list[Problem]:
    return [
        Problem(
            file,
            "diagnosis group is not defined in data/protocol.yaml",
            row=s["_line"],
            column="diagnosis_group",
            found=s["diagnosis_group"],
            expected=f"one of: {', '.join(groups)}",
            fix="use a defined code or add it under diagnosis_groups",
        )
        for s in _rows(studies)
        if s.get("diagnosis_group") not in groups
    ]


def _source_problems(
    studies_file: str, sources_file: str, studies: pd.DataFrame, sources: pd.DataFrame
) -> list[Problem]:
    """Every non-empty extracted value has a source; every source row points at a study field."""
    problems: list[Problem] = []
    # identifiers need no source; every extracted or classified value does
    columns = [c for c in studies.columns if c not in ("_line", "study_id", "bib_key")]
    covered: dict[str, set[str]] = {}
    study_ids = set(studies["study_id"])
    for src in _rows(sources):
        sid, field = src["study_id"], src["field"]
        if sid not in study_ids:
            problems.append(
                Problem(
                    sources_file,
                    "study_id is not in data/studies.csv",
                    row=src["_line"],
                    column="study_id",
                    found=sid,
                    expected="a study_id of data/studies.csv",
                    fix="correct the id or remove the row",
                )
            )
        if field != "*" and field not in columns:
            problems.append(
                Problem(
                    sources_file,
                    "field is not a column of data/studies.csv",
                    row=src["_line"],
                    column="field",
                    found=field,
                    expected=f"'*' or one of: {', '.join(columns)}",
                    fix="use a column name of data/studies.csv",
                )
            )
        covered.setdefault(sid, set()).add(field)
    for study in _rows(studies):
        have = covered.get(study["study_id"], set())
        if "*" in have:
            continue
        for column in columns:
            if study.get(column) is not None and column not in have:
                problems.append(
                    Problem(
                        studies_file,
                        "value has no source in data/extraction_sources.csv",
                        row=study["_line"],
                        column=column,
                        found=str(study[column]),
                        expected=f"a row ({study['study_id']}, {column} or *) "
                        "in data/extraction_sources.csv",
                        fix="add the URL/PMID the value was read from",
                    )
                )
    return problems


def _citations(file: str, rows: list[dict[str, Any]]) -> list[Citation]:
    return [
        Citation(r["bib_key"], file, r["_line"], "bib_key")
        for r in rows
        if r.get("bib_key") is not None
    ]


# --------------------------------------------------------------------------- entry points


def _collect(problems: list[Problem], load: Callable[[], Any]) -> Any:
    """Run ``load``; on a ReviewError keep its problems and return None."""
    try:
        return load()
    except ReviewError as exc:
        problems.extend(exc.problems)
        return None


def read_protocol(path: str | Path) -> dict[str, Any]:
    """The protocol as a dict; raise :class:`DataError` listing every problem."""
    protocol, problems = load_protocol(path)
    raise_if_any(problems, DataError, f"{path} is not valid")
    return protocol


def _synthesis_problems(
    studies: pd.DataFrame, outcomes: str | Path | None, risk_of_bias: str | Path | None
) -> list[Problem]:
    """Problems in the outcome and risk-of-bias files, and studies left unjudged."""
    # Imported here: both modules build on this one's loaders.
    from .outcomes import load_outcomes
    from .risk_of_bias import load_risk_of_bias

    problems: list[Problem] = []
    if outcomes is not None:
        _collect(problems, lambda: load_outcomes(outcomes, studies))
    if risk_of_bias is not None:
        rob = _collect(problems, lambda: load_risk_of_bias(risk_of_bias, studies))
        judged = set(rob["study_id"]) if rob is not None else None
        for row in _rows(studies):
            if judged is not None and row["study_id"] not in judged:
                problems.append(
                    Problem(
                        str(risk_of_bias),
                        "included study has no risk-of-bias judgement",
                        column="study_id",
                        found=row["study_id"],
                        fix="add a row for it (record 'No information' where the sources "
                        "do not allow a judgement)",
                    )
                )
    return problems


def load_review_data(
    protocol: str | Path,
    records: str | Path,
    studies: str | Path,
    sources: str | Path,
    bibliography: str | Path,
    outcomes: str | Path | None = None,
    risk_of_bias: str | Path | None = None,
    eligibility_facts: str | Path | None = None,
) -> ReviewData:
    """Load and cross-check all source data; raise one :class:`DataError` with every problem.

    Checks each file against its schema, then: ``duplicate_of`` points to an
    existing record that is not itself a duplicate; exclusion reasons and
    diagnosis groups are defined in the protocol; every ``study_id`` in records
    exists in studies and every study has an included report (whose key the
    study uses as ``bib_key``); every ``bib_key`` is in the bibliography; every
    non-empty value in studies has a source (its field or ``*``). Checks that
    need a file which failed to load are skipped; its own problems are reported.
    When given, ``outcomes`` and ``risk_of_bias`` are checked too (see
    :func:`livingreview.synthesis.load_outcomes` and
    :func:`livingreview.evidence.risk_of_bias.load_risk_of_bias`), and every included
    study must have a risk-of-bias judgement. When ``eligibility_facts`` is
    given and has rows, every assessed record's decision must be the one its
    facts give (:func:`livingreview.evidence.eligibility.ledger_problems`).
    """
    files = {
        k: str(v)
        for k, v in dict(
            protocol=protocol,
            records=records,
            studies=studies,
            sources=sources,
            bibliography=bibliography,
        ).items()
    }
    problems: list[Problem] = []

    loaded = _collect(problems, lambda: load_protocol(protocol))
    proto: dict[str, Any] | None = None
    if loaded is not None:
        proto, protocol_problems = loaded
        problems.extend(protocol_problems)
    recs = _collect(problems, lambda: load_table(records, "records"))
    stud = _collect(problems, lambda: load_table(studies, "studies"))
    srcs = _collect(problems, lambda: load_table(sources, "extraction_sources"))
    parsed = _collect(problems, lambda: parse_bibliography(bibliography))
    library = None
    if parsed is not None:
        library, bib_problems = parsed
        problems.extend(bib_problems)

    reasons = _codes(proto, "exclusion_reasons") if proto is not None else None
    # The ledger's rows, listed once for the three checks that walk them (issue 19).
    record_rows = _rows(recs) if recs is not None else None
    if record_rows is not None:
        problems += _record_problems(files["records"], record_rows, reasons)
    if record_rows is not None and stud is not None:
        problems += _study_link_problems(files["records"], files["studies"], record_rows, stud)
    if stud is not None and proto is not None:
        problems += _diagnosis_problems(files["studies"], stud, _codes(proto, "diagnosis_groups"))
    if stud is not None and srcs is not None:
        problems += _source_problems(files["studies"], files["sources"], stud, srcs)
    keys = entry_keys(library) if library is not None else frozenset()
    if library is not None:
        cited = _citations(files["records"], record_rows) if record_rows is not None else []
        cited += _citations(files["studies"], _rows(stud)) if stud is not None else []
        problems += missing_key_problems(cited, keys, files["bibliography"])

    if stud is not None:
        problems += _synthesis_problems(stud, outcomes, risk_of_bias)
    if eligibility_facts is not None and recs is not None and proto is not None:
        from .eligibility import ledger_problems, load_facts

        facts = _collect(problems, lambda: load_facts(eligibility_facts))
        if facts is not None and len(facts):
            problems += ledger_problems(
                recs, facts, proto, files["records"], str(eligibility_facts)
            )

    raise_if_any(problems, DataError, "the review's source data is not valid")
    assert proto is not None and recs is not None and stud is not None and srcs is not None
    return ReviewData(protocol=proto, records=recs, studies=stud, sources=srcs, bib_keys=keys)


def _table_csv(frame: pd.DataFrame, name: str) -> str:
    frame = frame.drop(columns="_line").sort_values(SORT_KEYS[name], kind="stable")
    return frame.to_csv(index=False, lineterminator="\n")


def _summary(data: ReviewData) -> dict[str, Any]:
    records = data.records
    excluded = records[records["eligibility"] == "exclude"]
    reasons = excluded["exclusion_reason"].value_counts()
    groups = data.studies["diagnosis_group"].value_counts()
    return {
        "records": len(records),
        "reports_included": int((records["eligibility"] == "include").sum()),
        "reports_excluded": len(excluded),
        "reports_not_retrieved": int((records["retrieval"] == "not_retrieved").sum()),
        "studies": len(data.studies),
        # keys in protocol order so the summary reads like the PRISMA box
        "exclusions_by_reason": {
            code: int(reasons.get(code, 0)) for code in data.protocol["exclusion_reasons"]
        },
        "studies_by_diagnosis_group": {
            code: int(groups.get(code, 0)) for code in data.protocol["diagnosis_groups"]
        },
    }


def write_validated(data: ReviewData, outdir: str | Path) -> list[Path]:
    """Write the normalised tables and ``summary.json`` to ``outdir`` (atomically).

    Tables are CSV without the ``_line`` column, rows sorted by their key so the
    output is identical for identical input. Returns the paths written.
    """
    outdir = Path(outdir)
    tables = {"records": data.records, "studies": data.studies, "extraction_sources": data.sources}
    written = [
        write_text(outdir / f"{name}.csv", _table_csv(frame, name))
        for name, frame in tables.items()
    ]
    summary = json.dumps(_summary(data), indent=2, sort_keys=False) + "\n"
    written.append(write_text(outdir / "summary.json", summary))
    return written


def schema_markdown(schema_name: str) -> str:
    """Return a Markdown table (column, type, required, description) for a table schema.

    Used to keep the column lists in data/README.md in step with the schemas.
    """
    schema = load_schema(schema_name)
    required = set(schema.get("required", []))
    lines = ["| column | type | required | description |", "|---|---|---|---|"]
    for name, prop in schema["properties"].items():
        if "enum" in prop:
            kind = " / ".join(f"`{v}`" for v in prop["enum"])
        else:
            kind = prop.get("type", "string")
            if prop.get("format"):
                kind += f" ({prop['format']})"
        text = " ".join(str(prop.get("description", "")).split())
        lines.append(f"| `{name}` | {kind} | {'yes' if name in required else ''} | {text} |")
    return "\n".join(lines) + "\n"


def configured_data_files(
    project: str | Path, config: str | Path = "config/config.yaml"
) -> dict[str, Path]:
    """Every data file ``config`` (relative to ``project``) names, by its key
    (``records``, ``studies`` ...), as a path under ``project``."""
    from ..config import load_config

    root = Path(project)
    return {key: root / value for key, value in load_config(root / config, root)["data"].items()}


def load_data_files(files: Mapping[str, Path]) -> ReviewData:
    """:func:`load_review_data` of the files :func:`configured_data_files` names."""
    return load_review_data(
        protocol=files["protocol"],
        records=files["records"],
        studies=files["studies"],
        sources=files["extraction_sources"],
        bibliography=files["bibliography"],
        outcomes=files.get("outcomes"),
        risk_of_bias=files.get("risk_of_bias"),
        eligibility_facts=files.get("eligibility_facts"),
    )


def load_configured_data(
    project: str | Path, config: str | Path = "config/config.yaml"
) -> ReviewData:
    """Load and cross-check every data file that ``config`` (relative to ``project``) names."""
    return load_data_files(configured_data_files(project, config))

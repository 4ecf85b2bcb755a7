"""Column-wise checks that find the rows of a table jsonschema needs to look at.

Validating a 100,000-row ledger with one ``jsonschema`` call per row costs about
ten CPU seconds, and nearly every row is valid. :func:`suspect_rows` checks
whole columns at once with pandas (types, ``required``, ``enum``, ``pattern``,
``format``, ``minLength``, ``minimum``/``maximum`` (also exclusive), ``dependentRequired``
and the ``allOf`` of ``if``/``then`` required columns the table schemas use) and returns the rows
that might break a rule. Only those rows go through jsonschema, so every
problem is still worded by :func:`livingreview.validation.value_problem` from a
jsonschema error, exactly as before: the column checks only decide which rows
are certainly valid.

A schema using any keyword this module does not understand gets ``None`` from
:func:`suspect_rows`: then every row is validated by jsonschema.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pandas as pd

# Keywords without effect on validity, or handled here.
_NOTES = {"description", "title", "$comment", "examples", "default"}
_BOUNDS = {"minimum": "lt", "maximum": "gt", "exclusiveMinimum": "le", "exclusiveMaximum": "ge"}
_PROPERTY_KEYS = {"type", "enum", "pattern", "format", "minLength", *_BOUNDS}
_SCHEMA_KEYS = {"type", "properties", "required", "allOf", "dependentRequired", "$schema", "$id"}
_NUMERIC = {"integer", "number"}


def _known(keys: Any, allowed: set[str]) -> bool:
    return all(k in allowed or k in _NOTES or k.startswith("x-") for k in keys)


def _conditions(schema: dict[str, Any]) -> list[tuple[str, Any, list[str]]] | None:
    """``allOf`` of ``if {required: [a], properties: {a: {const: v}}} then {required: [...]}``
    as ``(a, v, then-required)`` triples (``v`` is ``None`` for a bare ``if {required: [a]}``:
    a filled in); ``None`` for any other shape."""
    out = []
    for part in schema.get("allOf", []):
        cond, then = part.get("if", {}), part.get("then", {})
        if set(part) != {"if", "then"} or set(then) != {"required"}:
            return None
        required, props = cond.get("required", []), cond.get("properties", {})
        if len(required) != 1 or set(cond) - {"required", "properties"}:
            return None
        if not props:  # if the column is filled in
            out.append((required[0], None, list(then["required"])))
            continue
        if list(props) != required or set(props[required[0]]) != {"const"}:
            return None
        out.append((required[0], props[required[0]]["const"], list(then["required"])))
    return out


def suspect_rows(
    frame: pd.DataFrame, typed: dict[str, pd.Series], schema: dict[str, Any]
) -> pd.Series | None:
    """Boolean mask of rows jsonschema must check, or ``None`` to check them all.

    ``frame`` holds the stripped cell text of every row ("" for empty), one column
    per header name; ``typed`` the numeric columns as converted values (NaN where
    empty or not a number of the column's type, which the caller reports).
    """
    if schema.get("type", "object") != "object" or not _known(schema, _SCHEMA_KEYS):
        return None
    conditions = _conditions(schema)
    if conditions is None:
        return None
    props: dict[str, Any] = schema.get("properties", {})
    suspect = pd.Series(False, index=frame.index)
    for column in schema.get("required", []):
        suspect |= frame[column].eq("") if column in frame else True
    for column, needs in schema.get("dependentRequired", {}).items():
        if column not in frame:
            continue  # absent: the dependency does not apply
        filled = frame[column].ne("")
        for need in needs:
            suspect |= filled & (frame[need].eq("") if need in frame else True)
    for column, spec in props.items():
        if not isinstance(spec, dict) or not _known(spec, _PROPERTY_KEYS) or column not in frame:
            if column in frame:
                return None
            continue
        kind = spec.get("type", "string")
        kinds = set(kind if isinstance(kind, list) else [kind])
        text = frame[column]
        filled = text.ne("")
        if kinds <= {"string"}:
            if "enum" in spec:
                allowed = [v for v in spec["enum"] if isinstance(v, str)]
                suspect |= filled & ~text.isin(allowed)
            if "pattern" in spec:
                pattern = re.compile(spec["pattern"])
                suspect |= filled & ~text.map(lambda v, p=pattern: bool(p.search(v)))
            if "minLength" in spec:
                suspect |= filled & text.str.len().lt(spec["minLength"])
            if "format" in spec:
                checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
                ok = {v: checker.conforms(v, spec["format"]) for v in text[filled].unique()}
                suspect |= filled & ~text.map(lambda v, ok=ok: ok.get(v, True))
            if set(_BOUNDS) & set(spec):
                return None
        elif kinds <= _NUMERIC:
            if {"enum", "pattern", "format", "minLength"} & set(spec):
                return None
            values = typed[column]
            suspect |= filled & values.isna()  # a wrong type: reported, then jsonschema
            for key, breaks in _BOUNDS.items():
                if key in spec:
                    suspect |= filled & getattr(values, breaks)(spec[key])
        else:
            return None
    for column, value, then in conditions:
        if column not in frame:
            continue
        hit = frame[column].ne("") if value is None else frame[column].eq(value)
        for needed in then:
            suspect |= hit & (frame[needed].eq("") if needed in frame else True)
    return suspect


def numeric_columns(frame: pd.DataFrame, schema: dict[str, Any]) -> dict[str, pd.Series]:
    """The integer and number columns of ``frame`` converted (NaN where not convertible)."""
    out = {}
    for column, spec in schema.get("properties", {}).items():
        kind = spec.get("type", "string") if isinstance(spec, dict) else "string"
        kinds = set(kind if isinstance(kind, list) else [kind])
        if column in frame and kinds and kinds <= _NUMERIC:
            text = frame[column]
            if "number" not in kinds:  # whole numbers only, as int() reads them
                text = text.where(text.str.fullmatch(r"\s*[+-]?\d+\s*"), "")
            out[column] = pd.to_numeric(text.replace("", None), errors="coerce")
    return out

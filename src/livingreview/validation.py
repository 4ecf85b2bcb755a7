"""Load CSV tables and check them against their schemas, collecting every problem.

A table schema is a JSON Schema (kept as YAML in ``livingreview/schemas/``) that
describes one row as an object whose properties are the columns. On top of
standard JSON Schema, three keys describe the table as a whole:

``x-primary-key``
    column whose values must be unique and non-empty (the row id).
``x-unique``
    further columns whose non-empty values must be unique.
``x-allow-extra-columns``
    if true, columns not in ``properties`` are kept instead of reported.

Empty cells are treated as missing values: ``required`` therefore means "must
not be empty". Cells are converted to the property's ``type`` (``integer``,
``number``, ``boolean``) before validation, so a wrong type is reported as such.
Every problem names file, line, column, the value found and the fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import os
import pickle
import re
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import DataError, Problem, raise_if_any
from .io import held_lock, read_text, write_bytes
from .workflow import SCHEMA_CACHE_ENV, TABLE_CACHE_ENV

if TYPE_CHECKING:  # pandas is imported where a table is built: config checks need none
    import pandas as pd

HEADER_LINE = 1
# Characters no one can see in a column name: byte-order mark, zero-width spaces and joiners.
INVISIBLE_IN_NAME = re.compile("[\ufeff\u200b-\u200d\u2060]")
# Folder of validated tables keyed by content (set by the workflow, see load_table).
CACHE_ENV = TABLE_CACHE_ENV


def frame_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``, about three times faster for the loaded tables.

    Tables from :func:`load_table` hold only object columns of plain Python
    values, which pandas boxes one cell at a time (a third of a 100,000-record
    ledger check, issue 19); here each column is listed once. Any other column
    type goes through pandas unchanged.
    """
    if any(dtype.kind != "O" for dtype in frame.dtypes) or not frame.columns.is_unique:
        return frame.to_dict("records")
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return the schema ``livingreview/schemas/<name>.schema.yaml``, checked to be a
    valid JSON Schema."""
    import jsonschema  # here, not at the top: a no-op's config check may need none

    schema = read_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@cache
def read_schema(name: str) -> dict[str, Any]:
    """The schema ``name`` as :func:`load_schema` returns it, without importing
    jsonschema to check it: for reading its keys (allowed values, column names)."""
    return yaml.safe_load(_schema_bytes(name))


def _schema_bytes(name: str) -> bytes:
    return resources.files("livingreview").joinpath(f"schemas/{name}.schema.yaml").read_bytes()


def schema_errors(
    data: Any, name: str, formats: bool = False, folder: str | Path | None = None
) -> list[Any]:
    """jsonschema's errors of ``data`` against the package's schema ``name`` (with its
    format checks when ``formats``), in jsonschema's order.

    Inside the workflow (``LIVINGREVIEW_SCHEMA_CHECKS`` names a folder:
    ``results/cache/schema``; or ``folder`` names it, as the Snakefile does for the
    config before it sets the environment) a document found valid is remembered there
    under a hash of its ``repr`` (1 and '1', a date and its text differ), the schema
    and the jsonschema version, and the same document checked again later, by any job
    or ``snakemake`` run, gives no errors without importing jsonschema (0.1-0.2 CPU s
    of each job that reads the protocol, a release snapshot or the config, and of a
    no-op run, issue 19). A document with errors is never remembered.
    """
    record = _valid_record(data, name, formats, folder)
    if record is not None and record.is_file():
        return []
    import jsonschema

    cls = jsonschema.Draft202012Validator
    schema = load_schema(name)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER) if formats else cls(schema)
    errors = list(validator.iter_errors(data))
    if record is not None and not errors:
        write_bytes(record, b"")
    return errors


def _valid_record(
    data: Any, name: str, formats: bool, folder: str | Path | None = None
) -> Path | None:
    """Where the workflow remembers that ``data`` matched schema ``name`` (in ``folder``,
    else the environment's folder); None outside it."""
    folder = folder or os.environ.get(SCHEMA_CACHE_ENV)
    if not folder:
        return None
    digest = hashlib.sha256(repr(data).encode())
    digest.update(_record_salt(name, formats))
    return Path(folder) / f"{name}-{digest.hexdigest()[:32]}"


@cache
def _record_salt(name: str, formats: bool) -> bytes:
    """What a valid-document record depends on besides the document: the schema, its
    format checks and the jsonschema version (read once per process)."""
    return f"\0{name}\0{formats}\0{metadata.version('jsonschema')}\0".encode() + _schema_bytes(name)


def read_csv_rows(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Parse a CSV file into its header and ``(line number, row)`` pairs.

    Raises :class:`DataError` for undecodable text, rows with the wrong number of
    fields, duplicate or blank header names.
    """
    path = Path(path)
    text = read_text(path, DataError)
    reader = csv.reader(io.StringIO(text), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except StopIteration:
        raise DataError.single(
            path, "is empty", fix="add a header row naming the columns"
        ) from None
    except csv.Error as exc:
        raise DataError.single(path, f"header is not valid CSV ({exc})", row=1) from None
    header = [h.strip() for h in header]
    for delimiter in (";", "\t"):
        if len(header) == 1 and delimiter in header[0]:
            name = "semicolons" if delimiter == ";" else "tabs"
            raise DataError.single(
                path,
                f"the header is one field holding {name}: the file is not comma-separated",
                row=1,
                found=header[0][:60],
                expected="columns separated by commas",
                fix="save it as 'CSV UTF-8 (comma delimited)', or in LibreOffice choose "
                "the comma as field delimiter",
            )
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        hidden = INVISIBLE_IN_NAME.search(name)
        if hidden:  # a second byte-order mark, a zero-width space pasted with the name
            problems.append(
                Problem(
                    str(path),
                    f"column name holds an invisible character (U+{ord(hidden.group()):04X})",
                    row=1,
                    column=INVISIBLE_IN_NAME.sub("", name),
                    fix="delete it: retype the column name, or re-save the file once as "
                    "'CSV UTF-8'",
                )
            )
        if not name:
            problems.append(
                Problem(str(path), f"header field {i} is blank", row=1, fix="name the column")
            )
        elif name in seen:
            problems.append(
                Problem(
                    str(path),
                    "column appears twice in the header",
                    row=1,
                    column=name,
                    fix="remove or rename one of the two columns",
                )
            )
        seen.add(name)
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1  # where the next row starts (a quoted cell may span lines)
    try:
        for fields in reader:
            start, line = line, reader.line_num + 1
            if not "".join(fields).strip():
                continue  # blank line
            if len(fields) != len(header):
                problems.append(
                    Problem(
                        str(path),
                        f"row has {len(fields)} fields but the header has {len(header)}",
                        row=start,
                        fix="check for an unquoted comma or a missing field; quote cells "
                        'that contain commas ("a, b")',
                    )
                )
                continue
            rows.append((start, dict(zip(header, map(str.strip, fields), strict=True))))
    except csv.Error as exc:
        too_long = "field larger than field limit" in str(exc)
        problems.append(
            Problem(
                str(path),
                f"a cell is longer than {csv.field_size_limit():,} characters"
                if too_long
                else f"is not valid CSV ({exc})",
                row=line,
                fix="shorten the cell, or close a quote left open in it"
                if too_long
                else "close the quoted cell that starts on this line",
            )
        )
    raise_if_any(problems, DataError, f"{path} cannot be read")
    return header, rows


def _convert(value: str, kind: Any) -> Any:
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds:
        try:
            return int(value)
        except ValueError:
            if "string" not in kinds:
                raise
    if "number" in kinds:
        try:
            number = float(value)
            if not math.isfinite(number):  # "inf", "nan": not a measurement
                raise ValueError(value)
            return number
        except ValueError:
            if "string" not in kinds:
                raise
    if "boolean" in kinds:
        lowered = value.lower()
        if lowered in {"true", "yes", "1"}:
            return True
        if lowered in {"false", "no", "0"}:
            return False
        raise ValueError(value)
    return value


_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "boolean": "true or false"}


def validate_rows(
    path: str | Path,
    header: list[str],
    rows: list[tuple[int, dict[str, str]]],
    schema: dict[str, Any],
    fast: bool = True,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Check parsed rows against ``schema``; return typed records and all problems.

    With ``fast`` (the default) column-wise checks (:mod:`livingreview.fast_validation`)
    pick the rows that may break a rule and only those are validated by jsonschema;
    the problems are the same as with ``fast=False``, which validates every row.
    """
    file = str(path)
    props: dict[str, Any] = schema.get("properties", {})
    problems: list[Problem] = []
    required = list(schema.get("required", []))
    missing = [c for c in required if c not in header]
    for column in missing:
        problems.append(
            Problem(
                file,
                "required column is missing from the header",
                row=HEADER_LINE,
                column=column,
                fix=f"add a column named '{column}'",
            )
        )
    if not schema.get("x-allow-extra-columns", False):
        for column in header:
            if column not in props:
                known = ", ".join(props)
                problems.append(
                    Problem(
                        file,
                        "unknown column",
                        row=HEADER_LINE,
                        column=column,
                        expected=f"one of: {known}",
                        fix="rename it to a known column or delete it (see data/README.md)",
                    )
                )
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    records: list[dict[str, Any]] = []
    check = None
    if fast and rows:
        import pandas as pd

        from .fast_validation import numeric_columns, suspect_rows

        frame = pd.DataFrame([row for _, row in rows], columns=header, dtype=object).fillna("")
        mask = suspect_rows(frame, numeric_columns(frame, schema), schema)
        check = None if mask is None else mask.tolist()
    kinds: dict[str, Any] = {}  # column -> its schema type, looked up once per column
    for i, (line, row) in enumerate(rows):
        record: dict[str, Any] = {}
        wrong_type = False
        for column, value in row.items():
            if value == "":
                continue
            try:
                kind = kinds[column]
            except KeyError:
                kind = kinds[column] = props.get(column, {}).get("type", "string")
            if kind == "string":  # text stays text: nothing to convert
                record[column] = value
                continue
            try:
                record[column] = _convert(value, kind)
            except ValueError:
                word = _TYPE_WORDS.get(kind if isinstance(kind, str) else kind[0], str(kind))
                problems.append(
                    Problem(
                        file,
                        "wrong type",
                        row=line,
                        column=column,
                        found=value,
                        expected=word,
                        fix=f"enter {word} or leave the cell empty",
                    )
                )
                record[column] = None
                wrong_type = True
        if check is not None and not check[i] and not wrong_type:
            records.append({"_line": line, **record})
            continue  # every column check passed: jsonschema would find nothing
        checkable = {k: v for k, v in record.items() if v is not None}
        for err in sorted(validator.iter_errors(checkable), key=lambda e: list(e.path)):
            problems.append(_problem_from_jsonschema(file, line, err, checkable))
        records.append({"_line": line, **record})
    problems.extend(_unique_problems(file, records, schema))
    problems.extend(cell_text_problems(file, rows, props))
    return records, problems


# Characters that are invisible in an editor but change what a reader sees: C0
# controls (tab and newline are fine), DEL, and the bidirectional overrides and
# isolates that reorder text ("Trojan Source").
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def cell_text_problems(
    file: str,
    rows: list[tuple[int, dict[str, str]]],
    props: dict[str, Any],
    today: dt.date | None = None,
) -> list[Problem]:
    """Invisible control characters in any cell, and dates or years after ``today``.

    A column whose schema has ``x-not-future: true`` may not hold a date after
    today (``format: date``) or a year after next year (integers; papers appear
    online ahead of their issue year).
    """
    today = today or dt.date.today()
    problems = []
    # Only columns that hold an invisible character somewhere, or are x-not-future,
    # can give a problem: one search per column instead of one per cell (issue 19).
    names = list(rows[0][1]) if rows else []
    uniform = all(list(row) == names for _, row in rows)
    if not uniform:
        names = list(dict.fromkeys(column for _, row in rows for column in row))
    # One search per row first (no copy of the whole table): most tables hold no
    # invisible character at all.
    search = INVISIBLE.search
    anywhere = any(search("\n".join(row.values())) for _, row in rows)
    hiding = {
        column
        for column in (names if anywhere else [])
        if INVISIBLE.search("\n".join([row.get(column, "") for _, row in rows]))
    }
    watched = [
        column for column in names if props.get(column, {}).get("x-not-future") or column in hiding
    ]
    future = {column for column in watched if props.get(column, {}).get("x-not-future")}
    later_than: dict[tuple[str, str], str | None] = {}
    for line, row in rows:
        for column in watched if uniform else [c for c in row if c in watched]:
            value = row[column]
            hidden = INVISIBLE.search(value) if column in hiding else None
            if hidden:
                problems.append(
                    Problem(
                        file,
                        f"contains an invisible control character (U+{ord(hidden.group()):04X})",
                        row=line,
                        column=column,
                        fix="delete it: such characters can hide or reorder the text readers see",
                    )
                )
            if not value or column not in future:
                continue
            try:
                limit = later_than[column, value]
            except KeyError:  # each value is checked once: dates and years repeat
                limit = later_than[column, value] = _later_than(value, props[column], today)
            if limit:
                problems.append(
                    Problem(
                        file,
                        f"is later than {limit}",
                        row=line,
                        column=column,
                        found=value,
                        fix="correct the date (a typing slip?)",
                    )
                )
    return problems


def _later_than(value: str, spec: dict[str, Any], today: dt.date) -> str | None:
    """The limit an ``x-not-future`` cell is later than, or ``None`` if it is not late
    (or not a date: the format check reports that)."""
    if spec.get("format") == "date":
        try:
            late = dt.date.fromisoformat(value) > today
        except ValueError:
            return None
        return f"today ({today.isoformat()})" if late else None
    late = value.isdigit() and int(value) > today.year + 1
    return f"next year ({today.year + 1})" if late else None


def _problem_from_jsonschema(file: str, line: int, err: Any, record: dict[str, Any]) -> Problem:
    if err.validator == "required":
        column = err.message.split("'")[1]
        sub = err.schema.get("x-message") if isinstance(err.schema, dict) else None
        return Problem(
            file,
            sub or "required value is empty",
            row=line,
            column=column,
            fix=f"fill in '{column}'",
        )
    column = str(err.path[0]) if err.path else None
    found = None if column is None else str(record.get(column))
    return value_problem(file, err, row=line, column=column, found=found)


def value_problem(
    file: str, err: Any, *, row: int | None, column: str | None, found: str | None
) -> Problem:
    """A user-facing problem for a jsonschema error about one value.

    Shared by every file type (CSV rows, YAML data, config): the caller locates
    the value (row/line and column or key) and words "missing" errors itself.
    """
    schema = err.schema if isinstance(err.schema, dict) else {}
    where = {"row": row, "column": column, "found": found}
    if err.validator == "enum":
        allowed = ", ".join(str(v) for v in err.validator_value)
        return Problem(
            file,
            "value not allowed",
            **where,
            expected=f"one of: {allowed}",
            fix="use one of the allowed values",
        )
    if err.validator == "pattern":
        hint = schema.get("x-pattern-hint", f"text matching {err.validator_value}")
        return Problem(
            file, "value has the wrong form", **where, expected=hint, fix=f"write it as {hint}"
        )
    if err.validator == "format":
        return Problem(
            file,
            f"value is not a valid {err.validator_value}",
            **where,
            expected="YYYY-MM-DD" if err.validator_value == "date" else None,
            fix=f"enter a valid {err.validator_value}",
        )
    if err.validator in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        return Problem(
            file,
            "value out of range",
            **where,
            expected=f"{err.validator} {err.validator_value}",
            fix="correct the number",
        )
    return Problem(file, err.message, **where, fix=schema.get("x-fix", "correct the value"))


def _unique_problems(
    file: str, records: list[dict[str, Any]], schema: dict[str, Any]
) -> list[Problem]:
    problems: list[Problem] = []
    columns = list(schema.get("x-unique", []))
    key = schema.get("x-primary-key")
    if key:
        columns.insert(0, key)
    for column in columns:
        first_seen: dict[Any, int] = {}
        for rec in records:
            value = rec.get(column)
            if value is None:
                continue
            if value in first_seen:
                problems.append(
                    Problem(
                        file,
                        f"duplicate value (first used on line {first_seen[value]})",
                        row=rec["_line"],
                        column=column,
                        found=str(value),
                        fix=f"give each row its own '{column}'",
                    )
                )
            else:
                first_seen[value] = rec["_line"]
    return problems


def load_table(path: str | Path, schema_name: str) -> pd.DataFrame:
    """Read ``path``, validate it against the named schema and return a typed DataFrame.

    The frame keeps the source line of every row in column ``_line`` so later
    cross-file checks can name it. Raises :class:`DataError` with every problem.

    When the environment names a cache folder (``LIVINGREVIEW_TABLE_CACHE``; the
    workflow sets ``results/cache/tables``), a valid table is validated once per
    content: the typed frame is kept there under the hash of the file's bytes, the
    schema and this module's code, and every later load of the same bytes reads it.
    Jobs that find no cached frame validate one at a time (a lock per schema in
    that folder): in a cold build the jobs that start beside ``validate_data``
    wait for its frame instead of validating the same ledger at the same time
    (issue 19: 2-3 CPU s each at 100,000 records, 40 s and 2.7 GB at 1,000,000).
    """
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        return _validated_table(path, schema_name)
    data = Path(path).read_bytes() if Path(path).is_file() else b""
    key = hashlib.sha256(data + _cache_salt(schema_name)).hexdigest()[:32]
    cached = Path(folder) / f"{schema_name}-{key}.pickle"
    frame = _cached_frame(cached)
    if frame is not None:
        return frame
    with held_lock(cached.parent / f"{schema_name}.lock"):
        frame = _cached_frame(cached)  # written by the job that held the lock before
        if frame is not None:
            return frame
        frame = _validated_table(path, schema_name)
        for stale in cached.parent.glob(f"{schema_name}-*.pickle"):
            if stale != cached:
                stale.unlink(missing_ok=True)
        write_bytes(cached, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    return frame


def _cached_frame(cached: Path) -> pd.DataFrame | None:
    """The frame pickled at ``cached``, or None if it is missing or unreadable."""
    if not cached.is_file():
        return None
    try:
        return pickle.loads(cached.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # unreadable: validated again and rewritten


@cache
def _cache_salt(schema_name: str) -> bytes:
    """What else a cached table depends on: its schema and the validating code."""
    import pandas as pd

    here = Path(__file__).parent
    parts = [
        resources.files("livingreview").joinpath(f"schemas/{schema_name}.schema.yaml").read_bytes(),
        (here / "validation.py").read_bytes(),
        (here / "fast_validation.py").read_bytes(),
        pd.__version__.encode(),
    ]
    return hashlib.sha256(b"\0".join(parts)).digest()


def _validated_table(path: str | Path, schema_name: str) -> pd.DataFrame:
    import pandas as pd

    schema = load_schema(schema_name)
    header, rows = read_csv_rows(path)
    records, problems = validate_rows(path, header, rows, schema)
    raise_if_any(problems, DataError, f"{path} is not valid")
    columns = ["_line", *header]
    # object dtype keeps whole numbers as int and empty cells as None (pandas would
    # otherwise turn an integer column with gaps into floats: 15 -> 15.0).
    rows = [[record.get(column) for column in columns] for record in records]
    return pd.DataFrame(rows, columns=columns, dtype=object)

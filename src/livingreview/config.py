"""Load and validate ``config/config.yaml``.

The config holds the review's science settings only (which data files, which
renderer); runtime knobs such as the number of cores live in the Snakemake
profile. It is plain YAML parsed with ``yaml.safe_load``, so it cannot execute
code, and it is checked against ``schemas/config.schema.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ConfigError, Problem, raise_if_any
from .io import read_yaml, with_key_lines, yaml_value
from .paths import path_problem
from .validation import schema_errors, value_problem


def validate_config(
    config: Any,
    file: str | Path = "config/config.yaml",
    root: str | Path | None = None,
    passed: str | Path | None = None,
) -> dict[str, Any]:
    """Return ``config`` if it matches the schema, else raise ConfigError listing every problem.

    Data file paths must stay inside the project folder ``root`` (default: the working folder).
    ``passed`` is the folder remembering the documents that matched their schema (the
    workflow's ``results/cache/schema``, :func:`livingreview.workflow.schema_check_folder`;
    without it, the one the environment names, see
    :func:`livingreview.validation.schema_errors`): a config found there is not checked
    against the schema again, which spares every ``snakemake`` run, a no-op too,
    importing jsonschema (issue 19); the data file paths are always checked.
    """
    problems = _schema_problems(config, file, passed)
    problems += _path_problems(config, file, root)
    if problems:  # each at the line of its key, when the file is on disk
        problems = with_key_lines(problems, Path(root or ".") / file)
    raise_if_any(problems, ConfigError, f"{file} is not valid")
    return config


def _schema_problems(config: Any, file: str | Path, passed: str | Path | None) -> list[Problem]:
    """Every difference between ``config`` and the config schema, as problems."""
    problems = []
    for err in sorted(schema_errors(config, "config", folder=passed), key=lambda e: list(e.path)):
        path = [str(p) for p in err.path]
        key = ".".join(path) or "(top level)"
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            for name in extra:
                known = ", ".join(err.schema.get("properties", {}))
                problems.append(
                    Problem(
                        str(file),
                        "unknown setting",
                        column=".".join([*path, name]),
                        expected=f"one of: {known}",
                        fix="remove it or correct its spelling",
                    )
                )
            continue
        if err.validator in {"enum", "pattern", "format", "minimum", "maximum"}:
            problems.append(
                value_problem(str(file), err, row=None, column=key, found=yaml_value(err.instance))
            )
            continue
        if err.validator == "required":
            name = err.message.split("'")[1]
            problems.append(
                Problem(
                    str(file),
                    "required setting is missing",
                    column=".".join([*path, name]),
                    fix=f"add '{name}' (see config/README.md)",
                )
            )
            continue
        if err.validator == "type" and not path and err.instance is None:
            problems.append(
                Problem(
                    str(file),
                    "is empty",
                    fix="list the data files and the renderer as config/README.md shows (a new "
                    "project from livingreview init has a complete config/config.yaml)",
                )
            )
            continue
        if err.validator == "type":
            problems.append(_type_problem(str(file), key, err.instance, err.validator_value))
            continue
        if err.validator == "uniqueItems":
            problems.append(
                Problem(
                    str(file),
                    "lists the same value twice",
                    column=key,
                    found=yaml_value(err.instance),
                    fix=f"list each value of {key.rpartition('.')[2]} once",
                )
            )
            continue
        problems.append(
            Problem(
                str(file),
                err.message,
                column=key,
                found=yaml_value(err.instance),
                fix=f"see '{key}' in config/README.md for the allowed settings",
            )
        )
    return problems


TYPE_WORDS = {
    "array": ("a list", "[{value}]"),
    "object": ("a group of settings (name: value lines)", None),
    "string": ("a text", None),
    "integer": ("a whole number", None),
    "number": ("a number", None),
    "boolean": ("true or false", None),
}


def _type_problem(file: str, key: str, value: object, wanted: object) -> Problem:
    """A setting of the wrong kind, with the value as the user wrote it and, for a
    list, the same value written as one (``formats: html`` -> ``formats: [html]``)."""
    kinds = wanted if isinstance(wanted, list) else [wanted]
    words = " or ".join(TYPE_WORDS.get(str(k), (str(k), None))[0] for k in kinds)
    example = TYPE_WORDS.get(str(kinds[0]), ("", None))[1]
    name = key.rpartition(".")[2]
    fix = (
        f"write {name}: {example.format(value=yaml_value(value))} (a list, in square brackets, "
        "even for one item)"
        if example
        else f"write {name} as {words} (see '{key}' in config/README.md)"
    )
    return Problem(file, f"must be {words}", column=key, found=yaml_value(value), fix=fix)


def _path_problems(config: Any, file: str | Path, root: str | Path | None) -> list[Problem]:
    """Data file paths that leave the project folder ``root`` or name a folder."""
    problems = []
    named = {}
    for section in ("data", "prisma"):
        values = config.get(section) if isinstance(config, dict) else None
        if isinstance(values, dict):
            named.update({f"{section}.{k}": v for k, v in values.items() if isinstance(v, str)})
    for key, value in named.items():
        problem = path_problem(Path(root or Path.cwd()), value, file=str(file), key=key)
        if problem is None and (Path(root or Path.cwd()) / str(value)).is_dir():
            problem = Problem(str(file), "is a folder, not a file", column=key, fix="name the file")
        if problem is not None:
            problems.append(problem)
    return problems


def load_config(
    path: str | Path, root: str | Path | None = None, passed: str | Path | None = None
) -> dict[str, Any]:
    """Read and validate a config file of the project in ``root`` (default: working folder);
    ``passed`` as in :func:`validate_config`."""
    return validate_config(read_yaml(path, ConfigError), path, root, passed)

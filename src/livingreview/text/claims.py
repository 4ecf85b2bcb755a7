"""Checked claims: author prose with a data condition that the build keeps true.

A co-author attaches a condition to a phrase or a passage, in syntax Quarto
renders as it is (a span or a div with the class ``claim``)::

    [Anxiety improved in every study]{.claim
    when="synthesis.anxiety.benefit == synthesis.anxiety.studies"}

    ::: {.claim when="records.identified_databases == 0"}
    No bibliographic database was searched for this version.
    :::

The condition is evaluated against ``_variables.yml``. While it holds, the text
renders plainly (Quarto renders a span with a class as a plain span). When it
stops holding, ``livingreview check``, the build and ``livingreview release``
report the claim with its file, line, condition and the values now.

The condition language is small and never runs Python (a hand-written parser:
the grammar is a dozen lines, and its errors point at the character):

- names are dotted variable keys, ``studies.included``; ``*`` stands for every
  key at one level, ``diagnosis.*.studies`` (a list of values);
- numbers, ``'text'``, ``true``, ``false``;
- ``+ - * /``, comparisons ``== != < <= > >=``, ``and``, ``or``, ``not``, brackets;
  on a list they apply to each value;
- ``count(x)`` (entries of a list or mapping; with a list of true/false, the
  number that are true), ``sum``, ``min``, ``max``, ``any``, ``all``.

For example ``count(diagnosis.*.studies > 0) >= 3`` or
``all(synthesis.*.harm == 0)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem

CLAIM_CLASS = "claim"
CONDITION_ATTR = "when"
ON_FALSE = ("stop", "mark")
"""What a build does with a false claim: stop, or (in a draft build) mark it."""
NEEDS_REVISION = "Needs revision"
"""The visible marker a false claim carries in a draft build with ``on_false: mark``."""


class ConditionError(ValueError):
    """A condition that does not parse or cannot be evaluated (message for the author)."""


# --------------------------------------------------------------------------- #
# The condition language
# --------------------------------------------------------------------------- #

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)"
    r"|'(?P<string>[^']*)'"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z0-9_]+|\*))*)"
    r"|(?P<op>==|!=|<=|>=|[<>+\-*/(),]))"
)
_KEYWORDS = {"and", "or", "not", "true", "false"}
_FUNCTIONS = ("count", "sum", "min", "max", "any", "all")
# Binding power of the binary operators (higher binds tighter).
_BINARY = {"or": 1, "and": 2, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4}
_BINARY |= {"+": 5, "-": 5, "*": 6, "/": 6}
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$")


@dataclass(frozen=True)
class Node:
    """One node of a parsed condition: ``kind`` is num, str, bool, name, unary, binary, call."""

    kind: str
    value: Any = None
    args: tuple[Node, ...] = ()


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ConditionError(f"cannot read {text[pos:].strip()[:20]!r} (character {pos + 1})")
        kind = match.lastgroup or ""
        value, start = match.group(kind), match.start(kind)
        if kind == "name" and value in _KEYWORDS:
            kind = "op" if value in ("and", "or", "not") else "bool"
        out.append((kind, value, start + 1))
        pos = match.end()
    return out


class _Parser:
    """Precedence climbing over the token list."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            wanted = repr(value) if value else "a value"
            raise ConditionError(f"the condition ends too early (expected {wanted})")
        if value is not None and token[1] != value:
            raise ConditionError(f"expected {value!r} at character {token[2]}, found {token[1]!r}")
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.expression(0)
        token = self.peek()
        if token is not None:
            raise ConditionError(f"unexpected {token[1]!r} at character {token[2]}")
        return node

    def expression(self, min_power: int) -> Node:
        left = self.operand()
        while True:
            token = self.peek()
            if token is None or token[0] != "op" or token[1] not in _BINARY:
                return left
            power = _BINARY[token[1]]
            if power < min_power:
                return left
            self.take()
            right = self.expression(power + 1)
            if token[1] in _COMPARISONS and left.kind == "binary" and left.value in _COMPARISONS:
                raise ConditionError(
                    f"comparisons cannot be chained (character {token[2]}); join them with 'and'"
                )
            left = Node("binary", token[1], (left, right))

    def operand(self) -> Node:
        kind, value, pos = self.take()
        if kind == "number":
            return Node("num", float(value) if "." in value else int(value))
        if kind == "string":
            return Node("str", value)
        if kind == "bool":
            return Node("bool", value == "true")
        if kind == "op" and value == "(":
            inner = self.expression(0)
            self.take(")")
            return inner
        if kind == "op" and value == "not":
            return Node("unary", "not", (self.expression(3),))
        if kind == "op" and value == "-":
            return Node("unary", "-", (self.operand(),))
        if kind == "name":
            nxt = self.peek()
            if nxt is not None and nxt[1] == "(":
                if value not in _FUNCTIONS:
                    raise ConditionError(
                        f"unknown function {value!r} (character {pos}); "
                        f"known: {', '.join(_FUNCTIONS)}"
                    )
                self.take("(")
                arg = self.expression(0)
                self.take(")")
                return Node("call", value, (arg,))
            return Node("name", value)
        raise ConditionError(f"unexpected {value!r} at character {pos}")


def parse_condition(text: str) -> Node:
    """Parse a condition; raises :class:`ConditionError` with the character at fault."""
    if not text.strip():
        raise ConditionError("the condition is empty")
    return _Parser(text).parse()


def condition_names(node: Node) -> list[str]:
    """Variable names a condition reads, in order of first use."""
    names: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop(0)
        if current.kind == "name" and current.value not in names:
            names.append(current.value)
        stack[:0] = list(current.args)
    return names


def _number(value: Any) -> Any:
    """Counts of 1,000 or more are stored as text ("2,030"); read them back as numbers."""
    if isinstance(value, str) and _THOUSANDS.match(value):
        return int(value.replace(",", ""))
    return value


def lookup(variables: Mapping[str, Any], name: str) -> Any:
    """The value of a dotted name; ``*`` gives the list of every child's value."""
    values: list[Any] = [variables]
    wildcard = False
    for part in name.split("."):
        nxt = []
        for node in values:
            if not isinstance(node, Mapping):
                raise ConditionError(f"'{name}': a value has no '{part}'")
            if part == "*":
                nxt.extend(node.values())
            elif part in node:
                nxt.append(node[part])
            elif not wildcard:
                raise ConditionError(f"unknown variable '{name}' (no '{part}' in _variables.yml)")
        wildcard = wildcard or part == "*"
        values = nxt
    converted = [_number(v) for v in values]
    return converted if wildcard else converted[0]


def _apply(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, list) or isinstance(b, list):
        left = a if isinstance(a, list) else [a] * len(b)
        right = b if isinstance(b, list) else [b] * len(a)
        if len(left) != len(right):
            raise ConditionError(f"'{op}' between lists of {len(left)} and {len(right)} values")
        return [_apply(op, x, y) for x, y in zip(left, right, strict=True)]
    if op in ("and", "or"):
        if not isinstance(a, bool) or not isinstance(b, bool):
            raise ConditionError(f"'{op}' joins true/false values, found {a!r} and {b!r}")
        return (a and b) if op == "and" else (a or b)
    if op in ("==", "!="):
        return (a == b) if op == "==" else (a != b)
    for value in (a, b):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConditionError(f"'{op}' needs numbers, found {value!r}")
    if op == "/" and b == 0:
        raise ConditionError("division by zero")
    operations: dict[str, Callable[[Any, Any], Any]] = {
        "<": lambda x, y: x < y,
        "<=": lambda x, y: x <= y,
        ">": lambda x, y: x > y,
        ">=": lambda x, y: x >= y,
        "+": lambda x, y: x + y,
        "-": lambda x, y: x - y,
        "*": lambda x, y: x * y,
        "/": lambda x, y: x / y,
    }
    return operations[op](a, b)


def _call(name: str, value: Any) -> Any:
    items = list(value.values()) if isinstance(value, Mapping) else value
    if not isinstance(items, list):
        raise ConditionError(f"{name}() needs a list, e.g. {name}(diagnosis.*.studies)")
    if name == "count":
        if items and all(isinstance(v, bool) for v in items):
            return sum(items)
        return len(items)
    if name in ("any", "all"):
        if not all(isinstance(v, bool) for v in items):
            raise ConditionError(f"{name}() needs true/false values, e.g. {name}(x.* > 0)")
        return any(items) if name == "any" else all(items)
    numbers = [_number(v) for v in items]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        raise ConditionError(f"{name}() needs numbers")
    if name == "sum":
        return sum(numbers)
    if not numbers:
        raise ConditionError(f"{name}() of an empty list")
    return min(numbers) if name == "min" else max(numbers)


def evaluate(node: Node, variables: Mapping[str, Any]) -> Any:
    """The value of a parsed condition over ``variables`` (``_variables.yml``)."""
    if node.kind in ("num", "str", "bool"):
        return node.value
    if node.kind == "name":
        return lookup(variables, node.value)
    if node.kind == "call":
        return _call(node.value, evaluate(node.args[0], variables))
    if node.kind == "unary":
        value = evaluate(node.args[0], variables)
        if node.value == "not":
            return _map(value, lambda v: _not(v))
        return _map(value, lambda v: _apply("-", 0, v))
    a = evaluate(node.args[0], variables)
    b = evaluate(node.args[1], variables)
    return _apply(node.value, a, b)


def _map(value: Any, fn: Callable[[Any], Any]) -> Any:
    return [fn(v) for v in value] if isinstance(value, list) else fn(value)


def _not(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConditionError(f"'not' needs a true/false value, found {value!r}")
    return not value


def holds(condition: str, variables: Mapping[str, Any]) -> bool:
    """True when ``condition`` holds over ``variables``; :class:`ConditionError` otherwise
    for a condition that does not parse, reads an unknown variable or is not true/false."""
    value = evaluate(parse_condition(condition), variables)
    if not isinstance(value, bool):
        raise ConditionError(
            f"the condition gives {value!r}, not true or false; compare it, e.g. '... > 0'"
        )
    return value


def current_values(condition: str, variables: Mapping[str, Any]) -> str:
    """``name = value`` for every variable the condition reads (for reports)."""
    try:
        names = condition_names(parse_condition(condition))
    except ConditionError:
        return ""
    parts = []
    for name in names:
        try:
            parts.append(f"{name} = {lookup(variables, name)}")
        except ConditionError:
            parts.append(f"{name} = (not defined)")
    return ", ".join(parts)


# --------------------------------------------------------------------------- #
# Finding claims in chapters
# --------------------------------------------------------------------------- #

_SPAN_ATTRS = re.compile(r"\]\{(?P<attrs>[^{}]*)\}")
_DIV_FENCE = re.compile(r"^\s*(?P<colons>:{3,})\s*(?P<info>\{[^}]*\}|[\w-]+)?\s*:*\s*$")
_CODE_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_ATTR_TOKEN = re.compile(r'([\w.#-]+)="([^"]*)"|([\w.#-]+)=(\S+)|(\S+)')


def parse_attributes(text: str) -> tuple[list[str], dict[str, str]]:
    """Classes and key-value attributes of a Pandoc attribute block ``{.a key="v"}``."""
    classes, attrs = [], {}
    for m in _ATTR_TOKEN.finditer(text.strip().strip("{}")):
        if m.group(1):
            attrs[m.group(1)] = m.group(2)
        elif m.group(3):
            attrs[m.group(3)] = m.group(4).strip('"')
        elif m.group(5).startswith("."):
            classes.append(m.group(5)[1:])
    return classes, attrs


@dataclass(frozen=True)
class Claim:
    """A checked claim as written: where, the condition, and its text."""

    file: str
    line: int
    condition: str
    text: str
    kind: str = "span"  # span or div

    def excerpt(self, limit: int = 90) -> str:
        """The claim's text on one line, shortened."""
        flat = " ".join(self.text.split())
        return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def find_claims(
    lines: Sequence[str], origins: Sequence[tuple[str, int]] | str
) -> tuple[list[Claim], list[Problem]]:
    """Every claim span and div in Markdown ``lines`` (code blocks skipped).

    ``origins`` gives the (file, line) of each line, or a file name when the
    lines are that file's lines. A claim without a ``when`` condition is a problem.
    """
    if isinstance(origins, str):
        origins = [(origins, n) for n in range(1, len(lines) + 1)]
    masked = _mask_code(lines)
    text = "\n".join(masked)
    starts = [0]
    for line in masked:
        starts.append(starts[-1] + len(line) + 1)

    def origin(offset: int) -> tuple[str, int]:
        index = max(0, _bisect(starts, offset) - 1)
        return origins[min(index, len(origins) - 1)]

    claims: list[Claim] = []
    problems: list[Problem] = []
    for match in _SPAN_ATTRS.finditer(text):
        classes, attrs = parse_attributes(match.group("attrs"))
        if CLAIM_CLASS not in classes:
            continue
        start = _span_start(text, match.start())
        file, line = origin(start if start is not None else match.start())
        if start is None:
            problems.append(Problem(file, "claim span without its opening '['", row=line))
            continue
        claims.append(
            Claim(file, line, attrs.get(CONDITION_ATTR, ""), text[start + 1 : match.start()])
        )
    claims += _find_divs(masked, origins)
    claims.sort(key=lambda c: (c.file, c.line))
    for claim in claims:
        if not claim.condition.strip():
            problems.append(
                Problem(
                    claim.file,
                    "checked claim without a condition",
                    row=claim.line,
                    found=claim.excerpt(),
                    fix=f'add {CONDITION_ATTR}="..." to the claim\'s attributes',
                )
            )
    return [c for c in claims if c.condition.strip()], problems


def _bisect(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _mask_code(lines: Sequence[str]) -> list[str]:
    """Lines with fenced code blocks and inline code blanked (same lengths)."""
    out, fence = [], None
    for line in lines:
        m = _CODE_FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append(" " * len(line))
            continue
        if m:
            fence = m.group(1)
            out.append(" " * len(line))
            continue
        out.append(re.sub(r"`[^`]*`", lambda x: " " * len(x.group(0)), line))
    return out


def _span_start(text: str, close: int) -> int | None:
    """Offset of the ``[`` that opens the span whose ``]`` is at ``close``."""
    depth = 0
    i = close - 1
    while i >= 0:
        ch = text[i]
        escaped = i > 0 and text[i - 1] == "\\"
        if ch == "]" and not escaped:
            depth += 1
        elif ch == "[" and not escaped:
            if depth == 0:
                return i
            depth -= 1
        i -= 1
    return None


def _find_divs(lines: Sequence[str], origins: Sequence[tuple[str, int]]) -> list[Claim]:
    claims, stack = [], []  # stack of (index of opening line, condition or None)
    for i, line in enumerate(lines):
        m = _DIV_FENCE.match(line)
        if not m:
            continue
        if m.group("info"):
            classes, attrs = parse_attributes(m.group("info"))
            condition = attrs.get(CONDITION_ATTR, "") if CLAIM_CLASS in classes else None
            stack.append((i, condition))
        elif stack:
            start, condition = stack.pop()
            if condition is not None:
                file, line_no = origins[start]
                body = "\n".join(lines[start + 1 : i])
                claims.append(Claim(file, line_no, condition, body, "div"))
    return claims


def without_claims(lines: Sequence[str]) -> list[str]:
    """``lines`` with every claim span's and div's text blanked (same line count).

    For scanners that look for data-dependent prose outside checked claims.
    """
    masked = _mask_code(lines)
    text = "\n".join(lines)
    cut = list(text)
    offset_text = "\n".join(masked)
    for match in _SPAN_ATTRS.finditer(offset_text):
        classes, _ = parse_attributes(match.group("attrs"))
        start = _span_start(offset_text, match.start()) if CLAIM_CLASS in classes else None
        if start is not None:
            for i in range(start, match.end()):
                if cut[i] != "\n":
                    cut[i] = " "
    out = "".join(cut).split("\n")
    for claim in _find_divs(masked, [("", n) for n in range(1, len(lines) + 1)]):
        for i in range(claim.line, claim.line + claim.text.count("\n") + 1):
            out[i] = ""
    return out


def file_claims(root: Path, files: Iterable[str | Path]) -> tuple[list[Claim], list[Problem]]:
    """The claims of chapter files (paths relative to ``root``), as written.

    Files that do not exist (a generated page not built yet) are skipped.
    """
    claims: list[Claim] = []
    problems: list[Problem] = []
    for rel in files:
        path = Path(root) / rel
        if not path.is_file():
            continue
        found, bad = find_claims(
            path.read_text(encoding="utf-8").splitlines(), Path(rel).as_posix()
        )
        claims += found
        problems += bad
    return claims, problems


# --------------------------------------------------------------------------- #
# Checking claims against the data
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Verdict:
    """A claim judged against one set of variables."""

    claim: Claim
    holds: bool | None  # None: the condition could not be evaluated
    values: str = ""
    error: str = ""


def judge(claims: Iterable[Claim], variables: Mapping[str, Any]) -> list[Verdict]:
    """Evaluate every claim's condition over ``variables``."""
    out = []
    for claim in claims:
        values = current_values(claim.condition, variables)
        try:
            out.append(Verdict(claim, holds(claim.condition, variables), values))
        except ConditionError as exc:
            out.append(Verdict(claim, None, values, str(exc)))
    return out


def verdict_problem(verdict: Verdict) -> Problem:
    """A report line for a claim that is false or cannot be evaluated: file, line, the
    claim's text, its condition and the values now (never shortened)."""
    claim = verdict.claim
    if verdict.holds is None:
        return Problem(
            claim.file,
            f"the condition of a checked claim cannot be evaluated: {verdict.error}; "
            f"condition: {claim.condition}",
            row=claim.line,
            fix="correct the condition (variable names are the keys of _variables.yml)",
        )
    values = f"; values now: {verdict.values}" if verdict.values else ""
    return Problem(
        claim.file,
        f"claim no longer holds: \u201c{claim.excerpt()}\u201d; condition: {claim.condition}"
        + values,
        row=claim.line,
        fix="revise the sentence to say what the data now show, then update its condition",
    )


def claim_problems(verdicts: Iterable[Verdict]) -> list[Problem]:
    """Problems for every false or unevaluable claim."""
    return [verdict_problem(v) for v in verdicts if v.holds is not True]


def check_claims(
    root: Path, files: Iterable[str | Path], variables: Mapping[str, Any]
) -> list[Problem]:
    """Problems of every claim in ``files``: no condition, unevaluable, or false."""
    claims, problems = file_claims(root, files)
    return problems + claim_problems(judge(claims, variables))


@dataclass(frozen=True)
class ClaimChange:
    """A claim whose truth value differs between two sets of variables."""

    claim: Claim
    before: bool | None
    after: bool | None
    values_before: str = ""
    values_after: str = ""

    def __str__(self) -> str:
        def word(value: bool | None) -> str:
            return {True: "true", False: "false", None: "not evaluable"}[value]

        return (
            f"{self.claim.file}:{self.claim.line}: \u201c{self.claim.excerpt()}\u201d "
            f"was {word(self.before)}, is now {word(self.after)} "
            f"[{self.claim.condition}] (before: {self.values_before}; now: {self.values_after})"
        )


def changed_claims(
    claims: Iterable[Claim], before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[ClaimChange]:
    """Claims whose truth value changed from ``before`` to ``after`` (release guidance)."""
    claims = list(claims)
    old, new = judge(claims, before), judge(claims, after)
    return [
        ClaimChange(a.claim, a.holds, b.holds, a.values, b.values)
        for a, b in zip(old, new, strict=True)
        if a.holds != b.holds
    ]

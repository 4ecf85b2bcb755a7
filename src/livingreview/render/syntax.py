"""Find Quarto syntax the embedded renderer does not support, by line.

Works on the expanded chapter text (after includes), so each finding is
reported at the line of the file where it was written. What is flagged is
syntax whose meaning would otherwise be lost silently: executable code cells
(chapters hold prose only; numbers come from ``_variables.yml``), tabsets,
margin columns and panel layouts.
"""

from __future__ import annotations

import re

from ..errors import Problem
from .callouts import CALLOUT_TYPES
from .shortcodes import Expanded

FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
DIV_FENCE = re.compile(r"^\s*:{3,}\s*(?P<info>\{[^}]*\}|[\w-]+)?\s*:*\s*$")
# A heading whose attributes are opened but not closed: "## Results {#sec-results".
OPEN_HEADING_ATTRS = re.compile(r"^#{1,6}\s.*?(?P<attrs>\{[#.][^}]*)$")
INLINE_CELL = re.compile(r"`\{(?P<lang>[A-Za-z]\w*)\}[^`]*`")
SPAN_CLASSES = re.compile(r"\]\{(?P<attrs>[^}]*)\}")

UNSUPPORTED_CLASSES = {
    "panel-tabset": "tabsets have no equivalent in DOCX/PDF; use sections",
    "panel-input": "panel layouts are not supported; use plain sections",
    "panel-sidebar": "panel layouts are not supported; use plain sections",
    "panel-fill": "panel layouts are not supported; use plain sections",
    "panel-center": "panel layouts are not supported; use plain sections",
    "aside": "margin content is not supported; use a footnote",
    "cell": "code cells are not supported; include generated output instead",
}
# Conditional content: only by output format (when-format / unless-format), see finish.py.
CONDITIONAL_CLASSES = ("content-visible", "content-hidden")
CONDITION_FORMATS = ("html", "docx", "pdf", "typst")
UNSUPPORTED_PREFIXES = {"column-": "margin/column layouts are not supported; use a footnote"}


def parse_attr_text(info: str) -> tuple[str, list[str], dict[str, str]]:
    """Split ``{#id .class key=value}`` (or a bare class word) into its parts."""
    info = info.strip()
    if not info.startswith("{"):
        return "", [info] if info else [], {}
    identifier, classes, attrs = "", [], {}
    for token in re.findall(r'[\w.#-]+="[^"]*"|[\w.#-]+=\S+|\S+', info.strip("{}")):
        if token.startswith("#"):
            identifier = token[1:]
        elif token.startswith("."):
            classes.append(token[1:])
        elif "=" in token:
            key, _, value = token.partition("=")
            attrs[key] = value.strip('"')
    return identifier, classes, attrs


def class_problem(cls: str, attrs: dict[str, str]) -> str | None:
    """Why a div/span class (or its attributes) is unsupported, or None."""
    if cls in UNSUPPORTED_CLASSES:
        return UNSUPPORTED_CLASSES[cls]
    if cls in CONDITIONAL_CLASSES:
        keys = [k for k in attrs if k.startswith(("when-", "unless-"))]
        formats = [attrs[k] for k in keys]
        if set(keys) - {"when-format", "unless-format"} or not keys:
            return "conditional content works by output format only (when-format, unless-format)"
        if any(f not in CONDITION_FORMATS for f in formats):
            return "the formats are " + ", ".join(CONDITION_FORMATS)
    for prefix, why in UNSUPPORTED_PREFIXES.items():
        if cls.startswith(prefix):
            return why
    if cls.startswith("callout-") and cls[8:] not in CALLOUT_TYPES:
        return "callout types are " + ", ".join(CALLOUT_TYPES)
    return None


def scan(expanded: Expanded) -> list[Problem]:
    """Problems for unsupported syntax in one expanded chapter."""
    problems: list[Problem] = []
    in_code: str | None = None
    code_opened: tuple[str, int, str] = ("", 0, "")
    divs: list[tuple[str, int, str]] = []  # the fenced divs open here: file, line, text
    for text, (file, line) in zip(expanded.lines, expanded.origins, strict=True):
        fence = FENCE.match(text)
        if in_code is not None:
            if (
                fence
                and fence.group("fence")[0] == in_code[0]
                and len(fence.group("fence")) >= len(in_code)
                and not fence.group("info").strip()
            ):
                in_code = None
            continue
        if fence:
            in_code = fence.group("fence")
            code_opened = (file, line, text.strip())
            info = fence.group("info").strip()
            cell = re.match(r"^\{\s*([A-Za-z][\w-]*)", info)
            if cell:
                problems.append(
                    Problem(
                        file,
                        f"executable code cell '{{{cell.group(1)}}}' is not supported",
                        row=line,
                        found=text.strip(),
                        expected="prose and references to generated artifacts only",
                        fix="compute the value in the workflow and use {{< var name >}}, or "
                        "include a generated table/figure",
                    )
                )
            continue
        div = DIV_FENCE.match(text)
        if div and div.group("info"):
            divs.append((file, line, text.strip()))
            _, classes, attrs = parse_attr_text(div.group("info"))
            problems.extend(_class_problems(file, line, text, classes, attrs))
        elif div and divs:
            divs.pop()
        elif div:
            problems.append(
                Problem(
                    file,
                    "this ':::' closes no div (Pandoc would print it as text)",
                    row=line,
                    found=text.strip(),
                    expected="::: {#id .class} on the line that opens the div",
                    fix="remove the line, or open the div above it with ::: {.class} or ::: {#id}",
                )
            )
        heading = OPEN_HEADING_ATTRS.match(text.rstrip())
        if heading:
            problems.append(
                Problem(
                    file,
                    "the heading's attributes are not closed with '}' (readers would see "
                    "them, and the id would be lost)",
                    row=line,
                    column=str(heading.start("attrs") + 1),
                    found=heading.group("attrs"),
                    fix=f"end the line with '}}': {heading.group('attrs')}}}",
                )
            )
        for match in INLINE_CELL.finditer(text):
            problems.append(
                Problem(
                    file,
                    f"inline code cell '{{{match.group('lang')}}}' is not supported",
                    row=line,
                    column=str(match.start() + 1),
                    found=match.group(0),
                    fix="use {{< var name >}} with a value computed by the workflow",
                )
            )
        for match in SPAN_CLASSES.finditer(text):
            _, classes, attrs = parse_attr_text("{" + match.group("attrs") + "}")
            problems.extend(_class_problems(file, line, text, classes, attrs))
    return problems + _unclosed_problems(in_code, code_opened, divs)


def _unclosed_problems(
    in_code: str | None, code_opened: tuple[str, int, str], divs: list[tuple[str, int, str]]
) -> list[Problem]:
    """A code block or fenced div still open at the end of the chapter: Pandoc would
    take the rest of the chapter into it without a word."""
    problems = []
    if in_code is not None:
        file, line, text = code_opened
        problems.append(
            Problem(
                file,
                f"the code block opened at line {line} is never closed, so the rest of the "
                "chapter would print as code",
                row=line,
                found=text,
                fix=f"close it with a line holding only {in_code}",
            )
        )
    for file, line, text in divs:
        problems.append(
            Problem(
                file,
                f"the div opened at line {line} is never closed, so the rest of the chapter "
                "would be inside it",
                row=line,
                found=text,
                fix="close it with a line holding only ::: where the div should end",
            )
        )
    return problems


def _class_problems(
    file: str, line: int, text: str, classes: list[str], attrs: dict[str, str]
) -> list[Problem]:
    out = []
    for cls in classes:
        why = class_problem(cls, attrs)
        if why:
            out.append(
                Problem(
                    file,
                    f"'.{cls}' is not supported by the embedded renderer",
                    row=line,
                    found=text.strip(),
                    fix=why,
                )
            )
    return out

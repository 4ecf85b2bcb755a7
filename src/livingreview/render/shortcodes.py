"""Expand Quarto shortcodes in chapter text, keeping a map back to source lines.

Handled: ``{{< include path >}}`` (pasted verbatim, nested; as in Quarto every
include path, nested ones too, is relative to the chapter being rendered, and
``/path`` is relative to the project root), ``{{< var a.b >}}`` (from ``_variables.yml``),
``{{< meta key >}}`` and ``{{< pagebreak >}}``; ``{{{< ... >}}}`` is Quarto's
escape and yields the shortcode text literally. Every other shortcode, an
unknown variable, a missing or cyclic include, or an include that leaves the
project is collected as a :class:`~livingreview.errors.Problem` naming the file
and line where it was written (the included file, not the chapter, when the
shortcode sits in an included file). HTML comments (``<!-- ... -->``) outside
code blocks are blanked first, so whatever they hide is ignored as Quarto does.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ManuscriptError, Problem
from ..io import read_text

# A shortcode's body never holds another opening {{< nor a closing }} (one written
# without its >): an unclosed one is reported at its own column (unclosed_shortcodes)
# instead of swallowing the next shortcode.
SHORTCODE = re.compile(
    r"\{\{\{<\s*(?P<esc>.*?)\s*>\}\}\}|\{\{<\s*(?P<body>(?:(?!\{\{<|\}\}).)*?)\s*>\}\}"
)
SHORTCODE_OPEN = re.compile(r"\{\{<")
# Quarto's built-in shortcodes: text that names one of them but does not open with
# "{{<" (Quarto reads "{{<" only, with no space inside it; "{{<var x>}}" is fine) is
# passed through as text by Quarto and would reach the reader, so it is reported.
QUARTO_SHORTCODES = (
    "var|meta|include|pagebreak|env|version|kbd|video|embed|placeholder|lipsum|contents"
)
MISOPENED = re.compile(
    rf"\{{\{{(?![{{<])\s*<?\s*(?:{QUARTO_SHORTCODES})(?=[\s>}}])"  # {{ var x }}, {{ < var x >}}
    rf"|(?<!\{{)\{{<\s*(?:{QUARTO_SHORTCODES})(?=[\s>}}])"  # {< var x >}
)
STRAY_CLOSE = re.compile(r">\}\}")
INLINE_CODE = re.compile(r"(`+).*?\1")
INCLUDE_LINE = re.compile(r"^\s*\{\{<\s*include\s+(?P<path>.+?)\s*>\}\}\s*$")
INCLUDE_ARG = re.compile(r"\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>\S+)")
# Marks where an included file from another folder starts (with its folder) and ends.
INCLUDE_DIR_MARK = "lr-include-dir:"
CODE_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
SUPPORTED = ("include", "var", "meta", "pagebreak")
# An inline marker the AST passes turn into each format's page break.
PAGEBREAK_MARKER = "[]{.lr-pagebreak}"


@dataclass
class Expanded:
    """Text of one chapter after shortcode expansion, with each line's origin."""

    lines: list[str] = field(default_factory=list)
    origins: list[tuple[str, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def add(self, line: str, origin: tuple[str, int]) -> None:
        for part in line.split("\n"):
            self.lines.append(part)
            self.origins.append(origin)

    def extend(self, other: Expanded) -> None:
        self.lines.extend(other.lines)
        self.origins.extend(other.origins)


@dataclass
class Context:
    """What shortcodes may read: the project root, variables and metadata.

    With ``lenient`` (``--lenient``), a ``var``/``meta`` whose value is not a
    single value is written as Quarto writes it (``**?invalid meta type:key**``)
    and recorded in ``warnings`` instead of stopping the build.
    """

    root: Path
    variables: dict[str, Any]
    metadata: dict[str, Any]
    lenient: bool = False
    warnings: list[Problem] = field(default_factory=list)

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def lookup(mapping: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    """Follow ``a.b.c`` through nested mappings; ``(found, value)``."""
    node: Any = mapping
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False, None
    return True, node


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 1:  # Quarto writes a one-item list's item
        value = value[0]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if value is None:
        return ""
    return None


def expand_inline(text: str, file: str, line: int, ctx: Context, problems: list[Problem]) -> str:
    """Expand the inline shortcodes of one line (everything except include)."""

    def replace(match: re.Match[str]) -> str:
        if match.group("esc") is not None:
            return "{{< " + match.group("esc") + " >}}"
        body = match.group("body")
        name, _, args = body.partition(" ")
        args = args.strip()
        column = str(match.start() + 1)
        if name == "var" or name == "meta":
            source = ctx.variables if name == "var" else ctx.metadata
            found, value = lookup(source, args)
            text_value = _scalar_text(value) if found else None
            if not found:
                where = "_variables.yml" if name == "var" else "the document metadata"
                problems.append(
                    Problem(
                        file,
                        f"unknown {name} '{args}'",
                        row=line,
                        column=column,
                        found=match.group(0),
                        expected=f"a key defined in {where}",
                        fix=(
                            f"add '{args}' to _variables.yml (it is generated by the workflow: "
                            "check the rule that writes it) or correct the name"
                            if name == "var"
                            else f"define '{args}' in _quarto.yml"
                        ),
                    )
                )
                return match.group(0)
            if text_value is None:
                problem = Problem(
                    file,
                    f"{name} '{args}' is a {type(value).__name__}, not a single value",
                    row=line,
                    column=column,
                    found=match.group(0),
                    expected="a key whose value is text or a number",
                    fix="refer to one of its nested keys with a dot, e.g. a.b",
                )
                if ctx.lenient:  # Quarto's output for a value it cannot write
                    ctx.warnings.append(problem)
                    return f"**?invalid {name} type:{args}**"
                problems.append(problem)
                return match.group(0)
            return text_value
        if name == "pagebreak":
            return PAGEBREAK_MARKER
        if name == "include":
            problems.append(
                Problem(
                    file,
                    "include must stand on a line of its own",
                    row=line,
                    column=column,
                    found=match.group(0),
                    fix="put the include shortcode on its own line, "
                    "with a blank line before and after",
                )
            )
            return match.group(0)
        problems.append(
            Problem(
                file,
                f"shortcode '{name}' is not supported by the embedded renderer",
                row=line,
                column=column,
                found=match.group(0),
                expected="one of " + ", ".join(SUPPORTED),
                fix="replace it with Markdown (e.g. a generated table via include, a figure "
                "via ![caption](path){#fig-id})",
            )
        )
        return match.group(0)

    if "{{" not in text and "{<" not in text and ">}}" not in text:
        return text
    unclosed_shortcodes(text, file, line, problems)
    misopened_shortcodes(text, file, line, problems)
    return SHORTCODE.sub(replace, text) if "{{<" in text else text


def unclosed_shortcodes(text: str, file: str, line: int, problems: list[Problem]) -> None:
    """Report each ``{{<`` of a line that no shortcode closes with ``>}}`` on it."""
    spans = [m.span() for m in SHORTCODE.finditer(text)]
    for opener in SHORTCODE_OPEN.finditer(text):
        start = opener.start()
        if any(a <= start < b for a, b in spans):
            continue
        shown = "{{" + text[start:].split("{{", 2)[1]  # up to the next {{, if any
        problems.append(
            _shortcode_problem(
                file,
                line,
                start,
                f"the shortcode opened at line {line}, column {start + 1} "
                "is not closed with '>}}'",
                shown,
                "end the shortcode with ' >}}' on the same line, e.g. {{< var studies.included >}}",
            )
        )


def _shortcode_problem(
    file: str, line: int, start: int, message: str, shown: str, fix: str
) -> Problem:
    """A malformed shortcode at ``start`` of ``line``, showing at most 60 characters."""
    shown = shown.rstrip()
    return Problem(
        file,
        message,
        row=line,
        column=str(start + 1),
        found=shown if len(shown) <= 60 else shown[:59] + "\u2026",
        expected="{{< name arguments >}} on one line",
        fix=fix,
    )


def misopened_shortcodes(text: str, file: str, line: int, problems: list[Problem]) -> None:
    """Report each shortcode of a line not opened with ``{{<`` (``{{ var x >}}``,
    ``{{ var x }}``, ``{< var x >}``) and each ``>}}`` that closes no shortcode.

    Quarto reads these as plain text, so they would print as typed in the review.
    Inline code (between backticks) is left alone: it may show such text on purpose.
    """
    spans = [m.span() for m in SHORTCODE.finditer(text)]
    spans += [m.span() for m in INLINE_CODE.finditer(text)]
    reported: list[tuple[int, int]] = []
    for match in MISOPENED.finditer(text):
        start = match.start()
        if any(a <= start < b for a, b in spans):
            continue
        end = text.find("}", match.end())
        end = len(text) if end < 0 else end + (2 if text.startswith("}}", end) else 1)
        reported.append((start, end))
        problems.append(_misopened_problem(text, file, line, start, end))
    # an unclosed "{{<" is reported by unclosed_shortcodes, with what follows it
    unclosed = [m.start() for m in SHORTCODE_OPEN.finditer(text)]
    reported += [(o, len(text)) for o in unclosed if not any(a <= o < b for a, b in spans)]
    for match in STRAY_CLOSE.finditer(text):
        start = match.start()
        if any(a <= start < b for a, b in spans + reported):
            continue
        opened = text.rfind("{", 0, start)
        begin = opened - 1 if opened > 0 and text[opened - 1] == "{" else opened
        begin = begin if begin >= 0 and start - begin <= 60 else start
        problems.append(_misopened_problem(text, file, line, begin, match.end()))


def _misopened_problem(text: str, file: str, line: int, start: int, end: int) -> Problem:
    name = re.match(r"[{<\s]*(\w+)", text[start:end])
    example = f"{{{{< {name.group(1)} ... >}}}}" if name else "{{< var studies.included >}}"
    return _shortcode_problem(
        file,
        line,
        start,
        f"the shortcode at line {line}, column {start + 1} is not opened with '{{{{<' "
        "(Quarto would print it as text)",
        text[start:end],
        f"open it with '{{{{<' and close it with '>}}}}', as in {example} "
        "(or, to show the braces as text, put them in `backticks`)",
    )


def include_target(written: str, main_dir: Path, root: Path) -> Path:
    """Where Quarto looks for an included file: ``/x`` from the project root, else
    from the folder of the file being rendered (for nested includes too)."""
    match = INCLUDE_ARG.match(written.strip())
    name = next((g for g in match.groups() if g is not None), "") if match else written
    if name.startswith("/"):
        return (root / name.lstrip("/")).resolve()
    return (main_dir / name).resolve()


def blank_comments(lines: list[str]) -> list[str]:
    """Each line with HTML comments outside code blocks replaced by nothing."""
    out: list[str] = []
    fence: str | None = None
    in_comment = False
    for line in lines:
        match = CODE_FENCE.match(line)
        if fence is not None and not in_comment:
            if (
                match
                and match.group("fence")[0] == fence[0]
                and len(match.group("fence")) >= len(fence)
            ):
                fence = None
            out.append(line)
            continue
        if match and not in_comment:
            fence = match.group("fence")
            out.append(line)
            continue
        kept = ""
        rest = line
        while rest:
            if in_comment:
                end = rest.find("-->")
                if end < 0:
                    rest = ""
                else:
                    rest = rest[end + 3 :]
                    in_comment = False
            else:
                start = rest.find("<!--")
                if start < 0:
                    kept += rest
                    rest = ""
                else:
                    kept += rest[:start]
                    rest = rest[start + 4 :]
                    in_comment = True
        out.append(kept if kept.strip() or kept == line else "")
    return out


def expand_file(
    path: Path,
    ctx: Context,
    problems: list[Problem],
    _stack: tuple[Path, ...] = (),
    _origin: tuple[str, int] | None = None,
    _main_dir: Path | None = None,
) -> Expanded:
    """Read ``path`` and expand its shortcodes and includes recursively."""
    path = path.resolve()
    main_dir = _main_dir or path.parent
    out = Expanded()
    rel = ctx.relative(path)
    try:
        text = read_text(path, ManuscriptError)
    except ManuscriptError as exc:
        if _origin is None:
            problems.extend(exc.problems)
        elif path.is_file():  # there, but not text: a DOCX, a picture, another encoding
            first = exc.problems[0] if exc.problems else None
            problems.append(
                Problem(
                    _origin[0],
                    "included file is not UTF-8 text"
                    + (f" (line {first.row}: {first.found})" if first and first.row else ""),
                    row=_origin[1],
                    found=rel,
                    expected="a Markdown or text file saved as UTF-8",
                    fix="include a Markdown file (re-save it as UTF-8 text); a picture goes in "
                    "as ![caption](path), a Word or PDF file cannot be included",
                )
            )
        else:
            problems.append(
                Problem(
                    _origin[0],
                    "included file not found",
                    row=_origin[1],
                    found=rel,
                    fix="correct the path (it is relative to the chapter, or to the project "
                    "with a leading /) or build the file first (tables are generated by the "
                    "workflow)",
                )
            )
        return out
    stack = (*_stack, path)
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the empty string after the final newline
    for number, line in enumerate(blank_comments(lines), start=1):
        match = INCLUDE_LINE.match(line)
        if match:
            target_text = match.group("path").strip()
            target = include_target(target_text, main_dir, ctx.root)
            if not target.is_relative_to(ctx.root):
                problems.append(
                    Problem(
                        rel,
                        "include points outside the project folder",
                        row=number,
                        found=target_text,
                        expected="a file inside the project",
                        fix="copy the file into the project (e.g. results/) and include that",
                    )
                )
                continue
            if target in stack:
                chain = " -> ".join(ctx.relative(p) for p in (*stack, target))
                problems.append(
                    Problem(
                        rel,
                        "include cycle",
                        row=number,
                        found=chain,
                        fix="remove the include that leads back to a file already being included",
                    )
                )
                continue
            if not target.is_file():
                problems.append(
                    Problem(
                        rel,
                        "included file not found",
                        row=number,
                        found=target_text,
                        expected=ctx.relative(target),
                        fix="correct the path: as in Quarto it is relative to the chapter "
                        "being rendered, also inside an included file (or to the project "
                        "with a leading /); or build the file first (tables and numbers "
                        "are generated by the workflow)",
                    )
                )
                continue
            inner = expand_file(target, ctx, problems, stack, (rel, number), main_dir)
            moved = os.path.relpath(target.parent, main_dir).replace(os.sep, "/")
            if moved != "." and inner.lines:
                # paths inside the included file are relative to it (Quarto's fixup)
                out.add(f"<!-- {INCLUDE_DIR_MARK}{moved} -->\n", (rel, number))
                out.extend(inner)
                out.add(f"\n<!-- {INCLUDE_DIR_MARK} -->", (rel, number))
            else:
                out.extend(inner)
            continue
        out.add(expand_inline(line, rel, number, ctx, problems), (rel, number))
    return out


def expand_metadata(
    value: Any, file: str, raw_text: str, ctx: Context, problems: list[Problem]
) -> Any:
    """Expand var/meta shortcodes inside metadata strings (e.g. the abstract)."""
    if isinstance(value, str):
        if "{{" not in value and "{<" not in value and ">}}" not in value:
            return value
        line = _line_of(raw_text, value)
        return expand_inline(value, file, line, ctx, problems)
    if isinstance(value, list):
        return [expand_metadata(v, file, raw_text, ctx, problems) for v in value]
    if isinstance(value, dict):
        return {k: expand_metadata(v, file, raw_text, ctx, problems) for k, v in value.items()}
    return value


def _line_of(raw_text: str, value: str) -> int:
    """Best guess at the line a YAML string came from: where its first shortcode is."""
    match = SHORTCODE.search(value)
    needle = match.group(0) if match else value.splitlines()[0]
    index = raw_text.find(needle)
    return raw_text.count("\n", 0, index) + 1 if index >= 0 else 1

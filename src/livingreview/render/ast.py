"""A small toolkit for Pandoc's JSON AST (``pandoc -t json``).

Pandoc elements are plain JSON objects ``{"t": tag, "c": content}``. This
module gives the few constructors, accessors and walkers the renderer needs,
so the numbering and cross-reference passes read as Python rather than as
index arithmetic. Written by hand instead of depending on ``panflute``: the
renderer needs about a dozen helpers, and keeping them here avoids pinning a
third-party package to Pandoc's API version.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator
from typing import Any

Element = dict[str, Any]
Attr = list[Any]  # [identifier, [classes], [[key, value], ...]]

# ---------------------------------------------------------------- constructors


def attr(
    identifier: str = "", classes: list[str] | None = None, attributes: dict[str, str] | None = None
) -> Attr:
    """Build a Pandoc ``Attr`` triple."""
    return [identifier, list(classes or []), [[k, v] for k, v in (attributes or {}).items()]]


def Str(text: str) -> Element:
    return {"t": "Str", "c": text}


def Space() -> Element:
    return {"t": "Space"}


def Span(inlines: list[Element], a: Attr | None = None) -> Element:
    return {"t": "Span", "c": [a or attr(), inlines]}


def Strong(inlines: list[Element]) -> Element:
    return {"t": "Strong", "c": inlines}


def Link(inlines: list[Element], target: str, a: Attr | None = None) -> Element:
    return {"t": "Link", "c": [a or attr(), inlines, [target, ""]]}


def Para(inlines: list[Element]) -> Element:
    return {"t": "Para", "c": inlines}


def Plain(inlines: list[Element]) -> Element:
    return {"t": "Plain", "c": inlines}


def Div(blocks: list[Element], a: Attr | None = None) -> Element:
    return {"t": "Div", "c": [a or attr(), blocks]}


def Header(level: int, inlines: list[Element], a: Attr | None = None) -> Element:
    return {"t": "Header", "c": [level, a or attr(), inlines]}


def RawBlock(fmt: str, text: str) -> Element:
    return {"t": "RawBlock", "c": [fmt, text]}


def RawInline(fmt: str, text: str) -> Element:
    return {"t": "RawInline", "c": [fmt, text]}


def text_inlines(text: str) -> list[Element]:
    """Plain text as Str/Space inlines (what Pandoc's reader would produce)."""
    out: list[Element] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append(Space())
        if word:
            out.append(Str(word))
    return out


# ---------------------------------------------------------------- accessors


# the kinds of element that have an ``Attr`` (see :func:`get_attr`)
HAS_ATTR = ("Div", "Span", "CodeBlock", "Code", "Table", "Figure", "Header", "Image", "Link")


def get_attr(element: Element) -> Attr | None:
    """The ``Attr`` of an element that has one, else ``None``."""
    t, c = element.get("t"), element.get("c")
    if t in ("Div", "Span", "CodeBlock", "Code", "Table", "Figure"):
        return c[0]
    if t in ("Header",):
        return c[1]
    if t in ("Image", "Link"):
        return c[0]
    return None


def attr_get(a: Attr, key: str) -> str | None:
    for k, v in a[2]:
        if k == key:
            return v
    return None


def attr_pop(a: Attr, key: str) -> str | None:
    value = attr_get(a, key)
    a[2] = [[k, v] for k, v in a[2] if k != key]
    return value


def stringify(node: Any) -> str:
    """Plain text of an element or list of elements (like ``pandoc.utils.stringify``)."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    t = node.get("t")
    if t == "Str":
        return node["c"]
    if t in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if t in ("Code", "Math"):
        return node["c"][1]
    if t == "RawInline" or t == "RawBlock":
        return ""
    if t == "Quoted":
        q = "“”" if node["c"][0]["t"] == "DoubleQuote" else "‘’"
        return q[0] + stringify(node["c"][1]) + q[1]
    if t == "Cite":
        return stringify(node["c"][1])
    if t in ("Image", "Link", "Span", "Div"):
        return stringify(node["c"][1])
    if t == "Header":
        return stringify(node["c"][2])
    if t in (
        "Para",
        "Plain",
        "Emph",
        "Strong",
        "Strikeout",
        "Underline",
        "SmallCaps",
        "Superscript",
        "Subscript",
    ):
        return stringify(node["c"])
    if "c" in node:
        return stringify(node["c"])
    return ""


# ---------------------------------------------------------------- walking


def clone(node: Any) -> Any:
    """A deep copy of an AST value (dicts, lists, strings, numbers), made by
    :mod:`marshal` in C: many times faster than :func:`copy.deepcopy` on a book."""
    return marshal.loads(marshal.dumps(node))


def walk(node: Any, fn: Callable[[Element], Any]) -> Any:
    """Bottom-up rewrite: children first, then ``fn(element)``.

    ``fn`` returns ``None`` to keep the element, an element to replace it, or a
    list of elements to splice in its place (in a list context). Strings and
    numbers are not visited (they hold no elements), which keeps a walk of a
    whole book to one call per list and element.
    """
    if isinstance(node, list):
        return _walk_list(node, fn)
    if isinstance(node, dict):
        return _walk_dict(node, fn)
    return node


def _walk_list(node: list[Any], fn: Callable[[Element], Any]) -> list[Any]:
    out: list[Any] = []
    for item in node:
        if isinstance(item, dict):
            new = _walk_dict(item, fn)
            if "t" in item and isinstance(new, list):
                out.extend(new)
            else:
                out.append(new)
        elif isinstance(item, list):
            out.append(_walk_list(item, fn))
        else:
            out.append(item)
    return out


def _walk_dict(node: dict[str, Any], fn: Callable[[Element], Any]) -> Any:
    if "c" in node:
        content = node["c"]
        if isinstance(content, list):
            node["c"] = _walk_list(content, fn)
        elif isinstance(content, dict):
            node["c"] = _walk_dict(content, fn)
    if "t" in node:
        result = fn(node)
        return node if result is None else result
    return node


def iter_elements(node: Any) -> Iterator[Element]:
    """Every element in document order (pre-order), without changing anything.

    An explicit stack rather than nested generators: a nested ``yield from``
    costs one generator step per level for every element."""
    stack = [node]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if isinstance(item, list):
            push([x for x in reversed(item) if isinstance(x, (list, dict))])
        elif isinstance(item, dict):
            if "t" in item:
                yield item
            content = item.get("c")
            if isinstance(content, (list, dict)):
                stack.append(content)

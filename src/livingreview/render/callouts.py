"""Quarto callouts in each format, with Quarto's HTML structure.

The book model keeps a callout as a Div with its ``callout-<type>`` class and,
when it was written as the callout's first heading, its title as a leading
``callout-title`` Div (markup kept). Here each format gets its shape:

- HTML: Quarto's ``div.callout.callout-style-<appearance>.callout-<type>``
  with a ``callout-header`` (icon container, title container with a
  screen-reader label naming the type) and a ``callout-body-container``;
  ``appearance="simple"``/``"minimal"`` and ``icon="false"`` as in Quarto;
- DOCX: a "Callout" paragraph style around a bold title;
- Typst: the template's ``#callout`` function.
"""

from __future__ import annotations

from . import ast as A

CALLOUT_TYPES = ("note", "tip", "warning", "important", "caution")
TITLES = {t: t.capitalize() for t in CALLOUT_TYPES}
TITLE_CLASS = "callout-title"


def callout_type(classes: list[str]) -> str | None:
    """``note`` ... for a callout div (``none`` for an untyped ``.callout``), else None."""
    typed = next((c[8:] for c in classes if c.startswith("callout-")), None)
    if typed in CALLOUT_TYPES:
        return typed
    return "none" if "callout" in classes and typed is None else None


def take_title(div: A.Element) -> None:
    """A callout's first heading becomes its title (Quarto), markup kept."""
    a, blocks = div["c"]
    if callout_type(a[1]) is None or not blocks or blocks[0]["t"] != "Header":
        return
    if A.attr_get(a, "title") is None:
        title = A.Div([A.Plain(blocks[0]["c"][2])], A.attr("", [TITLE_CLASS]))
        div["c"][1] = [title, *blocks[1:]]


def _split(div: A.Element) -> tuple[list[A.Element], list[A.Element]]:
    """(title inlines, body blocks) of a callout."""
    a, content = div["c"]
    if content and content[0]["t"] == "Div" and TITLE_CLASS in content[0]["c"][0][1]:
        return content[0]["c"][1][0]["c"], content[1:]
    written = A.attr_get(a, "title")
    return A.text_inlines(written) if written else [], content


def render_callout(div: A.Element, kind: str, fmt: str) -> list[A.Element]:
    a = div["c"][0]
    title, content = _split(div)
    shown = title or A.text_inlines(TITLES.get(kind, ""))
    if fmt == "html":
        return [_html(a, kind, title, content)]
    if fmt == "docx":
        heading = [A.Para([A.Strong(shown)])] if shown else []
        return [A.Div([*heading, *content], A.attr(a[0], [], {"custom-style": "Callout"}))]
    colour = kind if kind in CALLOUT_TYPES else "note"
    return [
        A.RawBlock("typst", f'#callout(kind: "{colour}")['),
        *([A.Para([A.Strong(shown)])] if shown else []),
        *content,
        A.RawBlock("typst", f"] <{a[0]}>" if a[0] else "]"),  # the label a reference links to
    ]


def _html(a: A.Attr, kind: str, title: list[A.Element], content: list[A.Element]) -> A.Element:
    appearance = A.attr_get(a, "appearance") or ("simple" if kind == "none" else "default")
    icon = (A.attr_get(a, "icon") or "true").lower() != "false" and kind != "none"
    if appearance == "minimal":
        appearance, icon = "simple", False
    if not title and appearance == "default":
        title = A.text_inlines(TITLES.get(kind, ""))
    classes = ["callout", f"callout-style-{appearance}", f"callout-{kind}"]
    classes += [] if icon else ["no-icon"]
    classes += ["callout-titled"] if title else []
    label = TITLES.get(kind, "Callout")
    icon_html = A.RawBlock(
        "html",
        '<div class="callout-icon-container">'
        f'<i class="callout-icon{"" if icon else " no-icon"}"></i></div>',
    )
    keep = [[k, v] for k, v in a[2] if k not in ("appearance", "icon", "title", "collapse")]
    if title:
        header = A.Div(
            [
                icon_html,
                A.Div(
                    [
                        A.Plain(
                            [
                                A.RawInline(
                                    "html", f'<span class="screen-reader-only">{label}</span>'
                                ),
                                *title,
                            ]
                        )
                    ],
                    A.attr("", ["callout-title-container", "flex-fill"]),
                ),
            ],
            A.attr("", ["callout-header", "d-flex", "align-content-center"]),
        )
        body = A.Div(content, A.attr("", ["callout-body-container", "callout-body"]))
        return A.Div([header, body], [a[0], classes, keep])
    inner = A.Div(content, A.attr("", ["callout-body-container"]))
    blocks = [icon_html, inner] if icon else [inner]
    return A.Div([A.Div(blocks, A.attr("", ["callout-body", "d-flex"]))], [a[0], classes, keep])

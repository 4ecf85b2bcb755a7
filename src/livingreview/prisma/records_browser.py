"""The website's records browser: the ledger as small script files loaded on demand.

A review that screens 100,000 records cannot show them as one HTML table (the
page, the search index and the browser's memory all grow with the ledger), so
the records appendix page carries a browser instead. Its data is written next
to the page, in ``records-data/``:

- ``index.js``: for every box, the groups of records that share a source and a
  reason, with their counts and the names of their page files;
- ``p00001.js`` ...: the records of one group, at most :data:`PAGE_SIZE` per file;
- ``records-browser.js``: the script that shows them, with filters by box,
  source and reason, and pages of 100 records (First / Previous / Next / Last and
  a page list, above and below the table, as the website's pager of long tables).

The files are scripts that call a function (``LR_RECORDS_INDEX(...)``,
``LR_RECORDS_PAGE(...)``) rather than JSON fetched over the network, so the
browser also works when the website is opened from ``file://``. A filter loads
only the page files of the groups it matches, and only the page on screen.
Every value is JSON-encoded with ``<``, ``>`` and ``&`` escaped and the script
sets it as text, never as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from ..io import write_text

PAGE_SIZE = 1000
DATA_DIR = "records-data"
SCRIPT = "records-browser.js"
FIELDS = ("record_id", "title", "year", "source")


def _js(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def browser_files(
    boxes: Iterable[tuple[str, str, list[Mapping[str, str]]]],
    decide: object,
) -> dict[str, str]:
    """File name -> text of every file of the browser's data.

    ``boxes`` gives ``(box id, box title, rows)`` in diagram order; ``decide(row)``
    returns the ``(decision, reason)`` shown for a row.
    """
    files: dict[str, str] = {}
    index = []
    for box, title, rows in boxes:
        groups: dict[tuple[str, str], list[list[str]]] = {}
        for row in rows:
            decided, reason = decide(row)  # type: ignore[operator]
            cells = [row.get(f, "") for f in FIELDS] + [decided, reason]
            groups.setdefault((row.get("source", ""), reason), []).append(cells)
        entry = {"box": box, "title": title, "count": len(rows), "groups": []}
        for (source, reason), cells in sorted(groups.items()):
            pages = []
            for start in range(0, len(cells), PAGE_SIZE):
                name = f"p{len(files) + 1:05d}.js"
                files[name] = (
                    f"LR_RECORDS_PAGE({_js(name)},{_js(cells[start : start + PAGE_SIZE])});\n"
                )
                pages.append(name)
            entry["groups"].append(
                {"source": source, "reason": reason, "count": len(cells), "pages": pages}
            )
        index.append(entry)
    files["index.js"] = f"LR_RECORDS_INDEX({_js({'page_size': PAGE_SIZE, 'boxes': index})});\n"
    files[SCRIPT] = (resources.files("livingreview.prisma") / SCRIPT).read_text(encoding="utf-8")
    return files


def write_browser(folder: str | Path, files: Mapping[str, str]) -> None:
    """Write the browser's files into ``folder`` (each atomically), removing stale pages."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("p*.js"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        path = folder / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue  # unchanged bytes: keep the file (and its timestamp)
        write_text(path, text)


def browser_block() -> str:
    """The website-only Markdown that places the browser on the records page."""
    return "\n".join(
        [
            '::: {.content-visible when-format="html"}',
            "```{=html}",
            f'<div class="records-browser" data-base="{DATA_DIR}/">',
            "<noscript>The records browser needs JavaScript.</noscript>",
            "</div>",
            f'<script src="{DATA_DIR}/{SCRIPT}"></script>',
            "```",
            ":::",
        ]
    )

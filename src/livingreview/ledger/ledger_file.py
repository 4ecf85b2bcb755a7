"""Reading and writing the ledger CSV as text rows, so appends keep every byte of the file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..errors import DataError
from ..io import BOM, write_bytes, write_text


def split_csv_rows(text: str) -> tuple[str, list[tuple[dict[str, str], str]]]:
    """Split CSV text into its header text and ``(row, raw text of the row)`` pairs.

    The raw texts joined back give the input exactly, so a caller can change
    one row and keep every other byte.
    """
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    consumed: list[str] = []

    def feed() -> Iterable[str]:
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.reader(feed())
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    header_text = "".join(consumed)
    consumed.clear()
    out = []
    for fields in reader:
        raw = "".join(consumed)
        consumed.clear()
        out.append((dict(zip(header, (f.strip() for f in fields), strict=False)), raw))
    return header_text, out


def _csv_line(header: Sequence[str], row: Mapping[str, str], newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow([row.get(h, "") for h in header])
    return buffer.getvalue()


def append_rows(path: str | Path, header: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
    """Append rows to a CSV file atomically; the existing bytes are kept as they are."""
    raw = Path(path).read_bytes()
    newline = "\r\n" if b"\r\n" in raw else "\n"
    if raw and not raw.endswith(b"\n"):
        raw += newline.encode()
    added = "".join(_csv_line(header, r, newline) for r in rows)
    write_bytes(path, raw + added.encode("utf-8"))


def _csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, str]], newline: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator=newline)
    writer.writeheader()
    writer.writerows({c: r.get(c, "") for c in columns} for r in rows)
    return buffer.getvalue()


def _write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    write_text(path, _csv_text(columns, rows, "\n"))


def write_new_csv(
    path: str | Path,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    *,
    for_spreadsheets: bool = False,
) -> Path:
    """Write a CSV file that must not exist yet (sheets and reports are never overwritten).

    ``for_spreadsheets``: UTF-8 with a byte-order mark and CRLF line ends, so
    Excel and LibreOffice open accents and line breaks correctly on a double-click.
    """
    path = Path(path)
    if path.exists():
        raise DataError.single(
            path,
            "already exists and is never overwritten",
            fix="choose another file name, or move the existing file away first",
        )
    if for_spreadsheets:
        text = BOM + _csv_text(columns, rows, "\r\n")
        return write_bytes(path, text.encode("utf-8"))
    return write_text(path, _csv_text(columns, rows, "\n"))


def append_log(path: str | Path, columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
    """Append rows to a log CSV (created with its header when absent); old rows stay."""
    path = Path(path)
    if not path.exists():
        write_text(path, _csv_text(columns, rows, "\n"))
        return
    append_rows(path, columns, rows)

"""Small pieces of English shared by every text a reader sees."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date


def join_words(items: Iterable[str], word: str = "and") -> str:
    """``items`` as a reader lists them: "a", "a and b", "a, b and c" (no Oxford
    comma, as the review's text writes); ``word`` joins the last two ("or")."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def count_value(value: int | str | None) -> int:
    """A count as _variables.yml holds it, 1,000 or more as text ("1,501"), as a number."""
    return int(str(value if value is not None else 0).replace(",", ""))


NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip


def number_word(n: int) -> str:
    """A count as the review's prose writes it in words: zero to twelve as words
    ("three"), larger counts as digits with thousands separators ("1,204")."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def counted(n: int, one: str, many: str) -> str:
    """A count with its noun in the right number: "1 study", "2 studies", "1,204 records"."""
    return f"{n:,} {one if n == 1 else many}"


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# A calendar date written YYYY-MM-DD as a word of its own (not part of a path, a
# version or an identifier such as a DOI).
ISO_DATE = re.compile(r"(?<![\w/.:-])(\d{4})-(\d{2})-(\d{2})(?![\w/-]|\.\d)")


def long_date(iso: str) -> str:
    """A date as the review's prose writes one: "2026-11-27" -> "27 November 2026"."""
    day = date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def long_date_range(first: str, last: str) -> str:
    """Two ISO dates as the review's prose writes a period, naming a shared month and
    year once: "1 to 30 November 2026", "28 October to 30 November 2026", "30 December
    2025 to 2 January 2026"; one date when they are the same day."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if start == end:
        return long_date(first)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {long_date(last)}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} to {long_date(last)}"
    return f"{long_date(first)} to {long_date(last)}"


def long_dates_in(text: str) -> str:
    """``text`` with every calendar date written YYYY-MM-DD written as :func:`long_date`
    does, so a generated sentence and the note it quotes write dates alike (anything
    that only looks like a date, such as 2026-13-01, is left as it is)."""

    def long(match: re.Match[str]) -> str:
        try:
            return long_date(match[0])
        except ValueError:
            return match[0]

    return ISO_DATE.sub(long, text)

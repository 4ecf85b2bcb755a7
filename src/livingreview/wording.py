"""Small pieces of English shared by every text a reader sees."""

from __future__ import annotations

from collections.abc import Iterable


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


def counted(n: int, one: str, many: str) -> str:
    """A count with its noun in the right number: "1 study", "2 studies", "1,204 records"."""
    return f"{n:,} {one if n == 1 else many}"

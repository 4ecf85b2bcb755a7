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


def counted(n: int, one: str, many: str) -> str:
    """A count with its noun in the right number: "1 study", "2 studies", "1,204 records"."""
    return f"{n:,} {one if n == 1 else many}"

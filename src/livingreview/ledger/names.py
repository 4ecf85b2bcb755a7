"""Author and journal names as the ledger writes them ("Surname AB; Surname CD")."""

from __future__ import annotations

import re
from functools import lru_cache

_SMALL = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def _initials(given: str) -> str:
    """``"John Paul"`` / ``"J.-P."`` / ``"JP"`` -> ``"JP"``."""
    given = given.strip()
    if re.fullmatch(r"[A-Z]{1,4}", given):
        return given
    parts = [p for p in re.split(r"[\s.\-]+", given) if p]
    return "".join(p[0].upper() for p in parts if p[0].isalpha())


@lru_cache(maxsize=1 << 16)
def normalise_author(name: str) -> str:
    """One author as ``Surname AB``.

    ``"Glue, Paul"``, ``"Glue, P."``, ``"Glue P"``, ``"Paul Glue"`` and
    ``"GLUE, P"`` all become ``"Glue P"``; a group author without a comma and
    with more than three words is kept as written.
    """
    name = " ".join(name.split()).strip(" ;.")
    if not name:
        return ""
    if "," in name:
        surname, given = (s.strip() for s in name.split(",", 1))
    else:
        words = name.split(" ")
        if len(words) == 1 or len(words) > 3:
            return name
        if re.fullmatch(r"(?:[A-Z]\.?-?){1,4}", words[-1]):  # "Glue PJ" / "Glue P.J"
            surname, given = " ".join(words[:-1]), words[-1]
        else:  # "Paul Glue"
            surname, given = words[-1], " ".join(words[:-1])
    if surname.isupper() and len(surname) > 1:
        surname = "-".join(w.capitalize() for w in surname.lower().split("-"))
        surname = " ".join(w[:1].upper() + w[1:] for w in surname.split(" "))
    initials = _initials(given)
    return f"{surname} {initials}".strip()


def normalise_authors(names: list[str] | str) -> str:
    """Authors joined as the ledger writes them: ``"Glue P; Medlicott NJ"``."""
    if isinstance(names, str):
        names = [n for n in re.split(r"\s*;\s*", names) if n.strip()]
    return "; ".join(a for a in (normalise_author(n) for n in names) if a)


@lru_cache(maxsize=1 << 12)
def normalise_journal(name: str) -> str:
    """Journal name with spacing cleaned and ALL-CAPS turned into title case.

    ``"JOURNAL OF PSYCHOPHARMACOLOGY"`` -> ``"Journal of Psychopharmacology"``;
    names in mixed case are kept as the database wrote them.
    """
    name = " ".join(name.split()).rstrip(".")
    if not name or not name.isupper():
        return name
    words = name.lower().split(" ")
    return " ".join(
        w if (i and w in _SMALL) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )

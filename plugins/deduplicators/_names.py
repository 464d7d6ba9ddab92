"""Author normalisation: family names as one folded word, and every word of every name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from evidencekit.plugins.deduplicators._text import fold

# -- authors ------------------------------------------------------------------

_TRAILING_INITIALS = re.compile(r"^(.*?\S)\s+((?:[A-Z]\.?\s?-?){1,4})$")


#: Name particles that one database keeps in the family name and another moves
#: to the given names ("de Jorge" / "Jorge, E. G. de", "Le Quintrec" / "Quintrec").
_PARTICLES = frozenset(
    [
        "de",
        "da",
        "di",
        "do",
        "du",
        "des",
        "del",
        "della",
        "dos",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "ten",
        "le",
        "la",
        "les",
        "el",
        "al",
        "bin",
        "ben",
        "mac",
        "st",
    ]
)
#: Generational suffixes that one database keeps in the family name ("Lucas Jr.",
#: "Yoos II") and another drops or moves to the given names: not part of the name.
_SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv"])
_NOT_NAMES = frozenset({"null", "none", "nan", "na", "etal", "et", "al", "anonymous", "anon"})


def family_name(family: str, given: str = "") -> str:
    """A family name as one folded word without particles ("Le Quintrec" -> "quintrec")."""
    family = family.strip()
    if not given:
        # "Zuber J" or "Zuber J." put whole into the family field by some exports.
        match = _TRAILING_INITIALS.match(family)
        if match:
            family = match.group(1)
        elif "," in family:
            family = family.split(",", 1)[0]
    words = fold(family).split()
    kept = [w for w in words if w not in _PARTICLES and w not in _SUFFIXES] or words
    return "".join(kept)


@lru_cache(maxsize=100_000)
def _family_key(family: str, has_given: bool) -> tuple[str, tuple[str, ...]]:
    """A family name's key and its words (cached: family names repeat across records)."""
    name = family_name(family, "x" if has_given else "")
    words = tuple(
        w
        for w in fold(family).split()
        if len(w) > 1 and w not in _NOT_NAMES and w not in _PARTICLES and w not in _SUFFIXES
    )
    return ("" if name in _NOT_NAMES else name), words


@lru_cache(maxsize=100_000)
def _given_words(given: str) -> tuple[str, ...]:
    return tuple(
        w for w in fold(given).split() if len(w) > 1 and w not in _NOT_NAMES and w not in _SUFFIXES
    )


#: Names run together without a separator (ASySD, some Embase CSVs): "Hirata T.Fukuse T."
_GLUED = re.compile(r"[A-Z]\.[A-Z][a-z]")
_GLUED_SPLIT = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z])")


@lru_cache(maxsize=50_000)
def _unglue(family: str, given: str) -> tuple[tuple[str, str], ...]:
    """``(family, given)`` pairs of a name that may be several names run together.

    "Hirata T.Fukuse T.Ishikawa S." (read by an importer as one odd name) is three
    authors, each "Family Initials"; so is "Kunz Sebastian N.Calkins Hugh".
    """
    glued_family = "." in family and _GLUED.search(family) is not None
    glued_given = len(given) > 5 and "." in given and _GLUED.search(given) is not None
    if not (glued_family or glued_given):
        return ((family, given),)
    text = f"{given} {family}" if glued_given else f"{family} {given}"
    out = []
    for chunk in _GLUED_SPLIT.split(text.strip()):
        head, _, rest = chunk.strip().partition(" ")
        if head:
            out.append((head, rest))
    return tuple(out)


def author_keys(authors: Sequence[Any], limit: int = 12) -> tuple[list[str], str]:
    """Family names of the first ``limit`` authors, and every word of their names.

    The second view serves exports that swap family and given names
    ("Ching-yi, Wu") or put a whole name in the family field ("Si Hyun Kang").
    "et al", "Anonymous" and empty names are skipped; names run together without a
    separator are split first (``_unglue``).
    """
    families: list[str] = []
    words: list[str] = []
    seen = 0
    for author in authors:
        if seen >= limit:
            break
        raw_family = getattr(author, "family", None)
        if raw_family is None:
            raw_family, raw_given = str(author), ""
        else:
            raw_given = getattr(author, "given", "") or ""
        for family, given in _unglue(raw_family, raw_given):
            seen += 1
            if seen > limit:
                break
            name, family_words = _family_key(family, bool(given))
            if name:
                families.append(name)
            words.extend(family_words)
            if given:
                words.extend(_given_words(given))
    return families, " ".join(words)


def author_families(authors: Sequence[Any], limit: int = 12) -> list[str]:
    """Family names of the first ``limit`` authors, skipping "et al" and empty ones."""
    return author_keys(authors, limit)[0]


def author_names(authors: Sequence[Any], limit: int = 12) -> str:
    """Every word of the first ``limit`` authors' names (family and given, no initials)."""
    return author_keys(authors, limit)[1]

"""Author names from any export's layout: "Family, Given", "Family INITIALS",
"Given Family", corporate authors, and lists of them (re-exported by ``_normalise``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from evidencekit.core.model import Author
from evidencekit.plugins.importers._text import clean

_INITIALS = re.compile(r"^(?:[A-Z\u00c0-\u00de][a-z]?\.?-?){1,4}$")
_CORPORATE = re.compile(
    r"\b(group|organi[sz]ation|committee|consortium|collaborat\w*|investigators|association|"
    r"society|network|study|trial|institute|university|council|agency|team|working|"
    r"ministry|department|foundation|centre|center|office|board|panel|federation)\b",
    re.I,
)
#: Family-name particles kept with the family name in "Given Family" order.
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "lo",
        "ten",
        "ter",
        "mac",
        "st.",
        "st",
        "bin",
        "al",
        "el",
        "y",
        "e",
    }
)
_HONORIFICS = re.compile(r"^(?:(?:prof|dr|mr|mrs|ms|sir)\.?(?:-ing\.?)?\s+)+", re.I)


def _is_initials(token: str) -> bool:
    """ "JA", "D.G.", "J.-P.", "Ch." — not "Li" or "Smith"."""
    letters = token.replace(".", "").replace("-", "")
    if not letters or not letters.isalpha():
        return False
    if token.isupper() and len(letters) <= 3:
        return True
    return "." in token and bool(_INITIALS.match(token))


#: Names already parsed in this import: ``{value: (family, given) or None}``. Names
#: repeat within an export (an author's every paper), and parsing is a pure function of
#: the text. Emptied by :func:`clear_memo` when an import starts, and bounded.
_MEMO: dict[str, tuple[str, str] | None] = {}
MEMO_LIMIT = 200_000


def clear_memo() -> None:
    """Forget the names parsed so far (called when an import starts)."""
    _MEMO.clear()


def parse_name(value: str) -> Author | None:
    """One author from "Family, Given", "Family INITIALS" or "Given Family" forms.

    Corporate authors ("WHO Study Group") are kept whole as the family name.
    """
    try:
        parts = _MEMO[value]
    except KeyError:
        parts = _parse_name(value)
        if len(_MEMO) < MEMO_LIMIT:
            _MEMO[value] = parts
    # A new Author each time: records own their authors (the import scrubs them in place).
    return None if parts is None else Author(*parts)


def _parse_name(value: str) -> tuple[str, str] | None:
    """``(family, given)`` for :func:`parse_name`."""
    name = clean(value).strip(" ;,")
    if not name:
        return None
    if "," in name:
        family, given = name.split(",", 1)
        family, given = family.strip(), given.strip(" ,")
        if family:
            return family, given
        name = given
    if _CORPORATE.search(name) and len(name.split()) >= 2:
        return name, ""
    name = _HONORIFICS.sub("", name)
    tokens = name.split()
    if len(tokens) == 1:
        return tokens[0], ""
    # "Smith JA", "Adler D.G.", "van der Maas M", "Smith J A": initials last.
    cut = len(tokens)
    while cut > 1 and _is_initials(tokens[cut - 1]):
        cut -= 1
    if cut < len(tokens):
        return " ".join(tokens[:cut]), " ".join(tokens[cut:])
    # "Given Family" (with particles: "Ludwig van Beethoven").
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return " ".join(tokens[cut:]), " ".join(tokens[:cut])


def parse_names(values: Iterable[str]) -> list[Author]:
    """Authors from values that each hold one name."""
    out: list[Author] = []
    for value in values:
        author = parse_name(value)
        if author is not None:
            out.append(author)
    return out


def split_author_list(value: str) -> list[Author]:
    """Authors from one cell listing several: separated by ``;``, ``|`` or newlines, by
    `` and `` between names (BibTeX style), or Scopus's older "Liu R., Adler D.G." with
    commas between "Family Initials" names."""
    text = value.strip()
    if not text:
        return []
    for separator in (";", "|", "\n"):
        if separator in text:
            return parse_names(text.split(separator))
    if " and " in text:
        # BibTeX-style lists in CSV exports (bib-dedupe, CoLRev, JabRef):
        # "Zuber, J and Le Quintrec, M" or "Smith JA and Jones K".
        parts = [part.strip() for part in text.split(" and ") if part.strip()]
        if len(parts) > 1 and all(
            part.count(",") == 1 or (len(part.split()) >= 2 and _is_initials(part.split()[-1]))
            for part in parts
        ):
            return parse_names(parts)
    if "," in text:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if len(parts) > 1 and all(
            len(part.split()) >= 2 and _is_initials(part.split()[-1]) for part in parts
        ):
            return parse_names(parts)
        if len(parts) > 2 and len(parts) % 2 == 0:
            return parse_names(f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2))
    author = parse_name(text)
    return [author] if author else []


# --- the record ------------------------------------------------------------------------

#: Whole-field values that mean "no value" (R's ``NA``), never data.

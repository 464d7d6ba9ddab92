"""Field normalisation shared by the deduplicators.

Every function here turns one field of a record into the form the comparisons
use: titles folded to lower-case words, authors to family names, journals to
words without the conference suffix, pages to a start and an end page, volumes
and issues to the numbers they contain, DOIs to their bare ``10.`` form.

Why this matters: the same article exported by two databases differs in case,
accents, HTML markup (``<sup>-/-</sup>``), a trailing ``[Russian]``, page
ranges written ``221-8`` or mangled by a spreadsheet into ``01-Oct``, and
journal names given in full or as ISO abbreviations.  None of that may keep
two copies apart, and none of it may make two different articles look alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

# The title, author and text normalisers live in their own modules (one concern
# each); they are re-exported here, the one place the deduplicators import from.
from evidencekit.plugins.deduplicators._names import (  # noqa: F401
    author_families,
    author_keys,
    author_names,
    family_name,
)
from evidencekit.plugins.deduplicators._recurring import (  # noqa: F401
    named_editorial_notes,
    title_recurring,
)
from evidencekit.plugins.deduplicators._text import fold, fold_quick  # noqa: F401
from evidencekit.plugins.deduplicators._titles import (  # noqa: F401
    clean_title,
    footnote_numbers,
    title_info,
    title_kind,
    title_numbers,
    title_words,
)

# -- journals -----------------------------------------------------------------

_CONFERENCE_SUFFIX = re.compile(r"(?:\.|:)\s*(?:conference|meeting|congress|symposium)\b.*$", re.I)
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_JOURNAL_STOP = frozenset(
    {
        "the",
        "of",
        "and",
        "for",
        "in",
        "on",
        "de",
        "des",
        "la",
        "le",
        "et",
        "und",
        "der",
        "die",
        "fur",
        "a",
        "an",
        "du",
        "y",
        "i",
    }
)


@lru_cache(maxsize=50_000)
def journal_words(journal: str) -> str:
    """The journal as words: no conference suffix, place in brackets or articles."""
    if not journal:
        return ""
    journal = _CONFERENCE_SUFFIX.sub("", journal)
    journal = _PARENTHESES.sub(" ", journal)
    words = [w for w in fold(journal).split() if w not in _JOURNAL_STOP]
    return " ".join(words)


def is_abbreviation(short: str, full: str) -> bool:
    """Whether journal words ``short`` abbreviate ``full`` word by word, in order.

    Each short word must begin like its full word and be a subsequence of it
    ("natl" -> "national", "hyg" -> "hygiene"), every full word must be used,
    and an all-initials acronym matches the initials ("pnas", "bmj").
    """
    a, b = short.split(), full.split()
    if not a or not b:
        return False
    if len(a) == 1 and len(b) > 1 and len(a[0]) == len(b) and a[0] == "".join(w[0] for w in b):
        return True
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if len(x) > len(y) or x[0] != y[0]:
            return False
        position = 0
        for char in x:
            position = y.find(char, position) + 1
            if position == 0:
                return False
    return True


def journals_agree(a: str, b: str) -> bool:
    """Whether two normalised journal names name the same journal."""
    if a == b:
        return True
    if len(a) <= len(b):
        return is_abbreviation(a, b)
    return is_abbreviation(b, a)


# -- numbers: volume, issue, pages -------------------------------------------

_INT = re.compile(r"\d+")
_MONTHS = {
    m: str(i)
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_EXCEL_DAY_MONTH = re.compile(r"^\s*(\d{1,2})-([A-Za-z]{3})\s*$")
_EXCEL_MONTH_NUMBER = re.compile(r"^\s*([A-Za-z]{3})-(\d{1,4})\s*$")
_PAGE_TOKEN = re.compile(r"([A-Za-z]{0,3})\s*(\d+)")
_LOST_START = re.compile(r"^\s*[A-Za-z]+\.?\s*-\s*[A-Za-z]{0,3}(\d+)\s*$")
#: Embase's whole citation in the journal field: "Heart. 4 (2) (pp 55-60), 2019. ...".
_PACKED_CITATION = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<volume>\d+)\s*(?:\((?P<issue>[^)]*)\)\s*)?"
    r"\(pp?\.?\s*(?P<pages>[^)]*)\)"
)


def packed_citation(journal: str) -> dict[str, str] | None:
    """The journal, volume, issue and pages of a citation packed in the journal field."""
    if "(p" not in journal:
        return None
    match = _PACKED_CITATION.match(journal)
    return {k: v or "" for k, v in match.groupdict().items()} if match else None


_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-"})


def numbers(text: str) -> str:
    """The integers in ``text`` (volume or issue), without leading zeros, sorted, unique."""
    if not text:
        return ""
    found = {n.lstrip("0") or "0" for n in _INT.findall(text)}
    return " ".join(sorted(found))


@dataclass(frozen=True)
class Pages:
    """A page range: the start and end as digits, and whether the start had a letter."""

    start: str = ""
    end: str = ""
    prefixed: bool = False  # "S354", "e214", "A12": supplement or electronic numbering


def _unmangle(text: str) -> str:
    # A spreadsheet turns "1-10" into "01-Oct" and "8-21" into "Aug-21".
    match = _EXCEL_DAY_MONTH.match(text)
    if match and match.group(2).lower() in _MONTHS:
        return f"{match.group(1)}-{_MONTHS[match.group(2).lower()]}"
    match = _EXCEL_MONTH_NUMBER.match(text)
    if match and match.group(1).lower() in _MONTHS:
        return f"{_MONTHS[match.group(1).lower()]}-{match.group(2)}"
    return text


def pages(text: str) -> Pages:
    """Parse a page field: ``"221-8"`` -> 221-228, ``"S354"``, ``"e0123"``, ``"01-Oct"`` -> 1-10."""
    if not text:
        return Pages()
    text = _unmangle(text.translate(_DASHES))
    lost = _LOST_START.match(text)
    if lost:  # "t-20", "Suppl-11": the first page was lost in the export; only the end is known
        return Pages("", lost.group(1).lstrip("0") or "0", False)
    tokens = _PAGE_TOKEN.findall(text)
    if not tokens:
        return Pages()
    prefix, start = tokens[0]
    start = start.lstrip("0") or "0"
    end = ""
    if len(tokens) > 1:
        end = tokens[1][1].lstrip("0") or "0"
        if len(end) < len(start):  # "221-8" means 221-228, "795-15" 795-815
            full = start[: len(start) - len(end)] + end
            end = full if int(full) >= int(start) else str(int(full) + 10 ** len(end))
    return Pages(start, end, bool(prefix))


def pages_conflict(a: Pages, b: Pages) -> bool:
    """Whether two page ranges cannot belong to the same publication."""
    if not a.start or not b.start or a.start == b.start:
        return False
    # An article number in one export and "1-12" (its own pagination) in another.
    article_number = (a.start == "1" and (b.prefixed or len(b.start) >= 5)) or (
        b.start == "1" and (a.prefixed or len(a.start) >= 5)
    )
    return not article_number


# -- identifiers --------------------------------------------------------------

_DOI = re.compile(r"10\.\d{4,9}/\S+")


def doi(text: str) -> str:
    """The first DOI in ``text``, lower-case, without resolver prefix or trailing punctuation."""
    if not text:
        return ""
    text = text.strip().lower()
    if "%" in text:  # "10.1016/S0025-7753%2817%2930624-3" from a URL
        text = unquote(text)
    match = _DOI.search(text)
    if not match:
        return ""
    value = match.group(0).rstrip(".,;]}>\"'/")  # "10.25300/MISQ/2020/14435/" in Crossref
    while value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip(".,;")
    return value


def pmid(text: str) -> str:
    """The PubMed id as digits, or ``""``."""
    if not text:
        return ""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    return digits.lstrip("0")


_COCHRANE_VERSION = re.compile(r"^(10\.1002/14651858\.[a-z]{2}\d+)(?:\.pub\d+)?$")


def cochrane_review(doi_text: str) -> str:
    """A Cochrane review's DOI without its version (``.pub3``), or ``""`` for other DOIs.

    Each update of a Cochrane review is a new version with its own DOI
    (``10.1002/14651858.CD001234.pub3``) and year; see the ``cochrane_versions`` option.
    """
    match = _COCHRANE_VERSION.match(doi_text) if doi_text else None
    return match.group(1) if match else ""

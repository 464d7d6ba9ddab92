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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

# -- text folding -------------------------------------------------------------

_GREEK = str.maketrans(
    {
        "α": " alpha ",
        "β": " beta ",
        "γ": " gamma ",
        "δ": " delta ",
        "ε": " epsilon ",
        "κ": " kappa ",
        "λ": " lambda ",
        "μ": " mu ",
        "ω": " omega ",
        "τ": " tau ",
        "θ": " theta ",
        "σ": " sigma ",
        "φ": " phi ",
        "ψ": " psi ",
        "χ": " chi ",
        "π": " pi ",
        "ζ": " zeta ",
        "η": " eta ",
        "Α": " alpha ",
        "Β": " beta ",
        "Γ": " gamma ",
        "Δ": " delta ",
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "ı": "i",
        "&": " and ",
    }
)
_SPECIAL = re.compile("[" + "".join(k if isinstance(k, str) else chr(k) for k in _GREEK) + "]")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}\s*/?>")
_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


_ASCII_WORDS = bytes(c if chr(c).isalnum() else 32 for c in range(256)).lower()


def fold_quick(text: str) -> str:
    """A cheaper :func:`fold` that drops non-ASCII characters (for abstracts)."""
    if not text:
        return ""
    return " ".join(text.encode("ascii", "replace").translate(_ASCII_WORDS).decode().split())


def fold(text: str) -> str:
    """Lower-case ``text``, strip accents and markup, keep letters and digits as words."""
    if not text:
        return ""
    if "<" in text:
        text = _TAG.sub("", text)
    if not text.isascii():
        if _SPECIAL.search(text):
            text = text.translate(_GREEK)
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    else:
        text = text.replace("&", " and ")
    return _NON_WORD.sub(" ", text.lower()).strip()


# -- titles -------------------------------------------------------------------

# A translated title often carries its original language in brackets at the end
# ("... atherosclerosis. [Japanese]") in one database and not in another.
_LANG_NOTE = re.compile(r"\s*[\[(]([^\[\]()]{1,40})[\])]\s*\.?\s*$")
_LANGUAGES = frozenset(
    [
        "english",
        "russian",
        "japanese",
        "chinese",
        "german",
        "french",
        "spanish",
        "italian",
        "portuguese",
        "polish",
        "dutch",
        "korean",
        "turkish",
        "czech",
        "hungarian",
        "danish",
        "swedish",
        "norwegian",
        "finnish",
        "greek",
        "hebrew",
        "persian",
        "arabic",
        "croatian",
        "serbian",
        "slovak",
        "slovenian",
        "romanian",
        "bulgarian",
        "ukrainian",
        "lithuanian",
        "latvian",
        "estonian",
        "icelandic",
        "catalan",
        "afrikaans",
        "thai",
        "vietnamese",
        "indonesian",
        "malay",
    ]
)

#: Title markers of a record that is about another record (an erratum, a reply,
#: a comment, a retraction notice). Such a record is never the same publication
#: as the article it refers to, however alike the titles are.
_KIND_PREFIX = re.compile(
    r"^(?:"
    r"(?P<erratum>errat(?:um|a)|corrigend(?:um|a)|correction(?:s)?(?: to| of| notice)?|"
    r"notice of correction|publisher s note|author correction|addendum)|"
    r"(?P<retraction>retract(?:ion|ed)(?: notice| note| of)?|withdrawn|notice of retraction|"
    r"expression of concern)|"
    r"(?P<reply>(?:in )?reply(?: to)?|(?:authors? )?response(?: to)?|rebuttal)|"
    r"(?P<comment>comments? on|comment|commentary(?: on)?|letter to the editor|"
    r"editorial comment|invited commentary)"
    r")\b"
)
_ROMAN = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
    "xi": "11",
    "xii": "12",
}
# Roman numerals that are unambiguous on their own ("i", "v", "x" are words or
# variables unless they follow a word like "part" or "phase").
_ROMAN_ALONE = frozenset({"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"})
_NUMBERED = frozenset(
    {
        "part",
        "phase",
        "type",
        "stage",
        "study",
        "trial",
        "class",
        "grade",
        "section",
        "series",
        "chapter",
        "volume",
        "vol",
        "no",
        "number",
        "step",
        "level",
        "generation",
        "wave",
        "round",
        "cohort",
        "experiment",
        "report",
        "paper",
        "book",
        "period",
        "arm",
    }
)


# Notes databases add to a title: "[Erratum appears in ...]", "[Review] [88 refs]",
# "(multiple letters)", "[1]". A bracket opening the title is kept: a translated
# title is often given whole in brackets.
_NOTE = re.compile(
    r"(?<=\S)\s*\.*\s*\[(?:[^\]]*?\b(?:errat(?:um|a)|comments?|corrected|correction|retract(?:ion|ed)|"
    r"update[sd]?|review|refs?|letter|editorial|abstract|summary|see|published)\b[^\]]*|\d{1,3})(?:\]|$)",
    re.I,
)
_MULTIPLE_LETTERS = re.compile(r"\(\s*multiple letters?\s*\)", re.I)
# Embase and Web of Science give an erratum the title of the article it corrects,
# followed by that article's reference: "(N Engl J Med (2009) 360 (542-544))" or
# "(vol 360, pg 542, 2009)".
_ERRATUM_REFERENCE = re.compile(
    r"\s*\((?:[^()]*\(\s*\d{4}\s*\)[^()]*\(\s*[A-Za-z]?\d+\s*[-\u2013]?\s*\w*\s*\)|"
    r"\s*vol\.?\s*\d+[^()]{0,20}\bpg\.?\s*\w+[^()]*)\)\s*\.?\s*$",
    re.I,
)


def clean_title(title: str) -> tuple[str, bool]:
    """The title without notes a database added, and whether it carried an erratum reference."""
    erratum = False
    if "[" in title:
        title = _NOTE.sub("", title)
    if "(" in title:
        title = _MULTIPLE_LETTERS.sub("", title)
        stripped = _ERRATUM_REFERENCE.sub("", title)
        if stripped != title:
            erratum, title = True, stripped
    for _ in range(3):  # "... [Review] [16 refs] [Romanian]": strip every trailing note
        match = _LANG_NOTE.search(title)
        if not match:
            break
        inner = fold(match.group(1)).split()
        # Only strip the bracket when it names a language or a translation note.
        if inner and (set(inner) & _LANGUAGES or "transl" in inner):
            title = title[: match.start()]
        else:
            break
    return title, erratum


def title_info(title: str) -> tuple[str, str, str]:
    """A title's words, kind and numbers in one pass (see the three functions)."""
    if not title:
        return "", "", ""
    cleaned, erratum = clean_title(title)
    words = fold(cleaned)
    return words, title_kind(title, words, erratum), title_numbers(words)


def title_words(title: str) -> str:
    """The title as lower-case words, without markup and notes added by a database."""
    if not title:
        return ""
    return fold(clean_title(title)[0])


_KIND_SUFFIX = re.compile(r"\b(?:reply|response|erratum|corrigendum|retraction)$")


def title_kind(title: str, words: str, erratum_reference: bool | None = None) -> str:
    """``erratum``, ``retraction``, ``reply``, ``comment``, ``letters``, or ``""``.

    ``letters`` is Embase's record of a letter together with its reply
    ("... (multiple letters)"), which duplicates each of them.
    ``erratum_reference`` is :func:`clean_title`'s second answer, when known.
    """
    if "(" in title and _MULTIPLE_LETTERS.search(title):
        return "letters"
    match = _KIND_PREFIX.match(words)
    if match:
        return match.lastgroup or ""
    if title[:3].lower() == "re:":  # "Re: <title>" is a comment; "Re-evaluation" is not
        return "comment"
    if erratum_reference is None:
        erratum_reference = clean_title(title)[1]
    if erratum_reference:
        return "erratum"
    match = _KIND_SUFFIX.search(words)  # "<title> - Reply"
    if match:
        word = match.group(0)
        return (
            "reply"
            if word in ("reply", "response")
            else ("retraction" if word == "retraction" else "erratum")
        )
    return ""


def title_numbers(words: str) -> str:
    """The numbers a title contains (digits, and Roman numerals that count), sorted.

    "Part I" and "Part II", "phase 2" and "phase 3", "type 1" and "type II"
    differ only in these numbers; two titles whose numbers differ are
    different publications.
    """
    if not words:
        return ""
    out: list[str] = []
    previous = ""
    for word in words.split():
        if word.isdigit():
            out.append(word.lstrip("0") or "0")
        elif word in _ROMAN and (word in _ROMAN_ALONE or previous in _NUMBERED):
            out.append(_ROMAN[word])
        previous = word
    return " ".join(sorted(out))


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
    kept = [w for w in words if w not in _PARTICLES] or words
    return "".join(kept)


@lru_cache(maxsize=100_000)
def _family_key(family: str, has_given: bool) -> tuple[str, tuple[str, ...]]:
    """A family name's key and its words (cached: family names repeat across records)."""
    name = family_name(family, "x" if has_given else "")
    words = tuple(
        w
        for w in fold(family).split()
        if len(w) > 1 and w not in _NOT_NAMES and w not in _PARTICLES
    )
    return ("" if name in _NOT_NAMES else name), words


@lru_cache(maxsize=100_000)
def _given_words(given: str) -> tuple[str, ...]:
    return tuple(w for w in fold(given).split() if len(w) > 1 and w not in _NOT_NAMES)


def author_keys(authors: Sequence[Any], limit: int = 12) -> tuple[list[str], str]:
    """Family names of the first ``limit`` authors, and every word of their names.

    The second view serves exports that swap family and given names
    ("Ching-yi, Wu") or put a whole name in the family field ("Si Hyun Kang").
    "et al", "Anonymous" and empty names are skipped.
    """
    families: list[str] = []
    words: list[str] = []
    for author in list(authors)[:limit]:
        family = getattr(author, "family", None)
        if family is None:
            family, given = str(author), ""
        else:
            given = getattr(author, "given", "") or ""
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
    tokens = _PAGE_TOKEN.findall(text)
    if not tokens:
        return Pages()
    prefix, start = tokens[0]
    start = start.lstrip("0") or "0"
    end = ""
    if len(tokens) > 1:
        end = tokens[1][1].lstrip("0") or "0"
        if len(end) < len(start):  # "221-8" means 221-228
            end = start[: len(start) - len(end)] + end
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
    value = match.group(0).rstrip(".,;]}>\"'")
    while value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip(".,;")
    return value


def pmid(text: str) -> str:
    """The PubMed id as digits, or ``""``."""
    if not text:
        return ""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    return digits.lstrip("0")

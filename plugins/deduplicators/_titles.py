"""Title normalisation: database notes removed, kind (erratum, reply ...), numbers, recurring items.

A title's words decide most matches, so what a database adds to a title
(``[Review]``, ``[Japanese]``, an erratum's reference) is removed, and what
makes two alike titles different publications is read from it: its kind
(an erratum is not its article) and its numbers ("Part I" / "Part II").
"""

from __future__ import annotations

import re

from evidencekit.plugins.deduplicators._text import fold

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
    r"(?P<reply>(?:in )?reply(?: to)?|(?:authors? (?:s )?)?response(?: to)?|rebuttal|rejoinder)|"
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
    if "." in title:
        # Embase: "English title. German\nOriginal title" (the language, then the
        # title in its own language on the next line): keep the English title.
        head, _, tail = title.partition("\n") if "\n" in title else (title, "", "")
        english, dot, language = head.rpartition(".")
        if dot and language.strip().lower() in _LANGUAGES and language.strip().istitle():
            title = english
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


# A footnote mark after a title set in capitals (PDF metadata: "... INFLUENCERS 1").
_FOOTNOTE = re.compile(r"\s*[1-9\u00b9\u00b2\u00b3*\u2020](?:\s*,\s*[1-9*\u2020])*\s*$")


_FOOTNOTE_ENDS = frozenset("123456789*\u2020\u00b9\u00b2\u00b3")
# A footnote mark glued to a title's last word ("... Interorganizational Systems1").
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z]{5})[1-9*\u2020\u00b9]$")


def _strip_footnote(title: str) -> str:
    title = title.rstrip()
    # A PDF's metadata runs the byline on after the footnote mark: "... USERS 1 Ofir
    # Turel" (a title in capitals), "... The TRW Process 1 By: Larry Railing Space and
    # Defense Sector" (any case). Cheap guards first: most titles are neither.
    if " By:" in title:
        byline = _FOOTNOTE_BYLINE.search(title)
        if byline and len(title[: byline.start()].split()) >= 4:
            return title[: byline.start()]
    if title[:12].isupper() and title[-1:].isalpha():
        named = _FOOTNOTE_NAME.search(title)
        if named and _capitals(title[: named.start()]):
            return title[: named.start()]
    if not title or title[-1] not in _FOOTNOTE_ENDS:  # the common case, without a regex
        return title
    glued = _GLUED_FOOTNOTE.search(title)
    if glued:
        return title[: glued.start()]
    match = _FOOTNOTE.search(title)
    if not match:
        return title
    head = title[: match.start()]
    letters = [c for c in head if c.isalpha()]
    last = head.split()[-1].lower() if head.split() else ""
    # Only a title in capitals (a PDF's running title) and not "PART 1" / "PHASE 2".
    capitals = len(letters) >= 10 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)
    if capitals and last not in _NUMBERED:
        return head
    return title


#: Words after which a trailing number is the title's own ("Part 1"); "A Case Study 1",
#: "A Field Experiment 1" in a PDF's metadata end with a footnote mark.
_FOOTNOTE_NUMBERED = _NUMBERED - {"study", "experiment", "report", "paper"}


# A footnote mark after a title in capitals, then the first author's name (a PDF's
# metadata: "INFORMATION TECHNOLOGY AND FIRM PROFITABILITY ... 1 Sunil Mithas").
_FOOTNOTE_NAME = re.compile(r"\s[1-9*\u2020]\s+[A-Z][a-z]+(?:\s+[A-Z][a-z.]*){0,3}$")
# ... or a byline in any case: "... The TRW Process 1 By: Larry Railing Space and Defense".
_FOOTNOTE_BYLINE = re.compile(r"\s[1-9*\u2020](?:\s*,\s*[1-9*\u2020])*\s+By:\s")


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 10 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def footnote_numbers(title: str, numbers: str) -> str:
    """The title's numbers without a trailing mark that may be a footnote, else ``numbers``.

    A PDF's metadata keeps the footnote mark of a title in any case ("... A Case Study 1",
    "... Perspective*"); :func:`_strip_footnote` drops it only from a title in capitals,
    where it cannot be part of the title. Here any trailing mark not after a numbering
    word ("Part 1", "Study 2") is set aside, so that a pair is not held apart by it when
    the other title has no such number; two different marks ("... 1" / "... 2") still
    differ (see ``_features.compare``).
    """
    # A mark with stray characters after it ("... Intentions1,="), as a PDF's text layer
    # may give it.
    title = title.rstrip().rstrip(",;:=").rstrip()
    if title.endswith(" I") and " " in title[:-2]:  # the mark "1" read as "I" by OCR
        head = title[:-2].split()
        if head[-1].lower().strip(".,:;") not in _FOOTNOTE_NUMBERED and not _capitals(title):
            return title_numbers(fold(clean_title(title[:-2])[0]))
    named = _FOOTNOTE_NAME.search(title) if " " in title else None
    if named and _capitals(title[: named.start()]):  # "... THREATS 1 Yang Pan"
        return title_numbers(fold(clean_title(title[: named.start()])[0]))
    if not title or title[-1] not in _FOOTNOTE_ENDS:
        return numbers
    glued = _GLUED_FOOTNOTE.search(title)
    match = glued or _FOOTNOTE.search(title)
    if not match or title[: match.start()][-1:].isdigit():  # "... in 2019": a number's digit
        return numbers
    head = title[: match.start()].split()
    if not head or head[-1].lower().strip(".,:;") in _FOOTNOTE_NUMBERED:
        return numbers
    return title_numbers(fold(clean_title(title[: match.start()])[0]))


def title_info(title: str) -> tuple[str, str, str]:
    """A title's words, kind and numbers in one pass (see the three functions)."""
    if not title:
        return "", "", ""
    cleaned, erratum = clean_title(_strip_footnote(title))
    words = fold(cleaned)
    return words, title_kind(title, words, erratum), title_numbers(words)


def title_words(title: str) -> str:
    """The title as lower-case words, without markup and notes added by a database."""
    if not title:
        return ""
    return fold(clean_title(title)[0])


#: "<title> - Reply", "<title> - An Addendum" (a notice added to an article, like an erratum).
_KIND_SUFFIX = re.compile(r"\b(?:reply|response|erratum|corrigendum|retraction|addendum)$")


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


_DIGIT_RUN = re.compile(r"\d+")
#: Roman numerals as a PDF's text layer reads them ("PART I1", "Part Il" for "Part II").
_OCR_ROMAN = {"i1": "2", "1i": "2", "il": "2", "li": "2", "i11": "3", "ii1": "3", "1ii": "3"}


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
        if word.isalpha():
            if word in _ROMAN and (word in _ROMAN_ALONE or previous in _NUMBERED):
                out.append(_ROMAN[word])
        elif word.isdigit():
            out.append(word.lstrip("0") or "0")
        elif previous in _NUMBERED and word in _OCR_ROMAN:  # "Part I1": OCR of "Part II"
            out.append(_OCR_ROMAN[word])
        else:
            # "beta1" / "beta-1", "covid19" / "COVID-19": a number glued to a word is
            # the same number as one after a hyphen (folded to a space).
            out.extend(n.lstrip("0") or "0" for n in _DIGIT_RUN.findall(word))
        previous = word
    return " ".join(sorted(out))

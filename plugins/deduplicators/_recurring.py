"""Recurring titles: items that recur for *different* records, and named editor's notes.

Kept apart from ``_titles`` (the normalisation of one title): "Editor's Comments",
"Reply", front matter recur in every issue, and a year-less editor's note is named by
its subtitle only when the other year-less records of its issue allow it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Titles that recur in every issue or every year for *different* items: notes of
#: the editor, introductions, replies, corrections, reviews, front matter. Two
#: records with such a title are the same item only when the citation says so.
_RECURRING = re.compile(
    r"^(?:"
    r"editorials?(?: comments?| notes?| introduction)?$|guest editorial|"
    r"editor s (?:comments?|notes?|introduction|letter|preface|remarks)|"
    r"editors (?:comments?|notes?|introduction|letter|preface|remarks)|"
    r"(?:remarks|message|letter|notes?|comments?|words?|report) (?:from|of) (?:the )?"
    r"(?:\w+ ){0,5}(?:editors?|chairs?|president|editor in chief)\b|"
    r"from the (?:\w+ ){0,2}(?:editors?|chairs?|president|desk)\b|"
    r"(?:guest )?editor s? introduction|"
    r"introduction(?: to (?:the|this) (?:special|focus|theme|issue)\b.*)?$|"
    r"(?:preface|foreword|prologue|epilogue|overview|announcements?|news|obituary)$|"
    r"(?:in )?this issue\b|issue information|(?:front|back) matter|(?:front |back )?cover$|"
    r"table of contents|contents$|masthead|editorial board|call for papers|"
    r"(?:author|subject|cumulative) index|index$|book reviews?|reviews?$|reviewers?$|"
    r"(?:acknowledg\w* (?:to )?(?:the |our )?)?reviewers?(?: acknowledg\w*| \d{4})?$|"
    r"(?:in )?reply\b|authors? s? (?:reply|response)|rejoinder|responses?$|"
    r"response to (?:the |a |an )?(?:comments?|letters?|critique|commentary|editorial|reviewers?|"
    r"discussion|correspondence|criticism)\b|"
    r"corrigend|errat|corrections?$|correction (?:to|of|notice)\b|retraction|"
    r"expression of concern|"
    r"letters? to the editor|welcome message|message from|"
    r"(?:program |organi[sz]ing |steering )?committees?$|keynote|title page|copyright"
    r")"
)


def title_recurring(words: str) -> bool:
    """Whether a folded title is one that recurs for different items ("Editor's Comments")."""
    return bool(words) and _RECURRING.match(words) is not None


#: The heading of an editor's note or an introduction, which a subtitle of its own may
#: follow ("Editor's Comments: Does MIS Have Native Theories?"). Not replies, errata,
#: corrections or reviews: their subtitle is the title of the item they answer or
#: correct, which two different notices share.
_EDITORIAL_HEAD = re.compile(
    r"^(?:guest editorials?|editorials?|editor s (?:comments?|notes?|introduction|letter|"
    r"preface|remarks)|editors (?:comments?|notes?|introduction|letter|preface|remarks)|"
    r"(?:guest )?editor s? introduction|from the (?:\w+ ){0,2}?editors?|"
    r"introduction to (?:the|this) (?:special|focus|theme) (?:issue|section)(?: on| of)?)\b"
)
#: An editor's note anywhere in a title, as a PDF's running header gives it
#: ("Saunders/Editor's Comments", "Remarks from MIS Quarterly Editor").
_EDITORIAL_ANYWHERE = re.compile(
    r"\b(?:editor s|editors|editorial|introduction to (?:the|this) special issue|"
    r"(?:remarks|message|letter|notes?|comments?) (?:from|of) (?:the )?(?:\w+ ){0,4}editors?)\b"
)
#: Words of a subtitle that name the issue, not the note ("Volume 29 Iss. 3").
_ISSUE_WORDS = frozenset({"volume", "vol", "issue", "iss", "no", "number", "nr"})


@lru_cache(maxsize=10_000)
def editorial_subtitle(words: str) -> str:
    """The subtitle of an editor's note or introduction (folded words), or ``""``.

    "editor s comments does mis have native theories" -> "does mis have native
    theories"; a bare heading, or one followed only by the issue's numbers
    ("Editor's Notes Volume 29 Iss. 3"), has none.
    """
    match = _EDITORIAL_HEAD.match(words) if words else None
    if not match:
        return ""
    rest = words[match.end() :].split()
    kept = [w for w in rest if not w.isdigit() and w not in _ISSUE_WORDS]
    return " ".join(rest) if len(kept) >= 2 else ""


def named_editorial_notes(title: Any, volume: Any, issue: Any, year: Any) -> Any:
    """Flag year-less editor's notes named by a subtitle, alone of their kind in their issue.

    A PDF's metadata has neither year nor pages, so two editor's notes of one issue
    ("Editor's Comments" and an introduction to a special issue) are told apart by
    their subtitles alone; and a file whose metadata reads the editor's note printed
    before its own article takes the note's title. So a year-less note is named by
    its subtitle only when no other year-less record of its issue carries an
    editor's heading (``Saunders/Editor's Comments``, a running header, counts).
    """
    import numpy as np

    n = len(title)
    out = np.zeros(n, bool)
    editorial: dict[tuple[str, str], int] = {}
    candidates = []
    for k in np.flatnonzero(np.asarray(year) == 0).tolist():
        words = title[k]
        if not words or not volume[k] or not issue[k]:
            continue
        if _EDITORIAL_ANYWHERE.search(words):
            key = (volume[k], issue[k])
            editorial[key] = editorial.get(key, 0) + 1
            if editorial_subtitle(words):
                candidates.append(k)
    for k in candidates:
        out[k] = editorial[(volume[k], issue[k])] == 1
    return out

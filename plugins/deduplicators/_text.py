"""Text folding shared by the deduplicators' normalisers: case, accents, markup, Greek letters.

Two exports of one article differ in case, accents, HTML markup
(``<sup>-/-</sup>``) and the spelling of Greek letters (α / alpha); folding
turns every such text into the same lower-case ASCII words.
"""

from __future__ import annotations

import re
import unicodedata

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

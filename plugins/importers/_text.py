"""One-line and multi-line text as every importer cleans it (white space, HTML entities and
inline tags). A module of its own so the name parser and the field normaliser can both use it
without importing each other."""

from __future__ import annotations

import html
import re

_TAG = re.compile(
    r"</?(?:i|b|em|strong|sup|sub|inf|span|p|br|scp|u|mml:[a-z]+|jats:[a-z]+)"
    r"(?:\s[^<>]*)?/?>",
    re.I,
)


def clean(value: object) -> str:
    """One-line text: white space collapsed, HTML entities and inline tags removed."""
    if not value:
        return ""
    text = value if type(value) is str else str(value)
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    # Why the fast path: most values are already clean, and this runs ~25 times a record.
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\xa0" in text:
        if "-\n" in text or "-\r" in text:  # "beta-" + line break + "1": keep "beta-1" whole
            text = _HYPHEN_BREAK.sub("-", text)
        return " ".join(text.split())  # C-speed; a regex sub is ~5x slower on abstracts
    return text.strip()


_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=\d)")


def clean_block(value: object) -> str:
    """Multi-line text (abstracts): spaces collapsed within lines, line breaks kept."""
    if not value:
        return ""
    text = value if type(value) is str else str(value)
    if "\n" not in text:
        return clean(text)
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "  " in text or "\t" in text or "\r" in text or "\xa0" in text or "\f" in text:
        lines = [" ".join(line.split()) for line in text.split("\n")]
    else:
        lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)

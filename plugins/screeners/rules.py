"""The ``rules`` screener: a protocol's machine-checkable eligibility criteria.

Options (review.yaml ``screening.rules``)::

    languages: [English, French]        # a record in another language is ineligible
    published_on_or_before: "2018-07"   # YYYY, YYYY-MM or YYYY-MM-DD
    published_on_or_after: "1990"
    publication_types: {exclude: [Editorial, Comment]}   # or {include: [...]}
    exclude_terms: [substance misuse]   # in the title or abstract (case ignored)

A rule that cannot tell (a record without a language, a year, a type) lets the record
through: a person screens it. A record of the cut-off year whose month is unknown is
kept too. Each excluded record comes back with the first rule that fired and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core import hookimpl

#: ISO 639 codes (two and three letters) of common languages → the English name.
LANGUAGE_NAMES = {
    "en": "english",
    "eng": "english",
    "fr": "french",
    "fre": "french",
    "fra": "french",
    "de": "german",
    "ger": "german",
    "deu": "german",
    "es": "spanish",
    "spa": "spanish",
    "he": "hebrew",
    "heb": "hebrew",
    "lg": "luganda",
    "lug": "luganda",
    "sw": "swahili",
    "swa": "swahili",
    "it": "italian",
    "ita": "italian",
    "pt": "portuguese",
    "por": "portuguese",
    "nl": "dutch",
    "dut": "dutch",
    "nld": "dutch",
    "zh": "chinese",
    "chi": "chinese",
    "zho": "chinese",
    "ja": "japanese",
    "jpn": "japanese",
    "ru": "russian",
    "rus": "russian",
    "ko": "korean",
    "kor": "korean",
    "pl": "polish",
    "pol": "polish",
    "tr": "turkish",
    "tur": "turkish",
    "ar": "arabic",
    "ara": "arabic",
    "sv": "swedish",
    "swe": "swedish",
    "da": "danish",
    "dan": "danish",
    "no": "norwegian",
    "nor": "norwegian",
    "fi": "finnish",
    "fin": "finnish",
    "el": "greek",
    "gre": "greek",
    "ell": "greek",
    "hu": "hungarian",
    "hun": "hungarian",
    "cs": "czech",
    "cze": "czech",
    "ces": "czech",
    "fa": "persian",
    "per": "persian",
    "fas": "persian",
}
_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def language_name(value: str) -> str:
    """A language as a comparable name: ``eng``, ``en``, ``English`` → ``english``."""
    text = value.strip().casefold()
    return LANGUAGE_NAMES.get(text, text)


def record_languages(value: str) -> list[str]:
    """The languages of a record (``"eng; fre"`` holds two)."""
    return [language_name(p) for p in re.split(r"[;,/]| and ", value) if p.strip()]


def _month_of(record: Any) -> int | None:
    """The publication month where the raw fields say it (RIS DA/PY, MEDLINE DP, CSV)."""
    for key in ("DA", "PY", "Y1", "DP", "date", "month", "published month"):
        for value in (
            record.raw.get(key, [])
            if isinstance(record.raw.get(key), list)
            else [record.raw.get(key, "")]
        ):
            text = str(value or "")
            match = re.search(r"\d{4}[/-](\d{1,2})\b", text)
            if match and 1 <= int(match.group(1)) <= 12:
                return int(match.group(1))
            match = re.search(
                r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", text, re.IGNORECASE
            )
            if match:
                return MONTHS[match.group(1).lower()]
    return None


def _after(record: Any, cutoff: str) -> str | None:
    """Why the record is published after ``cutoff`` (None if not, or unknown)."""
    if record.year is None:
        return None
    year, _, rest = cutoff.partition("-")
    if record.year > int(year):
        return f"published {record.year}, after {cutoff}"
    if record.year == int(year) and rest:
        month = _month_of(record)
        if month is not None and month > int(rest[:2]):
            return f"published {record.year}-{month:02d}, after {cutoff}"
    return None


def _before(record: Any, cutoff: str) -> str | None:
    if record.year is None:
        return None
    year, _, rest = cutoff.partition("-")
    if record.year < int(year):
        return f"published {record.year}, before {cutoff}"
    if record.year == int(year) and rest:
        month = _month_of(record)
        if month is not None and month < int(rest[:2]):
            return f"published {record.year}-{month:02d}, before {cutoff}"
    return None


class RulesScreener:
    """Marks records ineligible by the protocol's machine-checkable criteria."""

    name = "rules"
    description = (
        "Eligibility rules: languages, publication-date cut-offs, publication "
        "types, exclusion terms in title/abstract"
    )
    reads_decision_files = False
    options_schema: Mapping[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "stage": {
                "type": "string",
                "description": "Stage the exclusions count at (default: the first).",
            },
            "languages": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "published_on_or_before": {
                "type": "string",
                "pattern": _DATE,
                "description": "YYYY, YYYY-MM or YYYY-MM-DD",
            },
            "published_on_or_after": {
                "type": "string",
                "pattern": _DATE,
                "description": "YYYY, YYYY-MM or YYYY-MM-DD",
            },
            "publication_types": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "include": {"type": "array", "items": {"type": "string"}},
                    "exclude": {"type": "array", "items": {"type": "string"}},
                },
            },
            "exclude_terms": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    }

    def screen(
        self, records: Sequence[Any], options: Mapping[str, Any], context: Any = None
    ) -> list[tuple[str, str, str]]:
        """``(record_id, rule, detail)`` for every record a rule excludes (first rule only)."""
        languages = {language_name(v) for v in options.get("languages") or ()}
        before = options.get("published_on_or_before")
        after = options.get("published_on_or_after")
        types = options.get("publication_types") or {}
        keep_types = {t.casefold() for t in types.get("include") or ()}
        drop_types = {t.casefold() for t in types.get("exclude") or ()}
        terms = [t for t in options.get("exclude_terms") or () if t.strip()]
        pattern = (
            re.compile("|".join(r"\b" + re.escape(t) + r"\b" for t in terms), re.IGNORECASE)
            if terms
            else None
        )
        out = []
        for r in records:
            why = None
            found = record_languages(r.language) if r.language else []
            if languages and found and not set(found) & languages:
                why = (
                    "language",
                    f"language {r.language!r} is not one of "
                    f"{', '.join(sorted(options['languages']))}",
                )
            if why is None and before and (detail := _after(r, str(before))):
                why = ("published_on_or_before", detail)
            if why is None and after and (detail := _before(r, str(after))):
                why = ("published_on_or_after", detail)
            kind = r.publication_type.casefold()
            if (
                why is None
                and kind
                and (kind in drop_types or (keep_types and kind not in keep_types))
            ):
                why = ("publication_types", f"publication type {r.publication_type!r}")
            if why is None and pattern is not None:
                match = pattern.search(f"{r.title}\n{r.abstract}")
                if match:
                    why = ("exclude_terms", f"{match.group(0)!r} in the title or abstract")
            if why is not None:
                out.append((r.record_id, *why))
        return out


@hookimpl
def evidencekit_screeners() -> list[Any]:
    return [RulesScreener()]

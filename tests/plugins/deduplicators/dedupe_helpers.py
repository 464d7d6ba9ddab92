"""Helpers for the deduplicator tests: build records tersely, run a provider.

Imported by the test modules of this folder (pytest puts the folder on sys.path).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from evidencekit.core.duplicate_links import DedupeResult
from evidencekit.core.model import Author, Record
from evidencekit.plugins.deduplicators.exact import ExactDeduplicator
from evidencekit.plugins.deduplicators.fuzzy import FuzzyDeduplicator


def authors(text: str) -> list[Author]:
    """``"Smith, J; Jones, A B"`` -> authors."""
    out = []
    for part in text.split(";"):
        if part.strip():
            family, _, given = part.partition(",")
            out.append(Author(family.strip(), given.strip()))
    return out


def rec(rid: str, title: str = "", au: str = "", year: int | None = None, **fields: str) -> Record:
    """A record with id ``rid``; other fields by keyword (journal, volume, issue, pages, doi...)."""
    return Record(record_id=rid, title=title, authors=authors(au), year=year, **fields)


def pairs(clusters: Iterable[Sequence[str]]) -> set[tuple[str, str]]:
    return {p for c in clusters for p in itertools.combinations(sorted(c), 2)}


def fuzzy(
    records: Sequence[Record], options: dict | None = None, decisions: dict | None = None
) -> DedupeResult:
    return FuzzyDeduplicator().find_duplicates(records, options or {}, decisions or {})


def exact(
    records: Sequence[Record], options: dict | None = None, decisions: dict | None = None
) -> DedupeResult:
    return ExactDeduplicator().find_duplicates(records, options or {}, decisions or {})


def article() -> dict:
    """A typical journal article's fields."""
    return {
        "title": "Peer support workers in mental health services: a randomised controlled trial",
        "au": "Smith, Jane; Jones, Ann B; Brown, Carl",
        "year": 2019,
        "journal": "British Journal of Psychiatry",
        "volume": "214",
        "issue": "3",
        "pages": "145-152",
    }

"""Pairs and their ids, and the review's ``dedupe:`` settings."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evidencekit.core.errors import PipelineError

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review


DEFAULT_METHOD = "fuzzy"


DECISIONS = ("same", "different")


#: Columns of ``dedupe review --csv``; ``decision`` (same / different / empty) is read back.
REVIEW_COLUMNS = (
    "pair_id",
    "record_a",
    "record_b",
    "score",
    "reason",
    "title_a",
    "title_b",
    "year_a",
    "year_b",
    "authors_a",
    "authors_b",
    "journal_a",
    "journal_b",
    "volume_a",
    "volume_b",
    "pages_a",
    "pages_b",
    "doi_a",
    "doi_b",
    "pmid_a",
    "pmid_b",
    "source_a",
    "source_b",
    "note",
    "decision",
)


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair of record ids in a canonical order."""
    return (a, b) if a <= b else (b, a)


def make_pair_id(a: str, b: str) -> str:
    """A short stable id for a pair of records (the same whichever order)."""
    x, y = pair_key(a, b)
    return "p" + hashlib.sha256(f"{x}|{y}".encode()).hexdigest()[:10]


def dedupe_settings(
    review: Review, method: str | None = None, options: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """The method and its validated options.

    review.yaml may say ``dedupe: {method: NAME, options: {...}}``; ``options``
    belong to that method. ``method`` given here (``--method``) overrides it; the
    file's options are then used only if they name the same method.
    """
    section = review.section("dedupe")
    unknown = sorted(set(section) - {"method", "options"})
    if unknown:
        raise PipelineError(
            f"{review.file}: dedupe: unknown key(s) {', '.join(unknown)}; "
            "expected 'method' and 'options'"
        )
    configured = section.get("method") or DEFAULT_METHOD
    chosen = method or configured
    if options is None:
        options = section.get("options") or {} if chosen == configured else {}
    if not isinstance(options, Mapping):
        raise PipelineError(f"{review.file}: dedupe.options must be a mapping")
    return chosen, review.registry.validate_options("deduplicator", chosen, options)

"""What the rules answer per pair, and why.

``Verdicts`` holds the rules' answer for a batch of pairs; ``coherence`` says which pairs
may share a cluster and ``score`` ranks them (both from the masks ``_rules.judge``
computed, ``m``); ``reason`` is the one-line account of a link or a review pair that
``records show`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evidencekit.plugins.deduplicators._features import PairFeatures


@dataclass
class Verdicts:
    """Per pair: linked, uncertain, compatible in one cluster, score, rule name."""

    link: Any
    uncertain: Any
    compatible: Any
    score: Any
    rule: Any  # object array of rule names ("" when not linked)


def reason(f: PairFeatures, k: int, rule: str) -> str:
    """A one-line account of why pair ``k`` was linked (or sent for review)."""
    import math

    parts = [rule or "uncertain"]
    if f.doi[k] == 1:
        parts.append("doi =")
    if f.pmid[k] == 1:
        parts.append("pmid =")
    if not math.isnan(f.title[k]):
        parts.append(f"title {f.title[k]:.2f}" + (" (contained)" if f.title_contained[k] else ""))
    if not math.isnan(f.authors[k]):
        parts.append(f"authors {f.authors[k]:.2f}")
    if f.year_gap[k] >= 0:
        parts.append("year =" if f.year_gap[k] == 0 else f"year ±{f.year_gap[k]}")
    if f.journal_agree[k]:
        parts.append("journal =")
    for name, value in (("volume", f.volume[k]), ("issue", f.issue[k]), ("pages", f.pages[k])):
        if value == 1:
            parts.append(f"{name} =")
        elif value == -1:
            parts.append(f"{name} ≠")
    if not math.isnan(f.abstract[k]):
        parts.append(f"abstract {f.abstract[k]:.2f}")
    return ", ".join(parts)


def coherence(f: PairFeatures, m: Any) -> Any:
    """Per pair: may the two records share a cluster (checked for every pair of a cluster)?"""
    compat_special = (f.kind_differs & ~m.bundle & ~m.letter_reply) | (
        f.title_numbers_differ & ~m.identifier_same
    )
    # For a cluster, a DOI data error also reads where one copy lacks the year or pages.
    copy_agrees = (
        m.title_alike
        & ~f.title_numbers_differ
        & ~f.kind_differs
        & m.authors_alike
        & (m.year_same | ~m.year_known)
        & f.journal_related
        & m.volume_same
        & (f.issue == 1)
        & (f.pages != -1)
        & ~m.recurring
    )
    compatible = (
        ~(m.identifier_conflict & ~copy_agrees)
        & (m.year_ok | m.cochrane_link)
        & ~(compat_special & ~m.bib_identical)
        & m.titles_compatible
        & (~m.hard_conflict | m.identifier_strong | m.letter_reply)
        # (in a cluster, one long title in one issue reads across garbled author lists)
        & (
            m.authors_not_different
            | m.identifier_strong
            | m.bundle
            | m.letter_reply
            | m.one_issue_title
        )
    ) | m.link  # a pair the rules link may share a cluster (a translated title, one citation)
    return compatible & ~f.yearless_copy


def score(m: Any) -> Any:
    """The score of a link or a review pair (0 to 2; it ranks pairs, it is no probability)."""
    import numpy as np

    s = np.where(m.has_title, m.t, 0.5) * 0.6 + np.where(m.authors_known, m.au, 0.5) * 0.2
    s = s + 0.2 * np.minimum(m.strong, 2) / 2 + m.identifier_same
    return s.astype(np.float64)

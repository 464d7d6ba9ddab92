"""What the rules answer per pair, and why.

``Verdicts`` holds the rules' answer for a batch of pairs; ``reason`` is the one-line
account of a link or a review pair that ``records show`` prints.
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

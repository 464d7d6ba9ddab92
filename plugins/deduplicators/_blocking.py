"""Blocking: the candidate pairs worth comparing, without comparing all pairs.

Each record gets a handful of keys; two records are compared only when they
share a key. Several independent keys keep recall high when one field is
wrong or missing in one export:

* ``doi`` and ``pmid``: the identifiers themselves;
* ``title-start`` and ``title-end``: the first and the last three title words
  (a typo or a prefix such as "Short report:" spoils only one of the two);
* ``title-rare``: each pair of the title's three rarest words (by document
  frequency in the batch), which survive word order changes, typos in the
  other words, and truncated titles;
* ``author-year``: first author's family name and the year (different or
  translated titles);
* ``volume-page``: volume and first page (a missing or mangled title);
* ``title-year`` (used by ``exact`` only): the whole normalised title and the year.

A key shared by more than ``max_block`` records is skipped (it is not
selective, e.g. a title "Reply" or a very common name in one year), so the
number of pairs grows linearly with the number of records, at most
``len(keys) * max_block / 2`` per record. Skipped keys are counted in the
statistics.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from evidencekit.plugins.deduplicators._features import Prepared

#: Very common English title words that are useless as rare tokens.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "without",
        "vs",
        "versus",
        "their",
        "than",
        "that",
        "this",
        "these",
        "those",
        "after",
        "before",
        "between",
        "during",
        "among",
        "using",
        "use",
        "via",
    ]
)

KEY_KINDS = ("doi", "pmid", "title-start", "title-end", "title-rare", "author-year", "volume-page")


def record_keys(p: Prepared, kinds: tuple[str, ...] = KEY_KINDS) -> list[list[str]]:
    """The blocking keys of every record."""
    titles = p.title
    frequency: Counter[str] = Counter()
    if "title-rare" in kinds:
        for words in titles:
            if words:
                frequency.update(set(words.split()))
    out: list[list[str]] = []
    for k in range(len(p)):
        keys: list[str] = []
        if "doi" in kinds and p.doi[k]:
            keys.append("d|" + p.doi[k])
        if "pmid" in kinds and p.pmid[k]:
            keys.append("m|" + p.pmid[k])
        words = titles[k].split()
        if len(words) >= 2:
            if "title-start" in kinds:
                keys.append("s|" + " ".join(words[:3]))
            if "title-end" in kinds and len(words) >= 4:
                keys.append("e|" + " ".join(words[-3:]))
            if "title-rare" in kinds:
                useful = sorted(
                    {w for w in words if len(w) > 2 and w not in STOPWORDS},
                    key=lambda w: (frequency[w], w),
                )[:3]
                for x in range(len(useful)):
                    for y in range(x + 1, len(useful)):
                        a, b = sorted((useful[x], useful[y]))
                        keys.append(f"r|{a} {b}")
        if "author-year" in kinds and p.first_author[k] and p.year[k]:
            keys.append(f"a|{p.first_author[k]}|{p.year[k]}")
        if "volume-page" in kinds and p.volume[k] and p.page_start[k]:
            keys.append(f"v|{p.volume[k]}|{p.page_start[k]}")
        if "title-year" in kinds and titles[k] and p.year[k]:
            keys.append(f"t|{p.year[k]}|{titles[k]}")
        out.append(keys)
    return out


def candidate_pairs(
    p: Prepared, max_block: int = 100, kinds: tuple[str, ...] = KEY_KINDS
) -> tuple[Any, Any, dict[str, float]]:
    """Index arrays ``(i, j)`` with ``i < j`` of every pair sharing a selective key."""
    import numpy as np

    blocks: dict[str, list[int]] = {}
    for k, keys in enumerate(record_keys(p, kinds)):
        for key in keys:
            blocks.setdefault(key, []).append(k)
    left: list[int] = []
    right: list[int] = []
    skipped = 0
    skipped_records = 0
    for members in blocks.values():
        size = len(members)
        if size < 2:
            continue
        if size > max_block:
            skipped += 1
            skipped_records += size
            continue
        for x in range(size - 1):
            a = members[x]
            rest = members[x + 1 :]
            left.extend([a] * len(rest))
            right.extend(rest)
    n = len(p)
    i = np.asarray(left, dtype=np.int64)
    j = np.asarray(right, dtype=np.int64)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    codes = np.unique(lo * n + hi) if len(lo) else np.zeros(0, np.int64)
    stats = {
        "blocks": float(len(blocks)),
        "blocks_skipped": float(skipped),
        "records_in_skipped_blocks": float(skipped_records),
        "candidate_pairs": float(len(codes)),
    }
    return codes // n if n else codes, codes % n if n else codes, stats

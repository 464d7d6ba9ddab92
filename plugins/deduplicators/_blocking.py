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

A key shared by more than ``full_block`` records (a common title start, a
frequent name in one year) is not compared all against all: its records are
sorted by title and each is compared with its next ``window`` neighbours. So
the number of pairs is at most about ``len(keys) * max(full_block / 2,
window)`` per record and grows linearly with the number of records.
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
    # Every word's rank from rarest to commonest (ties by the word itself), so
    # picking a title's rarest words is a plain sort on a dict lookup.
    rarity = {w: k for k, w in enumerate(sorted(frequency, key=lambda w: (frequency[w], w)))}
    want = set(kinds)
    use_doi, use_pmid = "doi" in want, "pmid" in want
    use_start, use_end, use_rare = "title-start" in want, "title-end" in want, "title-rare" in want
    use_author, use_page, use_year = (
        "author-year" in want,
        "volume-page" in want,
        "title-year" in want,
    )
    rank_of = rarity.__getitem__
    stop = STOPWORDS
    out: list[list[str]] = []
    # Plain lists, not the arrays: indexing an object array element by element is slow.
    columns = (p.doi, p.pmid, titles, p.year, p.first_author, p.volume, p.page_start)
    for doi, pmid, title, year, first, volume, page in zip(
        *(c.tolist() if hasattr(c, "tolist") else list(c) for c in columns), strict=True
    ):
        keys: list[str] = []
        if use_doi and doi:
            keys.append("d|" + doi)
        if use_pmid and pmid:
            keys.append("m|" + pmid)
        words = title.split()
        if len(words) >= 2:
            if use_start:
                keys.append("s|" + " ".join(words[:3]))
            if use_end and len(words) >= 4:
                keys.append("e|" + " ".join(words[-3:]))
            if use_rare:
                useful = sorted({w for w in words if len(w) > 2 and w not in stop}, key=rank_of)[:3]
                useful.sort()
                for x in range(len(useful)):
                    for y in range(x + 1, len(useful)):
                        keys.append(f"r|{useful[x]} {useful[y]}")
        if use_author and year and first:
            keys.append(f"a|{first}|{year}")
        if use_page and volume and page:
            keys.append(f"v|{volume}|{page}")
        if use_year and title and year:
            keys.append(f"t|{year}|{title}")
        out.append(keys)
    return out


def candidate_pairs(
    p: Prepared,
    full_block: int = 8,
    window: int = 6,
    kinds: tuple[str, ...] = KEY_KINDS,
) -> tuple[Any, Any, dict[str, float]]:
    """Index arrays ``(i, j)`` with ``i < j`` of the pairs worth comparing.

    Records sharing a key are compared pairwise when the key has at most
    ``full_block`` records. A larger block (a common title start, a frequent
    name in one year) is sorted by title and each record is compared with its
    next ``window`` neighbours: near-identical titles sort side by side, and
    the number of pairs stays at most ``window`` per record and key, so the
    cost grows linearly with the number of records.
    """
    import numpy as np

    # Number every distinct key, then work on (key, record) arrays: sorting by key
    # puts each block's records side by side (by title inside a block), and the
    # pairs come out of one vectorised pass per offset.
    key_ids: dict[str, int] = {}
    key_col: list[int] = []
    rec_col: list[int] = []
    for k, keys in enumerate(record_keys(p, kinds)):
        for key in keys:
            key_col.append(key_ids.setdefault(key, len(key_ids)))
            rec_col.append(k)
    n = len(p)
    keys_a = np.asarray(key_col, dtype=np.int64)
    recs_a = np.asarray(rec_col, dtype=np.int64)
    sizes = np.bincount(keys_a, minlength=len(key_ids)) if len(keys_a) else np.zeros(0, int)
    keep = sizes[keys_a] >= 2 if len(keys_a) else np.zeros(0, bool)
    keys_a, recs_a = keys_a[keep], recs_a[keep]
    big = sizes > full_block
    rank = _title_rank(p) if big.any() else np.zeros(n, np.int64)
    order = np.lexsort((rank[recs_a], keys_a))
    keys_a, recs_a = keys_a[order], recs_a[order]
    in_big = big[keys_a]
    chunks: list[Any] = []
    for offset in range(1, max(full_block, window + 1)):
        same = keys_a[offset:] == keys_a[:-offset]
        if offset > window:
            same &= ~in_big[offset:]
        if not same.any():
            break
        a, b = recs_a[:-offset][same], recs_a[offset:][same]
        chunks.append(np.minimum(a, b) * n + np.maximum(a, b))
    codes = np.unique(np.concatenate(chunks)) if chunks else np.zeros(0, np.int64)
    stats = {
        "blocks": float(len(key_ids)),
        "blocks_windowed": float(big.sum()),
        "records_in_windowed_blocks": float(sizes[big].sum()),
        "candidate_pairs": float(len(codes)),
    }
    return (codes // n, codes % n, stats) if n else (codes, codes, stats)


def _title_rank(p: Prepared) -> Any:
    """Each record's position when sorted by title words, then by record id."""
    import numpy as np

    order = sorted(range(len(p)), key=lambda k: (p.title[k], p.ids[k]))
    rank = np.empty(len(p), np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(p), dtype=np.int64)
    return rank

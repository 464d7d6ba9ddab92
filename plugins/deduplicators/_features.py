"""Pair comparisons of prepared records, field by field.

Records are normalised once into columns (``_prepared.Prepared``); a batch of candidate
pairs is then compared column by column with rapidfuzz's vectorised
``cpdist`` and numpy, so the cost per pair is a few hundred nanoseconds rather
than a Python function call per field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evidencekit.plugins.deduplicators import _normalise as norm

# Preparing records lives in ``_prepared``; re-exported for the engine and blocking.
from evidencekit.plugins.deduplicators._prepared import (  # noqa: F401
    Prepared,
    mark_shared_identifiers,
    prepare,
)


@dataclass
class PairFeatures:
    """Field comparisons of a batch of pairs (i[k], j[k]); every member an array."""

    i: Any
    j: Any
    title: Any  # Indel similarity of the title words, 0..1 (nan when a title is missing)
    title_partial: Any  # rapidfuzz partial_ratio / 100 when titles are 0.6-0.95 alike, else nan
    title_contained: Any  # one title (>= 30 characters) is the other plus a prefix/suffix
    title_numbers_differ: Any
    kind_differs: Any
    kinds: Any  # object array of "kind|kind" (sorted) where the kinds differ, else ""
    bundle_covers: Any  # a "letters" record whose page range covers the other's pages
    pages_adjacent: Any  # the page ranges touch or overlap (a letter and its reply)
    first_author: Any  # similarity of the first authors' family names (nan when missing)
    authors: Any  # token-set similarity of the family names (nan when missing)
    year_gap: Any  # absolute year difference (-1 when a year is missing)
    journal_agree: Any  # True/False; missing -> False with journal_missing True
    journal_missing: Any
    journal_related: Any  # agree, or one name is the start of the other (a journal's section)
    volume: Any  # +1 agree, -1 conflict, 0 missing
    issue: Any
    pages: Any  # +1 agree (start page), -1 conflict, 0 missing
    page_end: Any  # True: first and last pages both agree
    page_range: Any  # True: first and last pages agree and span more than one page
    page_end_differs: Any  # both last pages given and different
    pages_prefixed: Any  # both first pages carry a letter ("S35", "e8", "A254")
    doi: Any  # +1 same, -1 different, 0 missing
    pmid: Any
    abstract: Any  # similarity of the abstracts' starts (nan when one is missing)
    recurring: Any = None  # either title recurs for different items ("Editor's Comments")
    conference_differs: Any = None  # one is a conference item, the other not
    conference_both: Any = None  # both are conference items (venues named any way)
    cochrane_versions: Any = None  # two versions (.pubN) of one Cochrane review
    yearless_copy: Any = None  # either record is one of several year-less copies of a title
    editorial_named: Any = None  # either is a year-less editor's note named by its subtitle


def _page_span(p: Prepared, k: int) -> tuple[int, int]:
    start = int(p.page_start[k])
    end = int(p.page_end[k]) if p.page_end[k] else start
    return start, max(start, end)


def _numbers_compare(a: Any, b: Any) -> Any:
    """+1 when two number sets share a number, -1 when both are given and disjoint, else 0."""
    import numpy as np

    out = np.zeros(len(a), np.int8)
    present = (a != "") & (b != "")
    equal = present & (a == b)
    out[equal] = 1
    differ = present & ~equal
    # Single numbers (the usual case) differ outright; sets need a closer look.
    multi = differ & (_has_space(a) | _has_space(b))
    out[differ & ~multi] = -1
    for k in np.flatnonzero(multi):
        out[k] = 1 if set(a[k].split()) & set(b[k].split()) else -1
    return out


def _has_space(values: Any) -> Any:
    import numpy as np

    return np.fromiter((" " in v for v in values), bool, len(values))


def _identifier_compare(a: Any, b: Any, shared: Any) -> Any:
    """+1 same identifier, -1 different ones, 0 missing or the same shared one."""
    import numpy as np

    out = np.zeros(len(a), np.int8)
    present = (a != "") & (b != "")
    out[present & (a == b) & ~shared] = 1
    out[present & (a != b)] = -1
    return out


def title_similarity(p: Prepared, i: Any, j: Any, workers: int = 1) -> Any:
    """Indel similarity of the titles of pairs ``(i[k], j[k])``; nan when one is missing."""
    import numpy as np
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cpdist

    ta, tb = p.title[i], p.title[j]
    has_title = (ta != "") & (tb != "")
    out = np.full(len(i), np.float32("nan"), np.float32)
    if has_title.any():
        out[has_title] = cpdist(
            ta[has_title], tb[has_title], scorer=Indel.normalized_similarity, workers=workers
        )
    return out


def may_contain(similarity: Any, length_a: Any, length_b: Any) -> Any:
    """Whether one title can contain the other, given their similarity and lengths.

    When the shorter title (``s`` characters) lies almost whole (>= 98 %) in the
    longer (``l``), their Indel similarity is about ``1.96 s / (s + l)``; so with
    ratio ``r = s / l`` a similarity ``t`` allows containment only if
    ``r <= t / (1.96 - t)`` (plus a margin). This spares the costly partial
    match for the many pairs that merely share words.
    """
    import numpy as np

    ratio = np.minimum(length_a, length_b) / np.maximum(np.maximum(length_a, length_b), 1)
    t = np.nan_to_num(similarity, nan=0.0)
    return ratio <= t / (1.96 - t) + 0.05


def compare(p: Prepared, i: Any, j: Any, workers: int = 1) -> PairFeatures:
    """Compare the pairs ``(i[k], j[k])`` of prepared records field by field."""
    import numpy as np
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cpdist

    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    n = len(i)
    nan = np.float32("nan")

    ta, tb = p.title[i], p.title[j]
    has_title = (ta != "") & (tb != "")
    title = np.full(n, nan, np.float32)
    if n:
        title[has_title] = cpdist(
            ta[has_title], tb[has_title], scorer=Indel.normalized_similarity, workers=workers
        )
    # A title with an extra prefix or subtitle in one export ("Short report: ...").
    contained = np.zeros(n, bool)
    partial = np.full(n, nan, np.float32)
    check = has_title & (title < 0.95) & (title >= 0.6)
    check &= may_contain(title, p.title_chars[i], p.title_chars[j])
    if check.any():
        partial[check] = (
            cpdist(ta[check], tb[check], scorer=fuzz.partial_ratio, workers=workers) / 100.0
        )
        shorter = np.minimum(
            np.fromiter((len(x) for x in ta[check]), np.int64, check.sum()),
            np.fromiter((len(x) for x in tb[check]), np.int64, check.sum()),
        )
        contained[check] = (partial[check] >= 0.98) & (shorter >= 30)
    # Numbers differ, unless only one title carries a trailing footnote mark (PDF metadata).
    na, nb = p.title_numbers[i], p.title_numbers[j]
    la, lb = p.title_numbers_loose[i], p.title_numbers_loose[j]
    numbers_differ = (
        has_title & (na != nb) & ~((la == nb) & (lb == nb)) & ~((lb == na) & (la == na))
    )
    ka, kb = p.title_kind[i], p.title_kind[j]
    kind_differs = ka != kb
    kinds = np.full(n, "", dtype=object)
    for k in np.flatnonzero(kind_differs):
        kinds[k] = "|".join(sorted((ka[k] or "article", kb[k] or "article")))

    fa, fb = p.first_author[i], p.first_author[j]
    has_authors = (fa != "") & (fb != "")
    first = np.full(n, nan, np.float32)
    authors = np.full(n, nan, np.float32)
    if has_authors.any():
        first[has_authors] = cpdist(
            fa[has_authors], fb[has_authors], scorer=Indel.normalized_similarity, workers=workers
        )
        authors[has_authors] = (
            cpdist(
                p.families[i][has_authors],
                p.families[j][has_authors],
                scorer=fuzz.token_set_ratio,
                workers=workers,
            )
            / 100.0
        )
        # Swapped, compound or run-together names ("Jen-Hwa Hu, Paul" / "Hu, Paul
        # Jen-Hwa", "Weidenmier Watson, Marcia"): compare every name word as well, and
        # keep the better of the two whatever the threshold, so that a stricter
        # ``author_threshold`` judges the same similarity rather than a cruder one.
        low = has_authors & (authors < 1.0)
        if low.any():
            words = cpdist(
                p.names[i][low], p.names[j][low], scorer=fuzz.token_set_ratio, workers=workers
            )
            authors[low] = np.maximum(authors[low], words / 100.0)

    ya, yb = p.year[i], p.year[j]
    year_gap = np.where((ya > 0) & (yb > 0), np.abs(ya - yb), -1).astype(np.int32)

    ja, jb = p.journal[i], p.journal[j]
    journal_missing = (ja == "") | (jb == "")
    journal_agree = ~journal_missing & (ja == jb)
    journal_related = journal_agree.copy()
    # Abbreviations keep every word's first letter; an acronym is the initials; a
    # section starts with the journal's first word. Only such pairs are checked.
    ia, ib = p.journal_initials[i], p.journal_initials[j]
    maybe = ~journal_missing & ~journal_agree
    maybe &= (ia == ib) | (p.journal_first[i] == p.journal_first[j]) | (ja == ib) | (jb == ia)
    for k in np.flatnonzero(maybe):
        journal_agree[k] = norm.journals_agree(ja[k], jb[k])
        # "Nephron" and "Nephron Clinical Practice": a journal and its section.
        wa, wb = ja[k].split(), jb[k].split()
        short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        # "Pflugers Arch" and "Pflugers Archiv European Journal of Physiology": an
        # abbreviation of the start of the other name.
        journal_related[k] = journal_agree[k] or norm.is_abbreviation(
            " ".join(short), " ".join(long[: len(short)])
        )

    sa, sb = p.page_start[i], p.page_start[j]
    pages = np.zeros(n, np.int8)
    present = (sa != "") & (sb != "")
    pa, pb = p.page_prefixed[i], p.page_prefixed[j]
    # "S363" and "363": a supplement's (or an article number's) page and a printed page
    # with the same number are two paginations, not one first page (a conference
    # abstract in a supplement and the later article: same title, authors and abstract),
    # unless the volume or the last page agrees too ("c37-c42" / "37-42" in volume 118:
    # one export dropped the letter). Otherwise neither agreement nor conflict.
    ea, eb = p.page_end[i], p.page_end[j]
    one_pagination = (pa == pb) | ((ea != "") & (ea == eb))
    one_pagination |= (p.volume[i] != "") & (p.volume[i] == p.volume[j])
    pages[present & (sa == sb) & one_pagination] = 1
    # Different first pages conflict, except an article number in one export and
    # "1-12" (the article's own pagination) in the other (see norm.pages_conflict).
    long_a = np.fromiter((len(x) >= 5 for x in sa), bool, n) | pa
    long_b = np.fromiter((len(x) >= 5 for x in sb), bool, n) | pb
    article_number = ((sa == "1") & long_b) | ((sb == "1") & long_a)
    # An article number in one export ("c1804", "e0123") and printed pages in the
    # other: the numbers cannot be compared.
    article_number |= p.page_article[i] != p.page_article[j]
    pages[present & (sa != sb) & ~article_number] = -1
    # One page ("488") inside the other's range ("487-488"): not a conflict.
    for k in np.flatnonzero((pages == -1) & ((ea == "") != (eb == ""))):
        single, ranged = (int(i[k]), int(j[k])) if ea[k] == "" else (int(j[k]), int(i[k]))
        low, high = _page_span(p, ranged)
        if p.page_start[single].isdigit() and low <= int(p.page_start[single]) <= high:
            pages[k] = 0
    same_end = (ea != "") & (ea == eb)
    page_end = (pages == 1) & same_end
    page_range = page_end & (ea != sa)
    page_end_differs = (ea != "") & (eb != "") & (ea != eb)
    pages[(pages == -1) & same_end] = 0  # a typo in the first page only: "2297-2108", "2097-2108"

    covers = np.zeros(n, bool)
    adjacent = np.zeros(n, bool)
    for k in np.flatnonzero(kind_differs & (sa != "") & (sb != "")):
        ra, rb = _page_span(p, int(i[k])), _page_span(p, int(j[k]))
        adjacent[k] = ra[0] <= rb[1] + 1 and rb[0] <= ra[1] + 1
        if ka[k] == "letters":
            covers[k] = ra[0] <= rb[0] and rb[1] <= ra[1]
        elif kb[k] == "letters":
            covers[k] = rb[0] <= ra[0] and ra[1] <= rb[1]

    aa, ab = p.abstract[i], p.abstract[j]
    has_abstract = (aa != "") & (ab != "")
    abstract = np.full(n, nan, np.float32)
    if has_abstract.any():
        abstract[has_abstract] = cpdist(
            aa[has_abstract], ab[has_abstract], scorer=Indel.normalized_similarity, workers=workers
        )

    volume = _numbers_compare(p.volume[i], p.volume[j])
    # Fields shifted by one in an export: no volume, the volume given as the
    # issue and the issue as the first page ("v -, n 26, p 9" for 26(9)).
    va, vb = p.volume[i], p.volume[j]
    for k in np.flatnonzero((pages == -1) & ((va == "") | (vb == ""))):
        for x, y in ((i[k], j[k]), (j[k], i[k])):
            if (
                not p.volume[x]
                and p.issue[x]
                and p.issue[x] == p.volume[y]
                and p.page_start[x] in p.issue[y].split()
            ):
                volume[k], pages[k] = 1, 0
    # A volume that is the other record's issue (a supplement number exported as
    # the volume, "58(Suppl 1)" split into "58" and "1)") is not a conflict.
    na, nb = p.issue[i], p.issue[j]
    conflict = volume == -1
    volume[conflict & ((va == nb) | (vb == na)) & (va != "") & (vb != "")] = 0
    for k in np.flatnonzero(conflict & (volume == -1) & (_has_space(na) | _has_space(nb))):
        set_a, set_b = set(va[k].split()), set(vb[k].split())
        if set_a & set(nb[k].split()) or set_b & set(na[k].split()):
            volume[k] = 0

    return PairFeatures(
        i=i,
        j=j,
        title=title,
        title_partial=partial,
        title_contained=contained,
        title_numbers_differ=numbers_differ,
        kind_differs=kind_differs,
        kinds=kinds,
        bundle_covers=covers,
        pages_adjacent=adjacent,
        first_author=first,
        authors=authors,
        year_gap=year_gap,
        journal_agree=journal_agree,
        journal_missing=journal_missing,
        journal_related=journal_related,
        volume=volume,
        issue=_numbers_compare(p.issue[i], p.issue[j]),
        pages=pages,
        page_end=page_end,
        page_range=page_range,
        page_end_differs=page_end_differs,
        pages_prefixed=p.page_prefixed[i] & p.page_prefixed[j],
        doi=_identifier_compare(p.doi[i], p.doi[j], p.doi_shared[i]),
        pmid=_identifier_compare(p.pmid[i], p.pmid[j], p.pmid_shared[i]),
        abstract=abstract,
        recurring=p.recurring[i] | p.recurring[j],
        conference_differs=p.conference[i] != p.conference[j],
        conference_both=p.conference[i] & p.conference[j],
        yearless_copy=p.yearless_copy[i] | p.yearless_copy[j],
        editorial_named=p.editorial_named[i] | p.editorial_named[j],
        cochrane_versions=(p.cochrane[i] != "")
        & (p.cochrane[i] == p.cochrane[j])
        & (p.doi[i] != p.doi[j]),
    )

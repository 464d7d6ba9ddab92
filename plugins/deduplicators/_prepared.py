"""Prepared records: every record normalised once, one column (list or array) per field.

Kept apart from the pair comparisons (``_features``): preparing is per record,
comparing is per candidate pair.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from evidencekit.plugins.deduplicators import _normalise as norm

#: How much of an abstract is compared: enough to tell two abstracts apart,
#: little enough to keep memory flat for 200,000 records.
ABSTRACT_CHARS = 300

#: An identifier carried by more records than this is a shared one outright.
SHARED_AT_ONCE = 200


@dataclass
class Prepared:
    """The normalised fields of every record, one list (or array) per field."""

    ids: list[str]
    title: Any  # object array of title words ("" when missing)
    title_length: Any  # int array: number of title words
    title_numbers: Any
    title_numbers_loose: Any  # without a trailing mark that may be a footnote
    title_kind: Any
    families: Any  # family names joined by spaces, first author first
    names: Any  # every word of the authors' names (see ``author_names``)
    first_author: Any
    n_authors: Any  # int array
    year: Any  # int array, 0 when missing
    journal: Any
    volume: Any  # numbers joined by spaces
    issue: Any
    page_start: Any
    page_end: Any
    page_prefixed: Any  # bool array
    doi: Any
    pmid: Any
    abstract: Any  # the first words of the abstract, folded
    doi_shared: Any = None  # bool array: this DOI is carried by different records
    pmid_shared: Any = None
    # Cheap per-record keys that let ``compare`` skip most Python-level checks.
    journal_initials: Any = None
    journal_first: Any = None
    title_chars: Any = None  # int array: length of the title words
    recurring: Any = None  # bool array: a title that recurs for different items (see below)
    conference: Any = None  # bool array: a conference abstract or paper (venue or type says so)
    page_article: Any = None  # bool array: the first "page" is an article number (e0123, c1804)
    cochrane: Any = None  # a Cochrane review's DOI without its version (.pubN), else ""
    yearless_copy: Any = None  # bool array: one of several year-less records of one title
    editorial_named: Any = None  # bool array: a year-less editor's note named by its subtitle

    def __len__(self) -> int:
        return len(self.ids)


#: Records are prepared in forked processes, a slice each, from this many records on
#: (for fewer, forking and sending the columns back cost more than they save).
PARALLEL_FROM = 20_000


def prepare(records: Sequence[Any], workers: int = 1) -> Prepared:
    """Normalise every record once. ``records`` are ``core.model.Record`` objects.

    ``workers`` other than 1 (-1: every core) prepares slices of a large batch side by
    side in forked processes (``core.parallel``, which falls back to one process
    where forking is not safe); the columns are the same either way.
    """
    import numpy as np

    n = len(records)
    parts = workers if workers > 0 else (os.cpu_count() or 1)
    if parts > 1 and n >= PARALLEL_FROM:
        from evidencekit.core.parallel import run_jobs

        bounds = [n * k // parts for k in range(parts + 1)]
        pieces = run_jobs(
            [
                lambda a=a, b=b: _record_columns(records[a:b])
                for a, b in zip(bounds, bounds[1:], strict=False)
            ]
        )
        c = {
            key: (
                np.concatenate([piece[key] for piece in pieces])
                if isinstance(pieces[0][key], np.ndarray)
                else [value for piece in pieces for value in piece[key]]
            )
            for key in pieces[0]
        }
    else:
        c = _record_columns(records)
    ids, title, tnum, tloose, tkind = c["ids"], c["title"], c["tnum"], c["tloose"], c["tkind"]
    fams, names, first, nauth, year = c["fams"], c["names"], c["first"], c["nauth"], c["year"]
    journal, volume, issue = c["journal"], c["volume"], c["issue"]
    pstart, pend, pprefix, particle = c["pstart"], c["pend"], c["pprefix"], c["particle"]
    dois, pmids, abstracts = c["dois"], c["pmids"], c["abstracts"]
    recurring, conference = c["recurring"], c["conference"]

    def col(values: list[str]) -> Any:
        return np.array(values, dtype=object)

    _mark_repeated_titles(title, volume, issue, recurring)

    return Prepared(
        ids=ids,
        title=col(title),
        title_length=np.array([len(t.split()) for t in title], dtype=np.int32),
        title_numbers=col(tnum),
        title_numbers_loose=col(tloose),
        title_kind=col(tkind),
        families=col(fams),
        names=col(names),
        first_author=col(first),
        n_authors=nauth,
        year=year,
        journal=col(journal),
        volume=col(volume),
        issue=col(issue),
        page_start=col(pstart),
        page_end=col(pend),
        page_prefixed=pprefix,
        doi=col(dois),
        pmid=col(pmids),
        abstract=col(abstracts),
        doi_shared=np.zeros(n, bool),
        pmid_shared=np.zeros(n, bool),
        journal_initials=col(["".join(w[0] for w in j.split()) for j in journal]),
        journal_first=col([j.split(" ", 1)[0] for j in journal]),
        title_chars=np.array([len(t) for t in title], dtype=np.int32),
        recurring=recurring,
        conference=conference,
        page_article=particle,
        cochrane=col([norm.cochrane_review(d) for d in dois]),
        yearless_copy=_yearless_copies(title, volume, issue, year, fams),
        editorial_named=norm.named_editorial_notes(title, volume, issue, year),
    )


def _record_columns(records: Sequence[Any]) -> dict[str, Any]:
    """:func:`prepare`'s per-record columns (lists, and arrays of numbers or flags)."""
    import numpy as np

    n = len(records)
    title, tnum, tloose, tkind, fams, first = [], [], [], [], [], []
    nauth = np.zeros(n, np.int32)
    names = []
    year = np.zeros(n, np.int32)
    journal, volume, issue, pstart, pend = [], [], [], [], []
    pprefix = np.zeros(n, bool)
    dois, pmids, ids, abstracts = [], [], [], []
    recurring = np.zeros(n, bool)
    particle = np.zeros(n, bool)
    conference = np.zeros(n, bool)
    for i, r in enumerate(records):
        ids.append(str(r.record_id))
        words, kind, numbers = norm.title_info(r.title or "")
        title.append(words)
        tnum.append(numbers)
        tloose.append(norm.footnote_numbers(r.title or "", numbers))
        tkind.append(kind)
        families, name_words = norm.author_keys(r.authors or ())
        fams.append(" ".join(families))
        names.append(name_words)
        first.append(families[0] if families else "")
        nauth[i] = len(families)
        y = r.year
        year[i] = y if isinstance(y, int) and 1000 <= y <= 2999 else 0
        venue, vol, iss, pag = r.journal or "", r.volume or "", r.issue or "", r.pages or ""
        packed = norm.packed_citation(venue)
        if packed:  # Embase: "Heart. 4 (2) (pp 55-60), 2019. Date of Publication: ..."
            venue = packed["journal"]
            vol, iss, pag = vol or packed["volume"], iss or packed["issue"], pag or packed["pages"]
        journal.append(norm.journal_words(venue))
        recurring[i] = norm.title_recurring(words)
        conference[i] = _is_conference(r)
        vol = str(vol)
        # "1)": the tail of "58 (Suppl 1)" cut by an export; not the volume.
        volume.append("" if vol.count(")") > vol.count("(") else norm.numbers(vol))
        issue.append(norm.numbers(str(iss)))
        p = norm.pages(str(pag))
        if p.start and not p.end and p.start == str(year[i]):
            p = norm.Pages()  # Embase puts the year in the pages field of some records
        pstart.append(p.start)
        pend.append(p.end)
        # "e0123", "c1804": an article number (electronic journals, the BMJ), not a page.
        particle[i] = p.prefixed and str(pag).lstrip()[:1] in "eEcC"
        pprefix[i] = p.prefixed
        dois.append(norm.doi(r.doi or ""))
        pmids.append(norm.pmid(r.pmid or ""))
        abstracts.append(
            norm.fold_quick((r.abstract or "")[: ABSTRACT_CHARS + 60])[:ABSTRACT_CHARS]
        )
    return {
        "ids": ids,
        "title": title,
        "tnum": tnum,
        "tloose": tloose,
        "tkind": tkind,
        "fams": fams,
        "names": names,
        "first": first,
        "nauth": nauth,
        "year": year,
        "journal": journal,
        "volume": volume,
        "issue": issue,
        "pstart": pstart,
        "pend": pend,
        "pprefix": pprefix,
        "particle": particle,
        "dois": dois,
        "pmids": pmids,
        "abstracts": abstracts,
        "recurring": recurring,
        "conference": conference,
    }


#: Publication types of conference items, as the importers and exports name them.
_CONFERENCE_TYPES = frozenset(
    {
        "conf",
        "cpaper",
        "abst",
        "inproceedings",
        "conference",
        "proceedings",
        "conference paper",
        "conference abstract",
        "conference review",
        "meeting abstract",
        "proceedings paper",
    }
)
_CONFERENCE_WORDS = re.compile(
    r"\b(?:conference|congress|symposium|meeting|proceedings|workshop|abstracts|colloquium)\b",
    re.I,
)


def _is_conference(record: Any) -> bool:
    """A conference abstract or paper: by its publication type or its venue's name."""
    kind = str(getattr(record, "publication_type", "") or "").strip().lower()
    if kind in _CONFERENCE_TYPES:
        return True
    return _conference_venue(str(getattr(record, "journal", "") or ""))


@lru_cache(maxsize=50_000)
def _conference_venue(venue: str) -> bool:
    return bool(venue) and _CONFERENCE_WORDS.search(venue) is not None


#: A title carried by records of this many different issues recurs ("Editor's Comments").
REPEATED_ISSUES = 3
#: ... when it has fewer words than this.
REPEATED_MAX_WORDS = 8


def _mark_repeated_titles(
    title: list[str], volume: list[str], issue: list[str], recurring: Any
) -> None:
    """Flag titles that records of ``REPEATED_ISSUES`` or more different issues carry.

    Copies of one article from several databases share one volume and issue; a
    short title found in three different issues (both given) is a recurring one ("Remarks from the
    Editor", "Introduction"), whatever its words, and its records need their
    citation to agree before they are linked.
    """
    issues: dict[str, set[tuple[str, str]]] = {}
    for k, words in enumerate(title):
        # Only short titles: one long title in many issues is messy exports of one
        # article (ASySD has copies of one abstract under ten volume/issue spellings).
        if words and volume[k] and issue[k] and words.count(" ") < REPEATED_MAX_WORDS:
            issues.setdefault(words, set()).add((volume[k], issue[k]))
    repeated = {w for w, found in issues.items() if len(found) >= REPEATED_ISSUES}
    if repeated:
        for k, words in enumerate(title):
            if words in repeated:
                recurring[k] = True


def _yearless_copies(
    title: list[str], volume: list[str], issue: list[str], year: Any, families: list[str]
) -> Any:
    """Flag records without a year that share their title, volume and issue with another.

    Metadata read from PDFs (no year) that two files share word for word is as likely
    a running header or a misfiled copy as the item itself ("The Society for
    Management Information Systems" read from two interviews' files); which file is
    the article cannot be told, so such copies are sent for review, never linked.
    """
    import numpy as np

    out = np.zeros(len(title), bool)
    seen: dict[tuple[str, str, str], list[int]] = {}
    for k in np.flatnonzero(year == 0).tolist():
        if not volume[k]:
            continue
        # Two files of one issue by the same authors (an article and the series
        # editor's note before it, both by its two authors) are ambiguous alike,
        # when their titles are alike too or one is missing: two articles of one
        # issue by the same authors under titles of their own ("Does PLS Have
        # Advantages ..." and "Comparing PLS to Regression ...", a debate) are not.
        keys = [(title[k], volume[k], issue[k])] if title[k] else []
        if " " in families[k]:
            keys.append(("", volume[k], issue[k] + "|" + families[k]))
        for key in keys:
            for other in seen.get(key, []):
                if key[0] or _titles_overlap(title[k], title[other]):
                    out[k] = out[other] = True
            seen.setdefault(key, []).append(k)
    return out


def _titles_overlap(a: str, b: str) -> bool:
    """Whether two titles share at least half the words of the shorter (or one is missing)."""
    wa, wb = set(a.split()), set(b.split())
    if not wa or not wb:
        return True
    return 2 * len(wa & wb) >= min(len(wa), len(wb))


def mark_shared_identifiers(p: Prepared, title_floor: float) -> int:
    """Mark DOIs and PMIDs that several different records carry; return how many.

    A conference supplement or a proceedings volume sometimes gives its own DOI
    to every abstract in it. A DOI carried by three or more records whose titles
    are not all alike (some pair below ``title_floor``) identifies the
    supplement, not an article: the same such DOI no longer links two records,
    while two different DOIs still separate them (two supplements are two
    different publications). Two records alone with one DOI and unlike titles
    are left to a person (sent for review).
    """
    import numpy as np
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cdist

    shared = 0
    for column, flags in ((p.doi, p.doi_shared), (p.pmid, p.pmid_shared)):
        groups: dict[str, list[int]] = {}
        for k, value in enumerate(column):
            if value:
                groups.setdefault(value, []).append(k)
        for members in groups.values():
            if len(members) < 3:
                continue
            titles = [p.title[k] for k in members if p.title[k]]
            if len(titles) < 3:
                continue
            # Hundreds of records with one DOI cannot be copies of one article.
            if (
                len(titles) > SHARED_AT_ONCE
                or float(np.min(cdist(titles, titles, scorer=Indel.normalized_similarity)))
                < title_floor
            ):
                shared += 1
                flags[members] = True
    return shared

"""The fuzzy deduplicator's rules: when two records are the same, when unsure.

Every rule is a plain boolean expression over the field comparisons of
``_features.PairFeatures``; the thresholds are the ``fuzzy`` options (see
``OPTIONS_SCHEMA`` and ``docs/dedupe.md``, which also gives the reasons). The
rules favour a missed duplicate over a false merge: a false merge silently
drops a study from a review, a missed one costs a reviewer a few seconds.

Terms: *titles alike* = title similarity >= ``title_threshold``; *authors
alike* = family-name similarity >= ``author_threshold``; *bibliographically
one item* = same volume, same first page, last pages not different, and the
same last page or issue.

Vetoes (never linked automatically)
  * two different DOIs or PMIDs, unless titles, authors, year, journal (or its
    abbreviation), volume, issue and first page all agree and the title does
    not recur (one DOI is then a data error). A DOI or PMID carried by three
    or more records with unlike titles (a supplement's DOI) neither links nor
    vetoes; two versions of one Cochrane review follow ``cochrane_versions``;
  * a recurring title ("Editor's Comments", "Reply", "Corrigendum", "In this
    issue", front matter ...; or a short title found in three issues) unless
    the citation makes the two one item: the same identifier, or the same
    volume and first page (or issue and authors when no pages are given), and
    no other issue unless the same authors fill the same page range;
  * (not a veto: a conference item and a journal item with only a like title in
    common are kept off the review list, see ``_review``; as a veto it cost recall);
  * years further apart than ``max_year_gap``, unless the title, authors,
    journal, volume and issue agree (the citation fixes the year: DBLP);
  * a record without a year that shares its title (or its author list) and
    issue with another year-less record: which PDF copy is the item cannot be
    told; a recurring title without year or pages is not one item by its issue;
  * one record is an erratum, reply, comment or retraction notice and the
    other is not, or the numbers in the titles differ ("Part I" / "Part II"),
    unless the two are bibliographically one item.

Links (each also needs no conflicting volume or first page, except where said)
  * ``identifier``: same DOI or PMID and titles >= ``title_floor`` (or one
    contains the other, or one is missing); a conflicting volume or page is
    overridden only when the titles are the same words.
  * ``same-year``: titles and authors alike, same year, and one agreement of
    volume, first page, abstract (>= ``abstract_threshold``) or journal.
  * ``near-year``: titles and authors alike, years within ``max_year_gap``,
    two agreements of volume, first page and abstract, or one and the journal.
  * ``no-year``: titles and authors alike, a year missing, the same journal,
    volume, and issue or first page (PDF metadata, grey literature); or, for a
    long title with the first author alike, no issue (nor perhaps volume) to
    disagree with.
  * ``title-authors-year``: titles and authors (first author too) alike, same
    year, no journal (or two conference venues) and no volume, a title of at least
    ``LONG_TITLE_WORDS`` words (conference and working papers).
  * ``no-authors``: titles alike, authors missing, same year and journal,
    volume or first page (a year-less copy: the volume and issue); or one title
    the other under a section heading, in one issue.
  * ``same-issue``: titles >= 0.9, authors and first author alike, the same
    journal, volume and issue, not a recurring title; or the same long title
    (>= 0.98 alike) in the same journal, volume and issue with authors merely
    not different (a PDF's metadata reads an affiliation as an author).
  * ``contained``: one title is the other with a prefix or subtitle
    ("Short report: ..."); authors alike, same year, journal not different,
    volume or first page.
  * ``short-title`` (fewer than ``short_title_words`` words: "Editorial",
    "Atypical HUS"): titles, authors and first author alike, same year and
    journal, volume or first page; without authors, the same words and the
    same journal, year, volume and issue.
  * ``same-reference``: same volume and the same page range of more than one
    page, journal not different (or one the other's section), authors alike
    or missing, titles >= ``title_floor`` or one contained in the other (a
    translated or shortened title of one reference); or the same year, volume,
    issue and page range with authors and first author alike under another
    journal name (not a conference item against a journal item); or the whole
    citation and the title the same with authors merely not different.
  * ``letters``: Embase's "(multiple letters)" record covers the pages of a
    letter or its reply (same volume, year, journal, titles >= 0.9).
  * Supplement abstracts whose letter-prefixed first pages differ ("e8" /
    "e3") are not in conflict when volume, issue, journal, year, titles and
    authors all agree.
  * ``untitled`` (only with ``link_untitled``): a record without a title whose
    authors, year, journal, volume and page range all agree.

Coherence: two records may share a cluster only if no veto applies, their
titles are >= ``title_floor`` (or contained), volumes and pages do not
conflict (unless the same identifier and title), and their authors are not
below ``author_floor`` (a pair the rules link always may; a DOI data error
reads across a year-less copy; one long title in one issue reads across
garbled author lists). A letter and its reply on adjacent pages may share a
cluster (through a "multiple letters" record) but are never linked directly.

Uncertain (sent to a person): see ``_review``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from evidencekit.plugins.deduplicators._features import PairFeatures
from evidencekit.plugins.deduplicators._options import OPTIONS_SCHEMA, defaults  # noqa: F401
from evidencekit.plugins.deduplicators._review import review
from evidencekit.plugins.deduplicators._verdicts import (  # noqa: F401
    Verdicts,
    coherence,
    reason,
    score,
)

#: A title of this many words or more identifies a paper with its authors and year
#: alone (when no journal or volume is given to disagree).
LONG_TITLE_WORDS = 8
#: Titles at least this alike are one article when journal, volume, issue and authors agree.
SAME_ISSUE_TITLE = 0.9
#: A long title at least this alike (the same words but for a character or a footnote
#: mark) in one issue is one article, whatever a PDF's metadata reads as its authors.
SAME_TITLE_IN_ISSUE = 0.98


def judge(f: PairFeatures, title_words: Any, options: dict[str, Any]) -> Verdicts:
    """Apply the rules to a batch of compared pairs.

    ``title_words`` is the smaller word count of the two titles of each pair.
    """
    import numpy as np

    o = {**defaults(), **options}
    n = len(f.i)
    t = np.nan_to_num(f.title, nan=-1.0)
    has_title = t >= 0
    authors_known = ~np.isnan(f.authors)
    au = np.nan_to_num(f.authors, nan=-1.0)
    first = np.nan_to_num(f.first_author, nan=-1.0)
    abstract_agree = np.nan_to_num(f.abstract, nan=-1.0) >= o["abstract_threshold"]
    partial = np.nan_to_num(f.title_partial, nan=0.0) >= 0.98

    title_alike = t >= o["title_threshold"]
    title_same = t >= 0.99  # the same words, up to a character
    contained = f.title_contained
    titles_compatible = ~has_title | (t >= o["title_floor"]) | contained | (partial & f.page_range)
    authors_alike = authors_known & (au >= o["author_threshold"])
    authors_not_different = ~authors_known | (au >= o["author_floor"])
    year_known = f.year_gap >= 0
    year_same = f.year_gap == 0
    year_ok = ~year_known | (f.year_gap <= o["max_year_gap"])
    journal = f.journal_agree
    journal_ok = journal | f.journal_missing
    volume_same = f.volume == 1
    # The citation fixes the year: one journal, volume and issue, the same title and
    # authors (DBLP gives some volumes of a journal the year before their print year).
    year_ok |= title_alike & authors_alike & journal & volume_same & (f.issue == 1) & ~f.recurring
    # A copy without a year (PDF metadata, grey literature) fits by volume and issue.
    year_fits = year_same | (~year_known & volume_same & (f.issue == 1))
    first_page = f.pages == 1

    # Identifiers. Two different DOIs separate two records, unless everything else
    # is the same (then one DOI is a data error); the same DOI overrides a
    # conflicting volume or page only when the titles are the same words.
    everything_agrees = (
        title_alike
        & ~f.title_numbers_differ  # "Part I" with its own DOI is another publication
        & ~f.kind_differs
        & authors_alike
        & year_same
        & f.journal_related
        & (f.volume != -1)
        & (f.issue != -1)
        & first_page
    )
    identifier_same = (f.doi == 1) | (f.pmid == 1)
    # The same DOI and title override a conflicting volume or page only within one
    # journal: Embase gives a conference abstract in another journal the DOI of
    # the article (same title, other journal, volume and pages: two reports).
    identifier_strong = (
        identifier_same & (~has_title | title_same) & (journal_ok | volume_same | first_page)
    )
    identifier_different = (f.doi == -1) | (f.pmid == -1)
    # A recurring title ("Editor's Comments") agrees in title, authors, year and
    # journal across issues: there the exception for a DOI data error does not hold.
    recurring = f.recurring
    identifier_conflict = identifier_different & (~everything_agrees | recurring)
    # Versions of one Cochrane review (".pub2", ".pub3"): by default a person decides.
    cochrane = f.cochrane_versions & has_title & (t >= o["title_floor"])
    if o["cochrane_versions"] == "link":
        identifier_same = identifier_same | cochrane
        identifier_conflict = identifier_conflict & ~cochrane

    # Embase's "(multiple letters)" record covers a letter and its reply; a letter
    # and its reply may share a cluster through it but are never linked directly.
    close = year_same & journal_ok & volume_same & (t >= 0.9)
    bundle = f.bundle_covers & close
    letter_reply = (f.kinds == "article|reply") & f.pages_adjacent & close

    # Supplement abstracts: letter-prefixed page numbers differ between databases.
    prefixed_pages = (
        f.pages_prefixed
        & volume_same
        & (f.issue == 1)
        & journal
        & year_same
        & title_alike
        & authors_alike
    )
    page_conflict = (f.pages == -1) & ~prefixed_pages & ~bundle
    hard_conflict = (f.volume == -1) | page_conflict
    bib_identical = volume_same & first_page & ~f.page_end_differs & (f.page_end | (f.issue == 1))
    # Numbers that differ with one DOI are a footnote mark or a typo, not "Part II".
    special = (f.kind_differs & ~bundle) | (f.title_numbers_differ & ~identifier_same)
    # A recurring title is one item only when its citation says so: the same
    # identifier, or the same volume, issue and first page (or the same issue and
    # the same authors when neither gives pages). Two issues of one volume are two
    # items here (for other titles a differing issue is too often an export's slip),
    # unless the same authors fill the same page range of the volume.
    # Without pages, the issue and authors (and a year: an issue may carry two editor's
    # notes, and a PDF's metadata has neither year nor pages; or, for a year-less copy, a
    # subtitle that names the one editor's note among the issue's PDFs, ``_recurring``).
    named = year_known | (f.editorial_named & title_alike)
    by_issue = (f.issue == 1) & (f.pages == 0) & authors_alike & named
    recurring_same_item = (
        ~identifier_different
        & ~hard_conflict
        & ((f.issue != -1) | (f.page_range & authors_alike & journal))
        & (
            (identifier_same & titles_compatible)
            | (volume_same & (first_page | by_issue) & ~f.page_end_differs & authors_not_different)
        )
    )
    # A conference item and a journal item with nothing but a like title in common:
    # two reports, kept off the review list (``_review``). As a veto of links it cost
    # recall (ASySD 0.9992 -> 0.9524) and avoided no false pair: the link rules'
    # citation agreements already tell such reports apart.
    venue_apart = f.conference_differs & ~identifier_same & ~(volume_same & first_page)
    cochrane_link = cochrane if o["cochrane_versions"] == "link" else np.zeros(n, bool)
    veto = (
        identifier_conflict
        | (~year_ok & ~cochrane_link)
        | (special & ~bib_identical)
        | (recurring & ~recurring_same_item)
        | f.yearless_copy  # which year-less copy is the item cannot be told: a person decides
    )
    strong = volume_same.astype(np.int8) + first_page + abstract_agree
    short = title_words < o["short_title_words"]

    rule = np.full(n, "", dtype=object)
    link = np.zeros(n, bool)

    def apply(name: str, mask: Any) -> None:
        new = mask & ~link & ~veto
        rule[new] = name
        link[new] = True

    apply(
        "identifier",
        identifier_same
        & titles_compatible
        & (identifier_strong | (~hard_conflict & authors_not_different)),
    )
    fuzzy_ok = ~hard_conflict & ~short
    apply(
        "same-year",
        fuzzy_ok & title_alike & authors_alike & year_same & ((strong >= 1) | journal),
    )
    apply(
        "near-year",
        fuzzy_ok
        & title_alike
        & authors_alike
        & year_known
        & ((strong >= 2) | ((strong >= 1) & journal)),
    )
    # Conference and working papers, grey literature: no journal, volume or DOI on one
    # side (often pages on one side only). A long title, the same authors (first
    # author too) and the same year, with nothing in conflict.
    apply(
        "title-authors-year",
        fuzzy_ok
        & title_alike
        & authors_alike
        & (first >= 0.9)
        & year_same
        # no journal, or two conference venues ("AMCIS 2017 Proceedings" / "Americas
        # Conference on Information Systems": one meeting named two ways)
        & (f.journal_missing | f.conference_both)
        & (f.volume == 0)
        & (title_words >= LONG_TITLE_WORDS),
    )
    # One issue of one journal, titles nearly the same ("Development" / "Developing",
    # a word more or less) by the same authors: one article.
    apply(
        "same-issue",
        fuzzy_ok
        & (t >= min(o["title_threshold"], SAME_ISSUE_TITLE))
        & authors_alike
        & (first >= 0.9)
        & journal
        & volume_same
        & (f.issue == 1)
        & ~recurring,
    )
    # One issue of one journal and the same long title, word for word: one article,
    # whatever a PDF's metadata reads as its authors (an affiliation taken for a name:
    # "Lubar, Sheldon B" for the Lubar School, "Walton, Sam M" for the Walton College)
    # as long as the author lists are not different.
    one_issue_title = (
        ~hard_conflict
        & (t >= SAME_TITLE_IN_ISSUE)
        & (title_words >= LONG_TITLE_WORDS)
        & journal
        & volume_same
        & (f.issue == 1)
        & ~recurring
        & ~f.conference_differs
    )
    apply("same-issue", one_issue_title & authors_not_different)
    # A copy without a year (PDF metadata, grey literature): the citation must agree.
    # ... or, for a long title by the same authors (first author too), a copy that gives
    # no issue (and perhaps no volume either) to disagree with.
    long_copy = (title_words >= LONG_TITLE_WORDS) & (first >= 0.9) & (f.issue == 0)
    apply(
        "no-year",
        fuzzy_ok
        & title_alike
        & authors_alike
        & ~year_known
        & journal
        & ((volume_same & ((f.issue == 1) | first_page)) | (long_copy & (f.volume >= 0))),
    )
    # (a copy without a year either, from a PDF: the volume and issue fix it; or the title
    # under its section's heading, "Issues and Opinions <title>", in one issue)
    headed = contained & volume_same & (f.issue == 1)
    alike = (title_alike & (volume_same | first_page)) | headed
    apply("no-authors", fuzzy_ok & alike & ~authors_known & year_fits & journal)
    apply(
        "contained",
        fuzzy_ok & contained & authors_alike & year_fits & journal_ok & (volume_same | first_page),
    )
    apply(
        "short-title",
        ~hard_conflict
        & short
        & title_alike
        & authors_alike
        & (first >= 0.9)
        & year_fits
        & journal
        & (volume_same | first_page),
    )
    # A short title without authors ("Editorial", "ESICON 2017 Abstracts"): the
    # whole citation must be the same (journal, year, volume and issue).
    apply(
        "short-title",
        ~hard_conflict
        & short
        & title_same
        & ~authors_known
        & year_same
        & journal
        & volume_same
        & (f.issue == 1),
    )
    # Same volume and the same page range (more than one page): one reference,
    # whatever a translated or shortened title says.
    apply(
        "same-reference",
        volume_same
        & f.page_range
        & (f.journal_related | f.journal_missing)
        & (authors_alike | ~authors_known)
        & ((t >= o["title_floor"]) | partial),
    )
    # The same year, volume, issue and page range (more than one page) by the same
    # authors: one reference, under whatever journal name ("Hunan Yi Ke Da Xue Xue
    # Bao" / "Bulletin of Hunan Medical University") and title translation.
    apply(
        "same-reference",
        volume_same
        & (f.issue == 1)
        & f.page_range
        & year_same
        & authors_alike
        & (first >= 0.9)
        & ((t >= o["title_floor"]) | partial | (~f.conference_differs & (t >= 0.5))),
    )
    # The whole citation (year, journal, volume, issue, page range) and the title are the
    # same: authors merely not different suffice (a garbled name: "hWang, Y.").
    apply(
        "same-reference",
        title_same
        & year_same
        & journal
        & volume_same
        & (f.issue == 1)
        & f.page_range
        & authors_not_different,
    )
    apply("letters", bundle & authors_not_different)
    untitled = (
        ~has_title & authors_known & (au >= 0.9) & year_same & journal & bib_identical & f.page_end
    )
    if o["link_untitled"]:
        apply("untitled", untitled)

    m = SimpleNamespace(**{k: v for k, v in locals().items() if k not in ("f", "o", "m")})
    return Verdicts(link, review(f, o, m), coherence(f, m), score(m), rule)

"""The review list of the fuzzy deduplicator: which unlinked pairs a person should see.

Kept apart from ``_rules`` (which decides the links) so each stays small; ``m`` holds
the masks ``_rules.judge`` computed (same names), ``f`` the pair features.

Uncertain (sent to a person): not linked, no identifier or year veto, and
titles >= ``uncertain_title`` with authors not below ``author_floor``, not an
erratum/numbered-part pair, and no conflicting volume or pages unless an
identifier is shared (a recurring title also needs the same year and volume or
first page, and no other issue); or the same identifier with unlike titles; or
an untitled record whose other fields all agree; or a recurring title with the
same first page, different DOIs and nothing else apart; or two versions of one
Cochrane review (``cochrane_versions: review``). Not sent: a conference item
and a journal item with nothing but a like title in common (two reports), and a
recurring title whose citation (or whose authors) tell the items apart. Of the
pairs between two groups (a cluster, or a record on its own) only one is sent
(``one_question_each``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.plugins.deduplicators._features import PairFeatures


def review(f: PairFeatures, o: dict[str, Any], m: Any) -> Any:
    """Per pair: not linked, but worth a person's look (see ``_rules``' docstring)."""
    uncertain = (
        ~m.link
        & ~m.identifier_conflict
        & ~(m.year_known & ~m.year_ok)
        & (
            (
                m.has_title
                & (m.t >= o["uncertain_title"])
                & m.authors_not_different
                & ~m.special
                # another volume or other pages, and no identifier in common: another
                # publication (the same abstract in two supplements, a reprint). Sending
                # these to review would make the list longer than a person works through.
                & ~(m.hard_conflict & ~m.identifier_same)
            )
            | (m.identifier_same & ~m.titles_compatible)
            | m.untitled
        )
        # a recurring title whose citation tells the items apart: not worth a look
        & ~(
            m.recurring
            & (
                m.hard_conflict
                | (f.issue == -1)
                | (m.year_known & ~m.year_same)
                | ~(m.volume_same | m.first_page)
                # the authors name the item of a recurring title: other authors, another
                # note ("The Society for MIS" read from two interviews' files)
                | (m.authors_known & ~m.authors_alike & ~m.identifier_same)
            )
        )
    )
    # A conference abstract and a journal item with a like title, no identifier and no
    # citation in common: two reports (the issue's false links); not worth a look either.
    uncertain &= ~m.venue_apart
    if o["cochrane_versions"] == "review":
        uncertain |= ~m.link & m.cochrane
    # The one ambiguous case of a recurring title: the same first page (and no
    # other field apart) but different DOIs. A person decides.
    uncertain |= (
        ~m.link
        & m.recurring
        & m.identifier_different
        & m.first_page
        & (f.volume != -1)
        & (f.issue != -1)
        & m.year_ok
    )
    return uncertain


def one_question_each(
    uncertain: Sequence[Any],
    cluster_of: Mapping[int, int],
    index: Mapping[str, int],
    different: Sequence[tuple[int, int]] = (),
) -> list[Any]:
    """The review pairs with one pair per two groups (a cluster, or a record on its own).

    A person decides whether a record belongs to a cluster once: a ``same`` on any
    pair between them joins them, and a ``different`` keeps the cluster whole apart
    (a ``different`` pair never ends in one cluster). So of the pairs between a
    record (or cluster) and one cluster only the most alike is asked, and none once
    a ``different`` decision stands between the two groups. ``uncertain`` holds
    ``Link`` objects; ``cluster_of`` maps a record's position to its cluster.
    """

    def group(k: int) -> tuple[str, int]:
        c = cluster_of.get(k)
        return ("r", k) if c is None else ("c", c)

    seen = {frozenset((group(a), group(b))) for a, b in different}
    out = []
    for link in sorted(uncertain, key=lambda lk: (-lk.score, lk.a, lk.b)):
        key = frozenset((group(index[link.a]), group(index[link.b])))
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out

"""The common run of a deduplicator: prepare, block, judge, cluster, report.

``exact`` and ``fuzzy`` differ only in their blocking keys and their rules;
both go through :func:`run`, so both respect human decisions and check the
coherence of their clusters in the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from evidencekit.core.duplicate_links import DedupeResult, Link
from evidencekit.core.errors import EvidencekitError

#: Pairs whose titles are less alike than this are not compared further (unless
#: they share an identifier or one has no title): no rule can link them. Between
#: this and the deduplicator's own floor only pairs where one title may contain
#: the other are kept (``_features.may_contain``).
PREFILTER_TITLE = 0.6

DECISIONS = ("same", "different")


def check_ids(records: Sequence[Any]) -> list[str]:
    """Every record's id; raise if one is missing or repeated."""
    ids = [str(getattr(r, "record_id", "") or "") for r in records]
    seen: set[str] = set()
    for position, rid in enumerate(ids, start=1):
        if not rid:
            raise EvidencekitError(
                f"record {position} has no record_id; deduplicate records from the store, "
                "which assigns one to every record"
            )
        if rid in seen:
            raise EvidencekitError(f"record_id {rid!r} occurs twice; every record needs its own id")
        seen.add(rid)
    return ids


def decision_pairs(
    decisions: Mapping[Any, str], index: Mapping[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Split decisions into ``same`` and ``different`` index pairs (unknown ids ignored)."""
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for pair, verdict in (decisions or {}).items():
        a, b = pair
        if verdict not in DECISIONS:
            raise EvidencekitError(
                f"decision for ({a}, {b}) is {verdict!r}; expected 'same' or 'different'"
            )
        if a not in index or b not in index or a == b:
            continue  # a decision about a record no longer in this batch
        ka, kb = sorted((index[a], index[b]))
        (same if verdict == "same" else different).append((ka, kb))
    return same, different


Judge = Callable[[Any, Any, Any], Any]  # (prepared, i, j) -> (features, verdicts)

#: Candidate pairs are judged in slices in forked processes from this many pairs on (the
#: comparisons are per pair, so the slices' answers are the answer; for fewer pairs,
#: forking and sending the arrays back cost more than they save).
PARALLEL_PAIRS = 50_000


def judge_in_slices(judge: Judge, p: Any, i: Any, j: Any, workers: int) -> tuple[Any, Any]:
    """``judge(p, i, j)``, made as slices of the pairs side by side when there are
    ``PARALLEL_PAIRS`` or more and ``workers`` allows more than one process
    (``core.parallel``; one process where forking is not safe). The same answer either
    way: every array of the features and verdicts is the slices' arrays end to end."""
    import dataclasses
    import os

    import numpy as np

    parts = workers if workers > 0 else (os.cpu_count() or 1)
    if parts < 2 or len(i) < PARALLEL_PAIRS:
        return judge(p, i, j)
    from evidencekit.core.parallel import run_jobs

    bounds = [len(i) * k // parts for k in range(parts + 1)]
    pieces = run_jobs(
        [
            lambda a=a, b=b: judge(p, i[a:b], j[a:b])
            for a, b in zip(bounds, bounds[1:], strict=False)
        ]
    )

    def joined(items: list[Any]) -> Any:
        first = items[0]
        values = {}
        for field in dataclasses.fields(first):
            parts_ = [getattr(item, field.name) for item in items]
            values[field.name] = None if parts_[0] is None else np.concatenate(parts_)
        return type(first)(**values)

    return joined([f for f, _ in pieces]), joined([v for _, v in pieces])


def run(
    records: Sequence[Any],
    decisions: Mapping[Any, str],
    *,
    block: Callable[[Any], tuple[Any, Any, dict[str, float]]],
    judge: Judge,
    reason: Callable[[Any, int, str], str],
    prefilter: float | None = None,
    workers: int = 1,
    shared_title_floor: float | None = None,
) -> DedupeResult:
    """Prepare, block, judge every candidate pair, cluster, and build the result.

    ``prefilter``: candidate pairs whose titles are less alike than this are
    dropped before the full comparison (see ``PREFILTER_TITLE``); ``None`` keeps all.
    """
    import numpy as np

    from evidencekit.plugins.deduplicators import _cluster
    from evidencekit.plugins.deduplicators._features import (
        mark_shared_identifiers,
        may_contain,
        prepare,
        title_similarity,
    )
    from evidencekit.plugins.deduplicators._review import one_question_each

    timings: dict[str, float] = {}
    start = time.perf_counter()
    ids = check_ids(records)
    index = {rid: k for k, rid in enumerate(ids)}
    same, different = decision_pairs(decisions, index)
    p = prepare(records, workers)
    shared = 0
    if shared_title_floor is not None:
        shared = mark_shared_identifiers(p, shared_title_floor)
    timings["seconds_prepare"] = time.perf_counter() - start

    mark = time.perf_counter()
    i, j, stats = block(p)
    # Orient every pair by record id, so results never depend on input order.
    id_array = np.array(ids, dtype=object)
    swap = id_array[i] > id_array[j] if len(i) else np.zeros(0, bool)
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    timings["seconds_block"] = time.perf_counter() - mark

    mark = time.perf_counter()
    if prefilter is not None and len(i):
        t = title_similarity(p, i, j, workers)
        contained = (t >= PREFILTER_TITLE) & may_contain(t, p.title_chars[i], p.title_chars[j])
        keep = np.isnan(t) | (t >= prefilter) | contained
        keep |= (p.doi[i] != "") & (p.doi[i] == p.doi[j])
        keep |= (p.pmid[i] != "") & (p.pmid[i] == p.pmid[j])
        # One citation (volume and page range) under a translated or retitled title: the
        # ``same-reference`` rule judges these, whatever the titles say.
        keep |= (
            (p.page_end[i] != "")
            & (p.page_end[i] == p.page_end[j])
            & (p.page_start[i] == p.page_start[j])
            & (p.volume[i] == p.volume[j])
        )
        i, j = i[keep], j[keep]
    features, verdicts = judge_in_slices(judge, p, i, j, workers)
    timings["seconds_compare"] = time.perf_counter() - mark

    decided = {pair: "same" for pair in same} | {pair: "different" for pair in different}
    link_mask = verdicts.link.copy()
    uncertain_mask = verdicts.uncertain.copy()
    if decided:
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        is_decided = np.fromiter(
            ((a, b) in decided for a, b in zip(lo.tolist(), hi.tolist(), strict=True)),
            bool,
            len(lo),
        )
        link_mask &= ~is_decided
        uncertain_mask &= ~is_decided
    li, lj = i[link_mask], j[link_mask]
    lscore = verdicts.score[link_mask]
    link_rows = np.flatnonzero(link_mask)

    mark = time.perf_counter()

    def compatible(a: Any, b: Any) -> Any:
        # Orient by record id like the candidate pairs: the same answer in any input order.
        flip = id_array[a] > id_array[b]
        return judge(p, np.where(flip, b, a), np.where(flip, a, b))[1].compatible

    clustering = _cluster.build(
        len(ids), li, lj, lscore, ids, compatible, same=same, different=different
    )
    timings["seconds_cluster"] = time.perf_counter() - mark

    cluster_of: dict[int, int] = {}
    for c, members in enumerate(clustering.clusters):
        for k in members:
            cluster_of[k] = c

    def pair_ids(a: int, b: int) -> tuple[str, str]:
        x, y = ids[a], ids[b]
        return (x, y) if x < y else (y, x)

    links: list[Link] = []
    for a, b in same:
        x, y = pair_ids(a, b)
        if cluster_of.get(a, -1) == cluster_of.get(b, -2):
            links.append(Link(x, y, "decision: same", 1.0))
    for k in clustering.kept:
        row = int(link_rows[k])
        x, y = pair_ids(int(li[k]), int(lj[k]))
        links.append(Link(x, y, reason(features, row, str(verdicts.rule[row])), float(lscore[k])))
    uncertain: list[Link] = []
    for k in clustering.refused:
        row = int(link_rows[k])
        x, y = pair_ids(int(li[k]), int(lj[k]))
        text = "split from its cluster (an incompatible pair): " + reason(
            features, row, str(verdicts.rule[row])
        )
        uncertain.append(Link(x, y, text, float(lscore[k])))
    for row in np.flatnonzero(uncertain_mask).tolist():
        a, b = int(i[row]), int(j[row])
        if cluster_of.get(a, -1) == cluster_of.get(b, -2):
            continue  # already together through other links
        x, y = pair_ids(a, b)
        uncertain.append(Link(x, y, reason(features, row, ""), float(verdicts.score[row])))
    links.sort(key=lambda lk: (lk.a, lk.b))
    # One question per record (or cluster) and cluster: the rest follow from it.
    uncertain = one_question_each(uncertain, cluster_of, index, different)
    clusters = sorted((sorted(ids[k] for k in c) for c in clustering.clusters), key=lambda c: c[0])

    stats.update(timings)
    stats.update(
        {
            "records": float(len(ids)),
            "compared_pairs": float(len(i)),
            "links": float(len(links)),
            "uncertain": float(len(uncertain)),
            "clusters": float(len(clusters)),
            "duplicates": float(sum(len(c) - 1 for c in clusters)),
            "clusters_split": float(clustering.split_clusters),
            "shared_identifiers_ignored": float(shared),
            "decisions_conflicting": float(len(clustering.conflicts)),
            "seconds_total": time.perf_counter() - start,
        }
    )
    return DedupeResult(links=links, uncertain=uncertain, clusters=clusters, stats=stats)

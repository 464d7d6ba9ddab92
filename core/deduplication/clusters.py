"""A deduplicator's links turned into clusters that respect every decision a person made,
each with its primary record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evidencekit.core.deduplication.settings import make_pair_id, pair_key
from evidencekit.core.duplicate_links import DedupeResult, Link, UnionFind
from evidencekit.core.errors import PipelineError
from evidencekit.core.model import Record
from evidencekit.core.records.clustering import primary_rank


@dataclass(frozen=True)
class _Row:
    cluster_id: str
    is_primary: bool


def _check_ids(method: str, result: DedupeResult, known: set[str]) -> None:
    ids = [i for link in (*result.links, *result.uncertain) for i in (link.a, link.b)]
    ids.extend(i for cluster in result.clusters for i in cluster)
    unknown = sorted(set(ids) - known)
    if unknown:
        raise PipelineError(
            f"deduplicator {method!r} returned record ids the store does not hold: "
            f"{', '.join(unknown[:5])}; this is a bug in the deduplicator"
        )


def resolve_clusters(
    record_ids: Iterable[str],
    result: DedupeResult,
    decisions: Mapping[tuple[str, str], str],
) -> tuple[list[list[str]], list[str], int]:
    """Final clusters: the deduplicator's, with every person's decision enforced.

    A cluster holding a pair decided "different" is rebuilt from the
    deduplicator's links inside it, strongest first, never joining two groups
    that hold such a pair. Then every pair decided "same" is merged, unless that
    too would join a "different" pair (a conflict, reported). Returns every
    cluster (singletons included, each sorted), the conflicts, and how many of
    the deduplicator's clusters were split.
    """
    ids = list(record_ids)
    apart: dict[str, set[str]] = {}
    for (a, b), decision in decisions.items():
        if decision == "different":
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    base = UnionFind(ids)
    for cluster in result.clusters:
        for other in cluster[1:]:
            base.union(cluster[0], other)
    groups: dict[Any, list[str]] = {}
    for rid in ids:
        groups.setdefault(base.find(rid), []).append(rid)
    edges: dict[Any, list[tuple[float, str, str]]] = {}
    for link in result.links:
        root = base.find(link.a)
        if root == base.find(link.b):
            score = 1.0 if link.score is None else float(link.score)
            edges.setdefault(root, []).append((score, *pair_key(link.a, link.b)))

    final = UnionFind(ids)
    sets = {rid: {rid} for rid in ids}
    split = 0
    for root, members in groups.items():
        if len(members) == 1:
            continue
        inside = set(members)
        if any(apart.get(rid, set()) & inside for rid in members):
            split += 1  # rebuild it from its own links, strongest first
            for _, a, b in sorted(edges.get(root, []), key=lambda e: (-e[0], e[1], e[2])):
                _join(final, sets, a, b, apart)
        else:
            for other in members[1:]:
                _join(final, sets, members[0], other, apart)
    conflicts: list[str] = []
    for (a, b), decision in sorted(decisions.items()):
        if decision == "same" and a in sets and b in sets and not _join(final, sets, a, b, apart):
            conflicts.append(
                f"{a} and {b} were decided the same study, but joining them would put "
                "records decided different in one cluster; they were kept apart"
            )
    clusters: dict[Any, list[str]] = {}
    for rid in ids:
        clusters.setdefault(final.find(rid), []).append(rid)
    return sorted((sorted(c) for c in clusters.values()), key=lambda c: c[0]), conflicts, split


def _join(
    uf: UnionFind, sets: dict[str, set[str]], a: str, b: str, apart: Mapping[str, set[str]]
) -> bool:
    """Union a and b unless their groups hold a pair decided different."""
    sa_, sb = sets[a], sets[b]
    if sa_ is sb:
        return True
    small, large = (sa_, sb) if len(sa_) <= len(sb) else (sb, sa_)
    if any(apart.get(rid, set()) & large for rid in small):
        return False
    uf.union(a, b)
    large |= small
    for rid in small:
        sets[rid] = large
    return True


def assign_primaries(
    records: Sequence[Record], clusters: Sequence[Sequence[str]]
) -> list[tuple[str, str, bool]]:
    """(record_id, cluster_id, is_primary) for every record.

    The primary is the most complete record (see ``primary_rank``); the cluster
    id is the primary's record id, so a unique record is its own cluster.
    """
    by_id = {r.record_id: r for r in records}
    order = {r.record_id: i for i, r in enumerate(records)}
    out: list[tuple[str, str, bool]] = []
    for cluster in clusters:
        if len(cluster) == 1:  # most records: nothing to choose
            out.append((cluster[0], cluster[0], True))
            continue
        primary = min(cluster, key=lambda rid: primary_rank(by_id[rid], order[rid]))
        out.extend((rid, primary, rid == primary) for rid in cluster)
    out.sort(key=lambda row: order[row[0]])
    return out


def _final_links(
    links: Sequence[Link],
    decided: Mapping[tuple[str, str], Mapping[str, Any]],
    cluster_of: Mapping[str, str],
) -> list[tuple[str, str, str, float]]:
    out: dict[tuple[str, str], tuple[str, float]] = {}
    for link in links:
        key = pair_key(link.a, link.b)
        if key[0] != key[1] and cluster_of[key[0]] == cluster_of[key[1]]:
            score = 1.0 if link.score is None else float(link.score)
            if key not in out or score > out[key][1]:
                out[key] = (link.reason, score)
    for key, decision in decided.items():
        if decision["decision"] == "same" and cluster_of.get(key[0]) == cluster_of.get(key[1]):
            who = f" by {decision['who']}" if decision.get("who") else ""
            out[key] = (f"decision: same{who}", 1.0)
    return [(a, b, reason, score) for (a, b), (reason, score) in sorted(out.items())]


def _open_pairs(
    uncertain: Sequence[Link],
    decisions: Mapping[tuple[str, str], str],
    cluster_of: Mapping[str, str],
) -> list[tuple[str, str, str, str, float]]:
    out: dict[str, tuple[str, str, str, str, float]] = {}
    for link in uncertain:
        a, b = pair_key(link.a, link.b)
        if a == b or (a, b) in decisions or cluster_of[a] == cluster_of[b]:
            continue  # decided already, or already in one cluster through sure links
        pid = make_pair_id(a, b)
        score = 0.0 if link.score is None else float(link.score)
        if pid not in out or score > out[pid][4]:
            out[pid] = (pid, a, b, link.reason, score)
    return sorted(out.values(), key=lambda p: (-p[4], p[1], p[2]))

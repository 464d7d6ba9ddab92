"""Clusters from links: union-find, then a coherence check of every cluster.

Links are transitive: A~B and B~C put A and C in one cluster although A and
C were never compared, and may be different publications (A a conference
abstract, C the full paper, B an ambiguous record between them). So every
cluster with more than one link is checked pair by pair with the
deduplicator's own ``compatible`` test (no two DOIs, no years too far apart,
no conflicting pages, titles not below the floor, no pair a person decided
"different"). An incoherent cluster is rebuilt greedily: its links are taken
strongest first and a link is kept only when every pair it would join is
compatible; the links left out are returned so they can go to review.

Human decisions win: a "same" pair is always joined (first, before any
automatic link), a "different" pair never ends up in one cluster, directly or
through others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.duplicate_links import UnionFind

#: Components up to this size have all their pairs checked in one vectorised
#: batch; larger ones (rare: a run of near-identical records) are checked pair
#: by pair as their links are taken.
BATCH_COMPONENT = 200


@dataclass
class Clustering:
    """Final clusters (lists of indices), links kept and links refused, by index."""

    clusters: list[list[int]]
    kept: list[int]  # positions in the link arrays
    refused: list[int]
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # "same" decisions refused
    split_clusters: int = 0


def build(
    n: int,
    link_i: Any,
    link_j: Any,
    link_score: Any,
    order_key: list[str],
    compatible: Callable[[Any, Any], Any],
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """Cluster ``n`` records from scored links, respecting decisions and coherence.

    ``order_key[k]`` is record ``k``'s id (ties in score are broken by ids, so the
    result does not depend on input order). ``compatible(i, j)`` returns a
    boolean array telling whether each pair may share a cluster.
    """
    import numpy as np

    link_i = np.asarray(link_i, dtype=np.int64)
    link_j = np.asarray(link_j, dtype=np.int64)
    same = [tuple(sorted(p)) for p in same]
    different_set = {tuple(sorted(p)) for p in different}

    uf = UnionFind()
    for a, b in same:
        uf.union(a, b)
    for a, b in zip(link_i.tolist(), link_j.tolist(), strict=True):
        uf.union(a, b)

    members: dict[Any, list[int]] = {}
    for item in uf.parent:
        members.setdefault(uf.find(item), []).append(item)
    edges_of: dict[Any, list[int]] = {}
    for k, a in enumerate(link_i.tolist()):
        edges_of.setdefault(uf.find(a), []).append(k)
    same_of: dict[Any, list[tuple[int, int]]] = {}
    for pair in same:
        same_of.setdefault(uf.find(pair[0]), []).append(pair)
    flagged = {
        uf.find(a)
        for a, b in different_set
        if a in uf.parent and b in uf.parent and uf.find(a) == uf.find(b)
    }

    # Which components need their pairs checked: more than one link, a decision inside.
    to_check = [
        root
        for root, group in members.items()
        if len(group) > 2 or root in same_of or root in flagged
    ]
    cache: dict[tuple[int, int], bool] = {}
    batch_i: list[int] = []
    batch_j: list[int] = []
    for root in to_check:
        group = sorted(members[root])
        if len(group) > BATCH_COMPONENT:
            continue
        for x in range(len(group)):
            batch_i.extend([group[x]] * (len(group) - x - 1))
            batch_j.extend(group[x + 1 :])
    if batch_i:
        ok = compatible(np.asarray(batch_i), np.asarray(batch_j))
        cache.update(zip(zip(batch_i, batch_j, strict=True), (bool(v) for v in ok), strict=True))

    def check(pairs: list[tuple[int, int]]) -> bool:
        missing = [p for p in pairs if p not in cache]
        if missing:
            ok = compatible(
                np.asarray([p[0] for p in missing]), np.asarray([p[1] for p in missing])
            )
            cache.update(zip(missing, (bool(v) for v in ok), strict=True))
        return all(cache[p] for p in pairs)

    clusters: list[list[int]] = []
    kept: list[int] = []
    refused: list[int] = []
    conflicts: list[tuple[int, int]] = []
    split = 0
    checked = set(to_check)
    for root, group in members.items():
        edges = edges_of.get(root, [])
        if root not in checked:
            clusters.append(sorted(group))
            kept.extend(edges)
            continue
        group = sorted(group)
        small = len(group) <= BATCH_COMPONENT
        all_pairs = (
            [(group[x], group[y]) for x in range(len(group)) for y in range(x + 1, len(group))]
            if small
            else []
        )
        if small and not any(p in different_set for p in all_pairs) and check(all_pairs):
            clusters.append(group)
            kept.extend(edges)
            continue
        split += 1
        edge_pairs = {k: (int(link_i[k]), int(link_j[k])) for k in edges}
        parts, final, refused_here = _rebuild(
            group,
            same_of.get(root, []),
            edge_pairs,
            {k: float(link_score[k]) for k in edges},
            order_key,
            different_set,
            check,
            conflicts,
        )
        clusters.extend(parts)
        kept.extend(k for k in edges if k not in refused_here)
        refused.extend(refused_here)
    clusters = [c for c in clusters if len(c) > 1]
    return Clustering(clusters, sorted(kept), sorted(refused), conflicts, split)


def _rebuild(
    group: list[int],
    same: list[tuple[int, int]],
    edges: dict[int, tuple[int, int]],
    scores: dict[int, float],
    order_key: list[str],
    different: set[tuple[int, int]],
    check: Callable[[list[tuple[int, int]]], bool],
    conflicts: list[tuple[int, int]],
) -> tuple[list[list[int]], dict[int, Any], set[int]]:
    """Greedy rebuild of an incoherent component: decisions first, then links strongest first.

    A link is taken only when every pair it would bring together is compatible
    and none was decided "different". Returns the parts, each record's part
    root, and the links left out.
    """
    local = UnionFind(group)
    parts: dict[Any, list[int]] = {x: [x] for x in group}

    def join(a: int, b: int, forced: bool) -> bool:
        ra, rb = local.find(a), local.find(b)
        if ra == rb:
            return True
        cross = [(min(x, y), max(x, y)) for x in parts[ra] for y in parts[rb]]
        if any(p in different for p in cross):
            return False
        if not forced and not check(cross):
            return False
        root = local.union(ra, rb)
        other = rb if root == ra else ra
        parts[root] = parts[root] + parts.pop(other)
        return True

    for a, b in sorted(same, key=lambda p: (order_key[p[0]], order_key[p[1]])):
        if not join(a, b, forced=True):
            conflicts.append((a, b))
    ordered = sorted(
        edges,
        key=lambda k: (-scores[k], order_key[edges[k][0]], order_key[edges[k][1]]),
    )
    for k in ordered:
        join(*edges[k], forced=False)
    final = {x: local.find(x) for x in group}
    refused = {k for k, (a, b) in edges.items() if final[a] != final[b]}
    return [sorted(p) for p in parts.values() if len(p) > 1], final, refused

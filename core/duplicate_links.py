"""What a deduplicator returns, and the union-find that turns links into clusters.

Duplicates are linked, never deleted: the store keeps every record and marks
one primary per cluster.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """Two records judged the same study (or possibly the same, when uncertain)."""

    a: str  # record_id
    b: str  # record_id
    reason: str  # e.g. "doi", "pmid", "title+year", "fuzzy: title 0.98, authors 0.91, ..."
    score: float = 1.0


@dataclass
class DedupeResult:
    """Links a deduplicator is sure of, the pairs a person should review, and clusters.

    ``clusters`` lists every cluster of two or more record ids (sorted), after
    the deduplicator's coherence checks; records not in any cluster are unique.
    """

    links: list[Link] = field(default_factory=list)
    uncertain: list[Link] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)


class UnionFind:
    """Disjoint sets with path halving and union by size."""

    def __init__(self, items: Iterable[Hashable] = ()):
        self.parent: dict[Hashable, Hashable] = {}
        self.size: dict[Hashable, int] = {}
        for item in items:
            self.add(item)

    def add(self, item: Hashable) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.size[item] = 1

    def find(self, item: Hashable) -> Hashable:
        self.add(item)
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: Hashable, b: Hashable) -> Hashable:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra

    def groups(self) -> list[list[Hashable]]:
        """Every set of two or more items, each sorted, sorted by first item."""
        out: dict[Hashable, list[Hashable]] = {}
        for item in self.parent:
            out.setdefault(self.find(item), []).append(item)
        return sorted((sorted(g) for g in out.values() if len(g) > 1), key=lambda g: g[0])

"""Union-find clustering with coherence checks and decisions (``_cluster.build``)."""

from __future__ import annotations

import numpy as np

from evidencekit.core.duplicate_links import UnionFind
from evidencekit.plugins.deduplicators._cluster import build

IDS = ["a", "b", "c", "d", "e"]


def compatible_except(*bad: tuple[int, int]):
    """A compatibility test refusing the given index pairs (either order)."""
    refused = {tuple(sorted(p)) for p in bad}
    calls: list[int] = []

    def check(i, j):
        calls.append(len(i))
        return np.array(
            [tuple(sorted((int(x), int(y)))) not in refused for x, y in zip(i, j, strict=True)]
        )

    check.calls = calls  # type: ignore[attr-defined]
    return check


def run(links, check, same=(), different=()):
    i = [a for a, _, _ in links]
    j = [b for _, b, _ in links]
    score = np.array([s for _, _, s in links], dtype=float)
    return build(len(IDS), i, j, score, IDS, check, same=same, different=different)


def test_chain_is_one_cluster_when_coherent() -> None:
    result = run([(0, 1, 0.9), (1, 2, 0.8)], compatible_except())
    assert result.clusters == [[0, 1, 2]]
    assert result.kept == [0, 1] and result.refused == [] and result.split_clusters == 0


def test_pairs_alone_are_not_rechecked() -> None:
    check = compatible_except()
    run([(0, 1, 0.9), (2, 3, 0.9)], check)
    assert check.calls == []  # a lone link was judged compatible when it was made


def test_incoherent_chain_is_split_at_the_weaker_link() -> None:
    result = run([(0, 1, 0.9), (1, 2, 0.8)], compatible_except((0, 2)))
    assert result.clusters == [[0, 1]]
    assert result.kept == [0] and result.refused == [1] and result.split_clusters == 1


def test_different_decision_splits_even_compatible_records() -> None:
    result = run([(0, 1, 0.9), (1, 2, 0.8)], compatible_except(), different=[(2, 0)])
    assert [0, 2] not in result.clusters and all(not {0, 2} <= set(c) for c in result.clusters)


def test_same_decision_joins_even_incompatible_records() -> None:
    result = run([(1, 2, 0.9)], compatible_except((0, 3)), same=[(0, 3)])
    assert sorted(result.clusters) == [[0, 3], [1, 2]]


def test_link_incompatible_with_a_decided_cluster_is_refused() -> None:
    # 0 and 4 are the same (a person said so); 1 links to 0 but not to 4.
    result = run([(0, 1, 0.9)], compatible_except((1, 4)), same=[(0, 4)])
    assert result.clusters == [[0, 4]]
    assert result.refused == [0] and result.kept == []


def test_conflicting_decisions_are_reported() -> None:
    result = run([], compatible_except(), same=[(0, 1), (1, 2)], different=[(0, 2)])
    assert result.conflicts == [(1, 2)]
    assert result.clusters == [[0, 1]]


def test_union_find_groups() -> None:
    uf = UnionFind("abcde")
    uf.union("a", "b")
    uf.union("d", "c")
    uf.union("b", "d")
    assert uf.groups() == [["a", "b", "c", "d"]]

"""Properties every deduplicator result must have, on generated corpora (hypothesis)."""

from __future__ import annotations

import itertools

import pytest
from dedupe_helpers import exact, fuzzy, rec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencekit.core.model import Record

BASES = [
    (
        "Peer support workers in mental health services: a randomised controlled trial",
        "Smith, Jane; Jones, Ann",
        2019,
        "British Journal of Psychiatry",
        "214",
        "3",
        "145-152",
    ),
    (
        "Peer support workers in mental health services: a qualitative study",
        "Smith, Jane; Brown, Carl",
        2019,
        "BMC Psychiatry",
        "19",
        "1",
        "200-210",
    ),
    (
        "Peer support in mental health services. Part I: design",
        "Garcia, Maria",
        2018,
        "Psychiatric Services",
        "69",
        "2",
        "100-110",
    ),
    (
        "Peer support in mental health services. Part II: results",
        "Garcia, Maria",
        2018,
        "Psychiatric Services",
        "69",
        "2",
        "111-120",
    ),
    (
        "Erratum: Peer support workers in mental health services: a randomised controlled trial",
        "Smith, Jane",
        2019,
        "British Journal of Psychiatry",
        "214",
        "6",
        "400",
    ),
    (
        "Implementation of peer support: barriers and facilitators",
        "Chen, Li; Wang, Yu",
        2020,
        "Implementation Science",
        "15",
        "",
        "e12",
    ),
    (
        "Implementation of peer support: barriers and facilitators",
        "Okafor, Ngozi",
        2021,
        "Health Research Policy and Systems",
        "19",
        "4",
        "33-41",
    ),
    ("Editorial", "", 2019, "Lancet Psychiatry", "6", "1", "1"),
]


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Record], dict[tuple[str, str], str]]:
    """A few base records, each copied with export-like variations, plus decisions."""
    records: list[Record] = []
    chosen = draw(st.lists(st.sampled_from(BASES), min_size=1, max_size=6, unique=True))
    for number, base in enumerate(chosen):
        title, au, year, journal, volume, issue, pages = base
        for copy in range(draw(st.integers(1, 3))):
            t = title
            if draw(st.booleans()):
                t = t.upper()
            if draw(st.booleans()):
                t = t.replace(":", " -") + "."
            if draw(st.booleans()) and len(t) > 20:
                k = draw(st.integers(5, len(t) - 5))
                t = t[:k] + t[k + 1 :]  # a typo: one character dropped
            a = au
            if draw(st.booleans()):
                a = "; ".join(
                    p.split(",")[0] + ", " + p.split(",")[1].strip()[:1] + "."
                    for p in au.split(";")
                    if "," in p
                )
            y = year + draw(st.sampled_from([0, 0, 0, 1]))
            j = journal if draw(st.booleans()) else "".join(w[:4] + " " for w in journal.split())
            p = pages if draw(st.booleans()) else pages.split("-")[0]
            doi = f"10.1000/base{number}" if draw(st.booleans()) else ""
            records.append(
                rec(
                    f"r{number}-{copy}",
                    t,
                    a,
                    y,
                    journal=j.strip(),
                    volume=volume,
                    issue=issue,
                    pages=p,
                    doi=doi,
                )
            )
    ids = [r.record_id for r in records]
    decisions: dict[tuple[str, str], str] = {}
    if len(ids) > 1:
        for a, b in draw(
            st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3)
        ):
            if a != b:
                decisions[(a, b)] = "different"
    return records, decisions


def check_result(records: list[Record], decisions: dict, result) -> None:
    ids = {r.record_id for r in records}
    seen: set[str] = set()
    for cluster in result.clusters:
        assert len(cluster) >= 2 and cluster == sorted(cluster)
        assert set(cluster) <= ids and not seen & set(cluster)
        seen |= set(cluster)
    assert [c[0] for c in result.clusters] == sorted(c[0] for c in result.clusters)
    cluster_of = {rid: k for k, c in enumerate(result.clusters) for rid in c}
    for link in result.links:
        assert link.a < link.b and link.reason
        assert cluster_of[link.a] == cluster_of[link.b]
    for pair in result.uncertain:
        assert pair.a < pair.b
        assert cluster_of.get(pair.a, -1) != cluster_of.get(pair.b, -2)
        assert (pair.a, pair.b) not in decisions and (pair.b, pair.a) not in decisions
    for (a, b), verdict in decisions.items():
        if verdict == "different":
            assert cluster_of.get(a, -1) != cluster_of.get(b, -2)
    # every record of a cluster is connected through kept links or decisions
    for cluster in result.clusters:
        edges = {(lk.a, lk.b) for lk in result.links if lk.a in cluster}
        reach, frontier = {cluster[0]}, [cluster[0]]
        while frontier:
            node = frontier.pop()
            for a, b in edges:
                for x, y in ((a, b), (b, a)):
                    if x == node and y not in reach:
                        reach.add(y)
                        frontier.append(y)
        assert reach == set(cluster)


@pytest.mark.parametrize("method", [fuzzy, exact], ids=["fuzzy", "exact"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=corpora(), seed=st.randoms(use_true_random=False))
def test_result_invariants_and_order_independence(method, data, seed) -> None:
    records, decisions = data
    result = method(records, decisions=decisions)
    check_result(records, decisions, result)
    shuffled = records[:]
    seed.shuffle(shuffled)
    again = method(shuffled, decisions=dict(reversed(list(decisions.items()))))
    assert again.clusters == result.clusters
    assert again.links == result.links
    assert again.uncertain == result.uncertain


@settings(max_examples=25, deadline=None)
@given(data=corpora())
def test_same_decisions_always_join(data) -> None:
    records, _ = data
    ids = [r.record_id for r in records]
    same = {pair: "same" for pair in itertools.islice(itertools.combinations(ids, 2), 3)}
    result = fuzzy(records, decisions=same)
    cluster_of = {rid: k for k, c in enumerate(result.clusters) for rid in c}
    for a, b in same:
        assert cluster_of[a] == cluster_of[b]


@settings(max_examples=25, deadline=None)
@given(data=corpora())
def test_no_different_bases_merged(data) -> None:
    """Copies of one base may or may not be found; copies of two bases never merge."""
    records, _ = data
    result = fuzzy(records)
    for cluster in result.clusters:
        bases = {rid.split("-")[0] for rid in cluster}
        assert len(bases) == 1, cluster


text = st.text(max_size=40)


@st.composite
def wild_records(draw: st.DrawFn) -> list[Record]:
    """Records with arbitrary text in every field (mangled exports)."""
    out = []
    for k in range(draw(st.integers(0, 8))):
        out.append(
            rec(
                f"w{k}",
                draw(text),
                draw(text),
                draw(st.one_of(st.none(), st.integers(-5, 3000))),
                journal=draw(text),
                volume=draw(text),
                issue=draw(text),
                pages=draw(text),
                doi=draw(st.one_of(text, st.just("10.1000/same"))),
                pmid=draw(text),
                abstract=draw(text),
            )
        )
    return out


@settings(deadline=None)
@given(records=wild_records())
def test_arbitrary_field_values_never_raise(records) -> None:
    for method in (fuzzy, exact):
        check_result(records, {}, method(records))

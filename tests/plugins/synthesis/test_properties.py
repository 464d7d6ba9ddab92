"""Property tests (hypothesis) of the shared counting, and Kendall's tau-b against scipy."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthesis_helpers import make_data, mini_framework

from evidencekit.plugins.synthesis._counting import kendall_tau_b, vote_count
from evidencekit.plugins.synthesis.subgroup import Subgroup

FRAMEWORK = mini_framework()
DIRECTIONS = {
    "a": ["facilitator", "barrier"],
    "b": ["facilitator", "barrier"],
    "c": ["facilitator", "barrier"],
    "u": ["unclear"],
}


@st.composite
def coded_studies(draw):
    """1-25 studies, each with a level of 'arm' (x/y/z) and random coded influences."""
    n = draw(st.integers(1, 25))
    studies = {f"s{i:02d}": {"arm": draw(st.sampled_from(["x", "y", "z"]))} for i in range(n)}
    rows = []
    for study in studies:
        for influence in draw(st.lists(st.sampled_from("abcu"), max_size=6)):
            rows.append(
                (
                    study,
                    influence,
                    draw(st.sampled_from(DIRECTIONS[influence])),
                    draw(st.sampled_from(["f1", "f2", "F1 "])),
                )
            )
    return studies, rows


def ranking(result):
    return [(e["id"], e["n_studies"], e["rank"]) for e in result["influences"]]


@settings(deadline=None)
@given(coded_studies(), st.sampled_from(["framework-order", "name", "id"]))
def test_shares_lie_in_zero_one_and_counts_in_zero_n(case, tie_rule):
    studies, rows = case
    result = vote_count(make_data(studies, rows), FRAMEWORK, tie_rule=tie_rule, threshold=0.1)
    for e in (*result["influences"], *result["unclear_direction"]):
        assert 0 <= e["share"] <= 1
        assert 0 <= e["n_studies"] <= len(studies)
        assert sum(e["studies_by_direction"].values()) == e["n_studies"]
    counts = [e["n_studies"] for e in result["influences"]]
    assert counts == sorted(counts, reverse=True)


@settings(deadline=None)
@given(coded_studies(), st.randoms(use_true_random=False))
def test_rank_order_is_stable_under_row_shuffles(case, rnd):
    studies, rows = case
    first = vote_count(make_data(studies, rows), FRAMEWORK)
    shuffled_rows = list(rows)
    rnd.shuffle(shuffled_rows)
    items = list(studies.items())
    rnd.shuffle(items)
    second = vote_count(make_data(dict(items), shuffled_rows), FRAMEWORK)
    assert ranking(first) == ranking(second)
    assert [e["facilitators"] for e in first["influences"]] == [
        e["facilitators"] for e in second["influences"]
    ]


@settings(deadline=None)
@given(coded_studies())
def test_subgroup_counts_sum_to_the_whole_when_levels_partition(case):
    studies, rows = case
    data = make_data(studies, rows)
    result = Subgroup().run(data, FRAMEWORK, {"by": "arm"})
    assert result["partition"] is True
    assert sum(g["n_studies"] for g in result["subgroups"]) == len(studies)
    whole = {e["id"]: e["n_studies"] for e in result["whole"]["influences"]}
    for influence, count in whole.items():
        assert (
            sum(
                next(e["n_studies"] for e in g["influences"] if e["id"] == influence)
                for g in result["subgroups"]
            )
            == count
        )


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=30))
def test_kendall_tau_b_matches_scipy(pairs):
    from scipy.stats import kendalltau

    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    ours = kendall_tau_b(x, y)["tau_b"]
    with _quiet():
        theirs = kendalltau(x, y).statistic  # tau-b is scipy's default variant
    if math.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-12)


def test_kendall_tau_b_on_the_paper_sized_example():
    """Twelve shares with ties, as in a subgroup: the value scipy gives, to 1e-12."""
    from scipy.stats import kendalltau

    whole = [28, 22, 21, 18, 11, 8, 7, 7, 5, 3, 3, 1]
    part = [4, 3, 0, 2, 1, 1, 0, 1, 0, 0, 0, 0]
    ours = kendall_tau_b(whole, part)
    assert ours["tau_b"] == pytest.approx(kendalltau(whole, part).statistic, abs=1e-12)
    assert ours["pairs"] == 66


def test_kendall_tau_b_undefined_when_one_side_is_constant():
    result = kendall_tau_b([1, 2, 3], [0, 0, 0])
    assert result["tau_b"] is None and "same share" in result["undefined"]


class _quiet:
    """Silence scipy's warning for constant input (it returns nan)."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def test_random_partition_example():
    """A seeded random case, as a plain regression of the partition property."""
    rng = random.Random(7)
    studies = {f"s{i}": {"arm": rng.choice("xy")} for i in range(40)}
    rows = [(s, rng.choice("abc"), "facilitator") for s in studies for _ in range(2)]
    result = Subgroup().run(make_data(studies, rows), FRAMEWORK, {"by": "arm"})
    assert sum(g["n_studies"] for g in result["subgroups"]) == 40

"""Percent agreement and Cohen's kappa, checked against sklearn and statsmodels."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_libraries import function

from evidencekit.core.agreement import (
    agreement,
    cohen_kappa,
    interpret_kappa,
    percent_agreement,
    wilson_interval,
)

cohen_kappa_score = function("sklearn.metrics", "cohen_kappa_score")
sm_kappa = function("statsmodels.stats.inter_rater", "cohens_kappa")
proportion_confint = function("statsmodels.stats.proportion", "proportion_confint")

A = ["yes", "yes", "no", "cant", "yes", "no", "no", "yes", "cant", "yes", "no", "yes"]
B = ["yes", "no", "no", "cant", "yes", "no", "yes", "yes", "no", "yes", "no", "cant"]
ORDINAL_A = [0, 1, 2, 3, 3, 2, 1, 0, 2, 2, 3, 1, 0, 0, 3]
ORDINAL_B = [0, 2, 2, 3, 2, 2, 0, 0, 3, 1, 3, 1, 1, 0, 3]


def _table(a, b, cats):
    index = {c: i for i, c in enumerate(cats)}
    table = [[0] * len(cats) for _ in cats]
    for x, y in zip(a, b, strict=True):
        table[index[x]][index[y]] += 1
    return table


def test_percent_agreement_hand_computed():
    result = percent_agreement(A, B)
    assert result.n == 12 and result.agreed == 8
    assert result.percent == pytest.approx(100 * 8 / 12)


def test_wilson_interval_matches_statsmodels():
    for successes, n in [(8, 12), (0, 10), (10, 10), (93, 100), (1, 3)]:
        low, high = wilson_interval(successes, n)
        sm_low, sm_high = proportion_confint(successes, n, alpha=0.05, method="wilson")
        assert low == pytest.approx(sm_low, abs=1e-12)
        assert high == pytest.approx(sm_high, abs=1e-12)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_matches_sklearn_and_statsmodels(weights):
    ours = cohen_kappa(ORDINAL_A, ORDINAL_B, weights=weights)
    assert ours.kappa == pytest.approx(
        cohen_kappa_score(ORDINAL_A, ORDINAL_B, weights=weights), abs=1e-12
    )
    table = _table(ORDINAL_A, ORDINAL_B, [0, 1, 2, 3])
    ref = sm_kappa(table, wt=weights) if weights else sm_kappa(table)
    assert ours.kappa == pytest.approx(ref.kappa, abs=1e-12)
    assert ours.se == pytest.approx(ref.std_kappa, abs=1e-12)
    assert ours.ci_low == pytest.approx(max(-1, ref.kappa_low), abs=1e-12)
    assert ours.ci_high == pytest.approx(min(1, ref.kappa_upp), abs=1e-12)


def test_unweighted_kappa_on_labels_matches_sklearn():
    ours = cohen_kappa(A, B)
    assert ours.kappa == pytest.approx(cohen_kappa_score(A, B), abs=1e-12)
    # hand computation: po = 8/12; marginals a (yes 6, no 4, cant 2), b (yes 5, no 5, cant 2)
    pe = (6 * 5 + 4 * 5 + 2 * 2) / 144
    assert ours.kappa == pytest.approx((8 / 12 - pe) / (1 - pe))


def test_category_order_matters_for_weighted_kappa_only():
    cats = ["no", "cant", "yes"]
    ours = cohen_kappa(A, B, weights="linear", categories=cats)
    assert ours.kappa == pytest.approx(
        cohen_kappa_score(A, B, weights="linear", labels=cats), abs=1e-12
    )
    assert cohen_kappa(A, B, categories=cats).kappa == pytest.approx(cohen_kappa(A, B).kappa)


def test_kappa_undefined_when_one_category_only():
    result = cohen_kappa(["yes"] * 5, ["yes"] * 5)
    assert result.kappa is None and "undefined" in result.note
    assert interpret_kappa(result.kappa) == "undefined"


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="paired"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError, match="not among the categories"):
        cohen_kappa(["a", "b"], ["a", "c"], categories=["a", "b"])
    with pytest.raises(ValueError, match="unknown weights"):
        cohen_kappa([1], [1], weights="cubic")


def test_wilson_interval_is_exact_at_0_and_100_percent():
    # analytically the interval reaches 0 (no successes) and 1 (all successes) exactly
    for n in (1, 7, 78, 1000):
        assert wilson_interval(n, n, 0.8)[1] == 1.0
        assert wilson_interval(0, n, 0.8)[0] == 0.0
    assert percent_agreement(["a"] * 78, ["a"] * 78).ci_high == 100.0


def test_empty_input():
    assert percent_agreement([], []).percent is None
    assert cohen_kappa([], []).kappa is None


def test_agreement_dict_is_plain_data():
    out = agreement(A, B)
    assert set(out) >= {"n", "percent", "percent_ci", "kappa", "kappa_se", "kappa_ci"}
    assert out["kappa_interpretation"] in {"fair", "moderate", "substantial"}


@settings(deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=60),
    st.sampled_from([None, "linear", "quadratic"]),
)
def test_kappa_property_matches_sklearn(pairs, weights):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    cats = [0, 1, 2, 3]
    ours = cohen_kappa(a, b, weights=weights, categories=cats)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = cohen_kappa_score(a, b, weights=weights, labels=cats)
    if ours.kappa is None:
        assert math.isnan(ref) or len(set(a) | set(b)) == 1
    else:
        assert ours.kappa == pytest.approx(ref, abs=1e-9)
        assert -1 <= ours.ci_low <= ours.kappa <= ours.ci_high <= 1


@settings(deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=60),
    st.sampled_from([None, "linear", "quadratic"]),
)
def test_kappa_standard_error_and_interval_match_statsmodels(pairs, weights):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    ours = cohen_kappa(a, b, weights=weights, categories=[0, 1, 2, 3])
    if ours.kappa is None:
        return  # undefined (one category only): statsmodels divides by zero
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = _table(a, b, [0, 1, 2, 3])
        ref = sm_kappa(table, wt=weights) if weights else sm_kappa(table)
    assert ours.kappa == pytest.approx(ref.kappa, abs=1e-9)
    if math.isfinite(ref.std_kappa):
        # variances compared: where the variance is 0 up to rounding, its square root
        # turns a 1e-17 difference into 1e-8
        assert ours.se**2 == pytest.approx(ref.std_kappa**2, abs=1e-12)
        assert ours.ci_low == pytest.approx(max(-1.0, ref.kappa_low), abs=1e-6)
        assert ours.ci_high == pytest.approx(min(1.0, ref.kappa_upp), abs=1e-6)


@settings(deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_interval_property_matches_statsmodels(counts, confidence):
    successes, n = counts
    low, high = wilson_interval(successes, n, confidence)
    sm_low, sm_high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    assert low == pytest.approx(sm_low, abs=1e-9)
    assert high == pytest.approx(sm_high, abs=1e-9)
    assert 0 <= low <= successes / n <= high <= 1


@settings(deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=1, max_size=80))
def test_percent_agreement_interval_property(pairs):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    result = percent_agreement(a, b)
    agreed = sum(x == y for x, y in pairs)
    assert (result.n, result.agreed) == (len(pairs), agreed)
    sm_low, sm_high = proportion_confint(agreed, len(pairs), alpha=0.05, method="wilson")
    assert result.ci_low == pytest.approx(100 * sm_low, abs=1e-7)
    assert result.ci_high == pytest.approx(100 * sm_high, abs=1e-7)

"""PABAK, prevalence and bias indices, Gwet's AC1 for two raters.

References: scikit-learn's Cohen's kappa (Byrt et al.'s identity ties kappa to
PABAK and the two indices), statsmodels' Wilson interval (PABAK's interval is
its image), and Gwet's published worked example for AC1.
"""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_libraries import function

from evidencekit.core.agreement import (
    gwet_ac1,
    gwet_ac1_raters,
    pabak,
    prevalence_bias,
)

cohen_kappa_score = function("sklearn.metrics", "cohen_kappa_score")
proportion_confint = function("statsmodels.stats.proportion", "proportion_confint")


def _from_table(table, cats):
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [cats[i]] * count
            b += [cats[j]] * count
    return a, b


def test_gwet_ac1_published_worked_example():
    # Gwet KL (2014) Handbook of Inter-Rater Reliability, 4th ed., Advanced Analytics:
    # 100 pregnant women classified by two abstractors as ectopic, abnormal
    # intrauterine (AIU) or normal intrauterine (NIU) pregnancy. Gwet reports
    # pa = 0.89, pe = 0.26992, AC1 = 0.84933, SE = 0.04322, 95% CI 0.76358 to 0.93508
    # (the same figures his irrCAC package gives for its `cont3x3abstractors` table).
    cats = ["ectopic", "AIU", "NIU"]
    a, b = _from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]], cats)
    result = gwet_ac1(a, b, categories=cats)
    assert result.n == 100 and result.raters == 2
    assert result.observed == pytest.approx(0.89, abs=5e-6)
    assert result.expected == pytest.approx(0.26992, abs=5e-6)
    assert result.ac1 == pytest.approx(0.84933, abs=5e-6)
    assert result.se == pytest.approx(0.04322, abs=5e-6)
    assert result.ci_low == pytest.approx(0.76358, abs=5e-6)
    assert result.ci_high == pytest.approx(0.93508, abs=5e-6)


def test_kappa_paradox_rare_inclusions():
    # 100 records, 1 included by both, 2 by one reviewer only: 97% agreement,
    # a low kappa, PABAK and AC1 near the agreement.
    a = ["include"] * 2 + ["exclude"] * 98
    b = ["include", "exclude", "include"] + ["exclude"] * 97
    po = 0.98
    assert pabak(a, b).pabak == pytest.approx(2 * po - 1)
    table = prevalence_bias(a, b, positive="include")
    assert (table.both_positive, table.first_only, table.second_only, table.both_negative) == (
        1,
        1,
        1,
        97,
    )
    assert table.prevalence_index == pytest.approx((1 - 97) / 100)
    assert table.bias_index == 0
    kappa = cohen_kappa_score(a, b)
    assert kappa < 0.5
    ac1 = gwet_ac1(a, b)
    # hand computation: pi(include) = (2/100 + 2/100) / 2 = 0.02; pe = 2 * 0.02 * 0.98
    pe = 2 * 0.02 * 0.98
    assert ac1.expected == pytest.approx(pe)
    assert ac1.ac1 == pytest.approx((po - pe) / (1 - pe))
    assert ac1.ac1 > 0.97


pairs_2 = st.lists(st.tuples(st.sampled_from("yn"), st.sampled_from("yn")), min_size=1, max_size=80)


@settings(deadline=None)
@given(pairs_2)
def test_byrt_identity_ties_kappa_to_pabak_and_indices(pairs):
    # Byrt, Bishop & Carlin (1993): kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2)
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    table = prevalence_bias(a, b, positive="y", categories="yn")
    pk = pabak(a, b, categories="yn").pabak
    pi, bi = table.prevalence_index, table.bias_index
    denominator = 1 - pi**2 + bi**2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = cohen_kappa_score(a, b, labels=["y", "n"])
    if math.isclose(denominator, 0, abs_tol=1e-12):
        assert math.isnan(ref) or len(set(a) | set(b)) == 1
        return
    assert (pk - pi**2 + bi**2) / denominator == pytest.approx(ref, abs=1e-9)
    assert table.both_positive + table.first_only + table.second_only + table.both_negative == len(
        pairs
    )


@settings(deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=60),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_pabak_interval_is_the_wilson_interval_mapped(pairs, confidence):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    result = pabak(a, b, categories=[0, 1, 2], confidence=confidence)
    agreed = sum(x == y for x, y in pairs)
    low, high = proportion_confint(agreed, len(pairs), alpha=1 - confidence, method="wilson")
    assert result.pabak == pytest.approx((3 * agreed / len(pairs) - 1) / 2)
    assert result.ci_low == pytest.approx(max(-1, (3 * low - 1) / 2), abs=1e-9)
    assert result.ci_high == pytest.approx(min(1, (3 * high - 1) / 2), abs=1e-9)
    assert -1 <= result.ci_low <= result.pabak <= result.ci_high <= 1


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=60))
def test_ac1_two_raters_agrees_with_the_many_rater_form(pairs):
    # Same pa and pe whether computed from the 2 x 2 table or from per-subject counts.
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    two = gwet_ac1(a, b, categories=[0, 1, 2, 3])
    many = gwet_ac1_raters(pairs, categories=[0, 1, 2, 3])
    assert two.observed == pytest.approx(many.observed, abs=1e-12)
    assert two.expected == pytest.approx(many.expected, abs=1e-12)
    assert two.ac1 == pytest.approx(many.ac1, abs=1e-12)
    assert -1 <= two.ci_low <= two.ac1 <= two.ci_high <= 1
    assert two.se >= 0


def test_edge_cases():
    # all agree on one category: kappa undefined, PABAK and AC1 are 1 once both categories
    # are declared; with one category only they are undefined, never NaN
    a = b = ["exclude"] * 10
    assert pabak(a, b, categories=["include", "exclude"]).pabak == 1
    ac1 = gwet_ac1(a, b, categories=["include", "exclude"])
    assert (ac1.ac1, ac1.se, ac1.ci_low, ac1.ci_high) == (1.0, 0.0, 1.0, 1.0)
    assert pabak(a, b).pabak is None and "single category" in pabak(a, b).note
    assert gwet_ac1(a, b).ac1 is None
    table = prevalence_bias(a, b, positive="include")
    assert (table.prevalence_index, table.bias_index) == (-1.0, 0.0)
    # all disagree
    a, b = ["include"] * 5 + ["exclude"] * 5, ["exclude"] * 5 + ["include"] * 5
    assert pabak(a, b).pabak == -1
    assert gwet_ac1(a, b).ac1 == pytest.approx(-1)
    assert prevalence_bias(a, b, positive="include").bias_index == 0
    # nothing to compare
    assert pabak([], []).pabak is None
    assert gwet_ac1([], []).ac1 is None
    assert prevalence_bias([], [], positive="include").prevalence_index is None
    assert gwet_ac1(["a"], ["b"]).se is None


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="paired"):
        gwet_ac1(["a"], [])
    with pytest.raises(ValueError, match="two categories"):
        prevalence_bias(["a", "b"], ["c", "a"], positive="a")
    with pytest.raises(ValueError, match="not among the categories"):
        pabak(["a"], ["z"], categories=["a", "b"])
    with pytest.raises(ValueError, match="confidence"):
        gwet_ac1(["a", "b"], ["a", "a"], confidence=95)


def test_results_are_plain_data():
    out = gwet_ac1(["a", "b", "a"], ["a", "b", "b"]).to_dict()
    assert out["categories"] == ["a", "b"] and set(out) >= {"ac1", "se", "ci_low", "ci_high"}
    assert pabak(["a"], ["a"], categories="ab").to_dict()["pabak"] == 1

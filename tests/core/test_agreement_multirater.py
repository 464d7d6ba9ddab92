"""Fleiss' kappa, many-rater AC1 and Krippendorff's alpha.

References: statsmodels' ``fleiss_kappa`` (complete data), the ``krippendorff``
package (nominal, missing ratings), and the published worked example of Gwet's
Handbook (4 raters, 12 subjects, missing ratings).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reference_libraries import function, module

from evidencekit.core.agreement import fleiss_kappa, gwet_ac1_raters, krippendorff_alpha

krippendorff = module("krippendorff")
aggregate_raters = function("statsmodels.stats.inter_rater", "aggregate_raters")
sm_fleiss = function("statsmodels.stats.inter_rater", "fleiss_kappa")

N = None
# Gwet KL (2014) Handbook of Inter-Rater Reliability, 4th ed., p. 120: 4 raters classify
# 12 subjects into 5 categories; none rated all 12 (the `cac.raw4raters` data of his
# irrCAC package). Published: Fleiss' kappa 0.76117 (SE 0.15302, 95% CI 0.42438 to 1),
# AC1 0.77544 (SE 0.14295, CI 0.46081 to 1), pa 0.81818, pe 0.23872 / 0.19032;
# Krippendorff's alpha 0.74342.
RAW_4RATERS = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, N],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        strict=True,
    )
)


def test_published_example_with_missing_ratings():
    fk = fleiss_kappa(RAW_4RATERS)
    assert (fk.n, fk.n_pairable, fk.raters) == (12, 11, 4)
    assert fk.observed == pytest.approx(0.81818, abs=5e-6)
    assert fk.expected == pytest.approx(0.23872, abs=5e-6)
    assert fk.kappa == pytest.approx(0.76117, abs=5e-6)
    assert fk.se == pytest.approx(0.15302, abs=5e-6)
    assert (fk.ci_low, fk.ci_high) == (pytest.approx(0.42438, abs=5e-6), 1.0)
    ac1 = gwet_ac1_raters(RAW_4RATERS)
    assert ac1.expected == pytest.approx(0.19032, abs=5e-6)
    assert ac1.ac1 == pytest.approx(0.77544, abs=5e-6)
    assert ac1.se == pytest.approx(0.14295, abs=5e-6)
    assert ac1.ci_low == pytest.approx(0.46081, abs=5e-6)
    alpha = krippendorff_alpha(RAW_4RATERS)
    assert alpha.alpha == pytest.approx(0.74342, abs=5e-6)
    assert alpha.n_values == 40  # subject 12 has one rating: not pairable


def _krippendorff_reference(rows):
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float).T
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")


complete_rows = st.integers(2, 6).flatmap(
    lambda raters: st.lists(
        st.lists(st.integers(0, 3), min_size=raters, max_size=raters), min_size=1, max_size=40
    )
)


@settings(deadline=None)
@given(complete_rows)
def test_fleiss_equals_statsmodels_on_complete_data(rows):
    ours = fleiss_kappa(rows, categories=[0, 1, 2, 3])
    table, _ = aggregate_raters(np.array(rows), n_cat=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm_fleiss(table, method="fleiss")
    if ours.kappa is None:
        assert len({v for row in rows for v in row}) == 1
        assert "undefined" in ours.note
    else:
        assert ours.kappa == pytest.approx(ref, abs=1e-9)
        if ours.se is not None:
            assert -1 <= ours.ci_low <= ours.kappa <= ours.ci_high <= 1


rows_with_missing = st.integers(2, 5).flatmap(
    lambda raters: st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=raters, max_size=raters),
        min_size=1,
        max_size=40,
    )
)


@settings(deadline=None)
@given(rows_with_missing)
def test_krippendorff_equals_the_krippendorff_package(rows):
    ours = krippendorff_alpha(rows)
    pairable = [[v for v in row if v is not None] for row in rows]
    pairable = [row for row in pairable if len(row) >= 2]
    values = {v for row in pairable for v in row}
    if len(values) < 2:
        assert ours.alpha is None and ours.note
        return
    assert ours.alpha == pytest.approx(_krippendorff_reference(rows), abs=1e-9)


@settings(deadline=None)
@given(rows_with_missing)
def test_many_rater_coefficients_are_bounded(rows):
    assume(sum(1 for row in rows if sum(v is not None for v in row) >= 2) >= 2)
    for result in (
        fleiss_kappa(rows, categories=[0, 1, 2, 3]),
        gwet_ac1_raters(rows, categories=[0, 1, 2, 3]),
    ):
        value = getattr(result, "kappa", None) if hasattr(result, "kappa") else result.ac1
        if value is None:
            continue
        assert value <= 1 + 1e-12
        assert math.isfinite(result.se) and result.se >= 0
        assert -1 <= result.ci_low <= result.ci_high <= 1


def test_edge_cases():
    # all agree, several categories
    rows = [["a", "a", "a"], ["b", "b", "b"], ["a", "a", "a"]]
    assert fleiss_kappa(rows).kappa == pytest.approx(1)
    assert krippendorff_alpha(rows).alpha == pytest.approx(1)
    assert _krippendorff_reference([[0, 0, 0], [1, 1, 1], [0, 0, 0]]) == pytest.approx(1)
    # one category only: kappa and alpha undefined, AC1 = 1 once both categories declared
    rows = [["x"] * 3] * 4
    assert fleiss_kappa(rows).kappa is None
    assert krippendorff_alpha(rows).alpha is None
    assert gwet_ac1_raters(rows, categories=["x", "y"]).ac1 == 1
    assert gwet_ac1_raters(rows).ac1 is None
    # all disagree (three raters, three categories)
    rows = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    assert fleiss_kappa(rows).kappa == pytest.approx(-0.5)
    assert krippendorff_alpha(rows).alpha == pytest.approx(
        _krippendorff_reference([[0, 1, 2], [1, 2, 0], [2, 0, 1]])
    )
    # missing everywhere: nothing pairable
    rows = [["a", None, None], [None, "b", None]]
    assert fleiss_kappa(rows).kappa is None and "two or more" in fleiss_kappa(rows).note
    assert krippendorff_alpha(rows).alpha is None
    # NaN counts as missing too
    assert fleiss_kappa([[1.0, float("nan"), 1.0], [2.0, 2.0, 2.0]]).n_pairable == 2
    with pytest.raises(ValueError, match="not among the categories"):
        fleiss_kappa([["a", "z"]], categories=["a", "b"])

"""screening_agreement: every figure of a dual-screened sample in one call."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_libraries import function, module

from evidencekit.core.agreement import screening_agreement

krippendorff = module("krippendorff")
cohen_kappa_score = function("sklearn.metrics", "cohen_kappa_score")
cohens_kappa = function("statsmodels.stats.inter_rater", "cohens_kappa")

# Reviewer A screened 10 records; B screened a sample of 6 of them (and one A did not).
A = {
    "1": "exclude",
    "2": "include",
    "3": "exclude",
    "4": "exclude",
    "5": "include",
    "6": "exclude",
    "7": "exclude",
    "8": "exclude",
    "9": "exclude",
    "10": "exclude",
}
B = {
    "2": "include",
    "3": "exclude",
    "5": "exclude",
    "7": "exclude",
    "9": "include",
    "10": "exclude",
    "11": "include",
}


def test_two_reviewers_hand_computed():
    result = screening_agreement({"A": A, "B": B})
    assert result.reviewers == ("A", "B")
    assert result.categories == ("exclude", "include")
    assert result.n == 6  # records 2, 3, 5, 7, 9, 10
    assert result.fleiss is None and result.krippendorff is None and result.ac1_all is None
    (pair,) = result.pairs
    assert pair.n == 6 and pair.percent.agreed == 4
    a = [A[r] for r in ("2", "3", "5", "7", "9", "10")]
    b = [B[r] for r in ("2", "3", "5", "7", "9", "10")]
    assert pair.kappa.kappa == pytest.approx(cohen_kappa_score(a, b))
    table = pair.prevalence_bias
    # include/include: 2; A only: 5; B only: 9; exclude/exclude: 3, 7, 10
    assert (table.both_positive, table.first_only, table.second_only, table.both_negative) == (
        1,
        1,
        1,
        3,
    )
    assert table.prevalence_index == pytest.approx((1 - 3) / 6)
    assert pair.pabak.pabak == pytest.approx(2 * 4 / 6 - 1)
    assert [d.record_id for d in result.disagreements] == ["5", "9"]
    assert result.disagreements[0].decisions == {"A": "include", "B": "exclude"}
    assert [d.record_id for d in pair.disagreements] == ["5", "9"]


def test_to_dict_is_json_and_keeps_the_promised_keys():
    out = screening_agreement({"A": A, "B": B}).to_dict()
    json.dumps(out)
    assert set(out) == {
        "reviewers",
        "categories",
        "positive",
        "n",
        "confidence",
        "pairs",
        "fleiss_kappa",
        "krippendorff_alpha",
        "gwet_ac1_all",
        "disagreements",
    }
    pair = out["pairs"][0]
    assert set(pair) == {
        "reviewers",
        "n",
        "percent_agreement",
        "cohen_kappa",
        "pabak",
        "gwet_ac1",
        "prevalence_index",
        "bias_index",
        "table",
        "disagreements",
    }
    assert pair["cohen_kappa"]["interpretation"] in {"slight", "fair", "moderate"}


def test_three_reviewers_with_missing_decisions():
    c = {"2": "include", "3": "exclude", "5": "include", "9": "exclude", "12": "exclude"}
    result = screening_agreement({"A": A, "B": B, "C": c})
    assert [p.reviewers for p in result.pairs] == [("A", "B"), ("A", "C"), ("B", "C")]
    records = ["2", "3", "5", "7", "9", "10"]  # decided by two or more
    assert result.n == len(records)
    rows = [[d.get(r) for d in (A, B, c)] for r in records]
    code = {"exclude": 0, "include": 1}
    data = np.array([[np.nan if v is None else code[v] for v in row] for row in rows]).T
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert result.krippendorff.alpha == pytest.approx(ref)
    assert result.fleiss.raters == 3 and result.fleiss.kappa is not None
    assert result.ac1_all.raters == 3
    assert [d.record_id for d in result.disagreements] == ["5", "9"]
    assert result.disagreements[1].decisions == {"A": "exclude", "B": "include", "C": "exclude"}


def test_everyone_excluded_everything():
    a = {str(i): "exclude" for i in range(20)}
    result = screening_agreement({"A": a, "B": dict(a)})
    (pair,) = result.pairs
    assert result.categories == ("exclude", "include")  # `positive` added
    assert pair.kappa.kappa is None and "undefined" in pair.kappa.note
    assert pair.pabak.pabak == 1 and pair.ac1.ac1 == 1
    assert pair.prevalence_bias.prevalence_index == -1
    assert result.disagreements == ()


def test_maybe_kept_as_a_third_category():
    a = {"1": "maybe", "2": "include", "3": "exclude"}
    b = {"1": "include", "2": "include", "3": "exclude"}
    result = screening_agreement({"A": a, "B": b})
    assert result.pairs[0].prevalence_bias is None  # defined for two categories only
    assert result.to_dict()["pairs"][0]["prevalence_index"] is None


def test_no_common_records():
    result = screening_agreement({"A": {"1": "include"}, "B": {"2": "exclude"}})
    assert result.n == 0 and result.pairs[0].kappa.kappa is None
    assert result.pairs[0].percent.percent is None


def test_bad_arguments():
    with pytest.raises(ValueError, match="no decisions by Z; reviewers with decisions: A, B"):
        screening_agreement({"A": A, "B": B}, reviewers=["A", "Z"])
    with pytest.raises(ValueError, match="two or more reviewers"):
        screening_agreement({"A": A})
    with pytest.raises(ValueError, match="not among the categories"):
        screening_agreement({"A": A, "B": B}, categories=["include"])
    with pytest.raises(ValueError, match="positive 'yes' is not among"):
        screening_agreement({"A": A, "B": B}, positive="yes", categories=["include", "exclude"])
    with pytest.raises(ValueError, match="named twice"):
        screening_agreement({"A": A, "B": B}, reviewers=["A", "A"])


decision = st.sampled_from(["include", "exclude", None])


@settings(deadline=None)
@given(st.lists(st.tuples(decision, decision), min_size=1, max_size=50))
def test_pair_matches_statsmodels_and_sklearn(rows):
    a = {str(i): x for i, (x, _) in enumerate(rows)}
    b = {str(i): y for i, (_, y) in enumerate(rows)}
    result = screening_agreement({"A": a, "B": b})
    both = [(x, y) for x, y in rows if x is not None and y is not None]
    (pair,) = result.pairs
    assert pair.n == result.n == len(both)
    assert len(pair.disagreements) == sum(x != y for x, y in both)
    if not both or pair.kappa.kappa is None:
        return
    xs = [x for x, _ in both]
    ys = [y for _, y in both]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert pair.kappa.kappa == pytest.approx(
            cohen_kappa_score(xs, ys, labels=["exclude", "include"]), abs=1e-9
        )
        cats = ["exclude", "include"]
        table = [[sum(1 for x, y in both if x == r and y == c) for c in cats] for r in cats]
        ref = cohens_kappa(table)
    if math.isfinite(ref.std_kappa):  # statsmodels: NaN where the variance rounds below 0
        assert pair.kappa.se**2 == pytest.approx(ref.std_kappa**2, abs=1e-12)

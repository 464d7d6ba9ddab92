"""The inter-rater validity analysis (ICC)."""

from __future__ import annotations

import numpy as np
import pytest
from reference_libraries import optional

from evidencekit.core.measure import build_ratings
from evidencekit.core.registry import build_registry

pg = optional("pingouin")
pd = optional("pandas")


@pytest.fixture(scope="module")
def analysis(registry):
    return registry.get("validity-analysis", "inter-rater")


def three_raters(measure, n=12, seed=0):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, (n, 8))
    records = []
    for rater, bias in (("ana", 0), ("ben", 1), ("chi", 0)):
        noisy = np.clip(
            truth
            + rng.integers(-1, 2, (n, 8)) * (rng.random((n, 8)) < 0.3)
            + (bias * (rng.random((n, 8)) < 0.2)),
            0,
            3,
        )
        records += [
            (f"site{i}", rater, j + 1, int(noisy[i, j])) for i in range(n) for j in range(8)
        ]
    return build_ratings(measure, records)


@pytest.mark.parametrize(
    "form,label",
    [
        ("ICC2", "ICC(A,1)"),
        ("ICC(C,1)", "ICC(C,1)"),
        ("ICC1", "ICC(1,1)"),
        ("ICC(A,k)", "ICC(A,k)"),
    ],
)
def test_icc_of_totals_matches_pingouin(measure, analysis, form, label):
    ratings = three_raters(measure)
    r = analysis.analyse(measure, ratings, None, {"form": form})
    totals = [
        (unit, rater, sum(v for v in items.values()))
        for rater, by_unit in ratings.by_rater().items()
        for unit, items in by_unit.items()
    ]
    ref = pg.intraclass_corr(pd.DataFrame(totals, columns=["u", "r", "s"]), "u", "r", "s")
    ref = ref.set_index("Type")
    assert r["label"] == label
    assert r["n_units"] == 12 and r["n_raters"] == 3
    assert r["icc"] == pytest.approx(ref.loc[label, "ICC"])
    assert r["ci"] == pytest.approx(list(ref.loc[label, "CI95"]), abs=0.005)
    assert r["verdict"].startswith(f"Limited evidence (12 units × 3 raters): {label}")


def test_per_item_icc(measure, analysis):
    r = analysis.analyse(measure, three_raters(measure), None, {"per_item": True})
    assert len(r["items"]) == 8 and all(i["n_units"] == 12 for i in r["items"])
    assert all(i["icc"] is None or -1 <= i["icc"] <= 1 for i in r["items"])


def test_one_rater_per_unit_is_not_estimable(measure, analysis):
    ratings = build_ratings(measure, [(u, "site lead", j, 1) for u in "abc" for j in range(1, 9)])
    r = analysis.analyse(measure, ratings, None, {})
    assert r["icc"] is None
    assert r["reason"].startswith("each unit was rated by one rater only (site lead)")


def test_units_not_rated_by_everyone_are_left_out(measure, analysis):
    records = [
        (u, rater, j, min(3, i + (rater == "y" and j % 3 == 0)))
        for i, u in enumerate("abcd")
        for rater in ("x", "y")
        for j in range(1, 9)
    ]
    records += [("e", "x", j, 1) for j in range(1, 9)]
    r = analysis.analyse(measure, build_ratings(measure, records), None, {})
    assert r["n_units"] == 4 and r["excluded_units"] == ["e"]
    assert r["icc"] > 0.9
    assert r["verdict"].startswith("Preliminary evidence (4 units × 2 raters)")


def test_no_variance_is_undefined(measure, analysis):
    records = [(u, rater, j, 2) for u in "abc" for rater in ("x", "y") for j in range(1, 9)]
    r = analysis.analyse(measure, build_ratings(measure, records), None, {})
    assert r["icc"] is None and r["verdict"].startswith("ICC undefined")


def test_unknown_rater_is_an_input_error(measure):
    from evidencekit.core.measure import RatingsError, run_validity

    registry = build_registry()
    with pytest.raises(RatingsError, match=r"no ratings by rater 'zed'; the raters are 'ana'"):
        run_validity(
            measure,
            three_raters(measure),
            None,
            [("inter-rater", {"raters": ["ana", "zed"]})],
            registry,
        )

"""The internal-consistency validity analysis."""

from __future__ import annotations

import numpy as np
import pytest
from reference_libraries import optional

from evidencekit.core.measure import build_ratings

pg = optional("pingouin")
pd = optional("pandas")


@pytest.fixture(scope="module")
def analysis(registry):
    return registry.get("validity-analysis", "internal-consistency")


def ratings_of(measure, matrix):
    return build_ratings(
        measure,
        [
            (f"u{i}", "lead", j + 1, int(s))
            for i, row in enumerate(matrix)
            for j, s in enumerate(row)
        ],
    )


def test_alpha_with_interval_and_item_statistics(measure, analysis):
    rng = np.random.default_rng(21)
    latent = rng.normal(size=(45, 1))
    m = np.clip(np.round(1.5 + latent + rng.normal(scale=0.9, size=(45, 8))), 0, 3)
    m[:, 7] = rng.integers(0, 4, 45)  # one item unrelated to the rest
    r = analysis.analyse(measure, ratings_of(measure, m), None, {})
    alpha, ci = pg.cronbach_alpha(pd.DataFrame(m))
    assert r["n_units"] == 45
    assert r["alpha"] == pytest.approx(alpha)
    assert r["ci"] == pytest.approx(list(ci), abs=0.0005)
    assert r["items"][7]["alpha_if_deleted"] == pytest.approx(
        pg.cronbach_alpha(pd.DataFrame(m[:, :7]))[0]
    )
    assert 8 in r["weak_items"] and 8 in r["items_raising_alpha_if_deleted"]
    assert r["verdict"].startswith("Evidence (45 units, 8 items): Cronbach's alpha")


def test_not_estimable_below_the_declared_minimum(measure, analysis):
    m = np.random.default_rng(1).integers(0, 4, (6, 8))
    r = analysis.analyse(measure, ratings_of(measure, m), None, {})
    assert r["alpha"] is None
    assert r["reason"] == (
        "not estimable with n = 6 complete units; the default minimum is 30 (option min_units)"
    )
    declared = analysis.analyse(measure, ratings_of(measure, m), None, {"min_units": 12})
    assert declared["reason"].endswith("the declared minimum is 12 (option min_units)")
    lowered = analysis.analyse(measure, ratings_of(measure, m), None, {"min_units": 5})
    assert lowered["alpha"] == pytest.approx(pg.cronbach_alpha(pd.DataFrame(m))[0])
    assert lowered["verdict"].startswith("Preliminary evidence (6 units")


def test_all_ratings_identical_is_undefined(measure, analysis):
    r = analysis.analyse(measure, ratings_of(measure, np.full((40, 8), 2)), None, {})
    assert r["alpha"] is None
    assert r["reason"].startswith("undefined: all ratings are identical (every item score is 2)")
    assert r["verdict"].startswith("Cronbach's alpha undefined: all ratings are identical")


def test_equal_totals_are_undefined(measure, analysis):
    m = np.array([[0, 3] * 4, [3, 0] * 4] * 20)
    r = analysis.analyse(measure, ratings_of(measure, m), None, {})
    assert r["alpha"] is None and "every unit has the same total (12)" in r["reason"]

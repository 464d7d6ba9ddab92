"""The known-groups validity analysis."""

from __future__ import annotations

import numpy as np
import pytest
from reference_libraries import module, optional

from evidencekit.core.measure import RatingsError, build_ratings, build_units, run_validity

stats = module("scipy.stats")
pg = optional("pingouin")
pd = optional("pandas")


@pytest.fixture(scope="module")
def analysis(registry):
    return registry.get("validity-analysis", "known-groups")


def ratings_of(measure, rows):
    return build_ratings(
        measure,
        [(unit, "lead", j + 1, s) for unit, scores in rows.items() for j, s in enumerate(scores)],
    )


def test_differ_with_declared_direction(measure, analysis):
    rows = {
        "a": [3, 3, 2, 2, 2, 2, 3, 3],
        "b": [2, 2, 2, 2, 2, 2, 2, 1],
        "c": [1, 1, 1, 0, 0, 1, 1, 1],
        "d": [0, 1, 0, 1, 0, 1, 0, 1],
        "e": [3, 2, 3, 2, 3, 2, 3, 2],
    }
    units = build_units(
        {
            "a": {"exp": "yes"},
            "b": {"exp": "yes"},
            "c": {"exp": "no"},
            "d": {"exp": "no"},
            "e": {"exp": "yes"},
        }
    )
    r = analysis.analyse(
        measure,
        ratings_of(measure, rows),
        units,
        {"attribute": "exp", "expect": "differ", "higher": "yes"},
    )
    x = np.array([20, 15, 20]) / 8
    y = np.array([6, 4]) / 8
    assert r["groups"] == {"yes": pytest.approx(x.mean()), "no": pytest.approx(y.mean())}
    assert r["difference"] == pytest.approx(x.mean() - y.mean())
    ref = stats.permutation_test(
        (x, y),
        lambda a, b, axis: a.mean(axis) - b.mean(axis),
        vectorized=True,
        n_resamples=np.inf,
        alternative="greater",
    )
    assert r["test"]["p_value"] == pytest.approx(ref.pvalue) == pytest.approx(0.1)
    assert r["test"]["alternative"] == "greater"
    assert r["effect_sizes"]["cliffs_delta"] == 1.0
    assert r["effect_sizes"]["cliffs_delta_ci"] is None  # complete separation
    assert r["effect_sizes"]["hedges_g"] == pytest.approx(pg.compute_effsize(x, y, eftype="hedges"))
    assert r["verdict"].startswith("Preliminary evidence consistent with convergent validity")
    assert "smallest p these group sizes allow is 0.100" in r["verdict"]


def test_small_difference_within_margin_is_not_consistent(measure, analysis):
    rows = {"a": [2] * 8, "b": [1] * 8, "c": [1, 2] * 4, "d": [1] * 8}
    units = build_units({"a": {"g": "yes"}, "b": {"g": "yes"}, "c": {"g": "no"}, "d": {"g": "no"}})
    r = analysis.analyse(
        measure,
        ratings_of(measure, rows),
        units,
        {"attribute": "g", "expect": "differ", "higher": "yes"},
    )
    assert r["difference"] == pytest.approx(0.25) and r["within_margin"]
    assert r["verdict"].startswith("Preliminary evidence not consistent with convergent validity")


def test_wrong_direction_is_reported_against(measure, analysis):
    rows = {"a": [0] * 8, "b": [1] * 8, "c": [3] * 8, "d": [2] * 8}
    units = build_units({"a": {"g": "yes"}, "b": {"g": "yes"}, "c": {"g": "no"}, "d": {"g": "no"}})
    r = analysis.analyse(
        measure,
        ratings_of(measure, rows),
        units,
        {"attribute": "g", "expect": "differ", "higher": "yes"},
    )
    assert r["difference"] == -2.0
    assert r["verdict"].startswith("Against the expectation")


def test_similar_with_grouped_levels(measure, analysis):
    rows = {
        "k": [1] * 8,
        "d": [2] * 8,
        "p": [1, 2] * 4,
        "u": [2] * 8,
        "h": [1] * 8,
        "b": [1, 2] * 4,
    }
    units = build_units(
        {
            "k": {"income": "low"},
            "d": {"income": "low"},
            "p": {"income": "lower-middle"},
            "u": {"income": "high"},
            "h": {"income": "high"},
            "b": {"income": "high"},
        }
    )
    options = {
        "attribute": "income",
        "expect": "similar",
        "margin": 0.5,
        "groups": {"lmic": ["low", "lower-middle"], "hic": ["high"]},
    }
    r = analysis.analyse(measure, ratings_of(measure, rows), units, options)
    assert r["groups"] == {"lmic": 1.5, "hic": 1.5}
    assert r["difference"] == 0 and r["within_margin"]
    x, y = np.array([1, 2, 1.5]), np.array([2, 1, 1.5])
    ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.90)
    assert r["difference_ci_equivalence"] == pytest.approx([ci.low, ci.high])
    assert r["equivalence_shown"] is False
    assert r["verdict"].startswith("Preliminary evidence consistent with discriminant validity")
    assert "cannot show the groups are similar" in r["verdict"]


def test_large_sample_equivalence_and_mann_whitney(measure, analysis):
    rng = np.random.default_rng(11)
    rows, attrs = {}, {}
    for i in range(80):
        base = rng.integers(1, 3)
        rows[f"s{i}"] = list(np.clip(base + rng.integers(-1, 2, 8), 0, 3))
        attrs[f"s{i}"] = {"region": "north" if i % 2 else "south"}
    ratings, units = ratings_of(measure, rows), build_units(attrs)
    r = analysis.analyse(
        measure,
        ratings,
        units,
        {"attribute": "region", "expect": "similar", "margin": 0.5, "test": "mann-whitney"},
    )
    means = {u.unit: u.mean_item for u in ratings.scores.units}
    north = [means[f"s{i}"] for i in range(1, 80, 2)]
    south = [means[f"s{i}"] for i in range(0, 80, 2)]
    ref = stats.mannwhitneyu(north, south, method="asymptotic")
    assert r["test"]["method"] == "asymptotic"  # C(80, 40) splits: beyond the exact limit
    assert r["test"]["u"] == ref.statistic and r["test"]["p_value"] == pytest.approx(ref.pvalue)
    assert r["equivalence_shown"] is True
    assert r["verdict"].startswith("Evidence supporting discriminant validity")
    ci = r["effect_sizes"]["hedges_g_ci"]
    assert ci == pytest.approx(
        list(pg.compute_esci(r["effect_sizes"]["hedges_g"], 40, 40, eftype="hedges", decimals=10))
    )


def test_large_sample_difference_uses_monte_carlo_with_the_seed(measure, analysis):
    rng = np.random.default_rng(12)
    rows, attrs = {}, {}
    for i in range(60):
        shift = 1 if i < 30 else 0
        rows[f"s{i}"] = list(np.clip(rng.integers(0, 3, 8) + shift, 0, 3))
        attrs[f"s{i}"] = {"exp": "yes" if i < 30 else "no"}
    options = {
        "attribute": "exp",
        "expect": "differ",
        "higher": "yes",
        "seed": 3,
        "n_resamples": 999,
    }
    r = analysis.analyse(measure, ratings_of(measure, rows), build_units(attrs), options)
    assert r["test"]["method"] == "monte-carlo" and r["test"]["seed"] == 3
    assert r["test"]["p_value"] == pytest.approx(1 / 1000)
    assert r["verdict"].startswith("Evidence supporting convergent validity")
    assert "p = 0.001" in r["verdict"]


def test_attribute_with_one_level_is_impossible(measure, analysis):
    rows = {"a": [1] * 8, "b": [2] * 8}
    units = build_units({"a": {"income": "high"}, "b": {"income": "high"}})
    r = analysis.analyse(
        measure, ratings_of(measure, rows), units, {"attribute": "income", "expect": "similar"}
    )
    assert r["estimable"] is False and r["difference"] is None and r["groups"] == {}
    assert r["verdict"] == (
        "Known-groups comparison impossible: every scored unit has income = "
        "'high'; a comparison needs two groups."
    )


def test_more_than_two_levels_compare_every_level(measure, analysis):
    rows = {
        "a": [1] * 8,
        "b": [2, 1] * 4,
        "c": [3] * 8,
        "d": [2] * 8,
        "e": [0, 1] * 4,
        "f": [1, 2] * 4,
        "g": [2, 3] * 4,
    }
    income = {
        "a": "low",
        "b": "low",
        "c": "high",
        "d": "high",
        "e": "lower-middle",
        "f": "lower-middle",
        "g": "high",
    }
    units = build_units({u: {"income": v} for u, v in income.items()})
    r = analysis.analyse(
        measure, ratings_of(measure, rows), units, {"attribute": "income", "expect": "similar"}
    )
    high, low, lm = np.array([3, 2, 2.5]), np.array([1, 1.5]), np.array([0.5, 1.5])
    assert r["estimable"] is True and r["grouping"] == "levels"
    assert r["groups"] == {
        "high": pytest.approx(2.5),
        "low": pytest.approx(1.25),
        "lower-middle": pytest.approx(1.0),
    }
    assert r["difference"] == pytest.approx(1.5) and r["comparison"] == "high - lower-middle"
    ref = stats.permutation_test(
        (high, low, lm),
        lambda *s, axis: stats.f_oneway(*s, axis=axis).statistic,
        n_resamples=np.inf,
        vectorized=True,
        permutation_type="independent",
        alternative="greater",
    )
    assert r["test"]["method"] == "exact" and r["test"]["n_splits"] == 210  # 7!/(3! 2! 2!)
    assert r["test"]["f"] == pytest.approx(ref.statistic)
    assert r["test"]["p_value"] == pytest.approx(ref.pvalue)
    frame = pd.DataFrame({"s": np.concatenate([high, low, lm]), "g": list("hhhllmm")})
    n2 = pg.anova(frame, dv="s", between="g", effsize="n2")["n2"].iloc[0]
    assert r["effect_sizes"]["eta_squared"] == pytest.approx(n2)
    assert r["effect_sizes"]["pair"] == ["high", "lower-middle"]
    assert r["effect_sizes"]["hedges_g"] == pytest.approx(
        pg.compute_effsize(high, lm, eftype="hedges")
    )
    pair = next(p for p in r["pairs"] if p["groups"] == ["high", "low"])
    ci = stats.ttest_ind(high, low, equal_var=False).confidence_interval(0.95)
    assert pair["difference_ci"] == pytest.approx([ci.low, ci.high])
    assert pair["cliffs_delta"] == 1.0
    assert r["within_margin"] is False and r["equivalence_shown"] is False
    assert r["verdict"].startswith(
        "Preliminary evidence against discriminant validity: income = "
        "high: 2.50 (3 units), low: 1.25 (2 units), lower-middle: "
        "1.00 (2 units); largest difference 1.50 (high - lower-middle)"
        ", more than the default margin of 0.50 (option margin)."
    )
    assert (
        "income has 3 levels and no grouping was declared, so each level is its own group. "
        "To compare two pooled groups instead, add ;groups=LEVELS/LEVELS"
    ) in r["verdict"]
    assert r["verdict"].endswith("e.g. ;groups=high/low+lower-middle.")


def test_more_than_two_levels_in_a_large_sample(measure, analysis):
    rng = np.random.default_rng(13)
    rows, attrs = {}, {}
    for i in range(90):
        region = ("north", "south", "west")[i % 3]
        shift = 1 if region == "west" else 0
        rows[f"s{i}"] = list(np.clip(rng.integers(0, 3, 8) + shift, 0, 3))
        attrs[f"s{i}"] = {"region": region}
    ratings, units = ratings_of(measure, rows), build_units(attrs)
    means = {u.unit: u.mean_item for u in ratings.scores.units}
    samples = [[means[f"s{i}"] for i in range(j, 90, 3)] for j in range(3)]
    r = analysis.analyse(
        measure,
        ratings,
        units,
        {"attribute": "region", "expect": "differ", "higher": "west", "test": "mann-whitney"},
    )
    ref = stats.kruskal(*samples)
    assert r["test"]["name"] == "kruskal-wallis" and r["test"]["method"] == "asymptotic"
    assert r["test"]["h"] == pytest.approx(ref.statistic)
    assert r["test"]["p_value"] == pytest.approx(ref.pvalue)
    assert r["verdict"].startswith("Evidence supporting convergent validity: region = north")
    r = analysis.analyse(
        measure,
        ratings,
        units,
        {"attribute": "region", "expect": "differ", "seed": 5, "n_resamples": 999},
    )
    assert r["test"]["method"] == "monte-carlo" and r["test"]["p_value"] == pytest.approx(1 / 1000)
    r = analysis.analyse(
        measure, ratings, units, {"attribute": "region", "expect": "differ", "higher": "north"}
    )
    assert r["verdict"].startswith(
        "Against the expectation: units with region = north were expected to score highest"
    )


def test_more_than_two_similar_levels_in_a_large_sample(measure, analysis):
    rng = np.random.default_rng(14)
    rows = {f"s{i}": list(rng.integers(1, 3, 8)) for i in range(150)}
    units = build_units(
        {f"s{i}": {"region": ("north", "south", "west")[i % 3]} for i in range(150)}
    )
    r = analysis.analyse(
        measure,
        ratings_of(measure, rows),
        units,
        {"attribute": "region", "expect": "similar", "margin": 0.25},
    )
    assert r["equivalence_shown"] is True
    means = {f"s{i}": sum(rows[f"s{i}"]) / 8 for i in range(150)}
    north = [means[f"s{i}"] for i in range(0, 150, 3)]
    west = [means[f"s{i}"] for i in range(2, 150, 3)]
    ci = stats.ttest_ind(north, west, equal_var=False).confidence_interval(0.90)
    pair = next(p for p in r["pairs"] if p["groups"] == ["north", "west"])
    assert pair["difference_ci_equivalence"] == pytest.approx([ci.low, ci.high])
    assert r["verdict"].startswith("Evidence supporting discriminant validity")
    assert "the 90 % interval of every pair's difference lies inside ±0.25" in r["verdict"]


def test_many_small_levels_spread_by_chance_are_not_called_consistent(measure, analysis):
    # Six units in five levels: the largest difference (0.875) exceeds the margin, but the
    # observed spread is the smallest any deal gives (p = 1): no sign of a real difference.
    rows = {
        "u": [0, 0, 1, 0, 1, 1, 0, 1],
        "h": [3, 3, 0, 3, 2, 1, 3, 2],
        "k": [2, 1, 0, 3, 3, 1, 1, 3],
        "d": [0, 3, 1, 0, 1, 1, 1, 1],
        "b": [0, 3, 3, 3, 3, 2, 0, 1],
        "p": [2, 0, 2, 0, 0, 2, 3, 1],
    }
    country = {"u": "DE", "h": "DE", "k": "UG", "d": "TZ", "b": "IL", "p": "IN"}
    r = analysis.analyse(
        measure,
        ratings_of(measure, rows),
        build_units({u: {"country": c} for u, c in country.items()}),
        {"attribute": "country", "expect": "differ"},
    )
    assert r["difference"] == pytest.approx(0.875) and r["within_margin"] is False
    assert r["test"]["p_value"] == 1.0 and r["test"]["n_splits"] == 360  # 6! / 2!
    assert r["verdict"].startswith("Preliminary evidence not consistent with convergent validity")
    assert "at random spreads the levels at least as much" in r["verdict"]


def test_yes_is_read_first_when_no_direction_is_declared(measure, analysis):
    rows = {"a": [2] * 8, "b": [3] * 8, "c": [1] * 8, "d": [0] * 8}
    units = build_units(
        {"a": {"exp": "yes"}, "b": {"exp": "yes"}, "c": {"exp": "no"}, "d": {"exp": "no"}}
    )
    r = analysis.analyse(
        measure, ratings_of(measure, rows), units, {"attribute": "exp", "expect": "differ"}
    )
    assert list(r["groups"]) == ["yes", "no"] and r["comparison"] == "yes - no"
    assert r["difference"] == 2.0 and r["test"]["alternative"] == "two-sided"


def test_attribute_with_one_level_is_an_input_error(measure, registry):
    ratings = ratings_of(measure, {"a": [1] * 8, "b": [2] * 8})
    units = build_units({"a": {"income": "high"}, "b": {"income": "high"}}, name="units.csv")
    with pytest.raises(
        RatingsError,
        match=r"units.csv: known-groups on 'income' is impossible: "
        r"every rated unit has income = 'high'; a comparison "
        r"needs at least two levels",
    ):
        run_validity(
            measure,
            ratings,
            units,
            [("known-groups", {"attribute": "income", "expect": "similar"})],
            registry,
        )


def test_input_errors_raise_before_running(measure, registry):
    ratings = ratings_of(measure, {"a": [1] * 8, "b": [2] * 8})
    units = build_units({"a": {"income": "low"}, "b": {"income": "high"}}, name="units.csv")
    cases = [
        ({"attribute": "size", "expect": "differ"}, r"units.csv:1: no column 'size'"),
        (
            {
                "attribute": "income",
                "expect": "similar",
                "groups": {"x": ["low", "lower-midle"], "y": ["high"]},
            },
            r"group 'x' names level 'lower-midle', which no rated unit has",
        ),
        (
            {"attribute": "income", "expect": "differ", "higher": "medium"},
            r"higher='medium' is not one of the groups",
        ),
    ]
    for options, message in cases:
        with pytest.raises(RatingsError, match=message):
            run_validity(measure, ratings, units, [("known-groups", options)], registry)
    with pytest.raises(RatingsError, match="give the units file with --units"):
        run_validity(
            measure,
            ratings,
            None,
            [("known-groups", {"attribute": "income", "expect": "differ"})],
            registry,
        )

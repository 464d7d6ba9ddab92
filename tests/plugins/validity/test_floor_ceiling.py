"""The floor-ceiling validity analysis."""

from __future__ import annotations

import pytest

from evidencekit.core.measure import build_ratings


@pytest.fixture(scope="module")
def analysis(registry):
    return registry.get("validity-analysis", "floor-ceiling")


def ratings_of(measure, rows):
    return build_ratings(
        measure,
        [(unit, "lead", j + 1, s) for unit, scores in rows.items() for j, s in enumerate(scores)],
    )


def test_counts_shares_ranges_and_flags(measure, analysis):
    rows = {f"u{i}": [0] * 8 for i in range(3)}  # three units at the floor of the total
    rows.update({f"v{i}": [3, 2, 2, 2, 2, 2, 2, 2] for i in range(7)})
    result = analysis.analyse(measure, ratings_of(measure, rows), None, {})
    total = result["total"]
    assert (total["n_at_min"], total["share_at_min"], total["floor"]) == (3, 0.3, True)
    assert (total["n_at_max"], total["ceiling"]) == (0, False)
    item1 = result["items"][0]
    assert (item1["mean"], item1["min"], item1["max"], item1["range"]) == (2.1, 0, 3, 3)
    assert (item1["share_at_min"], item1["share_at_max"]) == (0.3, 0.7)
    assert item1["floor"] and item1["ceiling"]
    assert result["items"][1]["range"] == 2 and not result["items"][1]["range_below_minimum"]
    assert result["items_below_min_range"] == []
    assert "a floor effect (3 of 10 at 0, 30 %)" in result["verdict"]
    assert result["verdict"].startswith("Limited evidence (10 units).")


def test_threshold_and_minimum_range_options(measure, analysis):
    rows = {
        "a": [1, 1, 1, 1, 1, 1, 1, 1],
        "b": [2, 2, 2, 2, 2, 1, 2, 2],
        "c": [0, 0, 3, 1, 1, 1, 1, 1],
    }
    result = analysis.analyse(
        measure, ratings_of(measure, rows), None, {"threshold": 0.5, "min_item_range": 2}
    )
    assert result["floor_items"] == [] and result["ceiling_items"] == []
    assert result["items_below_min_range"] == [4, 5, 6, 7, 8]
    assert "Every item but items 4, 5, 6, 7 and 8 spans at least 2" in result["verdict"]
    assert result["verdict"].startswith("Preliminary evidence (3 units).")


def test_small_samples_say_one_unit_crosses_the_threshold(measure, analysis):
    rows = {f"u{i}": [i % 4] * 8 for i in range(6)}
    verdict = analysis.analyse(measure, ratings_of(measure, rows), None, {})["verdict"]
    assert "with 6 units a single unit is 17 %" in verdict


def test_no_scored_unit(measure, analysis):
    ratings = ratings_of(measure, {"a": [1, None, 1, 1, 1, 1, 1, 1]})
    result = analysis.analyse(measure, ratings, None, {})
    assert result["estimable"] is False
    assert result["verdict"].startswith("Not estimable")

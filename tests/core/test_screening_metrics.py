"""Screening metrics against hand-computed values, and their properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.screening_metrics import (
    recall_at,
    recall_curve,
    records_needed,
    summary,
    wss,
)

# 10 records, 4 included at positions 1, 2, 5 and 9 (1-based).
ORDER = [1, 1, 0, 0, 1, 0, 0, 0, 1, 0]


def test_recall_curve_by_hand():
    assert recall_curve(ORDER) == [0.25, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75, 1.0, 1.0]


def test_records_needed_by_hand():
    # ceil(0.95 * 4) = 4 included records: all of them, the 4th at position 9.
    assert records_needed(ORDER, 0.95) == 9
    assert records_needed(ORDER, 1.0) == 9
    # ceil(0.5 * 4) = 2: position 2.
    assert records_needed(ORDER, 0.5) == 2
    # 0.75 * 4 = 3 exactly: position 5 (no rounding up to 4).
    assert records_needed(ORDER, 0.75) == 5


def test_wss_by_hand():
    # WSS@95 = (10 - 9) / 10 - 0.05 = 0.05; WSS@100 = 0.1; WSS@50 = 0.8 - 0.5 = 0.3.
    assert wss(ORDER, 0.95) == pytest.approx(0.05)
    assert wss(ORDER, 1.0) == pytest.approx(0.1)
    assert wss(ORDER, 0.5) == pytest.approx(0.3)


def test_float_rounding_does_not_ask_for_one_more_record():
    # 0.95 * 20 = 19.000000000000004 in binary: 19 records are enough, not 20.
    order = [1] * 19 + [0] * 10 + [1]
    assert records_needed(order, 0.95) == 19


def test_recall_at_fraction_by_hand():
    # 10 % of 10 records = 1 record: 1 of 4 found. 20 % = 2 records: 2 of 4.
    assert recall_at(ORDER, 0.10) == 0.25
    assert recall_at(ORDER, 0.20) == 0.5
    # 25 % of 10 = 2.5 -> 3 records screened.
    assert recall_at(ORDER, 0.25) == 0.5
    assert recall_at(ORDER, 0.0) == 0.0


def test_summary_keys_and_values():
    assert summary(ORDER) == {
        "n": 10,
        "n_included": 4,
        "wss_95": pytest.approx(0.05),
        "wss_100": pytest.approx(0.1),
        "recall_at_10pct": 0.25,
        "recall_at_20pct": 0.5,
    }


def test_perfect_and_worst_orders():
    perfect = [1] * 5 + [0] * 95
    assert wss(perfect, 1.0) == pytest.approx(0.95)
    assert wss(perfect, 0.95) == pytest.approx(0.95 - 0.05)
    worst = [0] * 95 + [1] * 5
    assert wss(worst, 1.0) == 0.0
    assert wss(worst, 0.95) == pytest.approx(-0.05)


def test_no_included_record_is_an_error():
    with pytest.raises(ValueError, match="included"):
        wss([0, 0, 0], 0.95)
    with pytest.raises(ValueError, match="0 or 1"):
        recall_curve([0, 2])


orders = st.lists(st.integers(0, 1), min_size=1, max_size=300).filter(lambda v: sum(v) > 0)


@settings(deadline=None)  # the machine is shared: no timing
@given(orders)
def test_recall_curve_is_monotone_and_ends_at_one(order):
    curve = recall_curve(order)
    assert all(a <= b for a, b in zip(curve, curve[1:], strict=False))
    assert curve[-1] == 1.0
    assert all(0 < c <= 1 for c in curve[curve.index(next(c for c in curve if c > 0)) :])


@settings(deadline=None)  # the machine is shared: no timing
@given(orders, st.sampled_from([0.5, 0.8, 0.95, 1.0]))
def test_wss_bounds(order, recall):
    n = len(order)
    value = wss(order, recall)
    # At least one record must be read; at most every record.
    assert -recall - 1e-12 <= value <= (n - 1) / n - (1 - recall) + 1e-12
    # records_needed is the smallest k reaching ceil(recall * included) included records.
    k = records_needed(order, recall)
    target = math.ceil(round(recall * sum(order), 9))
    assert sum(order[:k]) >= target
    assert sum(order[: k - 1]) < target


@settings(deadline=None)  # the machine is shared: no timing
@given(orders)
def test_sorting_included_first_is_the_best_order(order):
    best = sorted(order, reverse=True)
    assert wss(best, 0.95) >= wss(order, 0.95) - 1e-12
    assert recall_at(best, 0.1) >= recall_at(order, 0.1)

"""The one rounding rule (half away from zero) against the decimal module and by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidencekit.core.numbers import fmt, round_half_away


@pytest.mark.parametrize(
    "value,places,text",
    [
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),
        (-0.5, 0, "-1"),
        (2.125, 2, "2.13"),
        (2.675, 2, "2.68"),
        (0.125, 2, "0.13"),
        (1.0, 2, "1.00"),
        (-0.001, 2, "0.00"),
        (11.333333333333334, 2, "11.33"),
        (88.88888888888889, 1, "88.9"),
    ],
)
def test_halves_go_away_from_zero(value, places, text):
    assert fmt(value, places) == text
    # Python's own formatting rounds half to even: the bug this rule replaces
    if value in (0.5, 2.5):
        assert f"{value:.0f}" != text


def test_whole_numbers_ints_and_missing():
    assert fmt(3.0, 2, whole=True) == "3" and fmt(3.5, 2, whole=True) == "3.50"
    assert fmt(7) == "7" and fmt(None) == "" and fmt(float("nan")) == "" and fmt("a") == "a"
    assert fmt(True) == "True"


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=4))
def test_exact_halves(whole, places):
    # n + 5·10^-(places+1): exactly half a unit of the last place (as decimal text)
    text = f"{whole}.{'0' * places}5" if places else f"{whole}.5"
    value = float(text)
    got = Decimal(fmt(value, places))
    expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert got == expected
    assert abs(got) >= abs(Decimal(text))  # away from zero, never towards it


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 4))
def test_within_half_a_unit_and_consistent(value, places):
    text = fmt(value, places)
    assert abs(Decimal(text) - Decimal(repr(value))) <= Decimal(5).scaleb(-places - 1)
    assert len(text.split(".")[1]) == places if places else "." not in text
    assert round_half_away(value, places) == float(text)

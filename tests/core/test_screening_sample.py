"""The seeded dual-screen sample (core/screening/sample.py): properties of the draw."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidencekit.core.errors import ScreeningError
from evidencekit.core.screening.sample import allocate, draw, sample_size

ids = st.lists(
    st.from_regex(r"r[0-9a-f]{4}-[0-9]{1,3}", fullmatch=True), min_size=1, max_size=200, unique=True
)


@given(ids=ids, seed=st.integers(0, 2**63 - 1), data=st.data())
def test_draw_is_a_sorted_subset_of_the_right_size_whatever_the_order(ids, seed, data) -> None:
    size = data.draw(st.integers(1, len(ids)))
    chosen = draw(ids, seed, size)
    assert len(chosen) == size and set(chosen) <= set(ids) and chosen == sorted(chosen)
    assert draw(list(reversed(ids)), seed, size) == chosen  # input order does not matter
    # A smaller sample with the same seed is part of the larger one.
    assert set(draw(ids, seed, max(1, size // 2))) <= set(chosen)


def test_the_stream_is_pinned() -> None:
    # random.Random(seed).random() is the stream Python promises to keep; this pins the draw.
    population = [f"r{i:04d}" for i in range(100)]
    assert draw(population, 2018, 5) == draw(population, 2018, 5)
    assert draw(population, 2018, 5) != draw(population, 2019, 5)
    import random

    rng = random.Random(2018)
    keys = {r: rng.random() for r in population}
    assert draw(population, 2018, 5) == sorted(sorted(population, key=keys.get)[:5])


@given(
    sizes=st.dictionaries(
        st.text(min_size=1, max_size=3), st.integers(0, 50), min_size=1, max_size=6
    ),
    data=st.data(),
)
def test_allocation_sums_and_stays_proportional(sizes, data) -> None:
    whole = sum(sizes.values())
    total = data.draw(st.integers(0, whole))
    quota = allocate(sizes, total)
    assert sum(quota.values()) == (total if whole else 0)
    for k, v in sizes.items():
        assert 0 <= quota[k] <= v
        if whole:
            assert abs(quota[k] - total * v / whole) < 1


@pytest.mark.parametrize(
    ("population", "fraction", "expected"),
    [(5813, 0.05, 291), (20, 0.05, 1), (20, 0.25, 5), (7, 1.0, 7), (100, 0.07, 7)],
)
def test_sample_size_rounds_up(population, fraction, expected) -> None:
    assert (
        sample_size(population, fraction=fraction)
        == expected
        == math.ceil(round(fraction * population, 9))
    )


@pytest.mark.parametrize("fraction", [0, -0.1, 1.01, float("nan")])
def test_fraction_outside_0_1_is_refused(fraction) -> None:
    with pytest.raises(ScreeningError, match=r"outside \(0, 1\]"):
        sample_size(10, fraction=fraction)

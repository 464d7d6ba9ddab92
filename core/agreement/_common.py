"""Helpers shared by the agreement statistics: checks, categories, quantiles."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from statistics import NormalDist
from typing import Any


def check_pairs(a: Sequence[Any], b: Sequence[Any]) -> None:
    """Refuse two raters' ratings that are not paired position by position."""
    if len(a) != len(b):
        raise ValueError(f"the two raters have {len(a)} and {len(b)} ratings; they must be paired")


def check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")


def z_quantile(confidence: float) -> float:
    """The two-sided normal quantile for a ``confidence`` interval (1.96 for 0.95)."""
    check_confidence(confidence)
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def t_quantile(confidence: float, df: int) -> float:
    """The two-sided Student t quantile with ``df`` degrees of freedom.

    Gwet's coefficients are reported with t intervals on n - 1 degrees of
    freedom (Gwet 2014, and his irrCAC package); scipy is imported here, not
    at module import, so the core stays cheap to load.
    """
    check_confidence(confidence)
    from scipy.stats import t

    return float(t.ppf(0.5 + confidence / 2, df))


def resolve_categories(
    seen: Iterable[Hashable], categories: Sequence[Hashable] | None
) -> tuple[Any, ...]:
    """The categories in a fixed order: as given, else the sorted values seen.

    A rating outside the given categories is an error naming it.
    """
    values = list(dict.fromkeys(seen))
    if categories is None:
        try:
            return tuple(sorted(values))
        except TypeError:  # mixed types: keep first-seen order
            return tuple(values)
    cats = tuple(dict.fromkeys(categories))
    unknown = set(values) - set(cats)
    if unknown:
        raise ValueError(
            f"ratings {sorted(map(str, unknown))} are not among the categories {list(cats)}"
        )
    return cats


def clamp(value: float, low: float = -1.0, high: float = 1.0) -> float:
    """``value`` kept within [low, high] (rounding can push a bound past it)."""
    return min(high, max(low, value))

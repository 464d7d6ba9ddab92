"""Shared wording and number formatting for the validity analyses.

Verdicts say how much a sample can carry. The bands are deliberately plain:
fewer than 10 units (or a group of fewer than 5) is *preliminary evidence*,
fewer than 30 (or a group of fewer than 10) is *limited evidence*, beyond that
*evidence*. No verdict calls a result proven, whatever its p-value.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PRELIMINARY_N = 10
PRELIMINARY_GROUP = 5
LIMITED_N = 30
LIMITED_GROUP = 10


def strength(n: int, smallest_group: int | None = None) -> str:
    """'preliminary evidence', 'limited evidence' or 'evidence' for this sample."""
    group = smallest_group if smallest_group is not None else n
    if n < PRELIMINARY_N or group < PRELIMINARY_GROUP:
        return "preliminary evidence"
    if n < LIMITED_N or group < LIMITED_GROUP:
        return "limited evidence"
    return "evidence"


def is_small(n: int, smallest_group: int | None = None) -> bool:
    """True when the sample is in the 'preliminary' band."""
    return strength(n, smallest_group) == "preliminary evidence"


def fmt(value: float | None, places: int = 2) -> str:
    """A statistic for a sentence, with ``places`` decimals; '–' when undefined."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    # Half up, as a published table rounds (2.125 -> 2.13), not half to even.
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP):.{places}f}"


def num(value: float | None) -> str:
    """A score or a count for a sentence: whole numbers plain, else 2 decimals."""
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else fmt(value)


def fmt_p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def units_word(n: int) -> str:
    return f"{n} unit{'s' * (n != 1)}"


def item_label(item: Any) -> str:
    return f"item {item.number}"


def join_items(numbers: list[int]) -> str:
    """'item 6', 'items 2 and 6', 'items 1, 2 and 6'."""
    numbers = sorted(numbers)
    if not numbers:
        return "no item"
    if len(numbers) == 1:
        return f"item {numbers[0]}"
    return "items " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


CONFIDENCE_SCHEMA = {
    "type": "number",
    "exclusiveMinimum": 0,
    "exclusiveMaximum": 1,
    "default": 0.95,
    "description": "Confidence level of the intervals.",
}

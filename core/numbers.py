"""The one rounding rule of every table evidencekit writes: half away from zero.

Python's ``round`` and ``format`` round half to even (``f"{0.5:.0f}"`` is ``'0'``,
``f"{2.125:.2f}"`` is ``'2.12'``); a published table rounds half away from zero (1, 2.13).
Every report, table and plot label formats numbers through :func:`fmt`, so the same value
is printed the same everywhere, and equals the unrounded ``--json`` value rounded by this
rule. The decimal text of the float (``repr``) is rounded, not its binary approximation:
2.675 prints as 2.68, as a person reading the JSON expects.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

#: Said in every report's methods text.
RULE = "half away from zero (0.5 → 1, 2.125 → 2.13, −0.5 → −1)"


def round_half_away(value: float, places: int = 0) -> float:
    """``value`` rounded to ``places`` decimals, halves away from zero."""
    quantum = Decimal(1).scaleb(-places)
    # Decimal's ROUND_HALF_UP rounds halves away from zero, for negatives too.
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def fmt(value: Any, places: int = 2, *, whole: bool = False) -> str:
    """A number as table text: ``places`` decimals by :func:`round_half_away`; whole
    numbers without decimals when ``whole``; ints as they are; None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or (whole and float(value).is_integer()):
        return str(int(value))
    if value != value:  # NaN
        return ""
    rounded = Decimal(repr(float(value))).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )
    text = f"{rounded:f}"
    return text[1:] if text.startswith("-") and rounded == 0 else text  # never "-0.00"

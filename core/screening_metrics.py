"""Metrics of a screening order: recall curve, work saved over sampling, recall at a fraction.

One implementation, used by ``evidencekit simulate`` and by the benchmark for every tool it
compares, so differences between tools are never differences in arithmetic.

Definitions (``labels`` is the inclusion label, 1 or 0, of each record in the order it was
screened; ``N`` records, ``I`` of them included):

- recall after ``k`` records: included records among the first ``k``, divided by ``I``;
- records needed for recall ``r``: the smallest ``k`` whose recall is at least ``r``, i.e.
  the position of the ``ceil(r * I)``-th included record;
- WSS@r (Cohen et al. 2006): ``(N - k_r) / N - (1 - r)``, the share of records a reviewer
  need not read, less what random order would save at the same recall. WSS@100 is
  ``(N - k_1) / N``. Both lie in ``[-r, 1 - r]`` (``[0, 1)`` for WSS@100 less ``1/N``);
- recall at a fraction ``f`` screened: recall after ``ceil(f * N)`` records.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Guard against 0.95 * 20 = 19.000000000000004 rounding up to 20.
_EPS = 1e-9


def _as_list(labels: Sequence[int]) -> list[int]:
    values = [int(v) for v in labels]
    if any(v not in (0, 1) for v in values):
        raise ValueError("labels must be 0 or 1")
    return values


def recall_curve(labels: Sequence[int]) -> list[float]:
    """Recall after each record: element ``k-1`` is the recall after ``k`` records."""
    values = _as_list(labels)
    total = sum(values)
    if total == 0:
        raise ValueError("recall is undefined without an included record")
    found = 0
    curve: list[float] = []
    for value in values:
        found += value
        curve.append(found / total)
    return curve


def records_needed(labels: Sequence[int], recall: float) -> int:
    """How many records must be screened, in this order, to reach ``recall``."""
    if not 0 < recall <= 1:
        raise ValueError("recall must be in (0, 1]")
    values = _as_list(labels)
    total = sum(values)
    if total == 0:
        raise ValueError("recall is undefined without an included record")
    target = max(1, math.ceil(recall * total - _EPS))
    found = 0
    for position, value in enumerate(values, start=1):
        found += value
        if found >= target:
            return position
    raise AssertionError("unreachable: every included record is in the order")


def wss(labels: Sequence[int], recall: float) -> float:
    """Work saved over sampling at ``recall`` (a fraction, e.g. 0.95)."""
    n = len(labels)
    return (n - records_needed(labels, recall)) / n - (1 - recall)


def recall_at(labels: Sequence[int], fraction: float) -> float:
    """Recall after ``ceil(fraction * N)`` records have been screened."""
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be in [0, 1]")
    values = _as_list(labels)
    total = sum(values)
    if total == 0:
        raise ValueError("recall is undefined without an included record")
    k = math.ceil(fraction * len(values) - _EPS)
    return sum(values[:k]) / total


def summary(labels: Sequence[int]) -> dict[str, float | int]:
    """The figures ``evidencekit simulate`` reports, keyed as in its ``--json``."""
    return {
        "n": len(labels),
        "n_included": int(sum(labels)),
        "wss_95": wss(labels, 0.95),
        "wss_100": wss(labels, 1.0),
        "recall_at_10pct": recall_at(labels, 0.10),
        "recall_at_20pct": recall_at(labels, 0.20),
    }

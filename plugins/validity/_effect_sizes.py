"""Effect sizes with intervals: Cliff's delta, Hedges' g, the Welch interval of a
difference in means."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from evidencekit.plugins.validity._permutation import _array


def _dominance(xs: Any, ys: Any) -> tuple[Any, Any]:
    """For each x: #(y < x) - #(y > x); for each y: #(x > y) - #(x < y).

    Sorting and binary search keep this O(n log n), so thousands of units in
    each group need no n1 x n2 matrix.
    """
    import numpy as np

    ys_sorted, xs_sorted = np.sort(ys), np.sort(xs)
    below = np.searchsorted(ys_sorted, xs, side="left")
    above = len(ys) - np.searchsorted(ys_sorted, xs, side="right")
    x_dom = below - above
    x_below = np.searchsorted(xs_sorted, ys, side="left")
    x_above = len(xs) - np.searchsorted(xs_sorted, ys, side="right")
    y_dom = x_above - x_below
    return x_dom, y_dom


def cliffs_delta(x: Sequence[float], y: Sequence[float]) -> float:
    """Cliff's delta: P(x > y) - P(x < y) over every pair, in [-1, 1]."""
    xs, ys = _array(x), _array(y)
    if len(xs) == 0 or len(ys) == 0:
        raise ValueError("both groups need at least one value")
    x_dom, _ = _dominance(xs, ys)
    return float(x_dom.sum() / (len(xs) * len(ys)))


def cliffs_delta_ci(
    x: Sequence[float], y: Sequence[float], confidence: float = 0.95
) -> tuple[float, float] | None:
    """Cliff's (1996) asymmetric interval for delta with his consistent variance.

    Returns None when it is not defined: a group with fewer than two units, or a
    complete separation (|delta| = 1 with no spread of dominance), where the
    formula collapses to 0/0.
    """
    # The normal quantile from the standard library (Wichura's AS 241, accurate to about
    # 1e-15, as scipy's norm.ppf): importing scipy.stats for it alone cost a pipeline run
    # over a second.
    from statistics import NormalDist

    xs, ys = _array(x), _array(y)
    nx, ny = len(xs), len(ys)
    if nx < 2 or ny < 2:
        return None
    x_dom, y_dom = _dominance(xs, ys)
    pairs = nx * ny
    delta = x_dom.sum() / pairs
    di = x_dom / ny  # mean dominance of each x over the ys
    dj = y_dom / nx
    # sum over pairs of (d_ij - delta)^2, where d_ij^2 is 1 except for ties (0)
    ties = _tied_pairs(xs, ys)
    ss_pairs = (pairs - ties) - 2 * delta * x_dom.sum() + pairs * delta**2
    s2 = (ny**2 * ((di - delta) ** 2).sum() + nx**2 * ((dj - delta) ** 2).sum() - ss_pairs) / (
        pairs * (nx - 1) * (ny - 1)
    )
    # Cliff bounds the estimate below by its smallest admissible value.
    s2 = max(s2, (1 - delta**2) / (pairs - 1))
    if s2 <= 0:
        return None
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    s = math.sqrt(s2)
    root = z * s * math.sqrt((1 - delta**2) ** 2 + z**2 * s2)
    denom = 1 - delta**2 + z**2 * s2
    lo = (delta - delta**3 - root) / denom
    hi = (delta - delta**3 + root) / denom
    return float(max(-1.0, lo)), float(min(1.0, hi))


def _tied_pairs(xs: Any, ys: Any) -> int:
    """Number of (x, y) pairs with x == y."""
    import numpy as np

    values, x_counts = np.unique(xs, return_counts=True)
    y_sorted = np.sort(ys)
    y_counts = np.searchsorted(y_sorted, values, side="right") - np.searchsorted(
        y_sorted, values, side="left"
    )
    return int((x_counts * y_counts).sum())


def hedges_g(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Hedges' g: Cohen's d with the pooled SD, times 1 - 3 / (4 (nx + ny) - 9).

    None when the pooled SD is 0 or a group has no degrees of freedom left.
    """
    import numpy as np

    xs, ys = _array(x), _array(y)
    nx, ny = len(xs), len(ys)
    if nx + ny < 3 or nx == 0 or ny == 0:
        return None
    pooled_var = ((nx - 1) * xs.var(ddof=1) if nx > 1 else 0.0) + (
        (ny - 1) * ys.var(ddof=1) if ny > 1 else 0.0
    )
    pooled_var /= nx + ny - 2
    if pooled_var <= 0:
        return None
    d = (xs.mean() - ys.mean()) / np.sqrt(pooled_var)
    return float(d * (1 - 3 / (4 * (nx + ny) - 9)))


def hedges_g_ci(g: float, nx: int, ny: int, confidence: float = 0.95) -> tuple[float, float]:
    """Interval for g: g ± t(nx + ny - 2) · sqrt((nx + ny)/(nx ny) + g² / (2 (nx + ny)))."""
    # scipy.special.stdtrit is what scipy.stats.t.ppf computes, without importing
    # scipy.stats (about two seconds of a pipeline run)
    from scipy.special import stdtrit

    se = math.sqrt((nx + ny) / (nx * ny) + g**2 / (2 * (nx + ny)))
    crit = abs(float(stdtrit(nx + ny - 2, (1 - confidence) / 2)))
    return float(g - crit * se), float(g + crit * se)


def welch_interval(
    x: Sequence[float], y: Sequence[float], confidence: float = 0.95
) -> tuple[float, float] | None:
    """Welch interval for mean(x) - mean(y); None when a group has < 2 values or
    both groups have no spread."""
    from scipy.special import stdtrit  # = scipy.stats.t.ppf

    xs, ys = _array(x), _array(y)
    nx, ny = len(xs), len(ys)
    if nx < 2 or ny < 2:
        return None
    vx, vy = xs.var(ddof=1) / nx, ys.var(ddof=1) / ny
    se2 = vx + vy
    if se2 <= 0:
        return None
    df = se2**2 / (vx**2 / (nx - 1) + vy**2 / (ny - 1))
    crit = float(stdtrit(df, 1 - (1 - confidence) / 2))
    diff = xs.mean() - ys.mean()
    half = crit * math.sqrt(se2)
    return float(diff - half), float(diff + half)

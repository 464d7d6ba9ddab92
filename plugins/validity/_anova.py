"""k-sample comparisons: a permutation one-way ANOVA, Kruskal-Wallis, eta squared."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evidencekit.plugins.validity._permutation import (
    DEFAULT_EXACT_LIMIT,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    _check_samples,
    _finite,
    _k_sample_permutation,
    n_partitions,
)

#: Sums of squares below this share of the total are rounding residue, not spread.
_TINY = 1e-12


def _sums_of_squares(pooled: Any, sizes: Sequence[int]) -> tuple[float, float]:
    """(between-group, total) sums of squares of values given in group order."""
    import numpy as np

    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    means = np.add.reduceat(pooled, starts) / np.asarray(sizes, dtype=float)
    grand = pooled.mean()
    ss_between = float((np.asarray(sizes) * (means - grand) ** 2).sum())
    return ss_between, float(((pooled - grand) ** 2).sum())


def eta_squared(samples: Sequence[Sequence[float]]) -> float | None:
    """Between-group share of the total sum of squares (None when all values are equal)."""
    pooled, sizes = _check_samples(samples)
    ss_between, ss_total = _sums_of_squares(pooled, sizes)
    return ss_between / ss_total if ss_total > _TINY * max(ss_total, 1.0) else None


def permutation_anova(
    samples: Sequence[Sequence[float]],
    *,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """One-way permutation test across k groups: the F statistic with its
    permutation p-value (exact up to ``exact_limit`` deals, else Monte Carlo from
    ``seed``), and eta squared (between-group share of the total sum of squares).

    ``f`` is None when every group is constant (F infinite); ``eta_squared`` is
    None when all values are equal.
    """

    pooled, sizes = _check_samples(samples)
    n, k = len(pooled), len(sizes)
    ss_between, ss_total = _sums_of_squares(pooled, sizes)
    ss_within = ss_total - ss_between
    tiny = _TINY * max(ss_total, 1.0)
    if ss_within > tiny and n > k:
        f = (ss_between / (k - 1)) / (ss_within / (n - k))
    else:  # no spread within groups: F is infinite, or undefined with none between either
        f = float("inf") if ss_between > tiny else float("nan")
    result = {
        "statistic": _finite(f),
        "f": _finite(f),
        "df": [k - 1, n - k],
        "eta_squared": eta_squared(samples),
        "alternative": "greater",
    }
    result.update(_k_sample_permutation(pooled, sizes, exact_limit, n_resamples, seed))
    return result


def kruskal_wallis(
    samples: Sequence[Sequence[float]],
    *,
    method: str = "auto",
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Kruskal-Wallis H (tie-corrected, as scipy.stats.kruskal) across k groups.

    ``method='exact'`` deals the mid-ranks in every possible way (valid with
    ties); ``'asymptotic'`` uses chi-square with k - 1 degrees of freedom;
    ``'auto'`` is exact up to ``exact_limit`` deals, else asymptotic.
    """
    import numpy as np
    from scipy.stats import chi2, rankdata

    pooled, sizes = _check_samples(samples)
    n, k = len(pooled), len(sizes)
    ranks = rankdata(pooled)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank_sums = np.add.reduceat(ranks, starts)
    _, counts = np.unique(pooled, return_counts=True)
    correction = 1 - float((counts**3 - counts).sum()) / (n**3 - n) if n > 1 else 0.0
    h = None
    if correction > 0:
        h = float(
            (12 / (n * (n + 1)) * (rank_sums**2 / np.asarray(sizes)).sum() - 3 * (n + 1))
            / correction
        )
    if method == "auto":
        method = "exact" if n_partitions(sizes) <= exact_limit else "asymptotic"
    result: dict[str, Any] = {"statistic": h, "h": h, "df": k - 1, "alternative": "greater"}
    if method == "exact":
        result.update(_k_sample_permutation(ranks, sizes, exact_limit, n_resamples, seed))
        return result
    if method != "asymptotic":
        raise ValueError("method must be 'auto', 'exact' or 'asymptotic'")
    result.update(
        {
            "p_value": 1.0 if h is None else float(chi2.sf(h, k - 1)),
            "method": "asymptotic",
            "smallest_possible_p": None,
        }
    )
    return result

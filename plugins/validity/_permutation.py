"""Two-sample permutation tests (exact by subset sums, else Monte Carlo) and
Mann-Whitney, with the k-sample permutation machinery the ANOVA uses.

numpy and scipy are imported inside the functions (start-up stays light)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

#: Above this many possible splits, permutation tests use Monte Carlo resampling.
DEFAULT_EXACT_LIMIT = 200_000


DEFAULT_RESAMPLES = 9_999


DEFAULT_SEED = 20180724  # the review's registration date: any fixed value would do


ALTERNATIVES = ("two-sided", "greater", "less")


def _array(values: Sequence[float]) -> Any:
    import numpy as np

    return np.asarray(values, dtype=float)


def _finite(value: float) -> float | None:
    """``value`` as a float, or None when it is NaN or infinite."""
    value = float(value)
    return value if math.isfinite(value) else None


def _split_sums(values: Any, nx: int, exact_limit: int, n_resamples: int, seed: int) -> tuple:
    """Sums of every group-x subset (exact) or of random ones (Monte Carlo).

    Returns (sums, exact, n_splits). A split is fully described by which units
    fall in group x, so the sum of group x determines any statistic that is a
    function of the two group sums.
    """
    import numpy as np

    n = len(values)
    n_splits = math.comb(n, nx)
    if n_splits <= exact_limit:
        return _subset_sums(values, nx), True, n_splits
    rng = np.random.default_rng(seed)
    perms = rng.permuted(np.tile(np.arange(n), (n_resamples, 1)), axis=1)
    return values[perms[:, :nx]].sum(axis=1), False, n_splits


def _subset_sums(values: Any, k: int) -> Any:
    """The sum of every k-element subset of ``values``, C(n, k) of them, vectorised.

    Subsets grow one element at a time in increasing index order; a partial
    subset keeps only its sum and its last index, and an element at position
    ``depth`` can be at most index n - k + depth - 1 so every partial completes.
    """
    import numpy as np

    n = len(values)
    if k == 0:
        return np.zeros(1)
    sums = np.asarray(values[: n - k + 1], dtype=float).copy()
    last = np.arange(n - k + 1)
    for depth in range(2, k + 1):
        counts = (n - k + depth - 1) - last  # choices after `last`, leaving room for the rest
        total = int(counts.sum())
        parent = np.repeat(np.arange(len(last)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        nxt = np.repeat(last + 1, counts) + offsets
        sums = sums[parent] + values[nxt]
        last = nxt
    return sums


def _p_values(null: Any, observed: float, alternative: str, exact: bool) -> float:
    """p-value as scipy.stats.permutation_test defines it (two-sided: twice the
    smaller one-sided p; Monte Carlo: (count + 1) / (resamples + 1))."""
    import numpy as np

    adjustment = 0 if exact else 1
    # Tolerance: theoretically equal statistics computed in another order must tie.
    gamma = max(abs(observed) * np.finfo(float).eps * 100, 1e-12)
    n = len(null)
    less = (np.count_nonzero(null <= observed + gamma) + adjustment) / (n + adjustment)
    greater = (np.count_nonzero(null >= observed - gamma) + adjustment) / (n + adjustment)
    if alternative == "less":
        p = less
    elif alternative == "greater":
        p = greater
    else:
        p = 2 * min(less, greater)
    return float(min(max(p, 0.0), 1.0))


def smallest_possible_p(nx: int, ny: int, alternative: str = "two-sided") -> float:
    """The smallest p-value an exact permutation test can give with these group sizes.

    With 4 and 2 units there are 15 splits, so even a perfect separation gives
    p = 2/15 = 0.133 two-sided: a reader should know this before reading any p.
    """
    splits = math.comb(nx + ny, nx)
    return min(1.0, (2.0 if alternative == "two-sided" else 1.0) / splits)


def permutation_test_means(
    x: Sequence[float],
    y: Sequence[float],
    *,
    alternative: str = "two-sided",
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Permutation test of the difference in means, mean(x) - mean(y).

    Exact (every split of the pooled units enumerated) when there are at most
    ``exact_limit`` splits, else Monte Carlo with ``n_resamples`` shuffles from
    ``seed``. ``alternative='greater'`` tests mean(x) > mean(y).
    """
    return _permutation_test(x, y, "mean-difference", alternative, exact_limit, n_resamples, seed)


def _permutation_test(x, y, statistic, alternative, exact_limit, n_resamples, seed):
    import numpy as np

    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}")
    xs, ys = _array(x), _array(y)
    nx, ny = len(xs), len(ys)
    if nx == 0 or ny == 0:
        raise ValueError("both groups need at least one value")
    pooled = np.concatenate([xs, ys])
    total = pooled.sum()
    if statistic == "mean-difference":

        def stat(sum_x):
            return sum_x / nx - (total - sum_x) / ny

        values = pooled
    else:  # Mann-Whitney U of x: rank sum of x minus its minimum
        from scipy.stats import rankdata

        values = rankdata(pooled)
        total = values.sum()

        def stat(sum_x):
            return sum_x - nx * (nx + 1) / 2

    observed = float(stat(values[:nx].sum()))
    sums, exact, n_splits = _split_sums(values, nx, exact_limit, n_resamples, seed)
    p = _p_values(stat(sums), observed, alternative, exact)
    result = {
        "statistic": observed,
        "p_value": p,
        "alternative": alternative,
        "method": "exact" if exact else "monte-carlo",
        "n_splits": n_splits,
        "smallest_possible_p": smallest_possible_p(nx, ny, alternative) if exact else None,
    }
    if not exact:
        result.update({"n_resamples": int(n_resamples), "seed": int(seed)})
    return result


def mann_whitney(
    x: Sequence[float],
    y: Sequence[float],
    *,
    alternative: str = "two-sided",
    method: str = "auto",
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Mann–Whitney U test; U is the statistic of ``x`` (pairs x > y, ties half).

    ``method='exact'`` enumerates every split of the mid-ranks (valid with
    ties); ``'asymptotic'`` is the normal approximation with tie and continuity
    corrections; ``'auto'`` is exact when there are at most ``exact_limit``
    splits, else asymptotic.
    """
    import numpy as np
    from scipy.stats import norm, rankdata

    xs, ys = _array(x), _array(y)
    nx, ny = len(xs), len(ys)
    if nx == 0 or ny == 0:
        raise ValueError("both groups need at least one value")
    if method == "auto":
        method = "exact" if math.comb(nx + ny, nx) <= exact_limit else "asymptotic"
    if method == "exact":
        result = _permutation_test(
            xs, ys, "mann-whitney", alternative, exact_limit, n_resamples, seed
        )
        result["method"] = "exact" if result["method"] == "exact" else "monte-carlo"
        result["u"] = result.pop("statistic")
        return result
    if method != "asymptotic":
        raise ValueError("method must be 'auto', 'exact' or 'asymptotic'")
    pooled = np.concatenate([xs, ys])
    ranks = rankdata(pooled)
    u = float(ranks[:nx].sum() - nx * (nx + 1) / 2)
    n = nx + ny
    _, counts = np.unique(pooled, return_counts=True)
    tie_term = float((counts**3 - counts).sum())
    sd = math.sqrt(nx * ny / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    mu = nx * ny / 2
    if sd == 0:
        p = 1.0
    elif alternative == "greater":
        p = float(norm.sf((u - mu - 0.5) / sd))
    elif alternative == "less":
        p = float(norm.cdf((u - mu + 0.5) / sd))
    else:
        p = float(min(1.0, 2 * norm.sf((abs(u - mu) - 0.5) / sd)))
    return {
        "u": u,
        "p_value": p,
        "alternative": alternative,
        "method": "asymptotic",
        "smallest_possible_p": None,
    }


def n_partitions(sizes: Sequence[int]) -> int:
    """Ways to deal sum(sizes) units into labelled groups of these sizes (a multinomial)."""
    count, left = 1, sum(sizes)
    for size in sizes:
        count *= math.comb(left, size)
        left -= size
    return count


def _partition_sums(values: Sequence[float], sizes: Sequence[int]) -> Any:
    """Group sums (an M x k array) for every way of dealing ``values`` into groups of
    ``sizes``, M = n_partitions(sizes). The last group takes what is left."""
    from itertools import combinations

    import numpy as np

    vals = [float(v) for v in values]
    k = len(sizes)
    rows: list[list[float]] = []

    def deal(remaining: tuple[int, ...], g: int, prefix: list[float]) -> None:
        if g == k - 1:
            rows.append([*prefix, sum(vals[i] for i in remaining)])
            return
        for chosen in combinations(remaining, sizes[g]):
            taken = set(chosen)
            deal(
                tuple(i for i in remaining if i not in taken),
                g + 1,
                [*prefix, sum(vals[i] for i in chosen)],
            )

    deal(tuple(range(len(vals))), 0, [])
    return np.array(rows, dtype=float).reshape(-1, k)


def _random_partition_sums(values: Any, sizes: Sequence[int], n_resamples: int, seed: int) -> Any:
    """Group sums (n_resamples x k) of random deals, shuffled in chunks so that
    thousands of units never need an n_resamples x n index matrix at once."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(values)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.empty((n_resamples, len(sizes)))
    chunk = max(1, 1_000_000 // max(n, 1))
    for first in range(0, n_resamples, chunk):
        m = min(chunk, n_resamples - first)
        perms = rng.permuted(np.tile(np.arange(n), (m, 1)), axis=1)
        out[first : first + m] = np.add.reduceat(values[perms], starts, axis=1)
    return out


def _k_sample_permutation(
    values: Any, sizes: Sequence[int], exact_limit: int, n_resamples: int, seed: int
) -> dict[str, Any]:
    """Permutation p of a one-way comparison of k groups (values in group order).

    Between-group sum of squares, the F statistic and (on ranks) the
    Kruskal-Wallis H are all increasing functions of sum(S_g^2 / n_g), S_g a
    group's sum, because the grand total and total sum of squares do not change
    when units are dealt again. So that one quantity decides every split.
    """
    import numpy as np

    sizes_arr = np.asarray(sizes, dtype=float)
    observed_sums = np.add.reduceat(values, np.concatenate([[0], np.cumsum(sizes)[:-1]]))
    observed = float((observed_sums**2 / sizes_arr).sum())
    n_splits = n_partitions(sizes)
    exact = n_splits <= exact_limit
    sums = (
        _partition_sums(values, sizes)
        if exact
        else _random_partition_sums(values, sizes, n_resamples, seed)
    )
    null = (sums**2 / sizes_arr).sum(axis=1)
    p = _p_values(null, observed, "greater", exact)
    # Groups of equal size can swap labels without changing the statistic, so the observed
    # split always ties with that many others.
    same = math.prod(math.factorial(list(sizes).count(s)) for s in set(sizes))
    out = {
        "p_value": p,
        "method": "exact" if exact else "monte-carlo",
        "n_splits": n_splits,
        "smallest_possible_p": same / n_splits if exact else None,
    }
    if not exact:
        out.update({"n_resamples": int(n_resamples), "seed": int(seed)})
    return out


def _check_samples(samples: Sequence[Sequence[float]]) -> tuple[Any, list[int]]:
    import numpy as np

    arrays = [_array(s) for s in samples]
    if len(arrays) < 2 or any(len(a) == 0 for a in arrays):
        raise ValueError("a comparison needs at least two groups, each with a value")
    return np.concatenate(arrays), [len(a) for a in arrays]

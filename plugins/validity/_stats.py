"""Statistics behind the validity analyses, written with numpy and scipy only.

Every function takes plain sequences or arrays and returns plain Python numbers
(``None`` where a quantity is not defined), so results go straight into JSON.
The tests check each one against scipy or pingouin.

numpy and scipy are imported inside the functions: this module is imported by
plugin modules that the command line loads at start-up.
"""

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


# --------------------------------------------------------------------------
# permutation tests (exact by enumeration, or Monte Carlo with a recorded seed)
# --------------------------------------------------------------------------

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
        result = _permutation_test(xs, ys, "mann-whitney", alternative, exact_limit,
                                   n_resamples, seed)
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
    return {"u": u, "p_value": p, "alternative": alternative, "method": "asymptotic",
            "smallest_possible_p": None}


# --------------------------------------------------------------------------
# more than two groups: permutation F test and Kruskal-Wallis
# --------------------------------------------------------------------------

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
            deal(tuple(i for i in remaining if i not in taken), g + 1,
                 [*prefix, sum(vals[i] for i in chosen)])

    deal(tuple(range(len(vals))), 0, [])
    return np.array(rows, dtype=float).reshape(-1, k)


def _random_partition_sums(values: Any, sizes: Sequence[int], n_resamples: int,
                           seed: int) -> Any:
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
        out[first:first + m] = np.add.reduceat(values[perms], starts, axis=1)
    return out


def _k_sample_permutation(values: Any, sizes: Sequence[int], exact_limit: int,
                          n_resamples: int, seed: int) -> dict[str, Any]:
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
    sums = (_partition_sums(values, sizes) if exact
            else _random_partition_sums(values, sizes, n_resamples, seed))
    null = (sums**2 / sizes_arr).sum(axis=1)
    p = _p_values(null, observed, "greater", exact)
    # Groups of equal size can swap labels without changing the statistic, so the observed
    # split always ties with that many others.
    same = math.prod(math.factorial(list(sizes).count(s)) for s in set(sizes))
    out = {"p_value": p, "method": "exact" if exact else "monte-carlo", "n_splits": n_splits,
           "smallest_possible_p": same / n_splits if exact else None}
    if not exact:
        out.update({"n_resamples": int(n_resamples), "seed": int(seed)})
    return out


def _check_samples(samples: Sequence[Sequence[float]]) -> tuple[Any, list[int]]:
    import numpy as np

    arrays = [_array(s) for s in samples]
    if len(arrays) < 2 or any(len(a) == 0 for a in arrays):
        raise ValueError("a comparison needs at least two groups, each with a value")
    return np.concatenate(arrays), [len(a) for a in arrays]


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
    result = {"statistic": _finite(f), "f": _finite(f), "df": [k - 1, n - k],
              "eta_squared": eta_squared(samples),
              "alternative": "greater"}
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
        h = float((12 / (n * (n + 1)) * (rank_sums**2 / np.asarray(sizes)).sum()
                   - 3 * (n + 1)) / correction)
    if method == "auto":
        method = "exact" if n_partitions(sizes) <= exact_limit else "asymptotic"
    result: dict[str, Any] = {"statistic": h, "h": h, "df": k - 1, "alternative": "greater"}
    if method == "exact":
        result.update(_k_sample_permutation(ranks, sizes, exact_limit, n_resamples, seed))
        return result
    if method != "asymptotic":
        raise ValueError("method must be 'auto', 'exact' or 'asymptotic'")
    result.update({"p_value": 1.0 if h is None else float(chi2.sf(h, k - 1)),
                   "method": "asymptotic", "smallest_possible_p": None})
    return result


# --------------------------------------------------------------------------
# effect sizes
# --------------------------------------------------------------------------

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
    s2 = (ny**2 * ((di - delta) ** 2).sum() + nx**2 * ((dj - delta) ** 2).sum()
          - ss_pairs) / (pairs * (nx - 1) * (ny - 1))
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
    y_counts = (np.searchsorted(y_sorted, values, side="right")
                - np.searchsorted(y_sorted, values, side="left"))
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
        (ny - 1) * ys.var(ddof=1) if ny > 1 else 0.0)
    pooled_var /= nx + ny - 2
    if pooled_var <= 0:
        return None
    d = (xs.mean() - ys.mean()) / np.sqrt(pooled_var)
    return float(d * (1 - 3 / (4 * (nx + ny) - 9)))


def hedges_g_ci(g: float, nx: int, ny: int, confidence: float = 0.95) -> tuple[float, float]:
    """Interval for g: g ± t(nx + ny - 2) · sqrt((nx + ny)/(nx ny) + g² / (2 (nx + ny)))."""
    # scipy.special.stdtrit is what scipy.stats.t.ppf computes; importing scipy.stats for
    # it alone cost a pipeline run about two seconds.
    from scipy.special import stdtrit

    se = math.sqrt((nx + ny) / (nx * ny) + g**2 / (2 * (nx + ny)))
    crit = abs(float(stdtrit(nx + ny - 2, (1 - confidence) / 2)))
    return float(g - crit * se), float(g + crit * se)


def welch_interval(
    x: Sequence[float], y: Sequence[float], confidence: float = 0.95
) -> tuple[float, float] | None:
    """Welch interval for mean(x) - mean(y); None when a group has < 2 values or
    both groups have no spread."""
    from scipy.special import stdtrit  # = scipy.stats.t.ppf, without importing scipy.stats

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


# --------------------------------------------------------------------------
# internal consistency
# --------------------------------------------------------------------------

def cronbach_alpha(matrix: Any) -> float | None:
    """Cronbach's alpha of a units × items matrix (no missing values).

    None when it is undefined: fewer than two items or units, or a total score
    with no variance.
    """
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    n, k = m.shape
    if k < 2 or n < 2:
        return None
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return None
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / total_var))


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) interval for alpha, F(n - 1, (n - 1)(k - 1))."""
    from scipy.stats import f

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    lower = 1 - (1 - alpha) * float(f.isf(tail, df1, df2))
    upper = 1 - (1 - alpha) * float(f.isf(1 - tail, df1, df2))
    return lower, upper


def item_rest_correlations(matrix: Any) -> list[float | None]:
    """Pearson correlation of each item with the sum of the other items."""
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    total = m.sum(axis=1)
    out: list[float | None] = []
    for j in range(m.shape[1]):
        item, rest = m[:, j], total - m[:, j]
        if item.std() == 0 or rest.std() == 0:
            out.append(None)  # a constant has no correlation with anything
            continue
        out.append(_finite(np.corrcoef(item, rest)[0, 1]))
    return out


def alpha_if_deleted(matrix: Any) -> list[float | None]:
    """Cronbach's alpha of the remaining items, leaving out each item in turn."""
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    return [cronbach_alpha(np.delete(m, j, axis=1)) for j in range(m.shape[1])]


# --------------------------------------------------------------------------
# intraclass correlation (Shrout & Fleiss 1979; McGraw & Wong 1996)
# --------------------------------------------------------------------------

#: Accepted names → canonical form. ICC1: one-way random; ICC2: two-way random,
#: absolute agreement, ICC(A,1); ICC3: two-way mixed, consistency, ICC(C,1);
#: a "k" suffix is the reliability of the mean of k raters.
ICC_FORMS = {
    "ICC1": "ICC1", "ICC(1,1)": "ICC1",
    "ICC2": "ICC2", "ICC(2,1)": "ICC2", "ICC(A,1)": "ICC2",
    "ICC3": "ICC3", "ICC(3,1)": "ICC3", "ICC(C,1)": "ICC3",
    "ICC1k": "ICC1k", "ICC(1,k)": "ICC1k",
    "ICC2k": "ICC2k", "ICC(2,k)": "ICC2k", "ICC(A,k)": "ICC2k",
    "ICC3k": "ICC3k", "ICC(3,k)": "ICC3k", "ICC(C,k)": "ICC3k",
}
ICC_LABELS = {"ICC1": "ICC(1,1)", "ICC2": "ICC(A,1)", "ICC3": "ICC(C,1)",
              "ICC1k": "ICC(1,k)", "ICC2k": "ICC(A,k)", "ICC3k": "ICC(C,k)"}


def icc(matrix: Any, form: str = "ICC2", confidence: float = 0.95) -> dict[str, Any]:
    """ICC of a units × raters matrix (complete, balanced) with its F-based interval.

    Returns ``{"form", "label", "icc", "ci", "f", "df1", "df2", "p_value"}``;
    ``icc`` is None when the mean squares leave it undefined (no variance at all).
    """
    import numpy as np
    from scipy.stats import f as fdist

    canonical = ICC_FORMS.get(form)
    if canonical is None:
        raise ValueError(f"unknown ICC form {form!r}; known: {', '.join(ICC_FORMS)}")
    m = np.asarray(matrix, dtype=float)
    n, k = m.shape
    if n < 2 or k < 2:
        raise ValueError("an ICC needs at least two units and two raters")
    grand = m.mean()
    ss_rows = k * ((m.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((m.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((m - grand) ** 2).sum()
    ss_err = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))
    tail = 1 - (1 - confidence) / 2
    result: dict[str, Any] = {"form": canonical, "label": ICC_LABELS[canonical],
                              "n_units": int(n), "n_raters": int(k)}
    with np.errstate(divide="ignore", invalid="ignore"):
        if canonical in ("ICC1", "ICC1k"):
            df1, df2 = n - 1, n * (k - 1)
            fval = msr / msw
            value = ((msr - msw) / (msr + (k - 1) * msw) if canonical == "ICC1"
                     else (msr - msw) / msr)
            fl = fval / fdist.ppf(tail, df1, df2)
            fu = fval * fdist.ppf(tail, df2, df1)
            ci = (((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)) if canonical == "ICC1"
                  else (1 - 1 / fl, 1 - 1 / fu))
        elif canonical in ("ICC3", "ICC3k"):
            df1, df2 = n - 1, (n - 1) * (k - 1)
            fval = msr / mse
            value = ((msr - mse) / (msr + (k - 1) * mse) if canonical == "ICC3"
                     else (msr - mse) / msr)
            fl = fval / fdist.ppf(tail, df1, df2)
            fu = fval * fdist.ppf(tail, df2, df1)
            ci = (((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)) if canonical == "ICC3"
                  else (1 - 1 / fl, 1 - 1 / fu))
        else:
            df1, df2 = n - 1, (n - 1) * (k - 1)
            fval = msr / mse
            icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
            value = icc2 if canonical == "ICC2" else (msr - mse) / (msr + (msc - mse) / n)
            # McGraw & Wong (1996) approximate degrees of freedom for case 2A.
            fj = msc / mse
            vn = df2 * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
            vd = df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
            v = vn / vd
            f2u = fdist.ppf(tail, n - 1, v)
            f2l = fdist.ppf(tail, v, n - 1)
            lo = n * (msr - f2u * mse) / (f2u * (k * msc + (k * n - k - n) * mse) + n * msr)
            hi = n * (f2l * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f2l * msr)
            ci = (lo, hi) if canonical == "ICC2" else (
                lo * k / (1 + lo * (k - 1)), hi * k / (1 + hi * (k - 1)))
        p = fdist.sf(fval, df1, df2)
    value_f = _finite(value)
    lo_f, hi_f = _finite(ci[0]), _finite(ci[1])
    result.update({
        "icc": value_f,
        "ci": [lo_f, hi_f] if value_f is not None and lo_f is not None and hi_f is not None
        else None,
        "confidence": confidence,
        "f": _finite(fval),
        "df1": int(df1),
        "df2": int(df2),
        "p_value": _finite(p),
    })
    return result

"""Agreement among two or more raters, missing ratings allowed.

The input is one row per subject (a record, an item) with one rating per
rater; ``None`` (or a float NaN) marks a rating the rater did not give.

* **Fleiss' kappa** (Psychol Bull 1971;76:378-382), in Gwet's generalised form
  that allows missing ratings (Gwet 2014, *Handbook of Inter-Rater
  Reliability*, 4th ed., ch. 5): observed agreement over subjects with two or
  more ratings, chance agreement ``sum(pi_k ** 2)`` from every subject's
  category shares. With complete data it is Fleiss' kappa exactly (what
  statsmodels' ``fleiss_kappa`` computes). Standard error: Gwet's linearised
  variance, which does not assume the raters independent; interval: Student t
  on ``n - 1`` degrees of freedom, as in Gwet's irrCAC package.
* **Gwet's AC1** for many raters (Gwet 2008), on the same counts with
  chance agreement ``sum(pi_k * (1 - pi_k)) / (k - 1)``.
* **Krippendorff's alpha**, nominal level (Krippendorff 2011, *Computing
  Krippendorff's alpha-reliability*), from the coincidence matrix of the
  subjects rated at least twice: ``1 - (n - 1) * D_o / D_e``. It is what the
  ``krippendorff`` package computes with ``level_of_measurement="nominal"``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from evidencekit.core.agreement._common import check_confidence, clamp, resolve_categories
from evidencekit.core.agreement._common import t_quantile as _t
from evidencekit.core.agreement.prevalence import GwetAC1

Ratings = Sequence[Sequence[Hashable | None]]


@dataclass(frozen=True)
class FleissKappa:
    """Fleiss' kappa (Gwet's form for missing ratings) with its SE and a t interval.

    ``n`` counts subjects with at least one rating, ``n_pairable`` those with
    two or more (the only ones that show agreement). ``kappa`` is ``None`` when
    every rating falls in one category (chance agreement is 100 %).
    """

    n: int
    n_pairable: int
    raters: int
    kappa: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    observed: float | None
    expected: float | None
    categories: tuple[Any, ...]
    confidence: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["categories"] = list(self.categories)
        return out


@dataclass(frozen=True)
class KrippendorffAlpha:
    """Krippendorff's alpha, nominal level.

    ``n_values`` is the number of pairable ratings (those on subjects rated at
    least twice). ``alpha`` is ``None`` when they all fall in one category
    (expected disagreement is 0), or when no subject was rated twice.
    """

    n_units: int
    n_values: int
    raters: int
    alpha: float | None
    observed_disagreement: float | None
    expected_disagreement: float | None
    categories: tuple[Any, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["categories"] = list(self.categories)
        return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _counts(
    ratings: Ratings, categories: Sequence[Hashable] | None
) -> tuple[list[list[int]], tuple[Any, ...], int]:
    """Per subject (with any rating), how many raters chose each category."""
    rows = [list(row) for row in ratings]
    raters = max((len(row) for row in rows), default=0)
    seen = [v for row in rows for v in row if not _missing(v)]
    cats = resolve_categories(seen, categories)
    index = {c: i for i, c in enumerate(cats)}
    counts = []
    for row in rows:
        values = [v for v in row if not _missing(v)]
        if not values:
            continue  # a subject nobody rated says nothing about agreement
        line = [0] * len(cats)
        for v in values:
            line[index[v]] += 1
        counts.append(line)
    return counts, cats, raters


def _pa_by_subject(counts: list[list[int]]) -> list[float]:
    out = []
    for line in counts:
        r = sum(line)
        out.append(sum(c * (c - 1) for c in line) / (r * (r - 1)) if r >= 2 else 0.0)
    return out


def _shares(counts: list[list[int]], k: int) -> list[float]:
    n = len(counts)
    return [sum(line[j] / sum(line) for line in counts) / n for j in range(k)]


def _linearised_se(
    counts: list[list[int]],
    coefficient: float,
    pa_i: list[float],
    pe: float,
    pe_i: list[float],
) -> float:
    """Gwet's (2008, 2014) variance: each subject's share of the coefficient, corrected
    for its share of chance agreement, about the coefficient."""
    n = len(counts)
    n2 = sum(1 for line in counts if sum(line) >= 2)
    total = 0.0
    for line, pa, pei in zip(counts, pa_i, pe_i, strict=True):
        rated_twice = sum(line) >= 2
        value = (n / n2) * (pa - (pe if rated_twice else 0.0)) / (1 - pe)
        value -= 2 * (1 - coefficient) * (pei - pe) / (1 - pe)
        total += (value - coefficient) ** 2
    return math.sqrt(total / (n * (n - 1)))


def _coefficient(
    kind: str, ratings: Ratings, categories: Sequence[Hashable] | None, confidence: float
) -> tuple[Any, ...]:
    check_confidence(confidence)
    counts, cats, raters = _counts(ratings, categories)
    k = len(cats)
    n = len(counts)
    n2 = sum(1 for line in counts if sum(line) >= 2)
    if n2 == 0:
        return (
            n,
            n2,
            raters,
            None,
            None,
            None,
            None,
            None,
            None,
            cats,
            "no subject was rated by two or more raters",
        )
    pa_i = _pa_by_subject(counts)
    pa = sum(pa_i) / n2
    pi = _shares(counts, k)
    if kind == "fleiss":
        pe = sum(q * q for q in pi)
        pe_i = [sum(line[j] * pi[j] for j in range(k)) / sum(line) for line in counts]
        undefined = (
            "kappa is undefined: every rating is in one category, so chance agreement is 100%"
        )
    else:
        pe = sum(q * (1 - q) for q in pi) / (k - 1) if k >= 2 else 1.0
        pe_i = (
            [sum(line[j] * (1 - pi[j]) for j in range(k)) / sum(line) / (k - 1) for line in counts]
            if k >= 2
            else [1.0] * n
        )
        undefined = "AC1 is undefined with a single category; declare the categories"
    if math.isclose(pe, 1.0, abs_tol=1e-12):
        return (n, n2, raters, None, None, None, None, pa, pe, cats, undefined)
    value = (pa - pe) / (1 - pe)
    if n < 2:
        return (
            n,
            n2,
            raters,
            value,
            None,
            None,
            None,
            pa,
            pe,
            cats,
            "one subject: no standard error",
        )
    se = _linearised_se(counts, value, pa_i, pe, pe_i)
    half = _t(confidence, n - 1) * se
    return (n, n2, raters, value, se, clamp(value - half), clamp(value + half), pa, pe, cats, "")


def fleiss_kappa(
    ratings: Ratings,
    *,
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> FleissKappa:
    """Fleiss' kappa for ``ratings`` (one row per subject, ``None`` where missing)."""
    n, n2, raters, value, se, low, high, pa, pe, cats, note = _coefficient(
        "fleiss", ratings, categories, confidence
    )
    return FleissKappa(n, n2, raters, value, se, low, high, pa, pe, cats, confidence, note)


def gwet_ac1_raters(
    ratings: Ratings,
    *,
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> GwetAC1:
    """Gwet's AC1 for two or more raters (one row per subject, ``None`` where missing).

    ``GwetAC1.n`` counts subjects with at least one rating.
    """
    n, _n2, raters, value, se, low, high, pa, pe, cats, note = _coefficient(
        "ac1", ratings, categories, confidence
    )
    return GwetAC1(n, raters, value, se, low, high, pa, pe, cats, confidence, note)


def krippendorff_alpha(
    ratings: Ratings, *, categories: Sequence[Hashable] | None = None
) -> KrippendorffAlpha:
    """Krippendorff's alpha (nominal) for ``ratings`` (one row per unit, ``None`` where missing)."""
    counts, cats, raters = _counts(ratings, categories)
    k = len(cats)
    pairable = [line for line in counts if sum(line) >= 2]
    if not pairable:
        return KrippendorffAlpha(
            len(counts),
            0,
            raters,
            None,
            None,
            None,
            cats,
            "no unit was rated by two or more raters",
        )
    # Coincidence matrix: every ordered pair of values within a unit, weighted 1/(m_u - 1).
    coincidence = [[0.0] * k for _ in range(k)]
    for line in pairable:
        m = sum(line)
        for c in range(k):
            if not line[c]:
                continue
            for d in range(k):
                pairs = line[c] * (line[d] - (1 if c == d else 0))
                if pairs:
                    coincidence[c][d] += pairs / (m - 1)
    n_c = [sum(coincidence[c]) for c in range(k)]
    total = sum(n_c)
    observed = sum(coincidence[c][d] for c in range(k) for d in range(k) if c != d) / total
    expected = sum(n_c[c] * n_c[d] for c in range(k) for d in range(k) if c != d) / (
        total * (total - 1)
    )
    if math.isclose(expected, 0.0, abs_tol=1e-15):
        return KrippendorffAlpha(
            len(counts),
            int(round(total)),
            raters,
            None,
            observed,
            expected,
            cats,
            "alpha is undefined: every pairable rating "
            "is in one category, so no disagreement is expected",
        )
    return KrippendorffAlpha(
        len(counts), int(round(total)), raters, 1 - observed / expected, observed, expected, cats
    )

"""Agreement between two raters: percent agreement and Cohen's kappa.

Shared by dual appraisal, double extraction and dual screening. Pure Python on
purpose: the inputs are small (tens to thousands of paired ratings) and the
core must stay cheap to import.

* Percent agreement comes with a Wilson score interval, which behaves well near
  0 % and 100 % where the normal approximation does not.
* Cohen's kappa (unweighted, or weighted with linear or quadratic agreement
  weights) comes with the large-sample standard error of Fleiss, Cohen and
  Everitt (Psychol Bull 1969;72:323-327) and a normal-theory interval, the same
  quantities statsmodels reports as ``std_kappa``, ``kappa_low``, ``kappa_upp``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from evidencekit.core.agreement._common import check_pairs as _check_pairs
from evidencekit.core.agreement._common import resolve_categories
from evidencekit.core.agreement._common import z_quantile as _z

WEIGHTS = (None, "linear", "quadratic")


@dataclass(frozen=True)
class PercentAgreement:
    """Share of paired ratings that are identical, as a percentage, with a CI."""

    n: int
    agreed: int
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa with its asymptotic standard error and confidence interval.

    ``kappa`` is ``None`` when it is undefined: both raters used one and the
    same category for every subject, so chance agreement is already 100 %
    (``note`` says so).
    """

    n: int
    kappa: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    observed: float | None  # (weighted) observed agreement, 0-1
    expected: float | None  # (weighted) chance agreement, 0-1
    weights: str | None
    categories: tuple[Any, ...]
    confidence: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["categories"] = list(self.categories)
        return out


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as fractions in [0, 1]."""
    if n <= 0:
        raise ValueError("n must be positive")
    z = _z(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 and n successes the bound is 0 or 1 exactly; rounding would give 0.9999999999999999,
    # an interval that no longer contains the observed 100 %.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def percent_agreement(
    a: Sequence[Any], b: Sequence[Any], *, confidence: float = 0.95
) -> PercentAgreement:
    """Percentage of positions where ``a[i] == b[i]``, with a Wilson interval."""
    _check_pairs(a, b)
    n = len(a)
    agreed = sum(1 for x, y in zip(a, b, strict=True) if x == y)
    if n == 0:
        return PercentAgreement(0, 0, None, None, None, confidence)
    low, high = wilson_interval(agreed, n, confidence)
    return PercentAgreement(n, agreed, 100.0 * agreed / n, 100.0 * low, 100.0 * high, confidence)


def _weight_matrix(k: int, weights: str | None) -> list[list[float]]:
    """Agreement weights: 1 on the diagonal, falling with distance between categories."""
    if weights is None or k == 1:
        return [[1.0 if i == j else 0.0 for j in range(k)] for i in range(k)]
    span = k - 1
    if weights == "linear":
        return [[1.0 - abs(i - j) / span for j in range(k)] for i in range(k)]
    if weights == "quadratic":
        return [[1.0 - (i - j) ** 2 / span**2 for j in range(k)] for i in range(k)]
    raise ValueError(f"unknown weights {weights!r}; use one of: none, linear, quadratic")


def cohen_kappa(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    *,
    weights: str | None = None,
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> Kappa:
    """Cohen's kappa for two raters' paired ratings ``a`` and ``b``.

    ``categories`` fixes the category order (it matters for weighted kappa:
    linear and quadratic weights treat the order as a scale); by default the
    sorted set of values seen. A value outside ``categories`` is an error.
    """
    _check_pairs(a, b)
    if weights not in WEIGHTS:
        raise ValueError(f"unknown weights {weights!r}; use one of: none, linear, quadratic")
    cats = resolve_categories([*a, *b], categories)
    n = len(a)
    if n == 0:
        return Kappa(
            0, None, None, None, None, None, None, weights, cats, confidence, "no paired ratings"
        )
    index = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    # joint proportions p[i][j]: rater a said category i, rater b category j
    p = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        p[index[x]][index[y]] += 1.0 / n
    row = [sum(p[i]) for i in range(k)]
    col = [sum(p[i][j] for i in range(k)) for j in range(k)]
    w = _weight_matrix(k, weights)
    observed = sum(w[i][j] * p[i][j] for i in range(k) for j in range(k))
    expected = sum(w[i][j] * row[i] * col[j] for i in range(k) for j in range(k))
    if math.isclose(expected, 1.0, abs_tol=1e-12):
        return Kappa(
            n,
            None,
            None,
            None,
            None,
            observed,
            expected,
            weights,
            cats,
            confidence,
            "kappa is undefined: both raters used a single, identical category, "
            "so chance agreement is 100%",
        )
    # Clamped: kappa lies in [-1, 1]; rounding can push a perfect disagreement past -1.
    kappa = min(1.0, max(-1.0, (observed - expected) / (1.0 - expected)))
    # Fleiss, Cohen & Everitt (1969) large-sample variance, general weighted form;
    # with identity weights it reduces to the variance of the simple kappa.
    w_row = [sum(col[j] * w[i][j] for j in range(k)) for i in range(k)]
    w_col = [sum(row[i] * w[i][j] for i in range(k)) for j in range(k)]
    total = sum(
        p[i][j] * (w[i][j] - (w_row[i] + w_col[j]) * (1.0 - kappa)) ** 2
        for i in range(k)
        for j in range(k)
    )
    var = (total - (kappa - expected * (1.0 - kappa)) ** 2) / ((1.0 - expected) ** 2 * n)
    se = math.sqrt(max(var, 0.0))
    z = _z(confidence)
    return Kappa(
        n=n,
        kappa=kappa,
        se=se,
        ci_low=max(-1.0, kappa - z * se),
        ci_high=min(1.0, kappa + z * se),
        observed=observed,
        expected=expected,
        weights=weights,
        categories=cats,
        confidence=confidence,
    )


def interpret_kappa(kappa: float | None) -> str:
    """Landis & Koch (Biometrics 1977;33:159-174) wording for a kappa value."""
    if kappa is None:
        return "undefined"
    if kappa < 0:
        return "poor (less than chance)"
    for upper, word in (
        (0.20, "slight"),
        (0.40, "fair"),
        (0.60, "moderate"),
        (0.80, "substantial"),
    ):
        if kappa <= upper:
            return word
    return "almost perfect"


def agreement(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    *,
    weights: str | None = None,
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Percent agreement and kappa together, as plain JSON-able data."""
    pa = percent_agreement(a, b, confidence=confidence)
    ka = cohen_kappa(a, b, weights=weights, categories=categories, confidence=confidence)
    return {
        "n": pa.n,
        "agreed": pa.agreed,
        "percent": pa.percent,
        "percent_ci": [pa.ci_low, pa.ci_high] if pa.percent is not None else None,
        "kappa": ka.kappa,
        "kappa_se": ka.se,
        "kappa_ci": [ka.ci_low, ka.ci_high] if ka.kappa is not None else None,
        "kappa_weights": weights,
        "kappa_interpretation": interpret_kappa(ka.kappa),
        "kappa_note": ka.note,
        "confidence": confidence,
    }

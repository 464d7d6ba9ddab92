"""Two-rater agreement that holds up when one category dominates.

In screening most records are excluded, so chance agreement is high and
Cohen's kappa can be low while the reviewers agree on almost everything (the
"kappa paradox"). These statistics are reported beside kappa to show why:

* **PABAK**, the prevalence- and bias-adjusted kappa of Byrt, Bishop & Carlin
  (J Clin Epidemiol 1993;46:423-429): ``(k * po - 1) / (k - 1)`` for ``k``
  categories, ``2 * po - 1`` for two. It is a linear function of the observed
  agreement ``po``, so its interval is the Wilson interval of ``po`` mapped
  through the same line.
* The **prevalence index** ``(a - d) / n`` and **bias index** ``(b - c) / n`` of
  the same paper, for a 2 x 2 table with ``a`` both positive, ``d`` both
  negative, ``b`` only the first rater positive and ``c`` only the second.
  They tie the three together: ``kappa = (PABAK - PI**2 + BI**2) /
  (1 - PI**2 + BI**2)``.
* **Gwet's AC1** (Br J Math Stat Psychol 2008;61:29-48), whose chance agreement
  ``pe = sum(pi_k * (1 - pi_k)) / (k - 1)`` is small when one category
  dominates. Its standard error is Gwet's (2008) large-sample variance for two
  raters, and its interval a Student t interval on ``n - 1`` degrees of
  freedom, as Gwet's own irrCAC package and AgreeStat report it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from evidencekit.core.agreement._common import (
    check_pairs,
    clamp,
    resolve_categories,
    t_quantile,
)
from evidencekit.core.agreement.cohen import wilson_interval


@dataclass(frozen=True)
class Pabak:
    """Prevalence- and bias-adjusted kappa with an interval from the Wilson interval of po."""

    n: int
    pabak: float | None
    ci_low: float | None
    ci_high: float | None
    observed: float | None  # po, 0-1
    categories: tuple[Any, ...]
    confidence: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["categories"] = list(self.categories)
        return out


@dataclass(frozen=True)
class PrevalenceBias:
    """The 2 x 2 table of two raters and Byrt et al.'s prevalence and bias indices.

    ``prevalence_index`` is ``(both_positive - both_negative) / n``: near -1 or
    1 when one category dominates. ``bias_index`` is ``(first_only -
    second_only) / n``: away from 0 when one rater says "positive" more often
    than the other. Both are ``None`` when there are no ratings.
    """

    n: int
    positive: Any
    negative: Any
    both_positive: int
    first_only: int
    second_only: int
    both_negative: int
    prevalence_index: float | None
    bias_index: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GwetAC1:
    """Gwet's AC1 with its standard error and a t interval (n - 1 degrees of freedom).

    ``raters`` is 2 for :func:`gwet_ac1`, and the number of raters for
    :func:`~evidencekit.core.agreement.multirater.gwet_ac1_raters`. ``ac1`` is
    ``None`` with fewer than two categories (chance agreement is undefined);
    ``se`` and the interval are ``None`` with fewer than two subjects.
    """

    n: int
    raters: int
    ac1: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    observed: float | None  # pa, 0-1
    expected: float | None  # pe, 0-1
    categories: tuple[Any, ...]
    confidence: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["categories"] = list(self.categories)
        return out


def pabak(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    *,
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> Pabak:
    """PABAK for two raters' paired ratings (Byrt, Bishop & Carlin 1993).

    ``categories`` fixes how many categories there are (``k``); by default the
    values seen. With one category PABAK is undefined (``None``, see ``note``).
    """
    check_pairs(a, b)
    cats = resolve_categories([*a, *b], categories)
    n = len(a)
    if n == 0:
        return Pabak(0, None, None, None, None, cats, confidence, "no paired ratings")
    agreed = sum(1 for x, y in zip(a, b, strict=True) if x == y)
    po = agreed / n
    k = len(cats)
    if k < 2:
        return Pabak(
            n,
            None,
            None,
            None,
            po,
            cats,
            confidence,
            "PABAK is undefined with a single category; declare the categories",
        )
    low, high = wilson_interval(agreed, n, confidence)

    def line(p: float) -> float:
        return clamp((k * p - 1) / (k - 1))

    return Pabak(n, line(po), line(low), line(high), po, cats, confidence)


def prevalence_bias(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    *,
    positive: Hashable,
    categories: Sequence[Hashable] | None = None,
) -> PrevalenceBias:
    """The 2 x 2 table and the prevalence and bias indices of two raters.

    ``positive`` names the category counted as "yes" (``include`` in
    screening); the other category is "no". The indices are defined for two
    categories only: more than two (declared or seen) is an error.
    """
    check_pairs(a, b)
    seen = [*a, *b]
    cats = resolve_categories(seen, categories)
    if positive not in cats:
        cats = (*cats, positive)
    if len(cats) > 2:
        raise ValueError(
            f"prevalence and bias indices need two categories; found {len(cats)}: "
            f"{[str(c) for c in cats]}"
        )
    others = [c for c in cats if c != positive]
    negative = others[0] if others else None
    n = len(a)
    both_pos = sum(1 for x, y in zip(a, b, strict=True) if x == positive and y == positive)
    first = sum(1 for x, y in zip(a, b, strict=True) if x == positive and y != positive)
    second = sum(1 for x, y in zip(a, b, strict=True) if x != positive and y == positive)
    both_neg = n - both_pos - first - second
    return PrevalenceBias(
        n=n,
        positive=positive,
        negative=negative,
        both_positive=both_pos,
        first_only=first,
        second_only=second,
        both_negative=both_neg,
        prevalence_index=(both_pos - both_neg) / n if n else None,
        bias_index=(first - second) / n if n else None,
    )


def gwet_ac1(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    *,
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> GwetAC1:
    """Gwet's AC1 for two raters' paired ratings, with Gwet's (2008) variance.

    ``categories`` matters: chance agreement divides by ``k - 1``, so declare
    every category a rater could have used (``include``, ``exclude``) even if
    only one was used.
    """
    check_pairs(a, b)
    cats = resolve_categories([*a, *b], categories)
    n = len(a)
    k = len(cats)
    if n == 0:
        return GwetAC1(
            0, 2, None, None, None, None, None, None, cats, confidence, "no paired ratings"
        )
    index = {c: i for i, c in enumerate(cats)}
    counts = [[0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        counts[index[x]][index[y]] += 1
    p = [[c / n for c in line] for line in counts]  # counted first: no 0.999... from sums
    pa = sum(p[i][i] for i in range(k))
    if k < 2:
        return GwetAC1(
            n,
            2,
            None,
            None,
            None,
            None,
            pa,
            None,
            cats,
            confidence,
            "AC1 is undefined with a single category; declare the categories",
        )
    row = [sum(p[i]) for i in range(k)]
    col = [sum(p[i][j] for i in range(k)) for j in range(k)]
    pi = [(row[i] + col[i]) / 2 for i in range(k)]
    pe = sum(q * (1 - q) for q in pi) / (k - 1)
    ac1 = (pa - pe) / (1 - pe)
    if n < 2:
        return GwetAC1(
            n, 2, ac1, None, None, None, pa, pe, cats, confidence, "one subject: no standard error"
        )
    # Gwet (2008) eq. for two raters, in the linearised form of his irrCAC package:
    # each cell's contribution to pa minus its contribution to pe.
    total = sum(
        p[i][j]
        * ((1.0 if i == j else 0.0) - 2 * (1 - ac1) * (1 - (pi[i] + pi[j]) / 2) / (k - 1)) ** 2
        for i in range(k)
        for j in range(k)
    )
    var = (total - (pa - 2 * (1 - ac1) * pe) ** 2) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(var, 0.0))
    half = t_quantile(confidence, n - 1) * se
    return GwetAC1(n, 2, ac1, se, clamp(ac1 - half), clamp(ac1 + half), pa, pe, cats, confidence)

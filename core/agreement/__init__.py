"""Agreement between raters: appraisal, extraction and screening all use these.

Every name below is importable from ``evidencekit.core.agreement``. Results are
frozen dataclasses with ``to_dict()`` (plain JSON-able data); a statistic that
is undefined for the data (one category only, no pairs) is ``None`` with a
``note`` saying why, never NaN. Pure Python, so the core stays cheap to import
(scipy is imported only for Student t quantiles, inside the functions that
need one).

Two raters, paired ratings ``a[i]``, ``b[i]`` (module ``cohen``)::

    percent_agreement(a, b, *, confidence=0.95) -> PercentAgreement
        n, agreed, percent (0-100), ci_low, ci_high (Wilson), confidence
    cohen_kappa(a, b, *, weights=None|"linear"|"quadratic", categories=None,
                confidence=0.95) -> Kappa
        n, kappa, se, ci_low, ci_high, observed, expected, weights, categories, note
        (Fleiss, Cohen & Everitt 1969 standard error; normal interval)
    wilson_interval(successes, n, confidence=0.95) -> (low, high)   fractions
    interpret_kappa(kappa) -> str                                   Landis & Koch words
    agreement(a, b, *, weights=None, categories=None, confidence=0.95) -> dict
        percent agreement and kappa together (used by appraise/extract agreement)

Two raters, when one category dominates (module ``prevalence``)::

    pabak(a, b, *, categories=None, confidence=0.95) -> Pabak
        n, pabak, ci_low, ci_high, observed, categories, note
    prevalence_bias(a, b, *, positive, categories=None) -> PrevalenceBias
        n, positive, negative, both_positive, first_only, second_only,
        both_negative, prevalence_index, bias_index          (two categories only)
    gwet_ac1(a, b, *, categories=None, confidence=0.95) -> GwetAC1
        n, raters=2, ac1, se, ci_low, ci_high (t, n-1 df), observed, expected,
        categories, note

Two or more raters, one row per subject, ``None`` where a rater gave no
rating (module ``multirater``)::

    fleiss_kappa(ratings, *, categories=None, confidence=0.95) -> FleissKappa
        n, n_pairable, raters, kappa, se, ci_low, ci_high, observed, expected,
        categories, note
    gwet_ac1_raters(ratings, *, categories=None, confidence=0.95) -> GwetAC1
    krippendorff_alpha(ratings, *, categories=None) -> KrippendorffAlpha   nominal
        n_units, n_values, raters, alpha, observed_disagreement,
        expected_disagreement, categories, note

Screening, everything at once (module ``screening``)::

    screening_agreement(decisions, *, reviewers=None, positive="include",
                        categories=None, confidence=0.95) -> ScreeningAgreement
        decisions: {reviewer: {record_id: decision}} (a decision of None = not decided)
        ScreeningAgreement: reviewers, categories, positive, n (records decided by
        two or more), pairs (PairAgreement per pair: n, percent, kappa, pabak, ac1,
        prevalence_bias, disagreements), fleiss, krippendorff, ac1_all (three or
        more reviewers, else None), disagreements (Disagreement: record_id,
        decisions {reviewer: decision}), confidence.
        to_dict() keys: reviewers, categories, positive, n, confidence, pairs
        [reviewers, n, percent_agreement, cohen_kappa (+ interpretation), pabak,
        gwet_ac1, prevalence_index, bias_index, table, disagreements],
        fleiss_kappa, krippendorff_alpha, gwet_ac1_all, disagreements.

Bad arguments (unpaired ratings, a rating outside ``categories``, an unknown
reviewer, fewer than two reviewers) raise ``ValueError`` with a one-line
message; callers turn it into their own error.
"""

from __future__ import annotations

from evidencekit.core.agreement.cohen import (
    WEIGHTS,
    Kappa,
    PercentAgreement,
    agreement,
    cohen_kappa,
    interpret_kappa,
    percent_agreement,
    wilson_interval,
)
from evidencekit.core.agreement.multirater import (
    FleissKappa,
    KrippendorffAlpha,
    fleiss_kappa,
    gwet_ac1_raters,
    krippendorff_alpha,
)
from evidencekit.core.agreement.prevalence import (
    GwetAC1,
    Pabak,
    PrevalenceBias,
    gwet_ac1,
    pabak,
    prevalence_bias,
)
from evidencekit.core.agreement.screening import (
    Disagreement,
    PairAgreement,
    ScreeningAgreement,
    screening_agreement,
)

__all__ = [
    "WEIGHTS",
    "Disagreement",
    "FleissKappa",
    "GwetAC1",
    "Kappa",
    "KrippendorffAlpha",
    "Pabak",
    "PairAgreement",
    "PercentAgreement",
    "PrevalenceBias",
    "ScreeningAgreement",
    "agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac1_raters",
    "interpret_kappa",
    "krippendorff_alpha",
    "pabak",
    "percent_agreement",
    "prevalence_bias",
    "screening_agreement",
    "wilson_interval",
]

"""Every agreement figure for a dual-screened sample, in one call.

:func:`screening_agreement` takes each reviewer's decisions by record and
returns a :class:`ScreeningAgreement`: per pair of reviewers the percent
agreement, Cohen's kappa, PABAK, Gwet's AC1 and the prevalence and bias
indices; for three or more reviewers Fleiss' kappa, Krippendorff's alpha and
the many-rater AC1; and the records on which the reviewers disagree. Every
result is a frozen dataclass with ``to_dict()`` giving plain JSON-able data.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from evidencekit.core.agreement.cohen import (
    Kappa,
    PercentAgreement,
    cohen_kappa,
    interpret_kappa,
    percent_agreement,
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


@dataclass(frozen=True)
class Disagreement:
    """A record the reviewers decided differently: each reviewer's decision on it."""

    record_id: str
    decisions: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "decisions": dict(self.decisions)}


@dataclass(frozen=True)
class PairAgreement:
    """Two reviewers on the records both decided."""

    reviewers: tuple[str, str]
    n: int
    percent: PercentAgreement
    kappa: Kappa
    pabak: Pabak
    ac1: GwetAC1
    prevalence_bias: PrevalenceBias | None  # None with more than two categories
    disagreements: tuple[Disagreement, ...]

    def to_dict(self) -> dict[str, Any]:
        pb = self.prevalence_bias
        return {
            "reviewers": list(self.reviewers),
            "n": self.n,
            "percent_agreement": self.percent.to_dict(),
            "cohen_kappa": {
                **self.kappa.to_dict(),
                "interpretation": interpret_kappa(self.kappa.kappa),
            },
            "pabak": self.pabak.to_dict(),
            "gwet_ac1": self.ac1.to_dict(),
            "prevalence_index": pb.prevalence_index if pb else None,
            "bias_index": pb.bias_index if pb else None,
            "table": pb.to_dict() if pb else None,
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


@dataclass(frozen=True)
class ScreeningAgreement:
    """The agreement of two or more reviewers on one screening stage.

    ``n`` counts records decided by at least two of the reviewers. ``fleiss``,
    ``krippendorff`` and ``ac1_all`` are ``None`` for two reviewers (the pair
    says it all). ``disagreements`` lists every record on which the reviewers
    who decided it did not all agree, in record order.
    """

    reviewers: tuple[str, ...]
    categories: tuple[Any, ...]
    positive: Any
    n: int
    pairs: tuple[PairAgreement, ...]
    fleiss: FleissKappa | None
    krippendorff: KrippendorffAlpha | None
    ac1_all: GwetAC1 | None
    disagreements: tuple[Disagreement, ...]
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewers": list(self.reviewers),
            "categories": list(self.categories),
            "positive": self.positive,
            "n": self.n,
            "confidence": self.confidence,
            "pairs": [p.to_dict() for p in self.pairs],
            "fleiss_kappa": self.fleiss.to_dict() if self.fleiss else None,
            "krippendorff_alpha": self.krippendorff.to_dict() if self.krippendorff else None,
            "gwet_ac1_all": self.ac1_all.to_dict() if self.ac1_all else None,
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


def _sort_key(record_id: str) -> tuple[int, Any]:
    # numeric ids in number order, others after them in text order
    return (0, int(record_id)) if record_id.isdigit() else (1, record_id)


def screening_agreement(
    decisions: Mapping[str, Mapping[str, Hashable | None]],
    *,
    reviewers: Sequence[str] | None = None,
    positive: Hashable = "include",
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> ScreeningAgreement:
    """Agreement of reviewers on one stage: ``decisions[reviewer][record_id] -> decision``.

    ``reviewers`` picks and orders the reviewers compared (default: all, in
    sorted order); a name without decisions is an error listing those known.
    ``positive`` is the decision that counts as "yes" for the prevalence and
    bias indices. ``categories`` are every decision a reviewer could make; by
    default the decisions seen plus ``positive``, so a sample where everyone
    excluded everything still has two categories (AC1 and PABAK are then 1,
    kappa undefined). A decision of ``None`` counts as not decided.
    """
    names = list(reviewers) if reviewers is not None else sorted(decisions)
    unknown = [r for r in names if r not in decisions]
    if unknown:
        raise ValueError(
            f"no decisions by {', '.join(unknown)}; reviewers with decisions: "
            f"{', '.join(sorted(decisions)) or 'none'}"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"a reviewer is named twice: {', '.join(names)}")
    if len(names) < 2:
        raise ValueError(f"agreement needs two or more reviewers; got {', '.join(names) or 0}")
    by_reviewer = {r: {str(k): v for k, v in decisions[r].items() if v is not None} for r in names}
    seen = [v for r in names for v in by_reviewer[r].values()]
    if categories is None:
        cats_list = list(dict.fromkeys(seen))
        if positive not in cats_list:
            cats_list.append(positive)
        try:
            cats = tuple(sorted(cats_list))
        except TypeError:
            cats = tuple(cats_list)
    else:
        cats = tuple(dict.fromkeys(categories))
        stray = sorted({str(v) for v in seen if v not in cats})
        if stray:
            raise ValueError(f"decisions {stray} are not among the categories {list(cats)}")
        if positive not in cats:
            raise ValueError(f"positive {positive!r} is not among the categories {list(cats)}")
    records = sorted({rid for r in names for rid in by_reviewer[r]}, key=_sort_key)
    rated_twice = [rid for rid in records if sum(1 for r in names if rid in by_reviewer[r]) >= 2]

    pairs = []
    for first, second in combinations(names, 2):
        common = [
            rid for rid in rated_twice if rid in by_reviewer[first] and rid in by_reviewer[second]
        ]
        a = [by_reviewer[first][rid] for rid in common]
        b = [by_reviewer[second][rid] for rid in common]
        pb = prevalence_bias(a, b, positive=positive, categories=cats) if len(cats) <= 2 else None
        pairs.append(
            PairAgreement(
                reviewers=(first, second),
                n=len(common),
                percent=percent_agreement(a, b, confidence=confidence),
                kappa=cohen_kappa(a, b, categories=cats, confidence=confidence),
                pabak=pabak(a, b, categories=cats, confidence=confidence),
                ac1=gwet_ac1(a, b, categories=cats, confidence=confidence),
                prevalence_bias=pb,
                disagreements=tuple(
                    Disagreement(rid, {first: x, second: y})
                    for rid, x, y in zip(common, a, b, strict=True)
                    if x != y
                ),
            )
        )

    rows = [[by_reviewer[r].get(rid) for r in names] for rid in rated_twice]
    many = len(names) >= 3
    disagreements = []
    for rid in rated_twice:
        said = {r: by_reviewer[r][rid] for r in names if rid in by_reviewer[r]}
        if len(set(said.values())) > 1:
            disagreements.append(Disagreement(rid, said))
    return ScreeningAgreement(
        reviewers=tuple(names),
        categories=cats,
        positive=positive,
        n=len(rated_twice),
        pairs=tuple(pairs),
        fleiss=fleiss_kappa(rows, categories=cats, confidence=confidence) if many else None,
        krippendorff=krippendorff_alpha(rows, categories=cats) if many else None,
        ac1_all=gwet_ac1_raters(rows, categories=cats, confidence=confidence) if many else None,
        disagreements=tuple(disagreements),
        confidence=confidence,
    )

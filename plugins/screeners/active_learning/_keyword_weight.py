"""``keywords_weight: auto``: the review's own labels choose the keyword block's weight.

The keywords (MeSH headings) help some reviews and hurt others: where the headings are
about as common among included records as among excluded ones, a block of them only adds
noise to how alike two records are (docs/prioritisation.md, "Benchmark"). So instead of one
weight for every review, the weight is chosen among a few ``weights`` (0 = no block) by how
well each ranks the review's *labelled* records, cross-validated:

- the labelled records are split into stratified folds (each fold holds relevant and
  irrelevant records in the proportions of the whole), seeded by the seed and the number
  of labels;
- for each candidate weight, the screener's own classifier and balancer are trained on all
  folds but one and score the one left out; the score is the area under the ROC curve
  there (the chance that a relevant record left out ranks above an irrelevant one), and the
  candidate's figure is the mean over the folds (the same folds for every candidate, so the
  comparison is paired);
- with ``rule: best`` the highest mean wins (an exact tie goes to the weight nearest
  ``start``); with ``rule: one-se`` the smallest weight whose mean is within one standard
  error (over the folds) of the highest mean wins (Breiman's one-standard-error rule: the
  simpler model, here less of the keywords, unless more is clearly better).

It is chosen on a sparse schedule, so a retrain between two choices costs what a retrain
with a fixed weight costs: a new choice is made whenever the number of labelled records or
the number of relevant ones among them reaches a new power of two, once at least
``min_relevant`` relevant records are labelled (with fewer, the folds would have no
relevant record to rank; until then ``start`` is used). The choice made at ``m`` labels
uses the first ``m`` labels in labelling order, so it is a function of the decisions and the
seed only (the same decisions give the same choice whatever the caller cached). At most
``max_rows`` labelled records enter the folds (every relevant one, and a seeded sample of
the irrelevant ones), which bounds the cost of a choice on a large review.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: The defaults of ``keywords_auto`` (every key is recorded with the ranking).
AUTO_DEFAULTS: dict[str, Any] = {
    "weights": [0.0, 0.3, 0.5],
    "start": 0.3,
    "min_relevant": 5,
    "folds": 5,
    "max_rows": 1000,
    "rule": "best",
}


def choice_point(y: Sequence[int] | Any, min_relevant: int) -> int | None:
    """The number of labels at which the current choice is made, or None (use ``start``).

    ``y`` is the labels in labelling order. A choice is made at ``m`` labels when at least
    ``min_relevant`` of the first ``m`` are relevant and either ``m`` or the number of
    relevant ones among them reached a new power of two at ``m`` (or ``m`` is the first
    label with ``min_relevant`` relevant ones); the current choice is the last such ``m``.
    """
    import numpy as np

    y = np.asarray(y, dtype=np.int64)
    if y.size == 0:
        return None
    relevant = np.cumsum(y)
    eligible = relevant >= min_relevant
    if not eligible.any():
        return None
    m = np.arange(1, y.size + 1)
    size_level = np.floor(np.log2(m)).astype(np.int64)
    relevant_level = np.floor(np.log2(np.maximum(relevant, 1))).astype(np.int64)
    changed = np.zeros(y.size, dtype=bool)
    changed[1:] = (size_level[1:] != size_level[:-1]) | (relevant_level[1:] != relevant_level[:-1])
    first = int(np.argmax(eligible))
    changed[first] = True
    changed &= eligible
    return int(np.flatnonzero(changed)[-1]) + 1


def stratified_folds(y: Any, folds: int, rng: Any) -> Any:
    """A fold number for each label: each class shuffled (``rng``) and dealt round the
    ``folds`` folds, so every fold holds at least one record of each class when each
    class has at least ``folds`` records."""
    import numpy as np

    y = np.asarray(y)
    fold = np.empty(y.size, dtype=np.int64)
    for label in (0, 1):
        where = np.flatnonzero(y == label)
        fold[rng.permutation(where)] = np.arange(where.size) % folds
    return fold


def auc(scores: Any, y: Any) -> float:
    """Area under the ROC curve: the chance a relevant record scores above an irrelevant
    one, ties counting half (Mann-Whitney U from average ranks)."""
    import numpy as np
    from scipy.stats import rankdata

    y = np.asarray(y)
    n_pos = int((y == 1).sum())
    n_neg = y.size - n_pos
    ranks = rankdata(scores)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def cross_validated_auc(
    matrices: Mapping[float, Any],
    positions: Any,
    y: Any,
    fit_and_score: Callable[[Any, Any, Any], Any],
    folds: int,
    rng: Any,
) -> dict[float, list[float]]:
    """AUC on each of the stratified folds of the labelled records, for each candidate.

    ``matrices`` maps a weight to the matrix the classifier is trained and scored on with
    that weight; ``positions`` are the labelled rows and ``y`` their labels;
    ``fit_and_score(train_rows, train_y, test_rows)`` trains a fresh classifier and
    returns the test rows' scores. The folds are the same for every candidate.
    """
    import numpy as np

    y = np.asarray(y, dtype=np.int64)
    n_pos = int(y.sum())
    k = min(folds, n_pos, y.size - n_pos)
    fold = stratified_folds(y, k, rng)
    out = {}
    for weight, matrix in matrices.items():
        rows = matrix[positions]
        rows.sort_indices()
        figures = []
        for f in range(k):
            test = fold == f
            scores = fit_and_score(rows[~test], y[~test], rows[test])
            figures.append(auc(scores, y[test]))
        out[weight] = figures
    return out


def subsample(positions: Any, y: Any, max_rows: int, rng: Any) -> tuple[Any, Any]:
    """At most ``max_rows`` labelled records: every relevant one (up to ``max_rows``) and
    a seeded sample of the irrelevant ones, in their labelling order."""
    import numpy as np

    positions, y = np.asarray(positions), np.asarray(y)
    if y.size <= max_rows:
        return positions, y
    relevant = np.flatnonzero(y == 1)[:max_rows]
    irrelevant = np.flatnonzero(y == 0)
    take = rng.choice(irrelevant, size=max(max_rows - relevant.size, 0), replace=False)
    keep = np.sort(np.concatenate([relevant, take]))
    return positions[keep], y[keep]


def pick(figures: Mapping[float, Sequence[float]], start: float, rule: str = "best") -> float:
    """The weight chosen from each candidate's per-fold AUCs (``rule``: see the module).

    ``best``: the highest mean; an exact tie goes to the one nearest ``start``, then to the
    smaller. ``one-se``: the smallest weight whose mean is at least the highest mean less
    that candidate's standard error (the folds' standard deviation / sqrt(folds)).
    """
    import numpy as np

    means = {w: float(np.mean(f)) for w, f in figures.items()}
    best = max(means, key=lambda w: (means[w], -abs(w - start), -w))
    if rule == "best":
        return best
    if rule != "one-se":
        raise ValueError(f"unknown rule {rule!r}: best or one-se")
    f = np.asarray(figures[best], dtype=float)
    se = float(f.std(ddof=1) / np.sqrt(f.size)) if f.size > 1 else 0.0
    return min(w for w in means if means[w] >= means[best] - se)

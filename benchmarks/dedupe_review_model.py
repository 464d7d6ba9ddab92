"""Would a learned score decide the review list better than a person? Leave one set out.

Run by hand (not part of the test suite)::

    python benchmarks/dedupe_review_model.py

For every shared labelled set with pair-level labels (``dedupe_accuracy.load_all``), the
pairs ``fuzzy`` sends for review are described by the features its rules read (title,
family-name and first-author similarity, year, journal, volume, issue, pages, DOI,
abstract, recurring title, year-less copy, contained title). A logistic regression
(scikit-learn) is fitted on the review pairs of all sets but one and applied to the one
left out, with two thresholds taken from the training sets: above the highest score of a
training pair labelled *different*, the pair would be linked (no false link on the
training sets); below the lowest score of a training pair labelled *duplicate*, it would
be kept apart without a look; between the two it stays on the review list. The script
prints, per held-out set, how many pairs the model would link (and how many of them
wrongly), separate (and how many duplicates that loses), and leave for review.
docs/dedupe.md ("Rules, not a learned score") quotes the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dedupe_accuracy as da  # noqa: E402


def review_features(data: da.LabelledSet) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels (labelled duplicate?) of the pairs ``fuzzy`` sends for review."""
    from evidencekit.plugins.deduplicators._features import (
        compare,
        mark_shared_identifiers,
        prepare,
    )

    result = da.run_ours_review("fuzzy", data.records)
    truth = da.cluster_pairs(data.clusters)
    index = {r.record_id: k for k, r in enumerate(data.records)}
    pairs = [(u.a, u.b) for u in result]
    if not pairs:
        return np.zeros((0, 19)), np.zeros(0, bool)
    p = prepare(data.records)
    mark_shared_identifiers(p, 0.8)
    i = np.array([index[a] for a, _ in pairs])
    j = np.array([index[b] for _, b in pairs])
    f = compare(p, i, j, 1)

    def filled(values: np.ndarray, missing: float) -> np.ndarray:
        return np.nan_to_num(values.astype(float), nan=missing)

    columns = [
        filled(f.title, 0.0),
        filled(f.authors, 0.5),
        filled(f.first_author, 0.5),
        np.isnan(f.authors),
        f.year_gap == 0,
        f.year_gap < 0,
        f.journal_agree,
        f.volume == 1,
        f.volume == -1,
        f.issue == 1,
        f.issue == -1,
        f.pages == 1,
        f.pages == -1,
        f.doi == 1,
        f.doi == -1,
        filled(f.abstract, 0.5),
        f.recurring,
        f.yearless_copy,
        f.title_contained,
    ]
    labels = np.array([pair in truth for pair in pairs])
    return np.column_stack(columns).astype(float), labels


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    sets = [d for d in da.load_all() if d.kind == "pairs"]
    features, labels, names = [], [], []
    for data in sets:
        x, y = review_features(data)
        features.append(x)
        labels.append(y)
        names += [data.name] * len(y)
    x, y, s = np.vstack(features), np.concatenate(labels), np.array(names)
    print("review pairs per set (labelled duplicates):")
    for name in dict.fromkeys(names):
        held = s == name
        print(f"  {name:<14} {held.sum():>4} pairs, {y[held].sum():>3} labelled duplicates")
    print("\nleave one set out: the model's decision on the held-out set's review pairs")
    for name in dict.fromkeys(names):
        train, test = s != name, s == name
        model = LogisticRegression(max_iter=1000).fit(x[train], y[train])
        fitted = model.predict_proba(x[train])[:, 1]
        link_above = max(fitted[~y[train]].max(initial=0.0), 0.5)
        apart_below = min(fitted[y[train]].min(initial=1.0), 0.5)
        score = model.predict_proba(x[test])[:, 1]
        link, apart = score > link_above, score < apart_below
        print(
            f"  {name:<14} link {link.sum():>3} (wrongly {(link & ~y[test]).sum():>3}), "
            f"separate {apart.sum():>3} (duplicates lost {(apart & y[test]).sum():>3}), "
            f"review {(~link & ~apart).sum():>3} of {test.sum():>3}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

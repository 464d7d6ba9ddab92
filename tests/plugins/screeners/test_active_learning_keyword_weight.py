"""keywords_weight: auto: the keyword block's weight chosen by cross-validation on the labels."""

from __future__ import annotations

import random

import numpy as np
import pytest

from evidencekit.core.errors import RegistryError
from evidencekit.core.model import Record
from evidencekit.core.prioritisation import RankingContext, rank
from evidencekit.core.registry import build_registry
from evidencekit.plugins.screeners.active_learning import _keyword_weight as kw
from evidencekit.plugins.screeners.active_learning.screener import ActiveLearningScreener

AUTO = {"keywords_weight": "auto"}


@pytest.fixture(scope="module")
def registry():
    return build_registry()


def test_choice_point_by_hand():
    """A choice at the first label with min_relevant relevant ones, then whenever the
    number of labels or of relevant labels reaches a new power of two."""
    assert kw.choice_point([], 2) is None
    assert kw.choice_point([1, 0, 0], 2) is None  # one relevant: too few
    assert kw.choice_point([1, 0, 1], 2) == 3  # the second relevant label
    assert kw.choice_point([1, 0, 1, 0], 2) == 4  # 4 labels: a new power of two
    assert kw.choice_point([1, 0, 1, 0, 0, 0, 0], 2) == 4  # 5-7: nothing new
    assert kw.choice_point([1, 0, 1, 0, 0, 0, 0, 0], 2) == 8
    assert kw.choice_point([1, 0, 1, 0, 0, 0, 0, 0, 1], 2) == 8  # 3 relevant: same level
    assert kw.choice_point([1, 0, 1, 0, 0, 0, 0, 0, 1, 1], 2) == 10  # 4 relevant
    # Doubling keeps the choices few: 9 for 1,000 labels with 100 relevant.
    y = np.zeros(1000, dtype=int)
    y[::10] = 1
    points = {kw.choice_point(y[:n], 5) for n in range(1, 1001)} - {None}
    assert sorted(points) == [41, 64, 71, 128, 151, 256, 311, 512, 631]


def test_auc_equals_scikit_learns():
    from sklearn.metrics import roc_auc_score

    scores, y = [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]
    assert kw.auc(scores, y) == pytest.approx(0.75)
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, 50)  # with ties
    y = rng.integers(0, 2, 50)
    assert kw.auc(scores, y) == pytest.approx(roc_auc_score(y, scores))


def test_stratified_folds_hold_both_classes():
    y = np.array([1] * 5 + [0] * 23)
    fold = kw.stratified_folds(y, 5, np.random.default_rng(1))
    for f in range(5):
        assert (y[fold == f] == 1).sum() == 1
        assert (y[fold == f] == 0).sum() in (4, 5)


def test_pick_best_and_one_standard_error():
    figures = {0.0: [0.80, 0.84], 0.3: [0.88, 0.92], 0.5: [0.86, 0.90]}
    assert kw.pick(figures, start=0.3) == 0.3
    # One standard error of the best's (0.3's) folds: std 0.0283 / sqrt(2) = 0.02. 0 (mean
    # 0.82) is not within it, so the smallest weight within is 0.3 itself.
    assert kw.pick(figures, start=0.3, rule="one-se") == 0.3
    figures = {0.0: [0.88, 0.90], 0.3: [0.88, 0.92], 0.5: [0.80, 0.84]}
    assert kw.pick(figures, start=0.3) == 0.3
    assert kw.pick(figures, start=0.3, rule="one-se") == 0.0  # 0.89 >= 0.90 - 0.02
    # An exact tie goes to the weight nearest start.
    tie = {0.0: [0.9], 0.3: [0.9], 0.5: [0.9]}
    assert kw.pick(tie, start=0.3) == 0.3
    assert kw.pick(tie, start=0.5) == 0.5
    with pytest.raises(ValueError, match="unknown rule"):
        kw.pick(tie, start=0.3, rule="worst")


def test_subsample_keeps_every_relevant_record_in_order():
    positions = np.arange(100, 200)
    y = np.array([1 if i % 10 == 0 else 0 for i in range(100)])
    kept, labels = kw.subsample(positions, y, 30, np.random.default_rng(0))
    assert len(kept) == 30 and labels.sum() == 10
    assert list(kept) == sorted(kept)
    assert set(positions[y == 1]) <= set(kept)
    same = kw.subsample(positions, y, 100, np.random.default_rng(0))
    assert list(same[0]) == list(positions)


def _records(
    informative_keywords: bool, n: int = 120, seed: int = 0
) -> tuple[list[Record], list[int]]:
    """Every fourth record relevant. The text: eight random words of 60, and for relevant
    records, most of the time, two words of their own topic. The keywords: one of two drugs
    that tells the classes apart (informative), or "Humans" and three headings of 20 drawn
    at random whatever the label (no information)."""
    rnd = random.Random(seed)
    words = [f"w{i}" for i in range(60)]
    records, labels = [], []
    for i in range(n):
        label = int(i % 4 == 0)
        text = " ".join(rnd.sample(words, 8))
        if label and rnd.random() < 0.6:
            text += " relevant topic"
        if informative_keywords:
            keywords = ["Humans", "Drug A" if label else "Drug B"]
        else:
            keywords = ["Humans"] + [f"Heading {j}" for j in rnd.sample(range(20), 3)]
        records.append(Record(title=f"t{i}", abstract=text, keywords=keywords))
        labels.append(label)
    return records, labels


@pytest.mark.parametrize("rule", ["best", "one-se"])
def test_auto_weighs_keywords_that_separate_the_labels(registry, rule):
    records, labels = _records(informative_keywords=True)
    known = {i: labels[i] for i in range(64)}
    options = {**AUTO, "keywords_auto": {"rule": rule}}
    ranking = rank(registry, "active-learning", records, options, RankingContext(known, seed=0))
    p = ranking.parameters
    assert p["keywords_weight_chosen_at"] == 64
    assert p["keywords_weight_used"] == 0.3  # tied with 0.5 at AUC 1; nearest the start
    auc = p["keywords_weight_auc"]
    assert auc["0.0"] < 0.9 and auc["0.3"] == auc["0.5"] == 1.0
    # The block then ranks every unlabelled relevant record first.
    n_relevant_left = sum(labels[64:])
    assert all(labels[i] for i in ranking.order[:n_relevant_left])


@pytest.mark.parametrize("seed", range(8))
def test_one_se_drops_keywords_that_carry_no_information(registry, seed):
    """Headings drawn whatever the label: the one-standard-error rule keeps the text alone
    (weight 0) on every draw, and ranks as without keywords."""
    records, labels = _records(informative_keywords=False, n=160, seed=seed)
    known = {i: labels[i] for i in range(64)}
    options = {**AUTO, "keywords_auto": {"rule": "one-se"}}
    ranking = rank(registry, "active-learning", records, options, RankingContext(known, seed=0))
    assert ranking.parameters["keywords_weight_used"] == 0.0
    plain = rank(
        registry, "active-learning", records, {"keywords": False}, RankingContext(known, seed=0)
    )
    assert ranking.order == plain.order


def test_best_takes_the_highest_mean_auc_even_from_noise(registry):
    """The best rule takes the highest mean, which random headings can give: here 0.5's
    (they change the rows' lengths, and so the fit, beside carrying no information). The
    one-standard-error rule keeps 0 on the same labels."""
    records, labels = _records(informative_keywords=False, n=160, seed=4)
    known = {i: labels[i] for i in range(64)}
    ranking = rank(registry, "active-learning", records, AUTO, RankingContext(known, seed=0))
    auc = ranking.parameters["keywords_weight_auc"]
    assert auc["0.5"] > auc["0.3"] > auc["0.0"]
    assert ranking.parameters["keywords_weight_used"] == 0.5


def test_every_setting_and_the_choice_are_recorded(registry):
    records, labels = _records(informative_keywords=True)
    few = {0: 1, 1: 0, 2: 0}  # one relevant record: too few to choose; start is used
    ranking = rank(registry, "active-learning", records, AUTO, RankingContext(few, seed=4))
    p = ranking.parameters
    assert p["keywords_weight"] == "auto"
    assert p["keywords_auto"] == {
        "weights": [0.0, 0.3, 0.5],
        "start": 0.3,
        "min_relevant": 5,
        "folds": 5,
        "max_rows": 1000,
        "rule": "best",
    }
    assert p["seed"] == 4
    assert p["keywords_weight_used"] == 0.3
    assert p["keywords_weight_chosen_at"] is None and p["keywords_weight_auc"] is None
    fixed = rank(
        registry, "active-learning", records, {"keywords_weight": 0.3}, RankingContext(few, seed=4)
    )
    assert ranking.order == fixed.order
    options = {**AUTO, "keywords_auto": {"start": 0.5, "folds": 3}}
    p = rank(registry, "active-learning", records, options, RankingContext(few)).parameters
    assert p["keywords_auto"]["start"] == 0.5 and p["keywords_auto"]["folds"] == 3
    assert p["keywords_auto"]["rule"] == "best"  # the rest from the defaults
    assert p["keywords_weight_used"] == 0.5


def test_one_candidate_is_the_fixed_weight(registry):
    """auto with the single weight 0.5 ranks as keywords_weight 0.5 does."""
    records, labels = _records(informative_keywords=False)
    known = {i: labels[i] for i in range(40)}
    options = {**AUTO, "keywords_auto": {"weights": [0.5], "start": 0.5}}
    auto = rank(registry, "active-learning", records, options, RankingContext(known, seed=2))
    fixed = rank(
        registry, "active-learning", records, {"keywords_weight": 0.5}, RankingContext(known, 2)
    )
    assert auto.parameters["keywords_weight_used"] == 0.5
    assert auto.parameters["keywords_weight_chosen_at"] == 32  # 32 labels: a power of two
    assert auto.order == fixed.order and auto.scores == pytest.approx(fixed.scores)


def test_the_choice_depends_on_the_labels_and_seed_not_on_the_cache(registry):
    """Labelled one at a time with one cache, or all at once with a fresh one: the same
    choice and the same ranking."""
    records, labels = _records(informative_keywords=False)
    cache: dict = {}
    known: dict[int, int] = {}
    for i in range(50):
        known[i] = labels[i]
        if len(set(known.values())) == 2:
            step = rank(registry, "active-learning", records, AUTO, RankingContext(known, 1, cache))
    fresh = rank(registry, "active-learning", records, AUTO, RankingContext(dict(known), 1, {}))
    assert step.parameters["keywords_weight_chosen_at"] == 32
    assert step.parameters == fresh.parameters
    assert step.order == fresh.order


def test_records_without_keywords_have_nothing_to_weigh(registry):
    records = [Record(title=f"t{i}", abstract=f"topic{i % 2} w{i}") for i in range(30)]
    known = {i: int(i % 2 == 0) for i in range(20)}
    ranking = rank(registry, "active-learning", records, AUTO, RankingContext(known))
    assert ranking.parameters["keywords_weight_used"] is None
    plain = rank(registry, "active-learning", records, {"keywords": False}, RankingContext(known))
    assert ranking.order == plain.order


def test_a_choice_reuses_the_cached_features():
    """Every candidate weight's matrix is the text's features beside a scaled copy of one
    unscaled block: the text's features are computed once."""
    records, _ = _records(informative_keywords=True)
    screener = ActiveLearningScreener()
    settings = screener.settings(AUTO)
    cache: dict = {}
    matrices = {w: screener.features(records, settings, cache, w) for w in (0.0, 0.3, 0.5)}
    n_text = matrices[0.0].shape[1]
    assert matrices[0.3].shape[1] == matrices[0.5].shape[1] == n_text + 3  # humans, 2 drugs
    block3, block5 = matrices[0.3][:, n_text:], matrices[0.5][:, n_text:]
    assert block5.toarray() == pytest.approx(block3.toarray() * 0.5 / 0.3)
    fixed = screener.features(records, screener.settings({"keywords_weight": 0.3}), {})
    assert (fixed != matrices[0.3]).nnz == 0
    assert sum(k.startswith("('text'") for k in cache) == 1


@pytest.mark.parametrize(
    "options",
    [
        AUTO,
        {**AUTO, "keywords_auto": {"weights": [0, 0.2, 1], "start": 0.2, "rule": "one-se"}},
        {**AUTO, "keywords_auto": {"min_relevant": 3, "folds": 3, "max_rows": 500}},
    ],
)
def test_options_schema_accepts_auto(registry, options):
    assert registry.validate_options("screener", "active-learning", options) == options


@pytest.mark.parametrize(
    "options",
    [
        {"keywords_weight": "automatic"},
        {**AUTO, "keywords_auto": {"weights": []}},
        {**AUTO, "keywords_auto": {"weights": [-0.1, 0.3]}},
        {**AUTO, "keywords_auto": {"folds": 1}},
        {**AUTO, "keywords_auto": {"min_relevant": 1}},
        {**AUTO, "keywords_auto": {"rule": "worst"}},
        {**AUTO, "keywords_auto": {"weight": [0.3]}},
    ],
)
def test_options_schema_refuses_bad_auto_options(registry, options):
    with pytest.raises(RegistryError, match="invalid options"):
        registry.validate_options("screener", "active-learning", options)

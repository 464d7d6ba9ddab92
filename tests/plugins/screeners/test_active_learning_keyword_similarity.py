"""keywords_weight: similarity: the keyword block's weight chosen, before any label, from how
alike the records' keywords are."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from evidencekit.core.errors import RegistryError
from evidencekit.core.model import Record
from evidencekit.core.prioritisation import RankingContext, rank
from evidencekit.core.registry import build_registry
from evidencekit.plugins.screeners.active_learning._features import (
    keyword_block,
    mean_similarity,
)
from evidencekit.plugins.screeners.active_learning.screener import ActiveLearningScreener

SIM = {"keywords_weight": "similarity"}


@pytest.fixture(scope="module")
def registry():
    return build_registry()


def test_mean_similarity_by_hand():
    """Rows of length 1: (1, 0), (0, 1), (0.6, 0.8), and a record without keywords (left
    out). Pairs: 0, 0.6, 0.8; mean 1.4 / 3."""
    block = sparse.csr_matrix([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.0, 0.0]])
    assert mean_similarity(block) == pytest.approx(1.4 / 3)
    assert mean_similarity(sparse.csr_matrix([[1.0, 0.0], [0.0, 0.0]])) is None
    assert mean_similarity(None) is None


def test_mean_similarity_equals_every_pair_counted():
    rng = np.random.default_rng(3)
    keywords = [
        [f"Heading {j}" for j in rng.choice(12, size=rng.integers(0, 5), replace=False)]
        for _ in range(40)
    ]
    block = keyword_block(keywords, 1.0)
    dense = block.toarray()
    with_keywords = [row for row in dense if row.any()]
    pairs = [
        float(a @ b)
        for i, a in enumerate(with_keywords)
        for j, b in enumerate(with_keywords)
        if i < j
    ]
    assert mean_similarity(block) == pytest.approx(sum(pairs) / len(pairs))
    # Records with the same keywords are alike.
    assert mean_similarity(keyword_block([["A", "B"]] * 5, 1.0)) == pytest.approx(1.0)


def _records(shared: bool, n: int = 60) -> list[Record]:
    """Every record's keywords: "Humans" and a heading of its own (not alike: mean
    similarity low), or "Humans" and one of two headings (alike)."""
    out = []
    for i in range(n):
        heading = f"Topic {i % 2}" if shared else f"Topic {i}"
        out.append(
            Record(
                title=f"t{i}",
                abstract=f"w{i % 7} z{i % 5} topic{i % 3}",
                keywords=["Humans", heading],
            )
        )
    return out


def test_similar_keywords_get_no_block_and_distinct_ones_the_block(registry):
    known = {i: int(i % 3 == 0) for i in range(20)}
    alike = rank(registry, "active-learning", _records(True), SIM, RankingContext(known, seed=1))
    p = alike.parameters
    assert p["keywords_weight"] == "similarity"
    assert p["keywords_similarity"] == {"threshold": 0.0828, "below": 0.5, "above": 0.0}
    assert p["keywords_similarity_value"] > 0.0828
    assert p["keywords_weight_used"] == 0.0
    plain = rank(
        registry, "active-learning", _records(True), {"keywords": False}, RankingContext(known, 1)
    )
    assert alike.order == plain.order and alike.scores == pytest.approx(plain.scores)

    distinct = rank(registry, "active-learning", _records(False), SIM, RankingContext(known, 1))
    p = distinct.parameters
    assert p["keywords_similarity_value"] < 0.0828
    assert p["keywords_weight_used"] == 0.5
    fixed = rank(
        registry,
        "active-learning",
        _records(False),
        {"keywords_weight": 0.5},
        RankingContext(known, 1),
    )
    assert distinct.order == fixed.order and distinct.scores == pytest.approx(fixed.scores)


def test_the_value_is_the_blocks_and_needs_no_label(registry):
    records = _records(False)
    expected = mean_similarity(keyword_block([r.keywords for r in records], 1.0))
    # No label at all (random order), and with labels: the same value and weight.
    for known in ({}, {0: 1, 1: 0}, {i: int(i % 3 == 0) for i in range(30)}):
        p = rank(registry, "active-learning", records, SIM, RankingContext(known, 0)).parameters
        assert p["keywords_similarity_value"] == round(expected, 6)
        assert p["keywords_weight_used"] == 0.5


def test_options_move_the_threshold_and_the_weights(registry):
    records = _records(True)
    value = mean_similarity(keyword_block([r.keywords for r in records], 1.0))
    known = {i: int(i % 3 == 0) for i in range(20)}
    options = {**SIM, "keywords_similarity": {"threshold": value + 0.01, "below": 0.3}}
    p = rank(registry, "active-learning", records, options, RankingContext(known)).parameters
    assert p["keywords_similarity"] == {"threshold": value + 0.01, "below": 0.3, "above": 0.0}
    assert p["keywords_weight_used"] == 0.3
    options = {**SIM, "keywords_similarity": {"threshold": 0, "above": 0.2}}
    p = rank(registry, "active-learning", records, options, RankingContext(known)).parameters
    assert p["keywords_weight_used"] == 0.2


def test_records_without_keywords_have_nothing_to_weigh(registry):
    records = [Record(title=f"t{i}", abstract=f"topic{i % 2} w{i}") for i in range(30)]
    known = {i: int(i % 2 == 0) for i in range(20)}
    ranking = rank(registry, "active-learning", records, SIM, RankingContext(known))
    assert ranking.parameters["keywords_similarity_value"] is None
    assert ranking.parameters["keywords_weight_used"] is None
    plain = rank(registry, "active-learning", records, {"keywords": False}, RankingContext(known))
    assert ranking.order == plain.order


def test_features_without_a_weight_use_the_chosen_one():
    screener = ActiveLearningScreener()
    records = _records(False)
    X = screener.features(records, screener.settings(SIM), {})  # noqa: N806
    fixed = screener.features(records, screener.settings({"keywords_weight": 0.5}), {})
    assert X.shape == fixed.shape and (fixed != X).nnz == 0
    alike = _records(True)
    X = screener.features(alike, screener.settings(SIM), {})  # noqa: N806
    text = screener.features(alike, screener.settings({"keywords": False}), {})
    assert X.shape == text.shape and (text != X).nnz == 0


@pytest.mark.parametrize(
    "options",
    [SIM, {**SIM, "keywords_similarity": {"threshold": 0.1, "below": 0.3, "above": 0}}],
)
def test_options_schema_accepts_similarity(registry, options):
    assert registry.validate_options("screener", "active-learning", options) == options


@pytest.mark.parametrize(
    "options",
    [
        {"keywords_weight": "similar"},
        {**SIM, "keywords_similarity": {"threshold": 1.5}},
        {**SIM, "keywords_similarity": {"below": -0.1}},
        {**SIM, "keywords_similarity": {"cut": 0.1}},
    ],
)
def test_options_schema_rejects_bad_similarity_options(registry, options):
    with pytest.raises(RegistryError):
        registry.validate_options("screener", "active-learning", options)

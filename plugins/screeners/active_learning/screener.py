"""The ``active-learning`` screener: rank unscreened records by predicted relevance.

Built from four pluggable parts (see ``_parts.py``): a feature extractor, a classifier, a
balancer and a query strategy. The defaults were chosen by measurement, leave-one-set-out
over the shared labelled screening sets (``benchmarks/screening_benchmark.py``,
``docs/prioritisation.md``). Features are computed once per set of records and kept in the
caller's cache; each call retrains the classifier on the labels known so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.prioritisation import Ranking, RankingContext

#: The keywords' block weight (``keywords_as: block``): the best mean WSS@95 among the weights
#: that keep every shared set within 2 points of ASReview (0.5 has the best mean; neither is
#: confirmed leave-one-set-out); docs/prioritisation.md has the figures.
KEYWORDS_WEIGHT = 0.3

#: Chosen by leave-one-set-out measurement; see docs/prioritisation.md.
DEFAULTS: dict[str, Any] = {
    "features": "tfidf",
    "features_options": {},
    "classifier": "svm",
    "classifier_options": {"C": 0.3},
    "balancer": "balanced",
    "balancer_options": {"ratio": 9.8},
    "query": "max",
    "query_options": {},
    "keywords": True,
    "keywords_as": "block",
    "keywords_weight": KEYWORDS_WEIGHT,
}

_PART = {"type": "string", "minLength": 1}
_PART_OPTIONS = {"type": "object"}

OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "features": {**_PART, "description": "feature extractor: tfidf, or module:attr"},
        "features_options": _PART_OPTIONS,
        "classifier": {**_PART, "description": "svm, logistic, nb, ensemble, or module:attr"},
        "classifier_options": _PART_OPTIONS,
        "balancer": {**_PART, "description": "balanced, none, or module:attr"},
        "balancer_options": _PART_OPTIONS,
        "query": {**_PART, "description": "max, max-random, uncertainty, or module:attr"},
        "query_options": _PART_OPTIONS,
        "keywords": {
            "type": "boolean",
            "description": "read the records' keywords (where they have any)",
        },
        "keywords_as": {
            "enum": ["block", "text"],
            "description": "block: features of their own, one per keyword, weighted by "
            "keywords_weight; text: their words added to title and abstract",
        },
        "keywords_weight": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "the keywords' block's length beside the text's (1) "
            "with keywords_as: block",
        },
        "seed": {"type": "integer", "description": "overrides the caller's seed"},
    },
    "additionalProperties": False,
}


def record_keywords(record: Any) -> list[str]:
    """The record's keywords (an empty list where it has none)."""
    return list(getattr(record, "keywords", None) or [])


def record_text(record: Any, keywords: bool = True) -> str:
    """The text a model reads: title and abstract (and keywords, where present, if asked)."""
    parts = [getattr(record, "title", "") or "", getattr(record, "abstract", "") or ""]
    keywords = keywords and getattr(record, "keywords", None)
    if keywords:
        parts.append(" ".join(keywords))
    return " ".join(p for p in parts if p)


class ActiveLearningScreener:
    """Retrain on the labels so far, then order the unlabelled records."""

    name = "active-learning"
    description = (
        "Active learning: rank unscreened records by predicted relevance, "
        "retrained as decisions arrive (TF-IDF + linear SVM by default)"
    )
    options_schema = OPTIONS_SCHEMA

    def settings(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """The defaults overlaid with ``options``: every setting a ranking depends on.

        A part chosen without options starts from its own defaults, not from the options
        of the default part it replaces.
        """
        settings = {**DEFAULTS, **{k: v for k, v in options.items() if k != "seed"}}
        for kind in ("features", "classifier", "balancer", "query"):
            if settings[kind] != DEFAULTS[kind] and f"{kind}_options" not in options:
                settings[f"{kind}_options"] = {}
        return settings

    def features(
        self, records: Sequence[Any], settings: Mapping[str, Any], cache: dict[str, Any]
    ) -> Any:
        """The feature matrix, computed once per (records, extractor) and cached."""
        from evidencekit.plugins.screeners.active_learning._features import (
            keyword_block,
            with_block,
        )
        from evidencekit.plugins.screeners.active_learning._parts import make

        block = settings["keywords"] and settings["keywords_as"] == "block"
        key = repr(
            (
                "features",
                len(records),
                id(records),
                settings["features"],
                sorted(settings["features_options"].items()),
                settings["keywords"],
                settings["keywords_as"],
                settings["keywords_weight"] if block else None,
            )
        )
        if key not in cache:
            extractor = make("features", settings["features"], settings["features_options"], 0)
            in_text = settings["keywords"] and not block
            X = extractor.transform([record_text(r, in_text) for r in records])  # noqa: N806
            if block:
                keywords = [record_keywords(r) for r in records]
                X = with_block(X, keyword_block(keywords, settings["keywords_weight"]))  # noqa: N806
            cache[key] = X
        return cache[key]

    def training_matrix(self, X: Any, classifier: Any, cache: dict[str, Any]) -> Any:  # noqa: N803
        """The matrix ``classifier`` is trained and scored on, and its labelled rows.

        For a classifier that declares ``inner_products_only`` (an L2-penalised linear
        model), the terms found in one record only are folded into one per record (the
        same model, less work: ``_matrix.fold_unique_terms``). Both are cached beside the
        features, so every retrain of a simulation reuses them.
        """
        from evidencekit.plugins.screeners.active_learning._matrix import (
            LabelledRows,
            fold_unique_terms,
        )

        folded = bool(getattr(classifier, "inner_products_only", False))
        key = repr(("training", id(X), folded))
        if key not in cache:
            matrix = fold_unique_terms(X) if folded else X
            # The features themselves stay cached under their own key, so X outlives this
            # entry and its id cannot be reused while the entry is there.
            cache[key] = (matrix, LabelledRows(matrix))
        return cache[key]

    def screen(
        self, records: Sequence[Any], options: Mapping[str, Any], context: RankingContext
    ) -> Ranking:
        import numpy as np

        from evidencekit.plugins.screeners.active_learning._parts import make

        seed = int(options.get("seed", context.seed))
        settings = self.settings(options)
        parameters = {**settings, "seed": seed}
        X = self.features(records, settings, context.cache)  # noqa: N806 - the usual name
        labelled = np.fromiter(context.labels, dtype=np.int64, count=len(context.labels))
        y = np.fromiter(context.labels.values(), dtype=np.int64, count=len(labelled))
        mask = np.ones(len(records), dtype=bool)
        mask[labelled] = False
        candidates = np.flatnonzero(mask)
        # A step-dependent generator: the same seed and the same labels give the same order.
        rng = np.random.default_rng([seed, len(labelled)])
        query = make("query", settings["query"], settings["query_options"], seed)
        if len(set(y.tolist())) < 2:
            # One class only: nothing to learn yet. Random order (seeded), as a reviewer
            # without a model would screen; the caller should give a prior of each class.
            scores = rng.random(len(records))
        else:
            classifier = make(
                "classifier", settings["classifier"], settings["classifier_options"], seed
            )
            balancer = make("balancer", settings["balancer"], settings["balancer_options"], seed)
            X, rows = self.training_matrix(X, classifier, context.cache)  # noqa: N806
            classifier.fit(rows.rows(labelled), y, balancer.weights(y))
            scores = np.asarray(classifier.scores(X), dtype=float)
        order = query.order(scores, candidates, rng)
        return Ranking(order=order, scores=scores[order].tolist(), parameters=parameters)


@hookimpl
def evidencekit_screeners() -> list[ActiveLearningScreener]:
    return [ActiveLearningScreener()]

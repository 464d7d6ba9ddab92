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
from evidencekit.plugins.screeners.active_learning._keyword_weight import AUTO_DEFAULTS
from evidencekit.plugins.screeners.active_learning._options import (
    OPTIONS_SCHEMA,
    SIMILARITY_DEFAULTS,
)

#: The keywords' block weight (``keywords_as: block``): chosen per set of records, before any
#: label, from how alike their keywords are (``similarity``: 0.5, or no block where the
#: keywords make records alike). The one setting measured that meets both of issue 11's
#: targets leave-one-set-out, on 5 and on 10 seeds (the fixed weight 0.3, the previous
#: default, meets them only in-sample); docs/prioritisation.md has the figures.
KEYWORDS_WEIGHT = "similarity"

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
    "keywords_auto": dict(AUTO_DEFAULTS),
    "keywords_similarity": dict(SIMILARITY_DEFAULTS),
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
        settings["keywords_auto"] = {**AUTO_DEFAULTS, **options.get("keywords_auto", {})}
        settings["keywords_similarity"] = {
            **SIMILARITY_DEFAULTS,
            **options.get("keywords_similarity", {}),
        }
        for kind in ("features", "classifier", "balancer", "query"):
            if settings[kind] != DEFAULTS[kind] and f"{kind}_options" not in options:
                settings[f"{kind}_options"] = {}
        return settings

    def features(
        self,
        records: Sequence[Any],
        settings: Mapping[str, Any],
        cache: dict[str, Any],
        weight: float | None = None,
    ) -> Any:
        """The feature matrix, computed once per (records, extractor, weight) and cached.

        ``weight`` is the keyword block's (default: ``keywords_weight``, or with ``auto``
        ``keywords_auto``'s ``start``, or with ``similarity`` the weight it chooses); 0
        gives the text's features alone. With ``auto``
        the text's features and the unscaled block are cached too, so another weight
        costs only setting them side by side.
        """
        from evidencekit.plugins.screeners.active_learning._features import (
            scaled_block,
            with_block,
        )

        block = settings["keywords"] and settings["keywords_as"] == "block"
        auto = block and settings["keywords_weight"] == "auto"
        if block and weight is None:
            if settings["keywords_weight"] == "similarity":
                weight = self.similarity_weight(records, settings, cache)["keywords_weight_used"]
                weight = 0.0 if weight is None else weight
            elif auto:
                weight = settings["keywords_auto"]["start"]
            else:
                weight = settings["keywords_weight"]
        key = repr(
            (
                "features",
                len(records),
                id(records),
                settings["features"],
                sorted(settings["features_options"].items()),
                settings["keywords"],
                settings["keywords_as"],
                weight if block else None,
            )
        )
        if key not in cache:
            X = self._text_features(records, settings, cache, keep=auto)  # noqa: N806
            if block and weight:
                unit = self._unit_block(records, cache, keep=auto)
                X = with_block(X, scaled_block(unit, weight))  # noqa: N806
            cache[key] = X
        return cache[key]

    def _text_features(
        self, records: Sequence[Any], settings: Mapping[str, Any], cache: dict[str, Any], keep: bool
    ) -> Any:
        """The extractor's features of title and abstract (and of the keywords, with
        ``keywords_as: text``); kept in ``cache`` only if ``keep``."""
        from evidencekit.plugins.screeners.active_learning._parts import make

        in_text = settings["keywords"] and settings["keywords_as"] != "block"
        key = repr(
            (
                "text",
                len(records),
                id(records),
                settings["features"],
                sorted(settings["features_options"].items()),
                in_text,
            )
        )
        if key in cache:
            return cache[key]
        extractor = make("features", settings["features"], settings["features_options"], 0)
        X = extractor.transform([record_text(r, in_text) for r in records])  # noqa: N806
        if keep:
            cache[key] = X
        return X

    def _unit_block(self, records: Sequence[Any], cache: dict[str, Any], keep: bool) -> Any:
        """The keyword block with rows of length 1 (None if no record has a keyword);
        kept in ``cache`` only if ``keep``."""
        from evidencekit.plugins.screeners.active_learning._features import keyword_block

        key = repr(("keyword-block", len(records), id(records)))
        if key in cache:
            return cache[key]
        unit = keyword_block([record_keywords(r) for r in records], 1.0)
        if keep:
            cache[key] = unit
        return unit

    def similarity_weight(
        self, records: Sequence[Any], settings: Mapping[str, Any], cache: dict[str, Any]
    ) -> dict[str, Any]:
        """``keywords_weight: similarity``: the weight, chosen from the records' keywords
        alone (no label), as the parameters recorded with the ranking:
        ``keywords_similarity_value`` (the keyword rows' mean pairwise cosine similarity,
        ``_features.mean_similarity``; None with fewer than two records with keywords) and
        ``keywords_weight_used`` (``below`` where the value is at most ``threshold``,
        ``above`` where it is higher; None where no record has keywords, or fewer than two
        do: nothing to weigh)."""
        from evidencekit.plugins.screeners.active_learning._features import mean_similarity

        unit = self._unit_block(records, cache, keep=True)
        key = repr(("keyword-similarity", len(records), id(records)))
        if key not in cache:
            cache[key] = mean_similarity(unit)
        value = cache[key]
        rule = settings["keywords_similarity"]
        if value is None:
            weight = None
        else:
            weight = float(rule["below"] if value <= rule["threshold"] else rule["above"])
        return {
            "keywords_similarity_value": None if value is None else round(value, 6),
            "keywords_weight_used": weight,
        }

    def keyword_weight(
        self,
        records: Sequence[Any],
        settings: Mapping[str, Any],
        seed: int,
        labelled: Any,
        y: Any,
        cache: dict[str, Any],
    ) -> dict[str, Any]:
        """``keywords_weight: auto``: the weight to use with these labels, and how it was
        chosen (``_keyword_weight.py``), as the parameters recorded with the ranking:
        ``keywords_weight_used`` (None where no record has keywords: nothing to weigh),
        ``keywords_weight_chosen_at`` (the number of labels the choice was made with;
        None before there are enough relevant ones, when ``start`` is used) and
        ``keywords_weight_auc`` (each candidate's mean cross-validated AUC then, over the
        folds)."""
        import hashlib

        import numpy as np

        from evidencekit.plugins.screeners.active_learning import _keyword_weight as kw
        from evidencekit.plugins.screeners.active_learning._parts import make

        auto = settings["keywords_auto"]
        start = float(auto["start"])
        note: dict[str, Any] = {
            "keywords_weight_used": start,
            "keywords_weight_chosen_at": None,
            "keywords_weight_auc": None,
        }
        if self._unit_block(records, cache, keep=True) is None:
            return {**note, "keywords_weight_used": None}
        m = kw.choice_point(y, auto["min_relevant"])
        if m is None:
            return note
        n_pos = int(np.sum(y[:m]))
        if min(n_pos, m - n_pos) < 2:
            return note  # no two folds with both classes
        digest = hashlib.sha1(labelled[:m].tobytes() + y[:m].tobytes()).hexdigest()
        key = repr(
            (
                "keywords-weight",
                len(records),
                id(records),
                m,
                digest,
                seed,
                settings["features"],
                sorted(settings["features_options"].items()),
                settings["classifier"],
                repr(settings["classifier_options"]),
                settings["balancer"],
                repr(settings["balancer_options"]),
                repr(sorted(auto.items())),
            )
        )
        if key not in cache:
            # Its own stream: the query's generator is seeded [seed, number of labels].
            rng = np.random.default_rng([seed, m, 1])
            positions, labels = kw.subsample(labelled[:m], y[:m], auto["max_rows"], rng)

            def part(kind: str) -> Any:
                return make(kind, settings[kind], settings[f"{kind}_options"], seed)

            probe = part("classifier")
            weights = [float(w) for w in auto["weights"]]
            matrices = {
                w: self.training_matrix(self.features(records, settings, cache, w), probe, cache)[0]
                for w in weights
            }

            def fit_and_score(train: Any, train_y: Any, test: Any) -> Any:
                classifier = part("classifier")
                classifier.fit(train, train_y, part("balancer").weights(train_y))
                return np.asarray(classifier.scores(test), dtype=float)

            aucs = kw.cross_validated_auc(
                matrices, positions, labels, fit_and_score, auto["folds"], rng
            )
            cache[key] = (kw.pick(aucs, start, auto["rule"]), aucs)
        weight, aucs = cache[key]
        return {
            "keywords_weight_used": weight,
            "keywords_weight_chosen_at": m,
            "keywords_weight_auc": {str(w): round(float(np.mean(a)), 6) for w, a in aucs.items()},
        }

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
        labelled = np.fromiter(context.labels, dtype=np.int64, count=len(context.labels))
        y = np.fromiter(context.labels.values(), dtype=np.int64, count=len(labelled))
        weight = None
        if (
            settings["keywords"]
            and settings["keywords_as"] == "block"
            and settings["keywords_weight"] == "auto"
        ):
            chosen = self.keyword_weight(records, settings, seed, labelled, y, context.cache)
            parameters.update(chosen)
            weight = chosen["keywords_weight_used"]
        elif (
            settings["keywords"]
            and settings["keywords_as"] == "block"
            and settings["keywords_weight"] == "similarity"
        ):
            chosen = self.similarity_weight(records, settings, context.cache)
            parameters.update(chosen)
            weight = chosen["keywords_weight_used"] or 0.0
        X = self.features(records, settings, context.cache, weight)  # noqa: N806 - usual name
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

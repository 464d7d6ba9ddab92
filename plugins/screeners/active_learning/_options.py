"""The ``active-learning`` screener's options: their schema, and the defaults of
``keywords_weight: similarity`` (the screener's own defaults are in ``screener.py``)."""

from __future__ import annotations

from typing import Any

#: ``keywords_weight: similarity``: the block's weight chosen, before any label, from how alike
#: the records' keywords are (their mean pairwise cosine similarity, ``mean_similarity``):
#: ``below`` where it is at most ``threshold``, ``above`` where it is higher (0: no block).
#: Measured leave-one-set-out (docs/prioritisation.md, "Seed noise, and the keyword weight
#: chosen by similarity").
SIMILARITY_DEFAULTS: dict[str, float] = {"threshold": 0.0828, "below": 0.5, "above": 0.0}

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
            "oneOf": [
                {"type": "number", "exclusiveMinimum": 0},
                {"enum": ["auto", "similarity"]},
            ],
            "description": "the keywords' block's length beside the text's (1) "
            "with keywords_as: block; auto: chosen among keywords_auto's weights by "
            "cross-validation on the labelled records; similarity: chosen before any "
            "label by how alike the records' keywords are (keywords_similarity)",
        },
        "keywords_similarity": {
            "type": "object",
            "description": "how keywords_weight: similarity chooses: the weight below where "
            "the keyword rows' mean pairwise cosine similarity is at most threshold, above "
            "where it is higher (0: no block)",
            "properties": {
                "threshold": {"type": "number", "minimum": 0, "maximum": 1},
                "below": {"type": "number", "minimum": 0},
                "above": {"type": "number", "minimum": 0},
            },
            "additionalProperties": False,
        },
        "keywords_auto": {
            "type": "object",
            "description": "how keywords_weight: auto chooses (_keyword_weight.py)",
            "properties": {
                "weights": {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0},
                    "minItems": 1,
                    "uniqueItems": True,
                },
                "start": {"type": "number", "minimum": 0},
                "min_relevant": {"type": "integer", "minimum": 2},
                "folds": {"type": "integer", "minimum": 2},
                "max_rows": {"type": "integer", "minimum": 4},
                "rule": {"enum": ["best", "one-se"]},
            },
            "additionalProperties": False,
        },
        "seed": {"type": "integer", "description": "overrides the caller's seed"},
    },
    "additionalProperties": False,
}

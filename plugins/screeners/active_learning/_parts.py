"""The four kinds of part an active-learning model is built from, and how one is chosen.

A part is named in the screener's options (``classifier: svm``) with its own options
(``classifier_options: {C: 0.1}``). A built-in name is looked up in the kind's table; a
name of the form ``package.module:attribute`` imports a third party's part (a class or a
factory taking the options as keywords), so a new classifier needs no change here. A wrong
name is answered with the list of valid ones.

The contracts, in words (every method is called with keywords only where noted):

- feature extractor: ``transform(texts: list[str]) -> matrix`` (rows = records; fitted on
  every record of the stage, labels unseen, so it can be computed once and cached);
- classifier: ``fit(X, y, sample_weight)`` then ``scores(X) -> 1-d array`` (higher = more
  likely relevant);
- balancer: ``weights(y) -> 1-d array`` of sample weights for the training records;
- query strategy: ``order(scores, candidates, rng) -> list`` of the candidate positions,
  first = to screen next.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from evidencekit.core.errors import RegistryError

KINDS = ("features", "classifier", "balancer", "query")


def _tables() -> dict[str, dict[str, Callable[..., Any]]]:
    from evidencekit.plugins.screeners.active_learning import (
        _balancers,
        _classifiers,
        _features,
        _queries,
    )

    return {
        "features": _features.PARTS,
        "classifier": _classifiers.PARTS,
        "balancer": _balancers.PARTS,
        "query": _queries.PARTS,
    }


def names(kind: str) -> list[str]:
    """The built-in part names of ``kind``."""
    return sorted(_tables()[kind])


def make(kind: str, name: str, options: Mapping[str, Any] | None, seed: int) -> Any:
    """Build part ``name`` of ``kind`` with ``options`` (and ``seed`` where it takes one)."""
    table = _tables()[kind]
    if name in table:
        factory = table[name]
    elif ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise RegistryError(
                f"active-learning {kind} {name!r} cannot be imported: {exc}; "
                "give package.module:attribute of an installed package"
            ) from None
    else:
        raise RegistryError(
            f"unknown active-learning {kind} {name!r}; known: "
            f"{', '.join(sorted(table))} (or package.module:attribute)"
        )
    kwargs = dict(options or {})
    if getattr(factory, "takes_seed", False):
        kwargs.setdefault("seed", seed)
    try:
        return factory(**kwargs)
    except (TypeError, ValueError) as exc:
        raise RegistryError(f"invalid options for active-learning {kind} {name!r}: {exc}") from None

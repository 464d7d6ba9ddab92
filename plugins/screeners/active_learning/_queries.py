"""Query strategies: scores of the unlabelled records → the order to screen them in."""

from __future__ import annotations

from typing import Any


def _by_score(scores: Any, candidates: Any) -> list[int]:
    import numpy as np

    # Stable sort on -score: ties keep dataset order, so a seed reproduces the order exactly.
    candidates = np.asarray(candidates)
    picked = np.argsort(-np.asarray(scores)[candidates], kind="stable")
    return candidates[picked].tolist()


class Max:
    """Highest score first: the records most likely relevant."""

    name = "max"

    def order(self, scores: Any, candidates: Any, rng: Any) -> list[int]:
        return _by_score(scores, candidates)


class MaxRandom:
    """Highest score first, but every ``1 / fraction``-th place goes to a random record,
    so the model also sees records unlike those it has learnt from."""

    name = "max-random"
    takes_seed = True

    def __init__(self, fraction: float = 0.05, seed: int = 0):
        if not 0 <= fraction < 1:
            raise ValueError("fraction must be in [0, 1)")
        self.fraction = fraction

    def order(self, scores: Any, candidates: Any, rng: Any) -> list[int]:
        ranked = _by_score(scores, candidates)
        if self.fraction == 0 or len(ranked) < 2 or rng.random() >= self.fraction:
            return ranked
        pick = int(rng.integers(len(ranked)))
        return [ranked[pick], *ranked[:pick], *ranked[pick + 1 :]]


class Uncertainty:
    """Score closest to the decision boundary (zero) first."""

    name = "uncertainty"

    def order(self, scores: Any, candidates: Any, rng: Any) -> list[int]:
        import numpy as np

        return _by_score(-np.abs(np.asarray(scores, dtype=float)), candidates)


PARTS = {"max": Max, "max-random": MaxRandom, "uncertainty": Uncertainty}

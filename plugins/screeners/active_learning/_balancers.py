"""Balancers: sample weights that keep the few relevant records from being drowned out."""

from __future__ import annotations

from typing import Any


class NoBalance:
    """Every labelled record weighs 1."""

    name = "none"

    def weights(self, y: Any) -> Any:
        import numpy as np

        return np.ones(len(y))


class Balanced:
    """Irrelevant records together weigh ``1 / ratio`` of the relevant ones.

    With ``ratio`` 1 both classes weigh the same in total; a larger ratio favours the
    relevant class more. Relevant records weigh 1. With ``rescale`` the weights are then
    rescaled to sum to the number of records, as ASReview's ``balanced`` balancer does
    (its ``elas_u4`` model: ratio 9.8), which weakens the classifier's regularisation as
    labels accumulate (and makes liblinear's solver slower).
    """

    name = "balanced"

    def __init__(self, ratio: float = 1.0, rescale: bool = False):
        if ratio <= 0:
            raise ValueError("ratio must be positive")
        self.ratio, self.rescale = ratio, bool(rescale)

    def weights(self, y: Any) -> Any:
        import numpy as np

        y = np.asarray(y)
        n_rel, n_irr = int((y == 1).sum()), int((y == 0).sum())
        w = np.where(y == 1, 1.0, n_rel / (self.ratio * n_irr) if n_irr else 1.0)
        return w * (len(y) / w.sum()) if self.rescale else w


PARTS = {"none": NoBalance, "balanced": Balanced}

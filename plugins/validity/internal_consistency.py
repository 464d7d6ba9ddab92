"""Internal consistency: Cronbach's alpha, item-rest correlations, alpha if item deleted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.plugins.validity._common import (
    CONFIDENCE_SCHEMA,
    fmt,
    join_items,
    num,
    strength,
)


class InternalConsistency:
    """Cronbach's alpha with Feldt's interval, only from a declared minimum sample."""

    name = "internal-consistency"
    description = (
        "Cronbach's alpha with a confidence interval (Feldt), item-rest "
        "correlations and alpha if item deleted, from a declared minimum of units."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "min_units": {
                "type": "integer",
                "minimum": 2,
                "default": 30,
                "description": "Estimate alpha only from this many complete units.",
            },
            "confidence": CONFIDENCE_SCHEMA,
            "min_item_rest": {
                "type": "number",
                "minimum": -1,
                "maximum": 1,
                "default": 0.3,
                "description": "Name items whose item-rest correlation is below this.",
            },
        },
        "additionalProperties": False,
    }

    def analyse(
        self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Alpha and item statistics, or ``alpha: null`` with the ``reason``."""
        import numpy as np

        from evidencekit.plugins.validity import _stats

        min_units = int(options.get("min_units", 30))
        confidence = float(options.get("confidence", 0.95))
        _, item_ids, matrix = ratings.scores.matrix()
        complete = matrix[~np.isnan(matrix).any(axis=1)] if matrix.size else matrix
        n, k = complete.shape if complete.ndim == 2 else (0, len(item_ids))
        base = {
            "n_units": int(n),
            "n_items": k,
            "min_units": min_units,
            "excluded_incomplete": int(matrix.shape[0] - n),
            "alpha": None,
            "ci": None,
            "items": [],
        }
        reason = None
        if k < 2:
            reason = "undefined: alpha needs at least two items"
        elif n >= 1 and np.all(complete == complete.flat[0]):
            reason = (
                f"undefined: all ratings are identical (every item score is "
                f"{num(float(complete.flat[0]))}), so there is no variance to split "
                "into consistency and error"
            )
        elif n >= 2 and complete.sum(axis=1).var() == 0:
            same = num(float(complete[0].sum()))
            reason = (
                f"undefined: every unit has the same total ({same}), "
                "so the total score has no variance"
            )
        elif n < min_units:
            which = "declared" if "min_units" in options else "default"
            reason = (
                f"not estimable with n = {n} complete units; the {which} minimum is "
                f"{min_units} (option min_units)"
            )
        if reason:
            return {**base, "reason": reason, "verdict": f"Cronbach's alpha {reason}."}
        alpha = _stats.cronbach_alpha(complete)
        ci = _stats.feldt_interval(alpha, n, k, confidence)
        rest = _stats.item_rest_correlations(complete)
        deleted = _stats.alpha_if_deleted(complete)
        min_rest = float(options.get("min_item_rest", 0.3))
        items = [
            {"id": item.id, "number": item.number, "item_rest_r": r, "alpha_if_deleted": d}
            for item, r, d in zip(measure.items, rest, deleted, strict=True)
        ]
        weak = [
            i["number"] for i in items if i["item_rest_r"] is None or i["item_rest_r"] < min_rest
        ]
        raising = [
            i["number"]
            for i in items
            if i["alpha_if_deleted"] is not None and i["alpha_if_deleted"] > alpha
        ]
        result = {
            **base,
            "alpha": alpha,
            "ci": list(ci),
            "confidence": confidence,
            "items": items,
            "weak_items": weak,
            "items_raising_alpha_if_deleted": raising,
        }
        band = (
            "high"
            if alpha >= 0.9
            else "acceptable"
            if alpha >= 0.7
            else "questionable"
            if alpha >= 0.6
            else "low"
        )
        text = (
            f"{strength(n).capitalize()} ({n} units, {k} items): Cronbach's alpha "
            f"{fmt(alpha)} ({100 * confidence:.0f} % CI {fmt(ci[0])} to {fmt(ci[1])}), "
            f"{band} by the usual 0.7 convention."
        )
        if weak:
            text += (
                f" {join_items(weak).capitalize()} correlate{'s' * (len(weak) == 1)} "
                f"weakly (below {fmt(min_rest)}) with the rest of the measure."
            )
        if raising:
            text += f" Dropping {join_items(raising)} would raise alpha."
        result["verdict"] = text
        return result


@hookimpl
def evidencekit_validity_analyses() -> list[Any]:
    return [InternalConsistency()]

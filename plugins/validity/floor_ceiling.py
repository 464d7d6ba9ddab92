"""Floor and ceiling effects, item means and item ranges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.plugins.validity._common import fmt, join_items, num, pct, strength, units_word


class FloorCeiling:
    """Per item and for the total: the share of units at the scale's minimum and
    maximum (flagged above a threshold), item means and ranges, and the items
    whose range is below a declared minimum."""

    name = "floor-ceiling"
    description = (
        "Share of units at the minimum and maximum of each item and of the total "
        "(flagged above a threshold); item means and ranges."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "threshold": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 0.15,
                "description": "Flag a floor or ceiling effect when more than this "
                "share of units is at the end of the scale.",
            },
            "min_item_range": {
                "type": "number",
                "minimum": 0,
                "default": 2,
                "description": "Report items whose observed range (max - min) "
                "is below this many scale points.",
            },
        },
        "additionalProperties": False,
    }

    def analyse(
        self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Numbers and a verdict; says so when no unit could be scored."""
        threshold = float(options.get("threshold", 0.15))
        min_range = float(options.get("min_item_range", 2))
        scores = ratings.scores
        scored = scores.scored
        n = len(scored)
        base = {
            "n_units": n,
            "threshold": threshold,
            "min_item_range": min_range,
            "scale": {
                "min": measure.scale.min,
                "max": measure.scale.max,
                "midpoint": measure.scale.midpoint,
            },
            "total_range": [measure.scoring.total_min, measure.scoring.total_max],
        }
        if n == 0:
            return {
                **base,
                "estimable": False,
                "total": None,
                "items": [],
                "verdict": "Not estimable: no unit has a total score (see the missing-data "
                "rule of the measure).",
            }
        lo_total, hi_total = measure.scoring.total_min, measure.scoring.total_max
        totals = [u.total for u in scored]
        total = self._ends(totals, lo_total, hi_total, threshold)
        total.update(
            {"mean": sum(totals) / n, "observed_min": min(totals), "observed_max": max(totals)}
        )
        items = []
        for summary, item in zip(scores.items, measure.items, strict=True):
            values = [u.items[item.id] for u in scored if u.items[item.id] is not None]
            row = {
                "id": item.id,
                "number": item.number,
                "n": len(values),
                "mean": summary.mean,
                "min": summary.min,
                "max": summary.max,
                "range": summary.range,
            }
            row.update(self._ends(values, measure.scale.min, measure.scale.max, threshold))
            row["range_below_minimum"] = summary.range is not None and summary.range < min_range
            items.append(row)
        means = [r["mean"] for r in items if r["mean"] is not None]
        result = {
            **base,
            "estimable": True,
            "total": total,
            "items": items,
            "item_mean_range": [min(means), max(means)] if means else None,
            "items_below_min_range": [r["number"] for r in items if r["range_below_minimum"]],
            "floor_items": [r["number"] for r in items if r["floor"]],
            "ceiling_items": [r["number"] for r in items if r["ceiling"]],
        }
        result["verdict"] = self._verdict(result, measure)
        return result

    @staticmethod
    def _ends(values: list[float], lo: float, hi: float, threshold: float) -> dict[str, Any]:
        n = len(values)
        at_lo = sum(1 for v in values if v <= lo)
        at_hi = sum(1 for v in values if v >= hi)
        share_lo = at_lo / n if n else None
        share_hi = at_hi / n if n else None
        return {
            "n_at_min": at_lo,
            "n_at_max": at_hi,
            "share_at_min": share_lo,
            "share_at_max": share_hi,
            "floor": share_lo is not None and share_lo > threshold,
            "ceiling": share_hi is not None and share_hi > threshold,
        }

    @staticmethod
    def _verdict(r: dict[str, Any], measure: Any) -> str:
        n = r["n_units"]
        t = r["total"]
        lo, hi = r["total_range"]
        parts = [f"{strength(n).capitalize()} ({units_word(n)})."]
        ends = []
        if t["floor"]:
            ends.append(
                f"a floor effect ({t['n_at_min']} of {n} at {lo}, {pct(t['share_at_min'])})"
            )
        if t["ceiling"]:
            ends.append(
                f"a ceiling effect ({t['n_at_max']} of {n} at {hi}, {pct(t['share_at_max'])})"
            )
        if ends:
            parts.append(
                f"The total score shows {' and '.join(ends)}, above the "
                f"{pct(r['threshold'])} threshold."
            )
        else:
            parts.append(
                f"No floor or ceiling effect on the total score: {t['n_at_min']} of {n} "
                f"units at {lo} and {t['n_at_max']} at {hi} (totals "
                f"{num(t['observed_min'])} to {num(t['observed_max'])})."
            )
        if r["item_mean_range"]:
            a, b = r["item_mean_range"]
            parts.append(
                f"Item means run from {fmt(a)} to {fmt(b)} (scale midpoint "
                f"{fmt(measure.scale.midpoint)})."
            )
        below = r["items_below_min_range"]
        k = len(r["items"])
        if not below:
            parts.append(f"Every item spans at least {num(r['min_item_range'])} scale points.")
        elif len(below) == k:
            parts.append(f"No item spans {num(r['min_item_range'])} scale points.")
        else:
            parts.append(
                f"Every item but {join_items(below)} spans at least "
                f"{num(r['min_item_range'])} scale points."
            )
        flagged = sorted(set(r["floor_items"]) | set(r["ceiling_items"]))
        if flagged:
            verb = "has" if len(flagged) == 1 else "have"
            note = (
                f"At item level, {join_items(flagged)} {verb} more than "
                f"{pct(r['threshold'])} of units at an end of the item scale "
                f"({measure.scale.min}–{measure.scale.max})"
            )
            if n and 1 / n > r["threshold"]:
                note += (
                    f"; with {n} units a single unit is {pct(1 / n)}, so one unit at an end "
                    "of an item's scale already crosses the threshold"
                )
            parts.append(note + ".")
        return " ".join(parts)


@hookimpl
def evidencekit_validity_analyses() -> list[Any]:
    return [FloorCeiling()]

"""Inter-rater reliability: the intraclass correlation of raters who rated the same units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.plugins.validity._common import CONFIDENCE_SCHEMA, fmt, strength
from evidencekit.plugins.validity._stats import ICC_FORMS, ICC_LABELS


def _band(value: float) -> str:
    """Koo & Li (2016) guideline bands."""
    if value < 0.5:
        return "poor"
    if value < 0.75:
        return "moderate"
    if value < 0.9:
        return "good"
    return "excellent"


class InterRater:
    """ICC (the form declared) with its F-based interval, on units every rater rated."""

    name = "inter-rater"
    description = (
        "Intraclass correlation (ICC1, ICC2 = ICC(A,1), ICC3 = ICC(C,1), or their "
        "k-rater averages) with its F-based confidence interval."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "form": {
                "enum": sorted(ICC_FORMS),
                "default": "ICC2",
                "description": "ICC1: one-way random; ICC2 / ICC(A,1): two-way random, "
                "absolute agreement; ICC3 / ICC(C,1): two-way mixed, "
                "consistency; a k form: reliability of the raters' mean.",
            },
            "score": {"enum": ["total", "mean_item"], "default": "total"},
            "per_item": {
                "type": "boolean",
                "default": False,
                "description": "Also give the ICC of each item.",
            },
            "raters": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 2,
                "description": "Only these raters (default: all).",
            },
            "confidence": CONFIDENCE_SCHEMA,
        },
        "additionalProperties": False,
    }

    def check_options(
        self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]
    ) -> None:
        """A named rater who rated nothing is an input error (exit 1)."""
        from evidencekit.core.measure import RatingsError

        known = ratings.raters
        unknown = [r for r in options.get("raters") or () if r not in known]
        if unknown:
            raise RatingsError(
                [
                    f"{ratings.file}: no ratings by rater "
                    f"{', '.join(map(repr, unknown))}; the raters are "
                    f"{', '.join(map(repr, known))}"
                ]
            )

    def analyse(
        self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The ICC, or ``icc: null`` with the ``reason`` when it cannot be estimated."""
        import numpy as np

        from evidencekit.core.measure import total_of
        from evidencekit.plugins.validity import _stats

        form = ICC_FORMS[options.get("form", "ICC2")]
        score_key = options.get("score", "total")
        confidence = float(options.get("confidence", 0.95))
        data = ratings.by_rater()
        raters = list(options.get("raters") or data)
        unknown = [r for r in raters if r not in data]
        base = {
            "form": form,
            "label": ICC_LABELS[form],
            "score": score_key,
            "raters": raters,
            "icc": None,
            "ci": None,
        }
        if unknown:
            return {
                **base,
                "reason": f"no ratings by rater {', '.join(unknown)}",
                "verdict": f"ICC not estimable: no ratings by rater {', '.join(unknown)}.",
            }
        if len(raters) < 2:
            who = f" ({raters[0]})" if raters and raters[0] else ""
            reason = (
                f"each unit was rated by one rater only{who}; an ICC needs at least two "
                "raters who rated the same units"
            )
            return {
                **base,
                "n_units": len(ratings.units),
                "reason": reason,
                "verdict": f"Inter-rater reliability not estimable: {reason}.",
            }
        per_rater: dict[str, dict[str, tuple[float | None, float | None]]] = {}
        for rater in raters:
            per_rater[rater] = {}
            for unit, items in data[rater].items():
                total, mean_item, _ = total_of(measure, items)
                per_rater[rater][unit] = (total, mean_item)
        pick = 0 if score_key == "total" else 1
        common = [
            u
            for u in ratings.units
            if all(per_rater[r].get(u, (None, None))[pick] is not None for r in raters)
        ]
        excluded = [u for u in ratings.units if u not in common]
        base.update({"n_units": len(common), "n_raters": len(raters), "excluded_units": excluded})
        if len(common) < 2:
            reason = (
                f"only {len(common)} unit{'s' * (len(common) != 1)} scored by all "
                f"{len(raters)} raters; an ICC needs at least two"
            )
            return {**base, "reason": reason, "verdict": f"ICC not estimable: {reason}."}
        matrix = np.array([[per_rater[r][u][pick] for r in raters] for u in common])
        result = _stats.icc(matrix, form, confidence)
        out = {
            **base,
            **{k: result[k] for k in ("icc", "ci", "f", "df1", "df2", "p_value")},
            "confidence": confidence,
        }
        if options.get("per_item"):
            out["items"] = []
            for item in measure.items:
                rows = [
                    [data[r][u].get(item.id) for r in raters]
                    for u in ratings.units
                    if all(data[r].get(u, {}).get(item.id) is not None for r in raters)
                ]
                entry = {
                    "id": item.id,
                    "number": item.number,
                    "n_units": len(rows),
                    "icc": None,
                    "ci": None,
                }
                if len(rows) >= 2:
                    item_result = _stats.icc(np.array(rows, dtype=float), form, confidence)
                    entry.update(icc=item_result["icc"], ci=item_result["ci"])
                out["items"].append(entry)
        n = len(common)
        if out["icc"] is None:
            out["reason"] = "undefined: the scores have no variance between or within units"
            out["verdict"] = f"ICC {out['reason']}."
            return out
        ci = out["ci"]
        text = (
            f"{strength(n).capitalize()} ({n} units × {len(raters)} raters): "
            f"{ICC_LABELS[form]} of the {score_key.replace('_', ' ')} {fmt(out['icc'])}"
        )
        if ci:
            text += (
                f" ({100 * confidence:.0f} % CI {fmt(ci[0])} to {fmt(ci[1])}); "
                f"{_band(out['icc'])} by Koo & Li's bands, but the interval reaches from "
                f"{_band(ci[0])} to {_band(ci[1])}"
                if _band(ci[0]) != _band(ci[1])
                else f" ({100 * confidence:.0f} % CI {fmt(ci[0])} to {fmt(ci[1])}); "
                f"{_band(out['icc'])} by Koo & Li's bands"
            )
        out["verdict"] = text + "."
        return out


@hookimpl
def evidencekit_validity_analyses() -> list[Any]:
    return [InterRater()]

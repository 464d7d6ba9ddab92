"""Ratings → each unit's total and mean item score, and each item's summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for the annotation only; ratings imports scores
    from evidencekit.core.measure.ratings import Ratings


@dataclass
class UnitScore:
    """One unit's item scores (the mean over its raters) and its total."""

    unit: str
    items: dict[str, float | None]
    n_raters: int
    missing: list[str]
    total: float | None
    mean_item: float | None
    reason: str | None = None

    @property
    def scored(self) -> bool:
        return self.total is not None


@dataclass
class ItemSummary:
    """One item across the scored units."""

    id: str
    number: int
    text: str
    n: int
    mean: float | None
    min: float | None
    max: float | None

    @property
    def range(self) -> float | None:
        return None if self.min is None or self.max is None else self.max - self.min


@dataclass
class Scores:
    """Every unit's score and every item's summary on one measure."""

    measure: Any
    units: list[UnitScore]
    items: list[ItemSummary]
    file: str = ""

    @property
    def scored(self) -> list[UnitScore]:
        return [u for u in self.units if u.scored]

    def unit(self, name: str) -> UnitScore:
        for u in self.units:
            if u.unit == name:
                return u
        raise KeyError(name)

    def matrix(self) -> tuple[list[str], list[str], Any]:
        """(units, item ids, scored-units × items array with NaN where unrated)."""
        import numpy as np

        item_ids = [i.id for i in self.measure.items]
        units = self.scored
        data = np.array(
            [[np.nan if u.items.get(i) is None else u.items[i] for i in item_ids] for u in units],
            dtype=float,
        ).reshape(len(units), len(item_ids))
        return [u.unit for u in units], item_ids, data

    def to_dict(self) -> dict[str, Any]:
        """The promised JSON shape: ``units: [{unit, total, mean_item}]``,
        ``items: [{id, mean, min, max}]``, and more."""
        m = self.measure
        return {
            "measure": {
                "id": m.id,
                "version": m.version,
                "title": m.title,
                "scale": {"min": m.scale.min, "max": m.scale.max},
                "total_range": [m.scoring.total_min, m.scoring.total_max],
                "missing_rule": {
                    "rule": m.scoring.missing,
                    "max_missing_items": m.scoring.max_missing_items,
                },
            },
            "ratings_file": self.file,
            "units": [
                {
                    "unit": u.unit,
                    "total": u.total,
                    "mean_item": u.mean_item,
                    "scored": u.scored,
                    "n_raters": u.n_raters,
                    "missing_items": u.missing,
                    "items": u.items,
                    **({"reason": u.reason} if u.reason else {}),
                }
                for u in self.units
            ],
            "items": [
                {
                    "id": i.id,
                    "number": i.number,
                    "text": i.text,
                    "n": i.n,
                    "mean": i.mean,
                    "min": i.min,
                    "max": i.max,
                    "range": i.range,
                }
                for i in self.items
            ],
        }


def total_of(
    measure: Any, items: Mapping[str, float | None]
) -> tuple[float | None, float | None, list[str]]:
    """(total, mean item score, unrated item ids) of one set of item scores.

    The total is None when more items are unrated than the measure allows.
    """
    rule = measure.scoring
    item_ids = [i.id for i in measure.items]
    missing = [i for i in item_ids if items.get(i) is None]
    rated = [float(items[i]) for i in item_ids if items.get(i) is not None]
    if len(missing) > rule.max_missing_items or not rated:
        return None, None, missing
    if rule.missing == "count-as-min":
        total = sum(rated) + measure.scale.min * len(missing)
        return total, total / len(item_ids), missing
    # prorate: unrated items take the mean of the rated ones (exact when none is missing)
    total = sum(rated) * len(item_ids) / len(rated)
    return total, total / len(item_ids), missing


def score_ratings(ratings: Ratings) -> Scores:
    """Score each unit: item scores averaged over raters, then the total.

    A unit with more unrated items than the measure's ``max_missing_items`` gets
    no total (``total`` None and a ``reason``). Otherwise unrated items are
    prorated (the total is the mean rated item times the number of items) or
    counted as the scale minimum, as the measure declares.
    """
    measure = ratings.measure
    item_ids = [i.id for i in measure.items]
    number = {i.id: i.number for i in measure.items}
    per_unit: dict[str, dict[str, list[float]]] = {}
    raters: dict[str, set[str]] = {}
    for r in ratings.ratings:
        per_unit.setdefault(r.unit, {}).setdefault(r.item, [])
        raters.setdefault(r.unit, set()).add(r.rater)
        if r.score is not None:
            per_unit[r.unit][r.item].append(r.score)
    units: list[UnitScore] = []
    for unit in ratings.units:
        values = per_unit.get(unit, {})
        items = {i: (sum(values[i]) / len(values[i]) if values.get(i) else None) for i in item_ids}
        total, mean_item, missing = total_of(measure, items)
        reason = None
        if total is None:
            numbers = ", ".join(str(number[i]) for i in missing)
            where = ratings.first_line(unit)
            reason = (
                f"{ratings.file}:{where}: unit {unit!r} not scored: {len(missing)} of "
                f"{len(item_ids)} items not rated (item {numbers}); the measure allows "
                f"at most {measure.scoring.max_missing_items}"
            )
        units.append(
            UnitScore(unit, items, len(raters.get(unit, ())), missing, total, mean_item, reason)
        )
    summaries = []
    for item in measure.items:
        vals = [u.items[item.id] for u in units if u.scored and u.items[item.id] is not None]
        summaries.append(
            ItemSummary(
                item.id,
                item.number,
                item.text,
                len(vals),
                sum(vals) / len(vals) if vals else None,
                min(vals) if vals else None,
                max(vals) if vals else None,
            )
        )
    return Scores(measure, units, summaries, ratings.file)

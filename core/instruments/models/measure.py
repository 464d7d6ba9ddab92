"""The typed ``measure``: items tied to influences, a rating scale, sum scoring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from evidencekit.core.instruments.models.base import Instrument, _by_id


@dataclass(frozen=True)
class MeasureItem:
    """One rated item of a measure, tied to a framework entry by ``influence``."""

    id: str
    number: int
    text: str
    influence: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class RatingScale:
    """Integer rating scale from ``min`` to ``max`` with anchor texts."""

    min: int
    max: int
    anchors: dict[int, str] = field(default_factory=dict)

    @property
    def points(self) -> list[int]:
        """Every value on the scale, lowest first."""
        return list(range(self.min, self.max + 1))

    @property
    def midpoint(self) -> float:
        """The middle of the scale (1.5 for 0–3)."""
        return (self.min + self.max) / 2

    def __contains__(self, value: object) -> bool:
        return (
            isinstance(value, int) and not isinstance(value, bool) and self.min <= value <= self.max
        )


@dataclass(frozen=True)
class MeasureScoring:
    """How item ratings add up: ``method`` 'sum' from ``total_min`` to
    ``total_max``; a total needs at most ``max_missing_items`` unrated items,
    which are then handled by ``missing`` ('prorate' or 'count-as-min')."""

    method: str = "sum"
    total_min: int = 0
    total_max: int = 0
    max_missing_items: int = 0
    missing: str = "prorate"


@dataclass(frozen=True, kw_only=True)
class Measure(Instrument):
    """A rating measure: items tied to framework influences, a scale, a total."""

    kind: ClassVar[str] = "measure"
    framework: str | None = None
    items: list[MeasureItem] = field(default_factory=list)
    scale: RatingScale = field(default_factory=lambda: RatingScale(0, 0))
    scoring: MeasureScoring = field(default_factory=MeasureScoring)
    instructions: str | None = None
    administration: dict[str, Any] = field(default_factory=dict)

    __hash__ = Instrument.__hash__

    def item(self, item_id: str) -> MeasureItem:
        """The item with ``item_id``; ``KeyError`` if none."""
        return _by_id(self.items, item_id, f"measure {self.ref} has no item", list_known=True)

    def item_by_number(self, number: int) -> MeasureItem:
        """The item printed with ``number``; ``KeyError`` if none."""
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(f"measure {self.ref} has no item number {number}")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Measure:
        scale = data["scale"]
        scoring = data["scoring"]
        missing = scoring.get("missing") or {}
        return cls(
            **cls._base(data, origin, path),
            framework=data.get("framework"),
            items=[
                MeasureItem(
                    id=i["id"],
                    number=int(i["number"]),
                    text=i["text"],
                    influence=i.get("influence"),
                    notes=i.get("notes"),
                )
                for i in data["items"]
            ],
            scale=RatingScale(
                min=int(scale["min"]),
                max=int(scale["max"]),
                anchors={int(k): v for k, v in (scale.get("anchors") or {}).items()},
            ),
            scoring=MeasureScoring(
                method=scoring["method"],
                total_min=int(scoring["total_min"]),
                total_max=int(scoring["total_max"]),
                max_missing_items=int(missing.get("max_missing_items", 0)),
                missing=missing.get("rule", "prorate"),
            ),
            instructions=data.get("instructions"),
            administration=dict(data.get("administration") or {}),
        )

"""The ``percentage-bands`` scoring block: its schema, its checks and its typed rule.

Owned by the scorer (``percentage_bands.py``), not by the core: the checklist schema
leaves ``scoring`` to the scorer its ``method`` names.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

PathKey = tuple[Any, ...]


SCHEMA_FILE = "percentage-bands.scoring.schema.json"


@functools.cache
def scoring_schema() -> dict[str, Any]:
    """The JSON Schema of a ``scoring: {method: percentage-bands, ...}`` block (shipped as data)."""
    from importlib.resources import files

    text = (files("evidencekit.plugins.appraisal") / SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Band:
    """A grade and the lowest percentage that earns it."""

    grade: str
    min_percent: float
    label: str | None = None


@dataclass(frozen=True)
class ScoringRule:
    """How a checklist's answers become a score and a grade.

    ``method`` names the appraisal-scorer provider. For ``percentage-bands``
    the fields ``points``, ``denominator``, ``unanswered`` and ``bands`` are
    set; other methods read what they need from ``options`` and ``raw`` (the
    whole ``scoring`` mapping as written, e.g. a ``domains`` list).
    """

    method: str
    convention: str | None = None
    points: dict[str, float] = field(default_factory=dict)
    denominator: str | int = "scored-items"
    unanswered: str = "zero"
    bands: list[Band] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Answer codes meaning "not applicable": the item leaves the denominator (JBI-style).
    not_applicable: list[str] = field(default_factory=list)

    @property
    def max_points(self) -> float:
        """The most points one item can earn (0 if no points are declared)."""
        return max(self.points.values(), default=0.0)

    def grade_for(self, percent: float) -> str | None:
        """The grade of the first band whose ``min_percent`` ``percent`` reaches."""
        for band in self.bands:
            if percent >= band.min_percent:
                return band.grade
        return None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoringRule:
        return cls(
            method=data["method"],
            convention=data.get("convention"),
            points={str(k): float(v) for k, v in (data.get("points") or {}).items()},
            denominator=data.get("denominator", "scored-items"),
            unanswered=data.get("unanswered", "zero"),
            bands=[
                Band(grade=b["grade"], min_percent=float(b["min_percent"]), label=b.get("label"))
                for b in data.get("bands") or []
            ],
            options=dict(data.get("options") or {}),
            raw=data,
            not_applicable=[str(c) for c in data.get("not_applicable") or []],
        )


def check_percentage_bands(data: dict[str, Any]) -> list[tuple[PathKey, str]]:
    """Points for every answer code of the scored items and none other, falling bands
    ending at 0, a fixed denominator that fits: (JSON path, message) pairs."""
    # Imported here: this module is loaded at start-up, the checks only when validating.
    from evidencekit.core.instruments.checks import bool_hint, item_codes, listing

    out: list[tuple[PathKey, str]] = []

    def add(path: PathKey, message: str) -> None:
        out.append((path, message))

    scoring = data["scoring"]
    codes_by_item, codes_complete = item_codes(data, scored_only=True)
    base: PathKey = ("scoring",)
    if not codes_by_item and codes_complete:
        add(
            base,
            "the scoring rule has no scored item to count; mark items scored: true "
            "or remove 'scoring'",
        )
        return out
    points = scoring["points"]
    used = {code for codes in codes_by_item.values() for code in codes}
    not_applicable = list(scoring.get("not_applicable") or [])
    for i, code in enumerate(not_applicable):
        if code not in used and codes_complete:
            add(
                (*base, "not_applicable", i),
                f"{code!r} is not an answer code of any scored item; codes: "
                f"{listing(sorted(used))}",
            )
        if code in points:
            add(
                (*base, "points", code),
                f"{code!r} is a 'not applicable' code, so it earns no points and leaves the "
                "denominator; remove it from points",
            )
    used -= set(not_applicable)
    for key in points:
        if key not in used and codes_complete:
            add(
                (*base, "points", key),
                f"{key!r} is not an answer code of any scored item; codes: "
                f"{listing(sorted(used))}{bool_hint(key)}",
            )
    for code in sorted(used - set(points)):
        users = [item_id for item_id, codes in codes_by_item.items() if code in codes]
        add(
            (*base, "points"),
            f"no points for answer {code!r} (an answer of {listing(users[:3])}"
            f'{" …" if len(users) > 3 else ""}); declare it, e.g. "{code}": 0',
        )
    if points and max(points.values()) <= 0:
        add((*base, "points"), "no answer earns points above 0, so every score is 0 %")

    bands = scoring["bands"]
    grades: dict[Any, int] = {}
    for i, band in enumerate(bands):
        if band["grade"] in grades:
            add(
                (*base, "bands", i, "grade"),
                f"grade {band['grade']!r} is used twice (first at $.scoring.bands"
                f"[{grades[band['grade']]}]); give each a different grade",
            )
        grades.setdefault(band["grade"], i)
        if i and band["min_percent"] >= bands[i - 1]["min_percent"]:
            add(
                (*base, "bands", i, "min_percent"),
                f"bands run from best to worst, so min_percent must fall: "
                f"{band['min_percent']:g} comes after {bands[i - 1]['min_percent']:g}",
            )
    if bands and bands[-1]["min_percent"] != 0:
        add(
            (*base, "bands", len(bands) - 1, "min_percent"),
            f"the last band starts at {bands[-1]['min_percent']:g} %, so a lower score "
            "would get no grade; make the last band start at 0",
        )

    denominator = scoring.get("denominator", "scored-items")
    if isinstance(denominator, int):
        if denominator < len(codes_by_item):
            add(
                (*base, "denominator"),
                f"a fixed denominator of {denominator} is below the {len(codes_by_item)} "
                "scored items, so a score could pass 100 %",
            )
        if scoring.get("unanswered") == "exclude":
            add(
                (*base, "unanswered"),
                "'exclude' leaves unanswered items out of the denominator, which needs "
                "denominator: scored-items, not a fixed number",
            )
    return out

"""The ``percentage-bands`` scorer: points per answer, a percentage, a grade band.

This is how the reference review used CASP: each scored item answered "yes"
earns 1 point, the total is a percentage of the maximum, and the percentage is
graded good (>= 60 %), fair (45-59 %) or poor (< 45 %). Everything here comes
from the checklist's ``scoring`` block (or the review's overrides): the points
of every answer code, what the percentage divides by, how unanswered items
count, and the bands. Nothing about CASP is hard-coded.

Arithmetic is exact (fractions), so a checklist whose answers sum to exactly
45 % is graded by the 45 % band, never by a rounding error.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import InstrumentError
from evidencekit.core.scoring import (
    FAVOURABLE,
    NOT_APPLICABLE,
    UNANSWERED,
    UNCLEAR,
    UNFAVOURABLE,
    AnswerProblem,
    is_unanswered,
)
from evidencekit.plugins.appraisal._percentage_rule import (
    ScoringRule,
    check_percentage_bands,
    scoring_schema,
)

BANDS_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["grade", "min_percent"],
        "properties": {
            "grade": {"type": "string", "minLength": 1},
            "min_percent": {"type": "number", "minimum": 0, "maximum": 100},
            "label": {"type": "string"},
        },
        "additionalProperties": False,
    },
}


def _exact(value: float | int) -> Fraction:
    # Fraction(str(0.49)) is 49/100 exactly; Fraction(0.49) would be a binary approximation.
    return Fraction(str(value))


def _level(
    points: dict[str, Fraction], code: str, codes: list[str], best: Fraction, worst: Fraction
) -> str:
    """Plot colour of an answer: full points favourable, none unfavourable, partial unclear.

    When several answers earn nothing (CASP: "can't tell" and "no" both 0), only the
    item's last-listed one is unfavourable and the others unclear, so a traffic-light
    plot still tells "can't tell" from "no".
    """
    earned = points[code]
    if earned == best:
        return FAVOURABLE
    if earned != worst:
        return UNCLEAR
    tied = [c for c in codes if points.get(c) == worst]
    if len(tied) > 1 and code != tied[-1]:
        return UNCLEAR
    return UNFAVOURABLE


class PercentageBandsScorer:
    """Points per answer code → percentage of the maximum → the band it reaches."""

    name = "percentage-bands"
    description = (
        "Points per answer code, summed over the scored items as a percentage of the "
        "maximum, graded by declared bands (CASP as used by the reference review)"
    )
    options_schema = {
        "type": "object",
        "properties": {
            "bands": BANDS_SCHEMA,
            "points": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "number"},
            },
            "denominator": {
                "anyOf": [{"const": "scored-items"}, {"type": "integer", "minimum": 1}]
            },
            "unanswered": {"enum": ["zero", "exclude"]},
            "not_applicable": {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "minLength": 1},
            },
        },
        "additionalProperties": False,
    }

    # -- the checklist's scoring block is this scorer's: its schema, checks and typed rule

    @property
    def scoring_schema(self) -> dict[str, Any]:
        """JSON Schema of ``scoring: {method: percentage-bands, points, bands, ...}``."""
        return scoring_schema()

    def check_scoring(self, checklist: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        """Points for every answer code of the scored items, falling bands ending at 0."""
        return check_percentage_bands(dict(checklist))

    def scoring_model(self, scoring: Mapping[str, Any]) -> ScoringRule:
        return ScoringRule.from_dict(dict(scoring))

    # -- the rule in force: the checklist's, with the review's overrides on top

    def _rule(self, checklist: Any, options: Mapping[str, Any]) -> dict[str, Any]:
        declared = checklist.scoring
        if declared is not None and not isinstance(declared, ScoringRule):
            declared = ScoringRule.from_dict(declared.raw)  # scored by a review's override
        rule: dict[str, Any] = {
            "points": dict(declared.points) if declared is not None else {},
            "denominator": declared.denominator if declared is not None else "scored-items",
            "unanswered": declared.unanswered if declared is not None else "zero",
            "bands": [{"grade": b.grade, "min_percent": b.min_percent} for b in declared.bands]
            if declared is not None
            else [],
            "not_applicable": list(getattr(declared, "not_applicable", None) or []),
        }
        for key in ("points", "denominator", "unanswered", "bands", "not_applicable"):
            if key in options:
                rule[key] = options[key]
        where = f"checklist {checklist.id}@{checklist.version} ({checklist.path or 'no file'})"
        if not rule["points"]:
            raise InstrumentError(
                f"{where} declares no points per answer; add scoring.points "
                "(e.g. yes: 1, no: 0, cant_tell: 0) or give 'points' in the review's options"
            )
        if not rule["bands"]:
            raise InstrumentError(
                f"{where} declares no grade bands; add scoring.bands or set 'bands' "
                "in the review's appraisal section"
            )
        rule["bands"] = sorted(rule["bands"], key=lambda b: -float(b["min_percent"]))
        if float(rule["bands"][-1]["min_percent"]) != 0:
            # say whose bands they are: a review's override, or the checklist's own
            whose = (
                "the bands the review sets (appraisal.bands or appraisal.overrides)"
                if "bands" in options
                else "its scoring.bands"
            )
            raise InstrumentError(
                f"{where}, with {whose}: the lowest grade band starts at "
                f"{rule['bands'][-1]['min_percent']:g}%, so a lower score would have no grade; "
                "let the last band start at 0"
            )
        return rule

    def check(
        self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]
    ) -> list[AnswerProblem]:
        """Every scored item needs an answer row (an empty answer counts as unanswered)."""
        rule = self._rule(checklist, options)
        problems = []
        for item in checklist.scored_items:
            if item.id not in answers:
                problems.append(
                    AnswerProblem(
                        item=item.id,
                        message=f"scored item {item.id} has no answer row; add one (leave the "
                        "answer empty if the item was left unanswered)",
                        allowed=", ".join(item.codes),
                    )
                )
            else:
                value = answers[item.id]
                if (
                    not is_unanswered(value)
                    and str(value) not in rule["points"]
                    and str(value) not in rule["not_applicable"]
                ):
                    problems.append(
                        AnswerProblem(
                            item=item.id,
                            value=str(value),
                            message=f"answer {value!r} to scored item {item.id} has no points in "
                            "the scoring rule",
                            allowed=", ".join(sorted(rule["points"])),
                        )
                    )
        return problems

    def score(
        self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Score one appraisal: ``answers`` maps item id → answer code (or empty)."""
        rule = self._rule(checklist, options)
        points = {code: _exact(p) for code, p in rule["points"].items()}
        best, worst = max(points.values()), min(points.values())
        if best <= 0:
            raise InstrumentError(
                f"checklist {checklist.id}: no answer earns points above 0, so no percentage "
                "can be computed; check scoring.points"
            )
        total = Fraction(0)
        counted = 0
        unanswered: list[str] = []
        not_applicable: list[str] = []
        levels: dict[str, str] = {}
        for item in checklist.scored_items:
            label = f"Q{item.number}"
            value = answers.get(item.id)
            if not is_unanswered(value) and str(value) in rule["not_applicable"]:
                # JBI-style "not applicable": neither points nor a place in the denominator
                not_applicable.append(item.id)
                levels[label] = NOT_APPLICABLE
                continue
            if is_unanswered(value):
                unanswered.append(item.id)
                levels[label] = UNANSWERED
                if rule["unanswered"] == "zero":
                    counted += 1
                continue
            code = str(value)
            if code not in points:
                raise InstrumentError(
                    f"checklist {checklist.id}: answer {code!r} to item {item.id} has no points; "
                    f"points are declared for: {', '.join(sorted(points))}"
                )
            total += points[code]
            counted += 1
            levels[label] = _level(points, code, item.codes, best, worst)
        if rule["denominator"] == "scored-items":
            items_in_denominator = counted
        else:
            # a fixed count (e.g. the paper's "10 items" for an 11-question form); items
            # left out as unanswered come off it too
            excluded = len(unanswered) if rule["unanswered"] == "exclude" else 0
            items_in_denominator = int(rule["denominator"]) - excluded - len(not_applicable)
        out_of = items_in_denominator * best
        if out_of <= 0:
            percent = None
            grade = None
        else:
            percent = total / out_of * 100
            grade = next(b["grade"] for b in rule["bands"] if percent >= _exact(b["min_percent"]))
        grade_index = [b["grade"] for b in rule["bands"]].index(grade) if grade else None
        n_bands = len(rule["bands"])
        grade_level = (
            None
            if grade_index is None
            else FAVOURABLE
            if grade_index == 0
            else UNFAVOURABLE
            if grade_index == n_bands - 1
            else UNCLEAR
        )
        return {
            "method": self.name,
            "score": float(total),
            "out_of": float(out_of),
            "score_percent": None if percent is None else float(percent),
            "grade": grade,
            "grade_level": grade_level,
            "grades": [b["grade"] for b in rule["bands"]],
            "items_counted": items_in_denominator,
            "unanswered": unanswered,
            "not_applicable": not_applicable,
            "levels": levels,
            "rule": {
                "points": {k: float(v) for k, v in points.items()},
                "denominator": rule["denominator"],
                "unanswered": rule["unanswered"],
                "not_applicable": rule["not_applicable"],
                "bands": rule["bands"],
            },
        }


@hookimpl
def evidencekit_appraisal_scorers() -> list[Any]:
    return [PercentageBandsScorer()]

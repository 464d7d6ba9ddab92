"""What providers return, typed, and the checks the core applies at the boundary.

A provider is third-party code: what it returns is checked where the core receives
it, and a malformed result stops with a message naming the provider and the plugin
it came from (``who``, e.g. ``appraisal scorer 'yes-count' (evidencekit-yes-count 0.1.0
(yes_count))``), never a blank column or a traceback further on.

- appraisal scorers return a :class:`ScoreResult` or a mapping with the same keys;
- validity analyses return a :class:`ValidityResult` or a mapping with a ``verdict``;
- deduplicators return a :class:`~evidencekit.core.duplicate_links.DedupeResult`;
- importers yield :class:`~evidencekit.core.model.Record` objects;
- pipeline steps return a :class:`~evidencekit.core.steps.StepOutcome`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.duplicate_links import DedupeResult, Link
from evidencekit.core.errors import EvidencekitError
from evidencekit.core.steps import StepOutcome

__all__ = [
    "DedupeResult",
    "Link",
    "ProviderResultError",
    "ScoreResult",
    "StepOutcome",
    "ValidityResult",
    "check_score_result",
    "check_validity_result",
]

_NUMBER = (int, float)


class ProviderResultError(EvidencekitError):
    """A provider returned something its contract does not allow (the plugin's bug)."""


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


@dataclass(frozen=True)
class ScoreResult:
    """One appraisal scored: the grade and how it was reached.

    ``grade`` is the grade (``None`` when none can be given); give the score as
    ``score_percent`` (0-100), or as ``score`` with ``out_of`` (the core then computes
    the percentage), or neither (a judgement-based scorer). ``details`` holds anything
    else the scorer wants reported (``levels`` per plotted column, ``grades`` in order
    from best to worst, ``grade_level``, a ``reason``...), kept in the study's details.
    """

    grade: str | None
    score_percent: float | None = None
    score: float | None = None
    out_of: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.details)
        if self.score is not None or self.out_of is not None:
            out["score"], out["out_of"] = self.score, self.out_of
        out["score_percent"] = self.score_percent
        out["grade"] = self.grade
        return out


def check_score_result(result: Any, who: str) -> dict[str, Any]:
    """A scorer's result as a dict with ``grade`` and ``score_percent``; raise
    :class:`ProviderResultError` naming ``who`` when it is malformed."""
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    if not isinstance(result, Mapping) or "grade" not in result:
        raise ProviderResultError(
            f"{who} returned {type(result).__name__}, not a mapping with a 'grade'; "
            "see docs/plugins.md"
        )
    out = dict(result)
    problems = []
    if out["grade"] is not None and not isinstance(out["grade"], str):
        problems.append(f"'grade' is {type(out['grade']).__name__}, not text or null")
    score, out_of = out.get("score"), out.get("out_of")
    if (score is None) != (out_of is None) and out.get("score_percent") is None:
        given, missing = ("score", "out_of") if out_of is None else ("out_of", "score")
        problems.append(
            f"'{given}' without '{missing}', so no percentage can be computed; "
            "return both, or 'score_percent'"
        )
    for key in ("score", "out_of", "score_percent"):
        if out.get(key) is not None and not _is_number(out[key]):
            problems.append(f"'{key}' is {out[key]!r}, not a number")
    percent = out.get("score_percent")
    if _is_number(percent) and not 0 <= percent <= 100:
        problems.append(f"'score_percent' is {percent}, outside 0-100")
    if problems:
        raise ProviderResultError(
            f"{who} returned a malformed score: {'; '.join(problems)}; "
            "report this to the plugin's authors"
        )
    if percent is None:
        out["score_percent"] = (
            100.0 * score / out_of if _is_number(score) and _is_number(out_of) and out_of else None
        )
    return out


@dataclass(frozen=True)
class ValidityResult:
    """One validity analysis: its numbers and a plain-language ``verdict``.

    ``values`` holds the statistics (plain, JSON-serialisable). When the data cannot
    support the analysis, say so in ``verdict`` (and a ``reason`` in ``values``)
    rather than raising.
    """

    verdict: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**self.values, "verdict": self.verdict}


def check_validity_result(result: Any, who: str) -> dict[str, Any]:
    """A validity analysis's result as a dict with a ``verdict``; raise
    :class:`ProviderResultError` naming ``who`` when it is malformed."""
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    if not isinstance(result, Mapping):
        raise ProviderResultError(
            f"{who} returned {type(result).__name__}, not a mapping with a 'verdict'; "
            "report this to the plugin's authors"
        )
    verdict = result.get("verdict")
    if not isinstance(verdict, str) or not verdict.strip():
        raise ProviderResultError(
            f"{who} returned a result without a 'verdict' sentence; report this to the "
            "plugin's authors"
        )
    return dict(result)

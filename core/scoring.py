"""What appraisal scorers share with the core: answer levels and answer problems.

Kept apart from ``core/appraisal/`` (reading, validating and scoring answer
files) so that scorer plugins import only this small module at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Levels a scorer gives each plotted column (item or domain) and the grade.
FAVOURABLE = "favourable"
UNCLEAR = "unclear"
UNFAVOURABLE = "unfavourable"
UNANSWERED = "unanswered"
NOT_APPLICABLE = "not-applicable"
LEVELS = (FAVOURABLE, UNCLEAR, UNFAVOURABLE, UNANSWERED, NOT_APPLICABLE)


def is_unanswered(value: Any) -> bool:
    """True for an answer row left empty (the reviewer gave no answer)."""
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class AnswerProblem:
    """A problem a scorer finds in one appraisal's answers (no file or row yet)."""

    message: str
    item: str | None = None
    value: str | None = None
    allowed: str | None = None

"""Screening stages, exclusion reasons and rules as review.yaml declares them.

The ``screening:`` section of review.yaml (schema: ``schemas/review.schema.json``)::

    screening:
      stages:                       # in order; default: title-abstract, then full-text
        - id: title-abstract
          maybe: include            # how a "maybe" counts: include | exclude | undecided
          decision_rule: single     # single | consensus | all-include
          reviewer: Ann             # single: whose decision stands where reviewers differ;
                                    # consensus: who records the consensus decisions
          reason_required: false
        - id: full-text
          maybe: undecided
          reason_required: true
          full_text: true           # "not-retrieved" may be recorded here
      reasons: [wrong population, wrong intervention, no influences reported]
      terms: {include: [peer support], exclude: [protocol]}   # highlighted when screening
      rules: {...}                  # machine-checkable criteria (the ``rules`` screener)
      files: [...]                  # decision files the ``screen`` pipeline step imports

Nothing here touches the store; :mod:`.state` reads decisions and applies these rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DECISIONS = ("include", "exclude", "maybe", "not-retrieved")
MAYBE_COUNTS = ("include", "exclude", "undecided")
DECISION_RULES = ("single", "consensus", "all-include")
#: The reason an automated exclusion is counted under (PRISMA 2020's wording).
AUTOMATION_REASON = "ineligible by automation tool"


@dataclass(frozen=True)
class Stage:
    """One screening stage and the rules that turn its decisions into a final one.

    * ``maybe``: how a reviewer's "maybe" counts (``include``, ``exclude`` or
      ``undecided``, i.e. the record stays pending).
    * ``decision_rule``: ``single`` (one reviewer's decision stands; where several
      reviewers differ, ``reviewer``'s decision stands, else it is a conflict),
      ``consensus`` (two reviewers agreeing, or ``reviewer``'s consensus decision,
      which always stands) or ``all-include`` (included only when at least two
      reviewers include and none excludes; one exclusion excludes).
    * ``reason_required``: an exclusion needs a reason from the declared list.
    * ``full_text``: the stage assesses full reports, so "not-retrieved" may be recorded.
    """

    name: str
    position: int
    maybe: str = "include"
    decision_rule: str = "single"
    reviewer: str | None = None
    reason_required: bool = False
    full_text: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.name,
            "position": self.position,
            "maybe": self.maybe,
            "decision_rule": self.decision_rule,
            "reviewer": self.reviewer,
            "reason_required": self.reason_required,
            "full_text": self.full_text,
        }


DEFAULT_STAGES = (
    Stage("title-abstract", 1, maybe="include"),
    Stage("full-text", 2, maybe="undecided", reason_required=True, full_text=True),
)


@dataclass(frozen=True)
class ScreeningConfig:
    """The whole ``screening:`` section, with defaults filled in."""

    stages: tuple[Stage, ...] = DEFAULT_STAGES
    reasons: tuple[str, ...] = ()
    include_terms: tuple[str, ...] = ()
    exclude_terms: tuple[str, ...] = ()
    rules: Mapping[str, Any] = field(default_factory=dict)
    files: tuple[Mapping[str, Any], ...] = ()

    def stage(self, name: str) -> Stage:
        """The stage called ``name``; a ScreeningError naming the declared ones if none."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        from evidencekit.core.errors import ScreeningError

        raise ScreeningError(
            f"unknown screening stage {name!r}; the review declares "
            f"{', '.join(s.name for s in self.stages)} (screening.stages in review.yaml)"
        )

    def reason(self, text: str) -> str | None:
        """The declared reason ``text`` names (case and spacing ignored), or None."""
        wanted = " ".join(text.split()).casefold()
        for reason in self.reasons:
            if " ".join(reason.split()).casefold() == wanted:
                return reason
        return None


def _stage(raw: Mapping[str, Any], position: int) -> Stage:
    name = str(raw["id"])
    full_text = bool(raw.get("full_text", name == "full-text"))
    return Stage(
        name=name,
        position=position,
        maybe=str(raw.get("maybe", "undecided" if full_text else "include")),
        decision_rule=str(raw.get("decision_rule", "single")),
        reviewer=(str(raw["reviewer"]) if raw.get("reviewer") else None),
        reason_required=bool(raw.get("reason_required", full_text)),
        full_text=full_text,
    )


def screening_config(review: Any) -> ScreeningConfig:
    """The review's screening settings (``review.section("screening")``) with defaults."""
    section = review.section("screening") if hasattr(review, "section") else dict(review or {})
    raw_stages = section.get("stages") or []
    stages = (
        tuple(_stage(s, i) for i, s in enumerate(raw_stages, 1)) if raw_stages else DEFAULT_STAGES
    )
    terms = section.get("terms") or {}
    return ScreeningConfig(
        stages=stages,
        reasons=tuple(str(r) for r in section.get("reasons") or ()),
        include_terms=tuple(str(t) for t in terms.get("include") or ()),
        exclude_terms=tuple(str(t) for t in terms.get("exclude") or ()),
        rules=dict(section.get("rules") or {}),
        files=tuple(dict(f) for f in section.get("files") or ()),
    )


def stages(review: Any) -> tuple[Stage, ...]:
    """The review's screening stages, in order (default: title-abstract, full-text)."""
    return screening_config(review).stages

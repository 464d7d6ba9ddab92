"""Screening: reviewer decisions at declared stages, automated exclusions, samples.

The contract (what other parts of evidencekit, PRISMA among them, may rely on):

* **Stages** are declared in review.yaml's ``screening.stages`` (default:
  ``title-abstract``, then ``full-text``); :func:`stages` returns them in order as
  :class:`Stage` objects carrying their rules (how ``maybe`` counts, the decision
  rule, whether a reason is required, whether it is a full-text stage).
* **Decisions** are record × stage × reviewer (``include`` / ``exclude`` /
  ``maybe`` / ``not-retrieved``, with reason, note, time, an optional study id).
  They belong to the **primary record** of the record's duplicate cluster: every
  record id this package returns is a primary record id (:func:`primary_of` maps
  any record to its primary). A reviewer has at most one current decision per
  primary record and stage.
* **Populations**: the first stage screens every primary record; each later stage
  screens the records whose final decision at the stage before is ``include``
  (:func:`stage_population`).
* **Final decisions**: :func:`final_decisions` gives one :class:`FinalDecision`
  for every record of a stage's population, after the stage's rules, with
  ``outcome`` one of ``include``, ``exclude``, ``not-retrieved``, ``pending``,
  ``conflict``, and ``automated=True`` (reason ``"ineligible by automation
  tool"``, ``rule`` = the rule that fired) where an automation tool excluded the
  record and no person decided it.
* **Samples**: :func:`samples` lists the recorded dual-screen samples (stage,
  reviewer, seed, fraction or n, stratification, the sampled record ids).

Reading never changes the store. For several questions at once, read the state
once: ``state = load_state(review)``, then ``state.final(stage)``,
``state.population(stage)``, ``state.decisions``, ``state.automated``,
``state.samples``, ``state.primary_of``.

Writing: :func:`record_decisions` (checked, one transaction) and
:func:`record_automated_exclusions` in :mod:`.write`.
"""

from __future__ import annotations

from typing import Any

from evidencekit.core.screening.config import (
    AUTOMATION_REASON,
    DECISION_RULES,
    DECISIONS,
    MAYBE_COUNTS,
    ScreeningConfig,
    Stage,
    screening_config,
    stages,
)
from evidencekit.core.screening.state import (
    OUTCOMES,
    AutomatedExclusion,
    FinalDecision,
    Sample,
    ScreeningDecision,
    ScreeningState,
    load_state,
)
from evidencekit.core.screening.write import (
    NewDecision,
    record_automated_exclusions,
    record_decisions,
    remove_decision,
)


def final_decisions(review: Any, stage: str) -> dict[str, FinalDecision]:
    """primary record id → :class:`FinalDecision` for every record screened at ``stage``."""
    return load_state(review).final(stage)


def stage_population(review: Any, stage: str) -> list[str]:
    """The primary record ids screened at ``stage``, sorted."""
    return load_state(review).population(stage)


def decisions(
    review: Any, stage: str | None = None, reviewer: str | None = None
) -> list[ScreeningDecision]:
    """The current decisions, optionally of one stage and/or reviewer."""
    return [
        d
        for d in load_state(review).decisions
        if (stage is None or d.stage == stage) and (reviewer is None or d.reviewer == reviewer)
    ]


def automated_exclusions(review: Any, stage: str | None = None) -> list[AutomatedExclusion]:
    """The automated exclusions stored, optionally of one stage."""
    return [a for a in load_state(review).automated if stage is None or a.stage == stage]


def samples(review: Any, stage: str | None = None) -> list[Sample]:
    """The recorded dual-screen samples, optionally of one stage, oldest first."""
    return [s for s in load_state(review).samples if stage is None or s.stage == stage]


def primary_of(review: Any) -> dict[str, str]:
    """Every stored record id → the primary record of its duplicate cluster."""
    return load_state(review).primary_of


__all__ = [
    "AUTOMATION_REASON",
    "DECISIONS",
    "DECISION_RULES",
    "MAYBE_COUNTS",
    "OUTCOMES",
    "AutomatedExclusion",
    "FinalDecision",
    "NewDecision",
    "Sample",
    "ScreeningConfig",
    "ScreeningDecision",
    "ScreeningState",
    "Stage",
    "automated_exclusions",
    "decisions",
    "final_decisions",
    "load_state",
    "primary_of",
    "record_automated_exclusions",
    "record_decisions",
    "remove_decision",
    "samples",
    "screening_config",
    "stage_population",
    "stages",
]

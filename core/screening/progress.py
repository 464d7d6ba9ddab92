"""What each reviewer still has to screen, the decisions as CSV, and agreement.

A reviewer's assignment at a stage is the union of their samples there, or, for a
reviewer without a sample, every record of the stage that no automation tool
excluded. The queue is the assignment less what they have decided, in record order.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from evidencekit.core.errors import ScreeningError

#: The columns of `decisions export`, in order.
EXPORT_COLUMNS = ("record_id", "stage", "reviewer", "decision", "reason", "note", "time")


def assignment(state: Any, stage: str, reviewer: str) -> list[str]:
    """The records ``reviewer`` is to screen at ``stage``, in population order."""
    finals = state.final(stage)
    population = [r for r in state.population(stage) if not finals[r].automated]
    sampled = {
        r
        for s in state.samples
        if s.stage == stage and s.reviewer == reviewer
        for r in s.record_ids
    }
    return [r for r in population if r in sampled] if sampled else population


def to_screen(state: Any, stage: str, reviewer: str) -> list[str]:
    """The records of ``reviewer``'s assignment they have not decided yet."""
    decided = {d.record_id for d in state.decisions if d.stage == stage and d.reviewer == reviewer}
    return [r for r in assignment(state, stage, reviewer) if r not in decided]


def reviewers_at(state: Any, stage: str) -> list[str]:
    """Everyone who decided, or was given a sample, at ``stage`` (plus the named reviewer)."""
    names = {d.reviewer for d in state.decisions if d.stage == stage}
    names |= {s.reviewer for s in state.samples if s.stage == stage}
    named = state.config.stage(stage).reviewer
    if named:
        names.add(named)
    return sorted(names)


def queue(
    state: Any, stage: str | None = None, reviewer: str | None = None
) -> list[dict[str, Any]]:
    """One entry per stage × reviewer: assigned, decided, remaining and the remaining ids."""
    stages = [state.config.stage(stage)] if stage else list(state.config.stages)
    out = []
    for s in stages:
        names = [reviewer] if reviewer else reviewers_at(state, s.name)
        for name in names:
            assigned = assignment(state, s.name, name)
            remaining = to_screen(state, s.name, name)
            out.append(
                {
                    "stage": s.name,
                    "reviewer": name,
                    "assigned": len(assigned),
                    "decided": len(assigned) - len(remaining),
                    "remaining": len(remaining),
                    "records": remaining,
                }
            )
    return out


def export_csv(state: Any, stage: str | None = None, reviewer: str | None = None) -> str:
    """The current decisions as CSV (``EXPORT_COLUMNS``), by stage order, reviewer, record."""
    if stage:
        state.config.stage(stage)
    order = {s.name: s.position for s in state.config.stages}
    rows = [
        d
        for d in state.decisions
        if (stage is None or d.stage == stage) and (reviewer is None or d.reviewer == reviewer)
    ]
    rows.sort(key=lambda d: (order.get(d.stage, 99), d.stage, d.reviewer, d.record_id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for d in rows:
        writer.writerow([d.record_id, d.stage, d.reviewer, d.decision, d.reason, d.note, d.time])
    return buffer.getvalue()


def agreement_report(state: Any, stage: str, reviewers: list[str] | None = None) -> dict[str, Any]:
    """Agreement between reviewers at ``stage`` on the records two or more decided.

    Decisions are compared as they count (a ``maybe`` as the stage's ``maybe``
    setting says). Every pair gets n, percent agreement, Cohen's kappa, PABAK,
    Gwet's AC1 and the prevalence and bias indices; three or more reviewers also
    Fleiss' kappa, Krippendorff's alpha and Gwet's AC1 for all of them
    (:func:`evidencekit.core.agreement.screening_agreement`), with the records they
    disagree on. Keys: ``stage`` plus those of ``ScreeningAgreement.to_dict()``.
    """
    from evidencekit.core.agreement import screening_agreement

    current = state.config.stage(stage)
    names = reviewers or sorted({d.reviewer for d in state.decisions if d.stage == stage})
    if len(names) < 2:
        raise ScreeningError(
            f"agreement at {stage!r} needs decisions by two reviewers; found "
            f"{', '.join(names) or 'none'}"
        )
    votes: dict[str, dict[str, str]] = {}
    for d in state.decisions:
        if d.stage == stage and d.reviewer in names:
            votes.setdefault(d.reviewer, {})[d.record_id] = (
                current.maybe if d.decision == "maybe" else d.decision
            )
    for name in names:
        if name not in votes:
            raise ScreeningError(
                f"reviewer {name!r} has no decisions at {stage!r}; reviewers "
                f"with decisions there: {', '.join(sorted(votes)) or 'none'}"
            )
    try:
        result = screening_agreement(votes, reviewers=names)
    except ValueError as err:
        raise ScreeningError(f"agreement at {stage!r}: {err}") from None
    return {"stage": stage, **result.to_dict()}


def stage_counts(state: Any) -> list[dict[str, Any]]:
    """Per stage: records screened, the final outcomes, automated exclusions and the
    exclusion reasons with their counts."""
    out = []
    for stage in state.config.stages:
        finals = state.final(stage.name).values()
        outcomes = dict.fromkeys(("include", "exclude", "not-retrieved", "pending", "conflict"), 0)
        reasons: dict[str, int] = {}
        automated = 0
        for f in finals:
            outcomes[f.outcome] += 1
            if f.automated:
                automated += 1
            elif f.outcome == "exclude":
                key = f.reason or "(no reason given)"
                reasons[key] = reasons.get(key, 0) + 1
        out.append(
            {
                "stage": stage.name,
                "records": len(finals),
                **outcomes,
                "excluded_by_automation": automated,
                "reasons": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
                "reviewers": reviewers_at(state, stage.name),
            }
        )
    return out

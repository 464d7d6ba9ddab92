"""Reading screening from the store: decisions, automated exclusions, samples, and
the final decision on each record at each stage after the declared rules.

Everything is read in one transaction into a :class:`ScreeningState`; the
module-level functions of :mod:`evidencekit.core.screening` are shortcuts to it.
Decisions are keyed by the *primary record* of the record's duplicate cluster:
a decision stored on a record that has since become a duplicate is read as a
decision on its cluster's primary (the latest one wins if a reviewer decided two
records of one cluster; :func:`evidencekit.core.screening.carry.carry_over`
rewrites the store the same way and reports it).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from evidencekit.core.screening.config import (
    AUTOMATION_REASON,
    ScreeningConfig,
    Stage,
    screening_config,
)

#: The outcomes of :class:`FinalDecision`.
OUTCOMES = ("include", "exclude", "not-retrieved", "pending", "conflict")


@dataclass(frozen=True)
class ScreeningDecision:
    """One reviewer's decision on one record at one stage, as stored."""

    record_id: str  # the primary record of its cluster now
    stage: str
    reviewer: str
    decision: str  # include | exclude | maybe | not-retrieved
    reason: str
    note: str
    time: str
    study_id: str = ""
    origin: str = ""
    first_record_id: str = ""  # the record the decision was made on
    decision_id: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AutomatedExclusion:
    """A record an automation tool found ineligible, with the rule that fired."""

    record_id: str
    stage: str
    tool: str
    rule: str
    detail: str
    time: str


@dataclass(frozen=True)
class Sample:
    """A recorded dual-screen sample: who screens which records, drawn with which seed."""

    sample_id: int
    stage: str
    reviewer: str
    seed: int
    fraction: float | None
    n: int | None
    stratify_by: str | None
    population: int
    record_ids: tuple[str, ...]
    time: str


@dataclass(frozen=True)
class FinalDecision:
    """A record's decision at one stage after the stage's rules.

    ``outcome`` is ``include``, ``exclude``, ``not-retrieved`` (a full text that
    could not be obtained), ``pending`` (not enough decisions yet, or only
    "maybe"s that count as undecided) or ``conflict`` (reviewers differ and the
    rule names nobody to settle it). ``automated`` is true when the exclusion
    comes from an automation tool (``reason`` is then ``"ineligible by
    automation tool"`` and ``rule`` the rule that fired); a person's decision on
    the record overrides the tool. ``reviewers`` lists who decided, ``study_id``
    the study an included report belongs to, when a reviewer declared one.
    """

    record_id: str
    stage: str
    outcome: str
    reason: str = ""
    automated: bool = False
    rule: str = ""
    reviewers: tuple[str, ...] = ()
    study_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["reviewers"] = list(self.reviewers)
        return out


def _vote(stage: Stage, decision: str) -> str:
    """A decision as it counts: a maybe becomes the stage's ``maybe`` setting."""
    return stage.maybe if decision == "maybe" else decision


def combine(
    stage: Stage,
    record_id: str,
    human: Sequence[ScreeningDecision],
    automated: Sequence[AutomatedExclusion] = (),
) -> FinalDecision:
    """The final decision on ``record_id`` from its decisions at ``stage`` (see :class:`Stage`)."""
    if not human:
        if automated:
            first = sorted(automated, key=lambda a: (a.tool, a.rule))[0]
            return FinalDecision(
                record_id, stage.name, "exclude", AUTOMATION_REASON, True, first.rule
            )
        return FinalDecision(record_id, stage.name, "pending")
    by_reviewer = {d.reviewer: d for d in sorted(human, key=lambda d: d.reviewer)}
    reviewers = tuple(by_reviewer)
    votes = {r: _vote(stage, d.decision) for r, d in by_reviewer.items()}
    decided = {r: v for r, v in votes.items() if v != "undecided"}

    def final(outcome: str, who: Sequence[str]) -> FinalDecision:
        reason = ""
        if outcome == "exclude":
            reason = next((by_reviewer[r].reason for r in who if by_reviewer[r].reason), "")
        study = ""
        if outcome == "include":
            study = next((by_reviewer[r].study_id for r in who if by_reviewer[r].study_id), "")
        return FinalDecision(record_id, stage.name, outcome, reason, False, "", reviewers, study)

    named = stage.reviewer
    if stage.decision_rule == "all-include":
        for outcome in ("exclude", "not-retrieved"):
            who = [r for r, v in decided.items() if v == outcome]
            if who:
                return final(outcome, who)
        includes = [r for r, v in decided.items() if v == "include"]
        return final("include", includes) if len(includes) >= 2 else final("pending", [])
    if stage.decision_rule == "consensus" and named in decided:
        return final(decided[named], [named])
    outcomes = set(decided.values())
    if len(outcomes) == 1:
        if stage.decision_rule == "consensus" and len(decided) < 2:
            return final("pending", [])
        outcome = outcomes.pop()
        return final(outcome, [r for r, v in decided.items() if v == outcome])
    if not outcomes:
        return final("pending", [])
    if stage.decision_rule == "single" and named in decided:
        return final(decided[named], [named])
    return final("conflict", [])


class ScreeningState:
    """Everything screening keeps in the store, read at once, with the review's rules."""

    def __init__(
        self,
        config: ScreeningConfig,
        primary_of: Mapping[str, str],
        decisions: Sequence[ScreeningDecision],
        automated: Sequence[AutomatedExclusion],
        samples: Sequence[Sample],
    ):
        self.config = config
        self.primary_of = dict(primary_of)
        self.all_decisions = list(decisions)
        self.automated = list(automated)
        self.samples = list(samples)
        # The current decision of each (primary, stage, reviewer): the latest stored.
        current: dict[tuple[str, str, str], ScreeningDecision] = {}
        for d in sorted(decisions, key=lambda d: (d.time, d.decision_id)):
            current[(d.record_id, d.stage, d.reviewer)] = d
        self.decisions = sorted(current.values(), key=lambda d: (d.stage, d.reviewer, d.record_id))

    @functools.cached_property
    def primaries(self) -> list[str]:
        """Every primary record (one per de-duplicated record), sorted."""
        return sorted(set(self.primary_of.values()))

    def decisions_at(self, stage: str) -> dict[str, list[ScreeningDecision]]:
        """primary record → the current decisions of every reviewer at ``stage``."""
        out: dict[str, list[ScreeningDecision]] = defaultdict(list)
        for d in self.decisions:
            if d.stage == stage:
                out[d.record_id].append(d)
        return out

    def population(self, stage: str) -> list[str]:
        """The records screened at ``stage``: every primary at the first stage, else
        those whose final decision at the stage before is ``include``."""
        current = self.config.stage(stage)
        if current.position == 1:
            return self.primaries
        before = self.config.stages[current.position - 2]
        return sorted(r for r, f in self.final(before.name).items() if f.outcome == "include")

    @functools.cache  # noqa: B019 - the state is read-only and short-lived
    def final(self, stage: str) -> dict[str, FinalDecision]:
        """primary record → :class:`FinalDecision`, for every record in the stage's population."""
        current = self.config.stage(stage)
        human = self.decisions_at(stage)
        auto: dict[str, list[AutomatedExclusion]] = defaultdict(list)
        for a in self.automated:
            if a.stage == stage:
                auto[self.primary_of.get(a.record_id, a.record_id)].append(a)
        out = {}
        for record_id in self.population(stage):
            out[record_id] = combine(
                current, record_id, human.get(record_id, []), auto.get(record_id, [])
            )
        return out


def primary_map(conn: Any) -> dict[str, str]:
    """record id → the primary record of its cluster, for every stored record.

    Records imported after the last de-duplication are their own primary.
    """
    import sqlalchemy as sa

    from evidencekit.core.store import schema

    ids = conn.execute(sa.select(schema.records.c.record_id)).scalars().all()
    t = schema.clusters
    rows = conn.execute(sa.select(t.c.record_id, t.c.cluster_id, t.c.is_primary)).all()
    primary_of_cluster = {row.cluster_id: row.record_id for row in rows if row.is_primary}
    cluster_of = {row.record_id: row.cluster_id for row in rows}
    out = {}
    for rid in ids:
        cid = cluster_of.get(rid)
        out[rid] = primary_of_cluster.get(cid, rid) if cid is not None else rid
    return out


def read_state(conn: Any, config: ScreeningConfig) -> ScreeningState:
    """Read every screening table through ``conn`` (one transaction)."""
    import sqlalchemy as sa

    from evidencekit.core.store import schema

    primary_of = primary_map(conn)
    t = schema.screening_decisions
    decisions = [
        ScreeningDecision(
            record_id=primary_of.get(row.record_id, row.record_id),
            stage=row.stage,
            reviewer=row.reviewer,
            decision=row.decision,
            reason=row.reason,
            note=row.note,
            time=row.decided_at,
            study_id=row.study_id,
            origin=row.origin,
            first_record_id=row.first_record_id,
            decision_id=row.decision_id,
        )
        for row in conn.execute(sa.select(t).order_by(t.c.decision_id))
    ]
    a = schema.automated_exclusions
    automated = [
        AutomatedExclusion(row.record_id, row.stage, row.tool, row.rule, row.detail, row.decided_at)
        for row in conn.execute(sa.select(a).order_by(a.c.stage, a.c.record_id, a.c.rule))
    ]
    members: dict[int, list[str]] = defaultdict(list)
    sr = schema.screening_sample_records
    for row in conn.execute(sa.select(sr).order_by(sr.c.sample_id, sr.c.record_id)):
        members[row.sample_id].append(row.record_id)
    s = schema.screening_samples
    # A sampled record that has since joined another cluster counts as its primary.
    samples = [
        Sample(
            row.sample_id,
            row.stage,
            row.reviewer,
            int(row.seed),
            row.fraction,
            row.n,
            row.stratify_by,
            row.population,
            tuple(dict.fromkeys(primary_of.get(r, r) for r in members[row.sample_id])),
            row.created_at,
        )
        for row in conn.execute(sa.select(s).order_by(s.c.sample_id))
    ]
    return ScreeningState(config, primary_of, decisions, automated, samples)


def load_state(review: Any) -> ScreeningState:
    """Open the review's store and read its screening state."""
    from evidencekit.core.store import open_store

    config = screening_config(review)
    with open_store(review) as store, store.read() as conn:
        return read_state(conn, config)

"""Prioritised screening on a review's store: the ranked queue, stopping-rule status, and a
store's final decisions as a labelled set for ``evidencekit simulate``.

Settings come from review.yaml::

    screening:
      prioritisation:
        model: active-learning          # a ranking screener (default)
        options: {classifier: svm}      # its options
        seed: 0
        stopping:
          combine: any                  # or all
          rules:
            - {name: hypergeometric, options: {recall: 0.95, confidence: 0.95}}
            - {name: consecutive-irrelevant, options: {n: 100}}

Labels are the stage's final decisions (after its rules): ``include`` is relevant,
``exclude`` (automated exclusions too) irrelevant; pending, conflicting and not-retrieved
records are not labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.prioritisation import (
    RankingContext,
    RuleSpec,
    ScreeningHistory,
    StopVerdict,
    combined,
    evaluate,
    rank,
)

LABEL = {"include": 1, "exclude": 0}


@dataclass
class PrioritySettings:
    """The ``screening.prioritisation`` section with defaults filled in."""

    model: str = "active-learning"
    options: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    combine: str = "any"
    rules: list[RuleSpec] | None = None  # None: every registered rule, default options


def settings(review: Any) -> PrioritySettings:
    """Read ``screening.prioritisation`` from review.yaml."""
    section = (review.section("screening") or {}).get("prioritisation") or {}
    stopping = section.get("stopping") or {}
    rules = stopping.get("rules")
    return PrioritySettings(
        model=str(section.get("model", "active-learning")),
        options=dict(section.get("options") or {}),
        seed=int(section.get("seed", 0)),
        combine=str(stopping.get("combine", "any")),
        rules=None
        if rules is None
        else [RuleSpec(str(r["name"]), dict(r.get("options") or {})) for r in rules],
    )


def _records(review: Any, record_ids: Sequence[str]) -> list[Any]:
    from evidencekit.core.store import open_store, rows

    with open_store(review) as store, store.read() as conn:
        loaded = {
            r.record_id: r
            for r in rows.load_records(conn, record_ids=list(record_ids), with_raw=False)
        }
    return [loaded[r] for r in record_ids]


class RankedQueue:
    """Orders a reviewer's queue by the ranking screener, retraining on each new decision.

    The stage's population is ranked (features are computed once and kept); records of the
    queue that someone else has already decided keep their store order, after the ranked
    ones. ``order(queue, labels)`` is called again after every decision.
    """

    def __init__(self, review: Any, stage: str):
        from evidencekit.core.screening import load_state

        self.review = review
        self.settings = settings(review)
        self.registry = review.registry
        self.options = self.registry.validate_options(
            "screener", self.settings.model, self.settings.options
        )
        state = load_state(review)
        self.stage = stage
        self.population = state.population(stage)
        self.index = {r: i for i, r in enumerate(self.population)}
        self.records = _records(review, self.population)
        self.cache: dict[str, Any] = {}
        self.labels = {
            r: LABEL[f.outcome] for r, f in state.final(stage).items() if f.outcome in LABEL
        }
        self.parameters: dict[str, Any] = {}

    def record(self, record_id: str, decision: str) -> None:
        """Take a new decision into account (``include`` relevant, else irrelevant)."""
        if decision in ("include", "maybe"):
            self.labels[record_id] = 1
        elif decision == "exclude":
            self.labels[record_id] = 0

    def forget(self, record_id: str) -> None:
        self.labels.pop(record_id, None)

    def order(self, queue: Sequence[str]) -> list[str]:
        """``queue`` reordered: most likely relevant first."""
        known = {self.index[r]: v for r, v in self.labels.items() if r in self.index}
        if len(set(known.values())) < 2:
            return list(queue)  # nothing to learn from yet: keep the store's order
        ranking = rank(
            self.registry,
            self.settings.model,
            self.records,
            self.options,
            RankingContext(known, seed=self.settings.seed, cache=self.cache),
        )
        self.parameters = ranking.parameters
        position = {self.population[p]: i for i, p in enumerate(ranking.order)}
        late = len(position)
        in_queue = {r: i for i, r in enumerate(queue)}
        return sorted(queue, key=lambda r: (position.get(r, late), in_queue[r]))


def history(review: Any, stage: str) -> ScreeningHistory:
    """The stage's final labels in the order records were first decided."""
    from evidencekit.core.screening import load_state

    state = load_state(review)
    finals = state.final(stage)
    population = state.population(stage)
    first: dict[str, str] = {}
    for decision in sorted(
        (d for d in state.decisions if d.stage == stage), key=lambda d: (d.time, d.decision_id)
    ):
        first.setdefault(decision.record_id, decision.time)
    decided = sorted(
        (r for r in first if r in finals and finals[r].outcome in LABEL), key=lambda r: first[r]
    )
    return ScreeningHistory([LABEL[finals[r].outcome] for r in decided], n_total=len(population))


def status(review: Any, stage: str | None = None) -> dict[str, Any]:
    """Each stopping rule's verdict and reason for ``stage`` (default: the first stage with
    records left to decide, else the last), and the combined verdict."""
    from evidencekit.core.screening import load_state

    config = load_state(review).config
    if stage is None:
        stage = _current_stage(review, [s.name for s in config.stages])
    else:
        config.stage(stage)  # unknown stage: an error naming the declared ones
    prio = settings(review)
    rules = (
        prio.rules
        if prio.rules is not None
        else [RuleSpec(n) for n in review.registry.names("stopping-rule")]
    )
    past = history(review, stage)
    verdicts = evaluate(review.registry, rules, past)
    overall: StopVerdict = combined(verdicts, prio.combine)
    return {
        "stage": stage,
        "screened": past.n_screened,
        "relevant": past.n_relevant,
        "records": past.n_total,
        "combine": prio.combine,
        "rules": [
            {"rule": spec.name, "options": spec.options, "stop": v.stop, "reason": v.reason}
            for spec, v in verdicts
        ],
        "stop": overall.stop,
        "reason": overall.reason,
    }


def _current_stage(review: Any, names: list[str]) -> str:
    from evidencekit.core.screening import load_state

    state = load_state(review)
    for name in names:
        if any(f.outcome == "pending" for f in state.final(name).values()):
            return name
    return names[-1]


def labelled_from_review(review: Any, stage: str | None = None) -> Any:
    """The records of ``stage`` (default: the first) with a final include/exclude decision,
    labelled 1/0, as a :class:`~evidencekit.core.labelled.LabelledSet`."""
    from evidencekit.core.labelled import LabelledSet, check_simulable
    from evidencekit.core.screening import load_state

    state = load_state(review)
    stage = stage or state.config.stages[0].name
    state.config.stage(stage)
    finals = state.final(stage)
    ids = [r for r in state.population(stage) if finals[r].outcome in LABEL]
    if not ids:
        raise EvidencekitError(
            f"{review.root}: no record has a final include/exclude decision "
            f"at {stage}; record decisions first (evidencekit decisions "
            "import, evidencekit screen)"
        )
    data = LabelledSet(
        _records(review, ids),
        [LABEL[finals[r].outcome] for r in ids],
        f"{review.root} ({stage})",
        f"final decision at {stage}",
    )
    check_simulable(data)
    left = len(finals) - len(ids)
    if left:
        data.warnings.append(
            f"{review.root}: {left} records of {stage} have no final "
            "include/exclude decision (pending, conflict or not retrieved); "
            "they are left out of the simulation"
        )
    return data

"""``evidencekit simulate``: replay a labelled dataset through a ranking screener.

The simulated reviewer labels the prior records first (chosen at random, seeded, among the
included and the excluded), then the records in the order the screener ranks them. The
model is retrained after every relevant record, and after irrelevant ones every
``max(batch_size, retrain_lag * labelled)`` records (``retrain_lag`` 0 and ``batch_size`` 1:
after every record, as ASReview does). Once every included record has been found
the remaining records are all irrelevant, so no metric and no stopping rule can depend on
their order: they are appended in the last ranking's order without retraining (ASReview's
simulations stop at the same point).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.labelled import LabelledSet
from evidencekit.core.prioritisation import (
    RankingContext,
    RuleSpec,
    ScreeningHistory,
    check_verdict,
    rank,
)
from evidencekit.core.screening_metrics import summary

DEFAULT_MODEL = "active-learning"
#: Retrain after every record, as ASReview's simulation does, so the benchmark compares
#: like with like (docs/prioritisation.md); a lag (``--retrain-lag``) is faster.
DEFAULT_RETRAIN_LAG = 0.0


def choose_priors(labels: Sequence[int], n_included: int, n_excluded: int, seed: int) -> list[int]:
    """Seeded choice of prior records: ``n_included`` included then ``n_excluded`` excluded.

    Uses Python's ``random.Random`` (its ``sample`` is stable across versions and
    machines), so the same seed gives the same priors everywhere.
    """
    included = [i for i, label in enumerate(labels) if label]
    excluded = [i for i, label in enumerate(labels) if not label]
    if n_included < 0 or n_excluded < 0:
        raise EvidencekitError("the numbers of prior records cannot be negative")
    if n_included > len(included) or n_excluded > len(excluded):
        raise EvidencekitError(
            f"asked for {n_included} included and {n_excluded} excluded prior records, but the "
            f"dataset has {len(included)} included and {len(excluded)} excluded; ask for fewer"
        )
    if n_included + n_excluded == 0:
        raise EvidencekitError(
            "give at least one prior record (--prior-included 1 --prior-excluded 1 is usual)"
        )
    rng = random.Random(seed)
    return rng.sample(included, n_included) + rng.sample(excluded, n_excluded)


@dataclass
class SimulationResult:
    """Everything a simulation produced, and everything needed to reproduce it."""

    order: list[int]
    labels_in_order: list[int]
    metrics: dict[str, Any]
    seconds: float
    stopping: list[dict[str, Any]]
    parameters: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` object: figures first, then order, stopping points, parameters."""
        return {
            **self.metrics,
            "seconds": round(self.seconds, 3),
            "order": self.order,
            "stopping": self.stopping,
            "parameters": self.parameters,
            "warnings": self.warnings,
        }


def simulate(
    data: LabelledSet,
    registry: Any,
    *,
    prior_included: int = 1,
    prior_excluded: int = 1,
    seed: int = 0,
    model: str = DEFAULT_MODEL,
    model_options: Mapping[str, Any] | None = None,
    rules: Sequence[RuleSpec] | None = None,
    batch_size: int = 1,
    retrain_lag: float = DEFAULT_RETRAIN_LAG,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Replay ``data`` through screener ``model``; see the module docstring."""
    if batch_size < 1:
        raise EvidencekitError("--batch-size must be at least 1")
    if not 0 <= retrain_lag < 1:
        raise EvidencekitError("--retrain-lag must be in [0, 1)")
    options = registry.validate_options("screener", model, model_options)
    rules = list(default_rules(registry) if rules is None else rules)
    for spec in rules:  # check names and options before the long part
        registry.validate_options("stopping-rule", spec.name, spec.options)
    started = time.perf_counter()
    priors = choose_priors(data.labels, prior_included, prior_excluded, seed)
    n, n_included = len(data.labels), data.n_included
    known = {i: data.labels[i] for i in priors}
    order = list(priors)
    found = sum(known.values())
    context = RankingContext(known, seed=seed)
    ranking = None
    retrains = 0
    while found < n_included and len(order) < n:
        ranking = rank(registry, model, data.records, options, context)
        retrains += 1
        # Retrain at once after a relevant record; after irrelevant ones only every
        # max(batch_size, retrain_lag * labelled) records, as a background retrain would
        # lag behind a reviewer who keeps screening.
        budget = max(batch_size, int(retrain_lag * len(known)))
        for taken, position in enumerate(ranking.order, start=1):
            order.append(position)
            known[position] = data.labels[position]
            found += data.labels[position]
            if found == n_included or data.labels[position] or taken >= budget:
                break
        if progress is not None:
            progress(found, n_included)
    if len(order) < n:
        rest = ranking.order if ranking is not None else range(n)
        order.extend(p for p in rest if p not in known)
    labels_in_order = [data.labels[i] for i in order]
    ranking_seconds = time.perf_counter() - started
    stopping = stopping_points(registry, rules, labels_in_order, n_prior=len(priors))
    seconds = time.perf_counter() - started
    parameters = {
        "dataset": data.source,
        "label_column": data.label_column,
        "seed": seed,
        "prior_included": prior_included,
        "prior_excluded": prior_excluded,
        "priors": priors,
        "model": model,
        "model_options": dict(options),
        "model_parameters": ranking.parameters if ranking is not None else {},
        "batch_size": batch_size,
        "retrain_lag": retrain_lag,
        "retrains": retrains,
        "ranking_seconds": round(ranking_seconds, 3),
        "stopping_rules": [{"name": s.name, "options": s.options} for s in rules],
    }
    return SimulationResult(
        order,
        labels_in_order,
        summary(labels_in_order),
        seconds,
        stopping,
        parameters,
        list(data.warnings),
    )


def default_rules(registry: Any) -> list[RuleSpec]:
    """Every registered stopping rule with its default options."""
    return [RuleSpec(name) for name in registry.names("stopping-rule")]


def stopping_points(
    registry: Any, rules: Sequence[RuleSpec], labels_in_order: Sequence[int], *, n_prior: int
) -> list[dict[str, Any]]:
    """For each rule: after how many records it first says stop, and the recall then."""
    n, total = len(labels_in_order), sum(labels_in_order)
    found_after = [0]
    for label in labels_in_order:
        found_after.append(found_after[-1] + label)
    out = []
    for spec in rules:
        point: dict[str, Any] = {
            "rule": spec.name,
            "options": spec.options,
            "fired_at": None,
            "fraction_screened": None,
            "recall": None,
            "reason": "",
        }
        options = registry.validate_options("stopping-rule", spec.name, spec.options)
        info = registry.info("stopping-rule", spec.name)
        # A rule may offer first_stop (the same answer as checking every length, found
        # with fewer checks: the hypergeometric rule's); then only that length is checked.
        first = getattr(info.provider, "first_stop", None)
        lengths: Any = range(max(n_prior, 1), n + 1)
        if first is not None:
            at = first(labels_in_order, n, n_prior, options)
            lengths = [] if at is None else [at]
        for k in lengths:
            history = ScreeningHistory(labels_in_order[:k], n_total=n, n_prior=n_prior)
            verdict = check_verdict(
                info.provider.should_stop(history, options), spec.name, info.origin
            )
            if verdict.stop:
                point.update(
                    fired_at=k,
                    fraction_screened=k / n,
                    recall=found_after[k] / total,
                    reason=verdict.reason,
                )
                break
        else:
            point["reason"] = "never said stop before every record was screened"
        out.append(point)
    return out


def load_dataset(
    dataset: str,
    *,
    fmt: str | None = None,
    label_column: str | None = None,
    stage: str | None = None,
) -> tuple[Any, LabelledSet]:
    """The registry and the labelled set of ``dataset``: an export file, or a review folder
    whose store holds final decisions at ``stage`` (default: the first stage)."""
    from pathlib import Path

    from evidencekit.core.labelled import read_labelled

    path = Path(dataset)
    if path.is_dir():
        from evidencekit.core.ranked_screening import labelled_from_review
        from evidencekit.core.review import open_review

        review = open_review(path)
        return review.registry, labelled_from_review(review, stage)
    from evidencekit.core.registry import build_registry

    registry = build_registry()
    return registry, read_labelled(path, registry, format=fmt, label_column=label_column)


def describe(result: SimulationResult) -> str:
    """The plain-text summary ``evidencekit simulate`` prints."""
    m, p = result.metrics, result.parameters
    lines = [
        f"{m['n']} records, {m['n_included']} included; priors {p['prior_included']} included "
        f"+ {p['prior_excluded']} excluded, seed {p['seed']}, model {p['model']}",
        f"WSS@95 {100 * m['wss_95']:.1f} %, WSS@100 {100 * m['wss_100']:.1f} %",
        f"recall after 10 % screened {100 * m['recall_at_10pct']:.1f} %, "
        f"after 20 % {100 * m['recall_at_20pct']:.1f} %",
    ]
    for point in result.stopping:
        if point["fired_at"] is None:
            lines.append(f"  {point['rule']}: {point['reason']}")
        else:
            lines.append(
                f"  {point['rule']}: stops after {point['fired_at']} records "
                f"({100 * point['fraction_screened']:.1f} %), recall then "
                f"{100 * point['recall']:.1f} %"
            )
    lines.append(f"{result.seconds:.1f} s, {p['retrains']} retrains")
    return "\n".join(lines)


def write_outputs(
    result: SimulationResult, data: LabelledSet, registry: Any, out_dir: Any
) -> list[Any]:
    """Write ``order.csv``, ``simulation.json`` and the recall curve into ``out_dir``.

    Everything is built in memory first and each file written atomically, so a failure
    leaves the previous files (or none), never a half-written one.
    """
    import csv
    import io
    import json
    from pathlib import Path

    from evidencekit.core.io import atomic_write_text

    out_dir = Path(out_dir)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["step", "row", "record", "title", "label", "prior", "recall"])
    found, total = 0, max(sum(result.labels_in_order), 1)
    n_prior = len(result.parameters["priors"])
    for step, (row, label) in enumerate(
        zip(result.order, result.labels_in_order, strict=True), start=1
    ):
        found += label
        record = data.records[row]
        writer.writerow(
            [
                step,
                row,
                record.source_key,
                record.title,
                label,
                int(step <= n_prior),
                f"{found / total:.4f}",
            ]
        )
    name = Path(str(result.parameters["dataset"])).name.removesuffix(".gz")
    plots = registry.get("reporter", "recall-curve").render(
        {
            "labels_in_order": result.labels_in_order,
            "stopping": result.stopping,
            "title": f"{name}: WSS@95 {100 * result.metrics['wss_95']:.1f} %, "
            f"seed {result.parameters['seed']}",
        },
        out_dir,
        {},
    )
    order_path, json_path = out_dir / "order.csv", out_dir / "simulation.json"
    atomic_write_text(order_path, buffer.getvalue())
    atomic_write_text(json_path, json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    return [order_path, json_path, *plots]

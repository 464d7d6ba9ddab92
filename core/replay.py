"""Replaying prioritised screening on a review's store from known labels.

For a worked example, a methods paper or a pilot: the records of a stage are screened in the
order the ranking screener proposes (retrained as it goes, exactly as ``evidencekit screen
--order ranked`` would), each decision taken from a label file instead of a person, until
the stopping rules of ``screening.prioritisation.stopping`` say stop. The decisions are
stored (reviewer and origin ``replay``) and the records never screened are recorded as
excluded by an automation tool (the ranking screener, with the stopping verdict as the
rule), which is how PRISMA 2020 counts records a prioritisation tool let the team skip.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core.errors import PipelineError
from evidencekit.core.prioritisation import ScreeningHistory, StopVerdict, check_verdict, combined

_TRUE, _FALSE = (
    {"1", "yes", "true", "include", "included"},
    {"0", "no", "false", "exclude", "excluded"},
)


def read_labels(path: Path, id_column: str, label_column: str) -> dict[str, int]:
    """``id → 1/0`` from a CSV file (``.gz`` too); a bad label names the line."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    missing = {id_column, label_column} - set(reader.fieldnames or ())
    if missing:
        raise PipelineError(
            f"{path}: no column {', '.join(sorted(missing))}; its columns are "
            f"{', '.join(reader.fieldnames or ())}"
        )
    labels: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        value = (row[label_column] or "").strip().lower()
        if value not in _TRUE | _FALSE:
            raise PipelineError(f"{path}:{line}: {label_column} is {value!r}; expected 1 or 0")
        labels[(row[id_column] or "").strip()] = int(value in _TRUE)
    return labels


def _labels_of_population(ranker: Any, labels: Mapping[str, int], path: Path) -> dict[str, int]:
    out = {}
    for record in ranker.records:
        key = record.source_key
        if key not in labels:
            raise PipelineError(
                f"{path}: no label for record {record.record_id} (its id in "
                f"its export is {key!r}); every record of the stage needs one"
            )
        out[record.record_id] = labels[key]
    return out


def replay(
    review: Any,
    stage: str,
    labels: Mapping[str, int],
    path: Path,
    *,
    reviewer: str = "replay",
    retrain_lag: float = 0.02,
) -> dict[str, Any]:
    """Screen ``stage`` in ranked order with decisions from ``labels`` until the stopping
    rules say stop; store the decisions and the automated exclusions. Returns a summary."""
    from evidencekit.core.ranked_screening import RankedQueue, history, settings
    from evidencekit.core.screening import (
        NewDecision,
        load_state,
        record_automated_exclusions,
        record_decisions,
    )

    prio = settings(review)
    registry = review.registry
    rules = prio.rules if prio.rules is not None else []
    if not rules:
        raise PipelineError(
            "replaying needs stopping rules: declare "
            "screening.prioritisation.stopping.rules in review.yaml"
        )
    checked = [
        (
            spec,
            registry.validate_options("stopping-rule", spec.name, spec.options),
            registry.info("stopping-rule", spec.name),
        )
        for spec in rules
    ]
    ranker = RankedQueue(review, stage)
    truth = _labels_of_population(ranker, labels, path)
    state = load_state(review)
    finals = state.final(stage)
    queue = [
        r for r in ranker.population if finals[r].outcome == "pending" and not finals[r].automated
    ]
    past = list(history(review, stage).labels)
    n_total = len(ranker.population)
    decided: list[tuple[str, int]] = []
    since = 0
    verdict = StopVerdict(False, "no record screened yet")
    verdicts: list[Any] = []
    queue = ranker.order(queue)
    while queue:
        record_id = queue.pop(0)
        label = truth[record_id]
        decided.append((record_id, label))
        past.append(label)
        ranker.record(record_id, "include" if label else "exclude")
        current = ScreeningHistory(past, n_total=n_total)
        verdicts = [
            (
                spec,
                check_verdict(info.provider.should_stop(current, options), spec.name, info.origin),
            )
            for spec, options, info in checked
        ]
        verdict = combined(verdicts, prio.combine)
        if verdict.stop:
            break
        since += 1
        if label or since >= max(1, int(retrain_lag * len(past))):
            queue = ranker.order(queue)
            since = 0
    if decided:
        record_decisions(
            review,
            [
                NewDecision(r, stage, reviewer, "include" if v else "exclude", origin="replay")
                for r, v in decided
            ],
        )
    if verdict.stop and queue:
        record_automated_exclusions(
            review, stage, prio.model, [(r, "stopping rule", verdict.reason) for r in queue]
        )
    missed = sum(truth[r] for r in queue)
    found = sum(past)
    return {
        "stage": stage,
        "records": n_total,
        "screened": len(past),
        "skipped": len(queue),
        "included": found,
        "included_in_labels": found + missed,
        "missed": missed,
        "recall": found / (found + missed) if found + missed else None,
        "stopped": verdict.stop,
        "reason": verdict.reason,
        "rules": [
            {"rule": s.name, "options": s.options, "stop": v.stop, "reason": v.reason}
            for s, v in verdicts
        ],
        "model": prio.model,
        "model_parameters": ranker.parameters,
        "seed": prio.seed,
        "order": [r for r, _ in decided],
    }


def replay_next_stage(
    review: Any,
    stage: str,
    previous: str,
    labels: Mapping[str, int],
    path: Path,
    *,
    reviewer: str,
    reason: str,
) -> dict[str, int]:
    """Decide every record of ``stage`` (those included at ``previous``) from ``labels``."""
    from evidencekit.core.ranked_screening import _records
    from evidencekit.core.screening import NewDecision, load_state, record_decisions

    state = load_state(review)
    finals = state.final(stage)
    todo = [r for r in state.population(stage) if finals[r].outcome == "pending"]
    records = _records(review, todo)
    items = []
    for record in records:
        if record.source_key not in labels:
            raise PipelineError(f"{path}: no label for record {record.record_id}")
        included = labels[record.source_key]
        items.append(
            NewDecision(
                record.record_id,
                stage,
                reviewer,
                "include" if included else "exclude",
                "" if included else reason,
                origin="replay",
            )
        )
    if items:
        record_decisions(review, items)
    return {
        "stage": stage,
        "after": previous,
        "decided": len(items),
        "included": sum(1 for i in items if i.decision == "include"),
    }

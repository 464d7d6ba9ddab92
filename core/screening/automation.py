"""Applying an automation screener (the ``rules`` screener by default) to a stage.

The rules come from review.yaml ``screening.rules`` and are checked against the
screener's own options schema. The screener sees the primary record of every
cluster in the stage's population (gaps filled from the cluster's other records)
and returns ``(record_id, rule, detail)`` for each record it finds ineligible; they
replace that tool's earlier exclusions at the stage, in one transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from evidencekit.core.errors import ScreeningError


@dataclass
class AutomationReport:
    """What one application of the rules did."""

    tool: str
    stage: str
    screened: int
    excluded: int
    by_rule: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_rules(
    review: Any, *, tool: str = "rules", rules: dict[str, Any] | None = None
) -> AutomationReport:
    """Run ``tool`` with the review's declared rules and store what it excludes."""
    from evidencekit.core.records import load_clustering, open_existing
    from evidencekit.core.screening.config import screening_config
    from evidencekit.core.screening.state import load_state
    from evidencekit.core.screening.write import replace_automated, sync_stages

    config = screening_config(review)
    options = dict(config.rules if rules is None else rules)
    stage = str(options.pop("stage", "") or config.stages[0].name)
    config.stage(stage)
    options = review.registry.validate_options("screener", tool, options)
    provider = review.registry.get("screener", tool)
    state = load_state(review)
    population = state.population(stage)
    with open_existing(review) as store:
        clustering = load_clustering(store, with_raw=True)
    records = [clustering.merged(clustering.cluster_of[r]) for r in population]
    for record, rid in zip(records, population, strict=True):
        record.record_id = rid  # the merged view carries the primary's id
    found = list(provider.screen(records, options, {"stage": stage, "review": review}))
    known = set(population)
    for item in found:
        if not (isinstance(item, tuple) and len(item) == 3 and item[0] in known):
            raise ScreeningError(
                f"screener {tool!r} returned {item!r}; expected (record_id, "
                "rule, detail) for a record it was given"
            )
    with open_existing(review) as store, store.write() as conn:
        sync_stages(conn, config)
        replace_automated(conn, stage, tool, [(r, str(rule), str(d)) for r, rule, d in found])
    by_rule: dict[str, int] = {}
    for _, rule, _ in found:
        by_rule[rule] = by_rule.get(rule, 0) + 1
    return AutomationReport(tool, stage, len(population), len(found), dict(sorted(by_rule.items())))

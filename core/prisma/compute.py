"""PRISMA 2020 counts computed from a review's store, never typed in.

Where each number comes from:

* **identified**: the records stored per source (``imports.source``), by the
  source's kind (``database``, ``register`` → left column; ``website``,
  ``organisation``, ``citations``, ``expert`` → other methods);
* **duplicates**: the last de-duplication's clusters. A cluster holding any
  database or register record belongs to the left column; its database and
  register records beyond the first are the duplicates removed. A cluster of
  other-method records only belongs to the right column;
* **screening**: the final decisions of :mod:`evidencekit.core.screening`
  (after the review's declared rules) at the screening stages before the
  full-text stage: automated exclusions at the first stage are "marked as
  ineligible by automation tools"; exclusions by people at any of them are
  "records excluded";
* **reports**: the full-text stage (the first stage declared ``full_text``):
  its population is the reports sought, ``not-retrieved`` the reports not
  retrieved, include/exclude the reports assessed, exclusions grouped by reason;
* **studies**: included reports grouped by the study id a reviewer gave, else
  each report its own study.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from evidencekit.core.prisma.counts import (
    DBR_KINDS,
    PrismaCounts,
    ReasonCount,
    ReportFlow,
    SourceCount,
    check_counts,
)


def _stages(config: Any) -> tuple[list[Any], Any | None]:
    """The screening stages before the full-text stage, and the full-text stage."""
    stages = list(config.stages)
    full = next((s for s in stages if s.full_text), None)
    if full is None and len(stages) > 1:
        full = stages[-1]
    before = [s for s in stages if full is None or s.position < full.position]
    return before, full


def _reasons(excluded: Counter[str], declared: Sequence[str]) -> tuple[ReasonCount, ...]:
    """Exclusion reasons in the order review.yaml declares them, then the others by name."""
    order = {r: i for i, r in enumerate(declared)}
    names = sorted(excluded, key=lambda r: (r not in order, order.get(r, 0), r.casefold()))
    return tuple(ReasonCount(r, excluded[r]) for r in names)


def _flow(
    finals: Mapping[str, Any], records: Sequence[str], declared: Sequence[str]
) -> tuple[ReportFlow, list[str]]:
    """The report column of ``records`` (the reports sought) at the full-text stage."""
    outcomes: Counter[str] = Counter()
    excluded: Counter[str] = Counter()
    included = []
    for rid in records:
        final = finals.get(rid)
        outcome = final.outcome if final is not None else "pending"
        outcomes[outcome] += 1
        if outcome == "exclude":
            excluded[final.reason] += 1
        elif outcome == "include":
            included.append(rid)
    flow = ReportFlow(
        sought=len(records),
        not_retrieved=outcomes["not-retrieved"],
        assessed=outcomes["include"] + outcomes["exclude"],
        excluded=_reasons(excluded, declared),
        included=outcomes["include"],
        pending=outcomes["pending"],
        conflict=outcomes["conflict"],
    )
    return flow, included


def prisma_counts_from_state(
    state: Any,
    sources: Mapping[str, tuple[str, str]],
    record_import: Mapping[str, str],
    clustered: set[str],
) -> PrismaCounts:
    """Counts from a screening state and the store's sources.

    ``sources`` maps a source name to ``(name, kind)``; ``record_import`` maps
    every stored record to its source name; ``clustered`` holds the records the
    last de-duplication saw. Pure: the store is read by :func:`prisma_counts`.
    """
    config = state.config
    kinds = {name: kind for name, (_n, kind) in sources.items()}
    per_source = Counter(record_import.values())
    source_counts = tuple(
        SourceCount(name, kinds[name], per_source.get(name, 0)) for name in sources
    )
    problems: list[str] = []
    notes: list[str] = []
    if not record_import:
        problems.append(
            "the store holds no records; import the search results first "
            "(evidencekit import FILE --source NAME)"
        )

    # Clusters and their side: a cluster with any database/register record is on the left.
    members: dict[str, list[str]] = defaultdict(list)
    for rid, primary in state.primary_of.items():
        members[primary].append(rid)
    side: dict[str, str] = {}
    duplicates = other_in_dbr = other_dupes = 0
    for primary, rids in members.items():
        dbr = sum(1 for r in rids if kinds.get(record_import.get(r, ""), "") in DBR_KINDS)
        if dbr:
            side[primary] = "dbr"
            duplicates += dbr - 1
            other_in_dbr += len(rids) - dbr
        else:
            side[primary] = "other"
            other_dupes += len(rids) - 1
    if record_import and not clustered:
        problems.append(
            f"the {len(record_import)} records were never de-duplicated, so no duplicates "
            "are removed; run evidencekit dedupe first"
        )
    elif clustered and len(clustered) < len(record_import):
        problems.append(
            f"{len(record_import) - len(clustered)} records were imported after the last "
            "de-duplication and were not checked for duplicates; run evidencekit dedupe again"
        )

    before, full = _stages(config)
    screening_stage = before[0].name if before else ""
    automated = excluded = pending = conflict = 0
    other_screened_out = other_unresolved = 0
    for index, stage in enumerate(before):
        for rid, final in state.final(stage.name).items():
            left = side.get(rid, "dbr") == "dbr"
            outcome = final.outcome
            if outcome == "include":
                continue
            if not left:
                if outcome in ("pending", "conflict"):
                    other_unresolved += 1
                else:
                    other_screened_out += 1
            elif outcome == "exclude" and final.automated and index == 0:
                automated += 1
            elif outcome == "exclude":
                excluded += 1
            elif outcome == "conflict":
                conflict += 1
            else:  # pending (or a stray not-retrieved before the full-text stage)
                pending += 1
    dbr_primaries = sum(1 for s in side.values() if s == "dbr")

    declared = list(config.reasons)
    if full is not None:
        finals = state.final(full.name)
        population = state.population(full.name)
    else:
        finals, population = {}, []
        last = before[-1].name if before else ""
        population = [
            r for r, f in (state.final(last).items() if last else []) if f.outcome == "include"
        ]
        problems.append(
            "the review declares no full-text stage, so no report was assessed for "
            "eligibility; declare one under screening.stages in review.yaml"
        )
    dbr_flow, dbr_included = _flow(
        finals, [r for r in population if side.get(r, "dbr") == "dbr"], declared
    )
    other_flow, other_included = _flow(
        finals, [r for r in population if side.get(r) == "other"], declared
    )
    included = dbr_included + other_included
    studies = {finals[r].study_id or r for r in included} if full is not None else set()

    other_not_sought = other_in_dbr + other_dupes + other_screened_out + other_unresolved
    if other_not_sought:
        parts = [
            f"{n} {text}"
            for n, text in (
                (other_in_dbr, "also found in databases or registers"),
                (other_dupes, "duplicates of other-method records"),
                (other_screened_out, "excluded before the full-text stage"),
                (other_unresolved, "awaiting a decision before the full-text stage"),
            )
            if n
        ]
        notes.append(
            f"{other_not_sought} records from other methods are not among the reports sought "
            f"({', '.join(parts)}); PRISMA 2020 has no box for them"
        )
    if any(s.kind == "expert" for s in source_counts):
        notes.append(
            "records from experts are drawn under other methods; the PRISMA2020 R "
            "package has no field for them, so its CSV counts them with organisations"
        )

    counts = PrismaCounts(
        sources=source_counts,
        duplicates=duplicates,
        excluded_automatic=automated,
        excluded_other=0,
        records_screened=dbr_primaries - automated,
        records_excluded=excluded,
        screening_pending=pending,
        screening_conflict=conflict,
        dbr=dbr_flow,
        other=other_flow,
        other_not_sought=other_not_sought,
        new_studies=len(studies),
        new_reports=len(included) if full is not None else 0,
        screening_stage=screening_stage,
        full_text_stage=full.name if full is not None else "",
        notes=tuple(notes),
    )
    return replace(counts, problems=tuple(problems + check_counts(counts)))


def prisma_counts(review: Any) -> PrismaCounts:
    """The PRISMA 2020 counts of ``review``, read from its store in one transaction."""
    import sqlalchemy as sa

    from evidencekit.core.screening import screening_config
    from evidencekit.core.screening.state import read_state
    from evidencekit.core.store import open_store, schema

    config = screening_config(review)
    with open_store(review) as store, store.read() as conn:
        imports = conn.execute(
            sa.select(
                schema.imports.c.import_id, schema.imports.c.source, schema.imports.c.kind
            ).order_by(schema.imports.c.import_id)
        ).all()
        source_of_import = {row.import_id: row.source for row in imports}
        sources: dict[str, tuple[str, str]] = {}
        for row in imports:
            sources.setdefault(row.source, (row.source, row.kind))
        r = schema.records
        record_import = {
            row.record_id: source_of_import[row.import_id]
            for row in conn.execute(sa.select(r.c.record_id, r.c.import_id))
        }
        clustered = set(conn.execute(sa.select(schema.clusters.c.record_id)).scalars())
        state = read_state(conn, config)
    return prisma_counts_from_state(state, sources, record_import, clustered)

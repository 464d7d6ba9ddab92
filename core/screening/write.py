"""Writing screening decisions and automated exclusions, checked first.

Every function here checks all of its input before writing anything and then
writes it in one transaction, so a bad row leaves the store as it was. A
decision is stored on the primary record of the record's cluster.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evidencekit.core.errors import ScreeningError
from evidencekit.core.screening.config import DECISIONS, ScreeningConfig, screening_config


@dataclass(frozen=True)
class NewDecision:
    """A decision to record. ``where`` names its origin in messages ("file.csv row 4")."""

    record_id: str
    stage: str
    reviewer: str
    decision: str
    reason: str = ""
    note: str = ""
    study_id: str = ""
    origin: str = ""
    where: str = ""


def _place(item: NewDecision) -> str:
    return f"{item.where}: " if item.where else ""


def check_decision(
    config: ScreeningConfig, item: NewDecision, known: Iterable[str] | None = None
) -> NewDecision:
    """``item`` with its reason spelled as declared; a ScreeningError if it cannot be stored."""
    where = _place(item)
    try:
        stage = config.stage(item.stage)
    except ScreeningError as err:
        raise ScreeningError(f"{where}{err}") from None
    if not item.reviewer.strip():
        raise ScreeningError(f"{where}no reviewer named; give the reviewer's name (--reviewer)")
    if item.decision not in DECISIONS:
        raise ScreeningError(
            f"{where}decision {item.decision!r} is not one of {', '.join(DECISIONS)}"
        )
    if item.decision == "not-retrieved" and not stage.full_text:
        raise ScreeningError(f"{where}'not-retrieved' is for a full-text stage, not {stage.name!r}")
    if known is not None and item.record_id not in known:
        raise ScreeningError(
            f"{where}no record {item.record_id!r} in the store; check the id "
            "(evidencekit records list)"
        )
    reason = item.reason.strip()
    if reason and config.reasons:
        declared = config.reason(reason)
        if declared is None:
            raise ScreeningError(
                f"{where}unknown exclusion reason {reason!r}; the review declares: "
                f"{'; '.join(config.reasons)} (screening.reasons in review.yaml)"
            )
        reason = declared
    if item.decision == "exclude" and stage.reason_required and not reason:
        raise ScreeningError(
            f"{where}an exclusion at {stage.name!r} needs a reason"
            + (f" (one of: {'; '.join(config.reasons)})" if config.reasons else "")
        )
    return NewDecision(
        item.record_id,
        item.stage,
        item.reviewer.strip(),
        item.decision,
        reason,
        item.note,
        item.study_id.strip(),
        item.origin,
        item.where,
    )


def sync_stages(conn: Any, config: ScreeningConfig) -> None:
    """Store the stages as declared now, so the store says which rules held.

    An upsert, not delete-and-insert: two reviewers writing their first decisions
    at the same moment on PostgreSQL must not collide on the same stage rows.
    """
    import sqlalchemy as sa

    from evidencekit.core.store import schema
    from evidencekit.core.store.db import utc_now

    t = schema.screening_stages
    wanted = {s.name: (s.position, json.dumps(s.to_dict(), sort_keys=True)) for s in config.stages}
    stored = {
        row.stage: (row.position, row.settings)
        for row in conn.execute(sa.select(t.c.stage, t.c.position, t.c.settings))
    }
    if stored == wanted:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utc_now()
    conn.execute(t.delete().where(t.c.stage.not_in(list(wanted))))
    for name, (position, settings) in wanted.items():
        statement = insert(t).values(
            stage=name, position=position, settings=settings, declared_at=now
        )
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[t.c.stage],
                set_={"position": position, "settings": settings, "declared_at": now},
            )
        )


def write_decisions(
    conn: Any, config: ScreeningConfig, items: Sequence[NewDecision], primary_of: Mapping[str, str]
) -> int:
    """Store checked decisions through ``conn``; each replaces the reviewer's earlier
    decision on the same (primary) record and stage (the last of several on one record in
    ``items`` wins). ``primary_of`` must cover the records of ``items`` and every member
    of their clusters. Returns how many were written."""
    from evidencekit.core.store import rows, schema
    from evidencekit.core.store.db import utc_now

    t = schema.screening_decisions
    now = utc_now()
    members: dict[str, list[str]] = {}
    for record, primary in primary_of.items():
        members.setdefault(primary, []).append(record)
    sync_stages(conn, config)
    latest: dict[tuple[str, str, str], NewDecision] = {}
    for item in items:
        latest[(primary_of.get(item.record_id, item.record_id), item.stage, item.reviewer)] = item
    by_group: dict[tuple[str, str], set[str]] = {}
    for primary, stage, reviewer in latest:
        # Also clear a decision of the same reviewer stored on another record of the cluster.
        by_group.setdefault((stage, reviewer), set()).update(members.get(primary) or [primary])
    for (stage, reviewer), ids in by_group.items():
        for chunk in rows.iter_chunks(sorted(ids)):
            conn.execute(
                t.delete().where(
                    t.c.record_id.in_(list(chunk)), t.c.stage == stage, t.c.reviewer == reviewer
                )
            )
    new_rows = [
        {
            "record_id": primary,
            "stage": stage,
            "reviewer": reviewer,
            "decision": item.decision,
            "reason": item.reason,
            "note": item.note,
            "study_id": item.study_id,
            "decided_at": now,
            "origin": item.origin or "api",
            "first_record_id": item.record_id,
        }
        for (primary, stage, reviewer), item in latest.items()
    ]
    if new_rows:
        conn.execute(t.insert(), new_rows)
    return len(new_rows)


def primaries_for(conn: Any, record_ids: Iterable[str]) -> dict[str, str]:
    """record id → its cluster's primary, for ``record_ids`` that exist and every other
    member of their clusters (a few indexed queries; :func:`primary_map` reads them all)."""
    import sqlalchemy as sa

    from evidencekit.core.store import rows, schema

    ids = sorted(set(record_ids))
    known = rows.existing_ids(conn, ids)
    c = schema.clusters
    cluster_of: dict[str, str] = {}
    for chunk in rows.iter_chunks(sorted(known)):
        for row in conn.execute(
            sa.select(c.c.record_id, c.c.cluster_id).where(c.c.record_id.in_(list(chunk)))
        ):
            cluster_of[row.record_id] = row.cluster_id
    out = {r: r for r in known if r not in cluster_of}
    clusters = sorted(set(cluster_of.values()))
    for chunk in rows.iter_chunks(clusters):
        found = conn.execute(
            sa.select(c.c.record_id, c.c.cluster_id, c.c.is_primary).where(
                c.c.cluster_id.in_(list(chunk))
            )
        ).all()
        primary = {row.cluster_id: row.record_id for row in found if row.is_primary}
        for row in found:
            out[row.record_id] = primary.get(row.cluster_id, row.record_id)
    return out


def _lookup(conn: Any, items: Sequence[NewDecision]) -> dict[str, str]:
    from evidencekit.core.screening.state import primary_map

    # A few decisions (the terminal screener writes one at a time): ask for those records
    # only; a file of decisions: read the whole map once.
    if len(items) <= 200:
        return primaries_for(conn, [i.record_id for i in items])
    return primary_map(conn)


def record_decisions(review: Any, items: Sequence[NewDecision], *, store: Any = None) -> int:
    """Check every decision, then store them all in one transaction.

    A decision on a duplicate is stored on its cluster's primary record. Any
    problem (unknown stage, record or reason, a missing reason where the stage
    requires one) raises :class:`ScreeningError` and nothing is written. ``store``
    reuses an open store (the terminal screener keeps one for the session).
    """
    from evidencekit.core.store import open_store

    config = screening_config(review)
    with contextlib.ExitStack() as stack:
        if store is None:
            store = stack.enter_context(open_store(review))
        with store.write() as conn:
            primary_of = _lookup(conn, items)
            checked = [check_decision(config, item, primary_of) for item in items]
            return write_decisions(conn, config, checked, primary_of)


def remove_decision(
    review: Any, record_id: str, stage: str, reviewer: str, *, store: Any = None
) -> bool:
    """Withdraw a reviewer's decision on a record (undo); True if there was one."""
    from evidencekit.core.store import open_store, schema

    screening_config(review).stage(stage)
    t = schema.screening_decisions
    with contextlib.ExitStack() as stack:
        if store is None:
            store = stack.enter_context(open_store(review))
        with store.write() as conn:
            primary = primaries_for(conn, [record_id]).get(record_id, record_id)
            result = conn.execute(
                t.delete().where(
                    t.c.record_id == primary, t.c.stage == stage, t.c.reviewer == reviewer
                )
            )
            return bool(result.rowcount)


def replace_automated(
    conn: Any,
    stage: str,
    tool: str,
    exclusions: Iterable[tuple[str, str, str]],
    run_id: int | None = None,
) -> int:
    """Replace ``tool``'s automated exclusions at ``stage`` with ``(record_id, rule,
    detail)`` triples, through ``conn``. Returns how many were stored."""
    from evidencekit.core.store import schema
    from evidencekit.core.store.db import utc_now

    t = schema.automated_exclusions
    conn.execute(t.delete().where(t.c.stage == stage, t.c.tool == tool))
    now = utc_now()
    rows = [
        {
            "record_id": r,
            "stage": stage,
            "tool": tool,
            "rule": rule,
            "detail": detail,
            "run_id": run_id,
            "decided_at": now,
        }
        for r, rule, detail in dict.fromkeys(exclusions)
    ]
    if rows:
        conn.execute(t.insert(), rows)
    return len(rows)


def record_automated_exclusions(
    review: Any, stage: str, tool: str, exclusions: Iterable[tuple[str, str, str]]
) -> int:
    """Replace a tool's automated exclusions at ``stage`` in one transaction."""
    from evidencekit.core.screening.state import primary_map
    from evidencekit.core.store import open_store

    config = screening_config(review)
    config.stage(stage)
    items = list(exclusions)
    with open_store(review) as store, store.write() as conn:
        known = primary_map(conn)
        for record_id, _rule, _detail in items:
            if record_id not in known:
                raise ScreeningError(f"no record {record_id!r} in the store")
        sync_stages(conn, config)
        return replace_automated(conn, stage, tool, items)

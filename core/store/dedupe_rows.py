"""The store's de-duplication rows: clusters, duplicate links, uncertain pairs and the
same/different decisions a person made on pairs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from evidencekit.core.store import schema
from evidencekit.core.store.bulk import bulk_insert
from evidencekit.core.store.db import utc_now


@dataclass(frozen=True)
class ClusterRow:
    """A record's place in the last de-duplication."""

    cluster_id: str
    is_primary: bool


def cluster_map(conn: sa.Connection) -> dict[str, ClusterRow]:
    """record_id → its cluster, for records the last run clustered."""
    t = schema.clusters
    # Why .all(): one fetch of every row instead of a fetch per row (the result is small).
    rows = conn.execute(sa.select(t.c.record_id, t.c.cluster_id, t.c.is_primary)).all()
    return {
        record_id: ClusterRow(cluster_id, bool(is_primary))
        for record_id, cluster_id, is_primary in rows
    }


def replace_dedupe(
    conn: sa.Connection,
    run_id: int,
    method: str,
    cluster_rows: Sequence[tuple[str, str, bool]],
    links: Sequence[tuple[str, str, str, float]],
    uncertain: Sequence[tuple[str, str, str, str, float]],
) -> None:
    """Replace the last run's clusters, links and uncertain pairs with a new run's."""
    for table in (schema.clusters, schema.dedupe_links, schema.uncertain_pairs):
        conn.execute(table.delete())
    bulk_insert(
        conn,
        schema.clusters,
        [
            {"record_id": r, "cluster_id": c, "is_primary": bool(p), "run_id": run_id}
            for r, c, p in cluster_rows
        ],
    )
    bulk_insert(
        conn,
        schema.dedupe_links,
        [
            {
                "a": a,
                "b": b,
                "reason": reason,
                "score": float(score),
                "method": method,
                "run_id": run_id,
            }
            for a, b, reason, score in links
        ],
    )
    bulk_insert(
        conn,
        schema.uncertain_pairs,
        [
            {
                "pair_id": pid,
                "a": a,
                "b": b,
                "reason": reason,
                "score": float(score),
                "method": method,
                "run_id": run_id,
            }
            for pid, a, b, reason, score in uncertain
        ],
    )


def links(conn: sa.Connection) -> list[dict[str, Any]]:
    """The last run's duplicate links."""
    t = schema.dedupe_links
    return [dict(r._mapping) for r in conn.execute(sa.select(t).order_by(t.c.a, t.c.b))]


def uncertain_pairs(conn: sa.Connection) -> list[dict[str, Any]]:
    """The last run's uncertain pairs, most similar first."""
    t = schema.uncertain_pairs
    query = sa.select(t).order_by(t.c.score.desc(), t.c.a, t.c.b)
    return [dict(r._mapping) for r in conn.execute(query)]


# -- decisions --------------------------------------------------------------------
def add_decisions(conn: sa.Connection, decisions: Sequence[Mapping[str, Any]]) -> None:
    """Record decisions (``a``, ``b``, ``decision``, ``who``, ``note``); a < b."""
    now = utc_now()
    rows = [{"decided_at": now, "note": "", **d} for d in decisions]
    if rows:
        conn.execute(schema.pair_decisions.insert(), rows)


def latest_decisions(conn: sa.Connection) -> dict[tuple[str, str], dict[str, Any]]:
    """The latest decision on each pair, keyed by the (smaller, larger) record ids."""
    t = schema.pair_decisions
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for row in conn.execute(sa.select(t).order_by(t.c.decision_id)):
        out[(row.a, row.b)] = dict(row._mapping)
    return out

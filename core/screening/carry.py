"""Screening decisions follow their record's cluster when de-duplication runs again.

A decision is stored on the primary record of its cluster. When a new
de-duplication run changes the clusters (a record joins another cluster, or a
cluster gets another primary), :func:`carry_over` moves every decision to its
record's new primary, inside the run's transaction, and reports each move. If a
reviewer had decided two records that are now one cluster at the same stage, the
latest decision is kept and the others removed, and the report says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any


def carry_over(conn: Any, cluster_rows: Sequence[tuple[str, str, bool]]) -> list[dict[str, Any]]:
    """Move decisions to the new primaries of ``cluster_rows`` (record, cluster, is
    primary); return one entry per moved or dropped decision."""
    import sqlalchemy as sa

    from evidencekit.core.store import schema

    primary_of_cluster = {cid: rid for rid, cid, primary in cluster_rows if primary}
    new_primary = {rid: primary_of_cluster.get(cid, rid) for rid, cid, _ in cluster_rows}
    t = schema.screening_decisions
    groups: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for row in conn.execute(sa.select(t).order_by(t.c.decided_at, t.c.decision_id)):
        target = new_primary.get(row.record_id, row.record_id)
        groups[(target, row.stage, row.reviewer)].append(row)
    report = []
    for (target, stage, reviewer), rows_ in groups.items():
        if len(rows_) == 1 and rows_[0].record_id == target:
            continue
        keep = rows_[-1]
        for row in rows_[:-1]:
            conn.execute(t.delete().where(t.c.decision_id == row.decision_id))
            report.append(
                {
                    "record_id": row.record_id,
                    "primary": target,
                    "stage": stage,
                    "reviewer": reviewer,
                    "decision": row.decision,
                    "kept": False,
                    "note": f"a later decision by {reviewer} on {keep.record_id} "
                    f"({keep.decision}) stands for the cluster",
                }
            )
        if keep.record_id != target:
            conn.execute(
                t.update().where(t.c.decision_id == keep.decision_id).values(record_id=target)
            )
            report.append(
                {
                    "record_id": keep.record_id,
                    "primary": target,
                    "stage": stage,
                    "reviewer": reviewer,
                    "decision": keep.decision,
                    "kept": True,
                    "note": "moved to the cluster's primary record",
                }
            )
    return report

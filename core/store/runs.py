"""The store's run history: every command and pipeline run, with its options, versions
and summary (JSON columns)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from evidencekit.core.store import schema
from evidencekit.core.store.db import utc_now

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def add_run(
    conn: sa.Connection,
    command: str,
    *,
    options: Mapping[str, Any],
    versions: Mapping[str, Any],
    summary: Mapping[str, Any],
    started_at: str,
) -> int:
    """Record one run in the history; return its id."""
    result = conn.execute(
        schema.runs.insert().values(
            command=command,
            options=_dumps(dict(options)),
            versions=_dumps(dict(versions)),
            summary=_dumps(dict(summary)),
            started_at=started_at,
            finished_at=utc_now(),
        )
    )
    return int(result.inserted_primary_key[0])


def update_run_summary(conn: sa.Connection, run_id: int, summary: Mapping[str, Any]) -> None:
    """Replace a run's summary (written once its numbers are known)."""
    conn.execute(
        schema.runs.update()
        .where(schema.runs.c.run_id == run_id)
        .values(summary=_dumps(dict(summary)), finished_at=utc_now())
    )


def runs(conn: sa.Connection, command: str | None = None) -> list[dict[str, Any]]:
    """The run history, oldest first, with JSON columns decoded."""
    t = schema.runs
    query = sa.select(t).order_by(t.c.run_id)
    if command is not None:
        query = query.where(t.c.command == command)
    out = []
    for row in conn.execute(query):
        item = dict(row._mapping)
        for key in ("options", "versions", "summary"):
            item[key] = json.loads(item[key])
        out.append(item)
    return out

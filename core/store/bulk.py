"""Bulk writes and chunked reads: many rows in one DB-API call, ids in slices a
database's parameter limit allows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

_CHUNK = 900  # below SQLite's default limit of bound parameters per IN (...)


def bulk_insert(conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows: one DB-API ``executemany`` per chunk of 20,000.

    The statement is compiled once by SQLAlchemy for the connection's dialect
    and run through ``exec_driver_sql``, which skips SQLAlchemy's per-row
    parameter processing (a fifth of an import's time at 100,000 records).
    Every row must have the same keys.
    """
    if not rows:
        return
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=list(rows[0]))
    sql = str(compiled)
    order = compiled.positiontup  # None for named parameter styles
    for start in range(0, len(rows), 20_000):
        chunk = rows[start : start + 20_000]
        if order is not None:
            # itemgetter of two or more names returns the tuple, at C speed.
            take = itemgetter(*order) if len(order) > 1 else (lambda row: (row[order[0]],))
            params: list[Any] = [take(row) for row in chunk]
        else:
            params = [dict(row) for row in chunk]
        conn.exec_driver_sql(sql, params)


def iter_chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

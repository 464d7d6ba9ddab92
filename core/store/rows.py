"""Reading and writing the store's rows: records, imports, clusters, decisions, runs
(the run history itself in :mod:`evidencekit.core.store.runs`).

Plain functions taking a connection from :meth:`Store.read` or
:meth:`Store.write`, so callers decide what one transaction holds.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from evidencekit.core.model import Author, Provenance, Record
from evidencekit.core.store import schema
from evidencekit.core.store.bulk import _CHUNK as _CHUNK
from evidencekit.core.store.bulk import bulk_insert as bulk_insert
from evidencekit.core.store.bulk import iter_chunks as iter_chunks
from evidencekit.core.store.db import utc_now
from evidencekit.core.store.json_columns import json_pairs as _json_pairs
from evidencekit.core.store.json_columns import json_raw as _json_raw
from evidencekit.core.store.json_columns import json_strings as _json_strings

#: Text fields of a record stored in their own column, in export order.
TEXT_FIELDS = (
    "title",
    "abstract",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "language",
    "publication_type",
    "url",
)
LIST_FIELDS = ("issn", "isbn", "keywords")


#: One encoder for every row (json.dumps with options builds a new one per call).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
_decode = json.JSONDecoder().decode


def _loads_list(text: str) -> list[Any]:
    return [] if text == "[]" else _decode(text)


def _clean(text: Any) -> str:
    # PostgreSQL text cannot hold NUL; a stray one in an export must not fail the import.
    text = "" if text is None else str(text)
    return text.replace("\x00", "") if "\x00" in text else text


@dataclass(frozen=True)
class ImportInfo:
    """One row of ``imports``: a file imported from one source."""

    import_id: int
    source: str
    kind: str
    file: str
    sha256: str
    date_searched: str | None
    format: str
    encoding: str | None
    imported_at: str
    record_count: int
    new_records: int
    warnings: list[str]


def _import_info(row: Any) -> ImportInfo:
    return ImportInfo(
        import_id=row.import_id,
        source=row.source,
        kind=row.kind,
        file=row.file,
        sha256=row.sha256,
        date_searched=row.date_searched,
        format=row.format,
        encoding=row.encoding,
        imported_at=row.imported_at,
        record_count=row.record_count,
        new_records=row.new_records,
        warnings=json.loads(row.warnings or "[]"),
    )


# -- imports --------------------------------------------------------------------
def add_import(conn: sa.Connection, **values: Any) -> int:
    """Insert one ``imports`` row; return its id."""
    values = dict(values)
    values["warnings"] = _dumps(list(values.get("warnings") or []))
    values.setdefault("imported_at", utc_now())
    result = conn.execute(schema.imports.insert().values(**values))
    return int(result.inserted_primary_key[0])


def imports(conn: sa.Connection) -> dict[int, ImportInfo]:
    """Every import, by id, in import order."""
    rows = conn.execute(sa.select(schema.imports).order_by(schema.imports.c.import_id))
    return {row.import_id: _import_info(row) for row in rows}


def imports_of_file(conn: sa.Connection, sha256: str) -> list[ImportInfo]:
    """Earlier imports of a file with this content."""
    rows = conn.execute(
        sa.select(schema.imports)
        .where(schema.imports.c.sha256 == sha256)
        .order_by(schema.imports.c.import_id)
    )
    return [_import_info(row) for row in rows]


def delete_file_records(conn: sa.Connection, sha256: str, file: str) -> int:
    """Delete the records of every earlier import of this content, for a re-import.

    Their clusters, links and review pairs go too (the next ``dedupe`` rebuilds
    them). A person's decision on one of the records cannot be dropped silently:
    then nothing is deleted and the error says so. Returns the records deleted.
    """
    from evidencekit.core.errors import PipelineError

    ids_query = sa.select(schema.records.c.record_id).where(
        schema.records.c.import_id.in_(
            sa.select(schema.imports.c.import_id).where(schema.imports.c.sha256 == sha256)
        )
    )
    ids = [row[0] for row in conn.execute(ids_query)]
    if not ids:
        return 0
    decided = 0
    for chunk in iter_chunks(ids):
        t = schema.pair_decisions
        decided += conn.execute(
            sa.select(sa.func.count()).select_from(t).where(t.c.a.in_(chunk) | t.c.b.in_(chunk))
        ).scalar_one()
    if decided:
        raise PipelineError(
            f"{file}: {decided} duplicate decision(s) name records of this file; --replace "
            "would lose them. Re-import without --replace, or import the file as a new source"
        )
    for chunk in iter_chunks(ids):
        for t in (schema.uncertain_pairs, schema.dedupe_links):
            conn.execute(t.delete().where(t.c.a.in_(chunk) | t.c.b.in_(chunk)))
        conn.execute(schema.clusters.delete().where(schema.clusters.c.record_id.in_(chunk)))
        conn.execute(schema.records.delete().where(schema.records.c.record_id.in_(chunk)))
    conn.execute(schema.imports.delete().where(schema.imports.c.sha256 == sha256))
    return len(ids)


# -- records --------------------------------------------------------------------
def record_row(
    record: Record, record_id: str, import_id: int, *, position: int, source_key: str
) -> dict[str, Any]:
    """The ``records`` row of one record at ``position`` in its file."""
    prov = record.provenance
    row: dict[str, Any] = {
        "record_id": record_id,
        "import_id": import_id,
        "position": position,
        "line": prov.line if prov else None,
        "source_key": _clean(source_key),
        "authors": _json_pairs([(_clean(a.family), _clean(a.given)) for a in record.authors]),
        "year": record.year,
        "raw": _json_raw(record.raw or {}),
    }
    for name in TEXT_FIELDS:
        value = getattr(record, name)
        # The common case inline: a string without NUL is stored as it is.
        row[name] = value if type(value) is str and "\x00" not in value else _clean(value)
    for name in LIST_FIELDS:
        row[name] = _json_strings([_clean(v) for v in getattr(record, name) or []])
    return row


def add_records(conn: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert records (rows from :func:`record_row`) in bulk."""
    bulk_insert(conn, schema.records, rows)


def existing_ids(conn: sa.Connection, record_ids: Iterable[str]) -> set[str]:
    """Which of ``record_ids`` the store already holds."""
    ids = list(record_ids)
    found: set[str] = set()
    col = schema.records.c.record_id
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(conn.execute(sa.select(col).where(col.in_(chunk))).scalars())
    return found


_COLUMNS = (
    "record_id",
    "import_id",
    "position",
    "line",
    "source_key",
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "issn",
    "isbn",
    "language",
    "keywords",
    "publication_type",
    "url",
)


def _records(
    rows_: Iterable[tuple[Any, ...]], infos: Mapping[int, ImportInfo], with_raw: bool
) -> list[Record]:
    # Plain tuples in _COLUMNS order (+ raw): building 100,000 records is the
    # hot path of every de-duplication run, so no per-row attribute lookups.
    out = []
    provs: dict[int, tuple[str, str, str, str, str | None]] = {
        i: (info.source, info.kind, info.file, info.format, info.date_searched)
        for i, info in infos.items()
    }
    empty = ("", "", "", "", None)
    for row in rows_:
        (
            record_id,
            import_id,
            position,
            line,
            source_key,
            title,
            abstract,
            authors,
            year,
            journal,
            volume,
            issue,
            pages,
            doi,
            pmid,
            issn,
            isbn,
            language,
            keywords,
            publication_type,
            url,
        ) = row[:21]
        source, kind, file, fmt, date_searched = provs.get(import_id, empty)
        record = Record(
            title=title,
            abstract=abstract,
            authors=[Author(f, g) for f, g in _loads_list(authors)],
            year=year,
            journal=journal,
            volume=volume,
            issue=issue,
            pages=pages,
            doi=doi,
            pmid=pmid,
            issn=_loads_list(issn),
            isbn=_loads_list(isbn),
            language=language,
            keywords=_loads_list(keywords),
            publication_type=publication_type,
            url=url,
            source_key=source_key,
            raw=_decode(row[21]) if with_raw else {},
            record_id=record_id,
            provenance=Provenance(
                source=source,
                kind=kind,
                file=file,
                position=position,
                line=line,
                format=fmt,
                date_searched=date_searched,
            ),
        )
        out.append(record)
    return out


def load_records(
    conn: sa.Connection,
    *,
    record_ids: Iterable[str] | None = None,
    source: str | None = None,
    with_raw: bool = True,
) -> list[Record]:
    """Records with their provenance, in import order then file order.

    ``record_ids`` or ``source`` narrow the selection; ``with_raw=False`` skips
    decoding the raw fields (de-duplication does not need them).
    """
    infos = imports(conn)
    table = schema.records
    columns = [table.c[name] for name in _COLUMNS]
    if with_raw:
        columns.append(table.c.raw)
    query = sa.select(*columns).order_by(table.c.import_id, table.c.position)
    if source is not None:
        wanted = [i for i, info in infos.items() if info.source == source]
        query = query.where(table.c.import_id.in_(wanted))
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects, no cycles: skip the collector's passes
    try:
        if record_ids is None:
            return _records(_fetched(conn.execute(query)), infos, with_raw)
        ids = list(dict.fromkeys(record_ids))
        out: list[Record] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            out.extend(
                _records(
                    _fetched(conn.execute(query.where(table.c.record_id.in_(chunk)))),
                    infos,
                    with_raw,
                )
            )
    finally:
        if gc_was_enabled:
            gc.enable()
    order = {rid: i for i, rid in enumerate(ids)}
    out.sort(key=lambda r: order[r.record_id])
    return out


def _fetched(result: sa.CursorResult, size: int = 10_000) -> Iterator[Any]:
    """The rows of ``result``, fetched ``size`` at a time.

    Why: iterating a result fetches one row per call through SQLAlchemy's cursor layer,
    a third of the time of loading 100,000 records; ``fetchmany`` takes a block at once,
    and never holds more than one block of raw rows.
    """
    for block in result.partitions(size):
        yield from block


def record_count(conn: sa.Connection) -> int:
    """How many records the store holds."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(schema.records)).scalar())


def import_keys(conn: sa.Connection) -> dict[str, tuple[int, int]]:
    """record_id → (import_id, position) for every record (cheap ordering data)."""
    t = schema.records
    return {
        row.record_id: (row.import_id, row.position)
        for row in conn.execute(sa.select(t.c.record_id, t.c.import_id, t.c.position))
    }


# The run history (runs.py) and the de-duplication rows (dedupe_rows.py) are part of this
# module's API.
from evidencekit.core.store.dedupe_rows import ClusterRow as ClusterRow  # noqa: E402
from evidencekit.core.store.dedupe_rows import add_decisions as add_decisions  # noqa: E402
from evidencekit.core.store.dedupe_rows import cluster_map as cluster_map  # noqa: E402
from evidencekit.core.store.dedupe_rows import latest_decisions as latest_decisions  # noqa: E402
from evidencekit.core.store.dedupe_rows import links as links  # noqa: E402
from evidencekit.core.store.dedupe_rows import replace_dedupe as replace_dedupe  # noqa: E402
from evidencekit.core.store.dedupe_rows import uncertain_pairs as uncertain_pairs  # noqa: E402
from evidencekit.core.store.runs import add_run as add_run  # noqa: E402
from evidencekit.core.store.runs import runs as runs  # noqa: E402
from evidencekit.core.store.runs import update_run_summary as update_run_summary  # noqa: E402

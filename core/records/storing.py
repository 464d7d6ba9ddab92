"""Export files parsed and stored: records prepared in batches, files already imported
recognised by their hash, everything in one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.errors import EvidencekitError, PipelineError, RecordFormatError
from evidencekit.core.model import Record
from evidencekit.core.records.common import (
    ProgressFn,
    _no_progress,
    bulk_work,
    file_sha256,
    make_record_id,
)
from evidencekit.core.records.specs import FileImport, ImportReport, ImportSpec

if TYPE_CHECKING:  # pragma: no cover
    import sqlalchemy as sa

    from evidencekit.core.review import Review
    from evidencekit.core.store.db import Store


@dataclass
class _Parsed:
    records: list[Record]
    format: str
    encoding: str | None
    sha256: str
    warnings: list[str]


@dataclass
class _Ready:
    """A parsed file's records as ``records`` rows (their ``import_id`` set when stored)."""

    format: str
    encoding: str | None
    sha256: str
    warnings: list[str]
    ids: list[str]
    rows: list[dict[str, Any]]


@dataclass
class _Batch:
    """A file to import: its spec, content hash, and how to read its records (parsed, or
    made rows already by :func:`ready_rows`)."""

    spec: ImportSpec
    sha256: str
    read: Callable[[], _Parsed | _Ready]


def _read_file(spec: ImportSpec, registry: Any, require_title: bool) -> _Parsed:
    from evidencekit.core import importing  # the importer front end (format, encoding)

    path = Path(spec.path)
    options = dict(spec.options or {})
    if require_title:
        options["missing_title"] = "error"
    result = importing.read_records(
        path,
        registry,
        format=spec.format,
        source_name=spec.source,
        source_kind=spec.kind,
        date_searched=spec.date_searched,
        options=options or None,
    )
    if hasattr(result, "records"):
        records = list(result.records)
        fmt = getattr(result, "format", None) or spec.format or ""
        encoding = getattr(result, "encoding", None)
        warnings = [str(w) for w in getattr(result, "warnings", None) or []]
    else:
        records, encoding, warnings = list(result), None, []
        fmt = spec.format or ""
    if not fmt and records and records[0].provenance:
        fmt = records[0].provenance.format
    return _Parsed(records, fmt or "unknown", encoding, file_sha256(path), warnings)


def _prepare(
    spec: ImportSpec, parsed: _Parsed, check_titles: bool | None
) -> tuple[list[tuple[str, int, str, Record]], list[str]]:
    """(record_id, position, source_key, record) for one file, and its warnings.

    ``check_titles``: None leaves titles to the importer front end (which warns
    or refuses already); False warns about a record without a title; True
    refuses it. The caller's records are not changed: a missing position or
    source key is filled in the stored row only.
    """
    file = str(spec.path)
    seen: set[int] = set()
    prepared = []
    warnings = list(parsed.warnings)
    for index, record in enumerate(parsed.records, 1):
        prov = record.provenance
        position = prov.position if prov and prov.position else index
        if position in seen:
            raise RecordFormatError(
                f"two records at position {position}; the importer must number records "
                "uniquely (report this as a bug)",
                file=file,
            )
        seen.add(position)
        source_key = record.source_key or str(position)
        if check_titles is not None and not record.title.strip():
            line = prov.line if prov else None
            where = f"{file}:{line}" if line else file
            what = f"record {position} (source key {source_key})"
            if check_titles:
                raise RecordFormatError(
                    f"{what} has no title and review.yaml sets import: require_title: true; "
                    "add the title to the export or remove the setting",
                    file=file,
                    line=line,
                )
            warnings.append(f"{where}: {what} has no title; imported without one")
        prepared.append((make_record_id(parsed.sha256, position), position, source_key, record))
    return prepared, warnings


def ready_rows(spec: ImportSpec, parsed: _Parsed, check_titles: bool | None) -> _Ready:
    """``parsed`` checked (:func:`_prepare`) and made ``records`` rows, ready to store.

    Plain rows, not records: what a forked reader (``core.ahead``) sends back is pickled,
    and rows of text pickle in a fraction of the time records do.
    """
    from evidencekit.core.store import rows

    prepared, warnings = _prepare(spec, parsed, check_titles)
    return _Ready(
        parsed.format,
        parsed.encoding,
        parsed.sha256,
        warnings,
        [p[0] for p in prepared],
        [
            rows.record_row(rec, rid, 0, position=pos, source_key=key)
            for rid, pos, key, rec in prepared
        ],
    )


def _store_batches(
    review: Review,
    batches: Iterable[_Batch],
    check_titles: bool | None,
    *,
    command: str,
    progress: ProgressFn = _no_progress,
) -> ImportReport:
    from evidencekit.core.store.db import utc_now

    started = utc_now()
    with bulk_work():
        return _store_all(
            review, batches, check_titles, command=command, progress=progress, started=started
        )


def _store_all(
    review: Review,
    batches: Iterable[_Batch],
    check_titles: bool | None,
    *,
    command: str,
    progress: ProgressFn,
    started: str,
) -> ImportReport:
    from evidencekit.core import __version__
    from evidencekit.core.store import open_store, rows, sqlite_file

    # The store is opened (and, for a new review, created atomically) only once
    # the first file has parsed, so a file that fails leaves no store behind;
    # nothing here ever deletes a store, which another process may be using.
    store_path = sqlite_file(review)
    store: Store | None = None
    report = ImportReport()
    formats: dict[str, str] = {}
    file_options: dict[str, dict[str, Any]] = {}  # by content hash, recorded in the run
    with contextlib.ExitStack() as stack:
        if store_path is None or store_path.exists():
            store = stack.enter_context(open_store(review, create=True))
        conn: sa.Connection | None = None
        for batch in batches:
            spec = batch.spec
            if spec.replace and store is not None:
                if conn is None:
                    conn = stack.enter_context(store.write())
                rows.delete_file_records(conn, batch.sha256, str(spec.path))
            if store is not None:
                with contextlib.ExitStack() as reading:
                    look = conn or reading.enter_context(store.read())
                    done = _already_imported(look, batch)
                if done is not None:  # the same content, every record stored: not read again
                    report.files.append(done)
                    continue
            got = batch.read()
            ready = got if isinstance(got, _Ready) else ready_rows(spec, got, check_titles)
            del got
            file_options[batch.sha256] = dict(spec.options or {})
            if conn is None:  # take the write lock once the first file is parsed
                if store is None:  # a new review: another process may have made it since
                    store = stack.enter_context(open_store(review, create=True))
                conn = stack.enter_context(store.write())
            report.files.append(_store_file(conn, spec, ready, progress))
            formats[ready.format] = _origin(review, ready.format)
        if conn is not None:
            report.run_id = rows.add_run(
                conn,
                command,
                options={
                    "files": [
                        {
                            "file": f.file,
                            "source": f.source,
                            "kind": f.kind,
                            "format": f.format,
                            "sha256": f.sha256,
                            "options": file_options.get(f.sha256, {}),
                        }
                        for f in report.files
                    ]
                },
                versions={"evidencekit": __version__, "importers": formats},
                summary=report.to_dict(),
                started_at=started,
            )
    return report


def _already_imported(conn: sa.Connection, batch: _Batch) -> FileImport | None:
    """What a re-import of a file whose content is fully stored would find."""
    from evidencekit.core.store import rows

    earlier = rows.imports_of_file(conn, batch.sha256)
    if not earlier or sum(i.new_records for i in earlier) != earlier[-1].record_count:
        return None
    last = earlier[-1]
    spec = batch.spec
    _check_same_reading(conn, batch, last.format)
    return FileImport(
        file=str(spec.path),
        source=spec.source,
        kind=spec.kind,
        format=last.format,
        encoding=last.encoding,
        sha256=batch.sha256,
        records=last.record_count,
        new=0,
        already_present=last.record_count,
        earlier_sources=sorted({i.source for i in earlier}),
    )


def stored_whole(review: Review, hashes: set[str]) -> set[str]:
    """Which of these file hashes the review's store holds every record of (a re-import
    of such a file is not read again: :func:`_already_imported`)."""
    from evidencekit.core.store import open_store, rows, sqlite_file

    store_path = sqlite_file(review)
    if not hashes or (store_path is not None and not store_path.exists()):
        return set()
    out = set()
    try:
        with open_store(review, create=store_path is None) as store, store.read() as conn:
            for sha in sorted(hashes):
                earlier = rows.imports_of_file(conn, sha)
                if earlier and sum(i.new_records for i in earlier) == earlier[-1].record_count:
                    out.add(sha)
    except EvidencekitError:  # only a hint: the import opens the store itself and says why
        return set()
    return out


def _check_same_reading(conn: sa.Connection, batch: _Batch, stored_format: str) -> None:
    """Refuse a re-import that asks for another format or other options than the first.

    The file's records are stored already and would not be read again, so a new
    ``--format`` or ``--option`` would be silently ignored.
    """
    from evidencekit.core.store import rows

    spec = batch.spec
    asked = dict(spec.options or {})
    before: dict[str, Any] = {}
    for run in rows.runs(conn, "import"):
        for entry in run["options"].get("files", []):
            if entry.get("sha256") == batch.sha256:
                before = dict(entry.get("options") or {})
    changed = []
    if spec.format and spec.format != stored_format:
        changed.append(f"--format {spec.format} (it was read as {stored_format})")
    if asked and asked != before:  # no --option at all asks for no change
        shown = ", ".join(f"{k}={v}" for k, v in sorted(asked.items())) or "none"
        was = ", ".join(f"{k}={v}" for k, v in sorted(before.items())) or "none"
        changed.append(f"options {shown} (it was read with {was})")
    if changed:
        raise PipelineError(
            f"{spec.path}: this file is already imported; "
            + " and ".join(changed)
            + " would not be applied. Re-import it with --replace to read it again that way, "
            "or leave out the changed --format/--option"
        )


def _origin(review: Review, fmt: str) -> str:
    try:
        return review.registry.info("importer", fmt).origin
    except Exception:  # in-memory records or a format name the registry does not know
        return ""


def _store_file(
    conn: sa.Connection, spec: ImportSpec, ready: _Ready, progress: ProgressFn
) -> FileImport:
    from evidencekit.core.store import rows

    file = str(spec.path)
    earlier = rows.imports_of_file(conn, ready.sha256)
    present = rows.existing_ids(conn, ready.ids) if earlier else set()
    new = [row for rid, row in zip(ready.ids, ready.rows, strict=True) if rid not in present]
    result = FileImport(
        file=file,
        source=spec.source,
        kind=spec.kind,
        format=ready.format,
        encoding=ready.encoding,
        sha256=ready.sha256,
        records=len(ready.ids),
        new=len(new),
        already_present=len(ready.ids) - len(new),
        warnings=ready.warnings,
        earlier_sources=sorted({i.source for i in earlier}),
    )
    if not new:
        return result
    import_id = rows.add_import(
        conn,
        source=spec.source,
        kind=spec.kind,
        file=file,
        sha256=ready.sha256,
        date_searched=spec.date_searched,
        format=ready.format,
        encoding=ready.encoding,
        record_count=len(ready.ids),
        new_records=len(new),
        warnings=ready.warnings,
    )
    result.import_id = import_id
    chunk = 10_000
    for start in range(0, len(new), chunk):
        batch = new[start : start + chunk]
        for row in batch:
            row["import_id"] = import_id
        rows.add_records(conn, batch)
        progress(f"storing {Path(file).name}", start + len(batch), len(new))
    return result

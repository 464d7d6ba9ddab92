"""Records in the store: import files, list, show, count by source, export.

The library functions the ``import`` and ``records`` commands call, and that
tests and benchmarks call directly. De-duplication lives in
:mod:`evidencekit.core.deduplication` (``run_dedupe`` is re-exported here).

Record ids are stable: ``r`` + the first 12 hex digits of the file's SHA-256 +
``-`` + the record's position in the file. Re-importing a file therefore finds
every record already present and adds nothing.

An ``import`` command is one transaction: if any file fails (a malformed
export, a refused record), nothing from any of its files is stored.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.errors import PipelineError, RecordFormatError
from evidencekit.core.model import SOURCE_KINDS, Record

if TYPE_CHECKING:  # pragma: no cover
    import sqlalchemy as sa

    from evidencekit.core.review import Review
    from evidencekit.core.store.db import Store

#: ``progress(label, done, total)``: called as long work advances (total may be None).
ProgressFn = Callable[[str, int, "int | None"], None]

#: Fields that count towards a record's completeness (choosing a cluster's primary).
COMPLETENESS_FIELDS = (
    "title", "abstract", "authors", "year", "journal", "volume", "issue", "pages", "doi",
    "pmid", "issn", "isbn", "language", "keywords", "publication_type", "url",
)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _no_progress(label: str, done: int, total: int | None) -> None:
    return None


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk work on many records.

    Building 100,000 records allocates millions of small objects and no
    reference cycles; the collector's full passes over that growing heap took
    about a third of an import's time. It runs again (and collects) after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- ids --------------------------------------------------------------------------
def make_record_id(sha256: str, position: int) -> str:
    """The stable id of the record at ``position`` in a file with this SHA-256."""
    return f"r{sha256[:12]}-{position}"


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_sha256(records: Sequence[Record]) -> str:
    """A SHA-256 standing in for a file's when records are built in memory."""
    digest = hashlib.sha256()
    for record in records:
        data = record.to_dict()
        data.pop("record_id", None)
        digest.update(json.dumps(data, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()


# -- import -----------------------------------------------------------------------
@dataclass
class ImportSpec:
    """One file to import and where it came from."""

    path: str | Path
    source: str
    kind: str = "database"
    format: str | None = None
    date_searched: str | None = None
    options: dict[str, Any] | None = None
    replace: bool = False  # drop this file's earlier records and import it again


@dataclass
class FileImport:
    """What importing one file did."""

    file: str
    source: str
    kind: str
    format: str
    encoding: str | None
    sha256: str
    records: int
    new: int
    already_present: int
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None
    earlier_sources: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import command did, file by file."""

    files: list[FileImport] = field(default_factory=list)
    run_id: int | None = None

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def already_present(self) -> int:
        return sum(f.already_present for f in self.files)

    @property
    def warnings(self) -> list[str]:
        return [w for f in self.files for w in f.warnings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "new": self.new,
            "already_present": self.already_present,
            "files": [vars(f) for f in self.files],
            "run_id": self.run_id,
        }


def check_source(source: str, kind: str, date_searched: str | None) -> None:
    """Refuse an empty source name, an unknown kind or a date not written YYYY[-MM[-DD]]."""
    if not source or not source.strip():
        raise PipelineError("--source NAME is required: the database or source the file came from")
    if kind not in SOURCE_KINDS:
        raise PipelineError(f"source kind {kind!r} is not one of: {', '.join(SOURCE_KINDS)}")
    if date_searched is not None and not _DATE.match(date_searched):
        raise PipelineError(
            f"date searched {date_searched!r} is not a date; write it as YYYY-MM-DD"
        )


def require_title_setting(review: Review) -> bool:
    """``import: {require_title: true}`` in review.yaml refuses records without a title."""
    section = review.section("import")
    value = section.get("require_title", False)
    if not isinstance(value, bool):
        raise PipelineError(
            f"{review.file}: import.require_title must be true or false, not {value!r}"
        )
    return value


def import_files(
    review: Review,
    paths: Iterable[str | Path],
    *,
    source: str,
    kind: str = "database",
    format: str | None = None,
    date_searched: str | None = None,
    options: Mapping[str, Any] | None = None,
    progress: ProgressFn | None = None,
    replace: bool = False,
) -> ImportReport:
    """Import export files from one source into the review's store, all or nothing.

    ``replace``: a file imported before is read again (with this format and these
    options) instead of being reported as already present.
    """
    specs = [
        ImportSpec(p, source, kind, format, date_searched, dict(options or {}), replace)
        for p in paths
    ]
    return import_many(review, specs, progress=progress)


def import_many(
    review: Review,
    specs: Sequence[ImportSpec],
    *,
    progress: ProgressFn | None = None,
    command: str = "import",
) -> ImportReport:
    """Import many files (each from its own source) in one transaction.

    The fast path for scripts and benchmarks: no CLI. Files are parsed one at a
    time and their records inserted in bulk, so memory holds one file at once.
    """
    progress = progress or _no_progress
    if not specs:
        raise PipelineError("no files to import")
    for spec in specs:  # fail before reading anything
        check_source(spec.source, spec.kind, spec.date_searched)
        path = Path(spec.path)
        if path.is_dir():
            raise RecordFormatError("this is a folder, not a file; name the export files "
                                    "inside it", file=str(spec.path))
        if not path.is_file():
            raise RecordFormatError("no such file; check the path", file=str(spec.path))
    require_title = require_title_setting(review)
    registry = review.registry

    def batches() -> Iterable[_Batch]:
        for number, spec in enumerate(specs, 1):
            progress("reading files", number - 1, len(specs))
            yield _Batch(spec, file_sha256(spec.path),
                         lambda spec=spec: _read_file(spec, registry, require_title))
        progress("reading files", len(specs), len(specs))

    # The importer front end checks titles itself (warning, or refusing the file).
    return _store_batches(review, batches(), None, command=command, progress=progress)


def import_records(
    review: Review,
    records: Sequence[Record],
    *,
    source: str,
    kind: str = "database",
    file: str = "<memory>",
    format: str = "memory",
    date_searched: str | None = None,
    sha256: str | None = None,
) -> ImportReport:
    """Store records built in memory as if imported from one file.

    ``sha256`` stands for the file's content hash (by default, a hash of the
    records), so the same records imported twice are added once.
    """
    check_source(source, kind, date_searched)
    spec = ImportSpec(file, source, kind, format, date_searched)
    sha = sha256 or content_sha256(records)
    parsed = _Parsed(list(records), format, None, sha, [])
    return _store_batches(review, [_Batch(spec, sha, lambda: parsed)],
                          require_title_setting(review), command="import-records")


@dataclass
class _Parsed:
    records: list[Record]
    format: str
    encoding: str | None
    sha256: str
    warnings: list[str]


@dataclass
class _Batch:
    """A file to import: its spec, content hash, and how to read its records."""

    spec: ImportSpec
    sha256: str
    read: Callable[[], _Parsed]


def _read_file(spec: ImportSpec, registry: Any, require_title: bool) -> _Parsed:
    from evidencekit.core import importing  # the importer front end (format, encoding)

    path = Path(spec.path)
    options = dict(spec.options or {})
    if require_title:
        options["missing_title"] = "error"
    result = importing.read_records(
        path, registry, format=spec.format, source_name=spec.source,
        source_kind=spec.kind, date_searched=spec.date_searched, options=options or None,
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


def _prepare(spec: ImportSpec, parsed: _Parsed, check_titles: bool | None
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
                "uniquely (report this as a bug)", file=file,
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
                    file=file, line=line,
                )
            warnings.append(f"{where}: {what} has no title; imported without one")
        prepared.append((make_record_id(parsed.sha256, position), position, source_key, record))
    return prepared, warnings


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
        return _store_all(review, batches, check_titles, command=command, progress=progress,
                          started=started)


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

    store_path = sqlite_file(review)
    created = store_path is not None and not store_path.exists()
    report = ImportReport()
    formats: dict[str, str] = {}
    file_options: dict[str, dict[str, Any]] = {}  # by content hash, recorded in the run
    try:
        with open_store(review, create=True) as store, contextlib.ExitStack() as stack:
            conn: sa.Connection | None = None
            for batch in batches:
                spec = batch.spec
                if spec.replace:
                    if conn is None:
                        conn = stack.enter_context(store.write())
                    rows.delete_file_records(conn, batch.sha256, str(spec.path))
                with contextlib.ExitStack() as reading:
                    look = conn or reading.enter_context(store.read())
                    done = _already_imported(look, batch)
                if done is not None:  # the same content, every record stored: not read again
                    report.files.append(done)
                    continue
                parsed = batch.read()
                file_options[batch.sha256] = dict(spec.options or {})
                prepared, warnings = _prepare(spec, parsed, check_titles)
                if conn is None:  # take the write lock once the first file is parsed
                    conn = stack.enter_context(store.write())
                report.files.append(
                    _store_file(conn, spec, parsed, prepared, warnings, progress)
                )
                formats[parsed.format] = _origin(review, parsed.format)
            if conn is not None:
                report.run_id = rows.add_run(
                    conn, command,
                    options={"files": [
                        {"file": f.file, "source": f.source, "kind": f.kind, "format": f.format,
                         "sha256": f.sha256, "options": file_options.get(f.sha256, {})}
                        for f in report.files
                    ]},
                    versions={"evidencekit": __version__, "importers": formats},
                    summary=report.to_dict(),
                    started_at=started,
                )
    except BaseException:
        if created:  # a failed first import leaves no store behind
            _remove_sqlite(store_path)
        raise
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
        file=str(spec.path), source=spec.source, kind=spec.kind, format=last.format,
        encoding=last.encoding, sha256=batch.sha256, records=last.record_count, new=0,
        already_present=last.record_count, earlier_sources=sorted({i.source for i in earlier}),
    )


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
            f"{spec.path}: this file is already imported; " + " and ".join(changed)
            + " would not be applied. Re-import it with --replace to read it again that way, "
            "or leave out the changed --format/--option"
        )


def _origin(review: Review, fmt: str) -> str:
    try:
        return review.registry.info("importer", fmt).origin
    except Exception:  # in-memory records or a format name the registry does not know
        return ""


def _store_file(
    conn: sa.Connection,
    spec: ImportSpec,
    parsed: _Parsed,
    prepared: list[tuple[str, int, str, Record]],
    warnings: list[str],
    progress: ProgressFn,
) -> FileImport:
    from evidencekit.core.store import rows

    file = str(spec.path)
    earlier = rows.imports_of_file(conn, parsed.sha256)
    present = rows.existing_ids(conn, (p[0] for p in prepared)) if earlier else set()
    new = [p for p in prepared if p[0] not in present]
    result = FileImport(
        file=file, source=spec.source, kind=spec.kind, format=parsed.format,
        encoding=parsed.encoding, sha256=parsed.sha256, records=len(prepared), new=len(new),
        already_present=len(prepared) - len(new), warnings=warnings,
        earlier_sources=sorted({i.source for i in earlier}),
    )
    if not new:
        return result
    import_id = rows.add_import(
        conn, source=spec.source, kind=spec.kind, file=file, sha256=parsed.sha256,
        date_searched=spec.date_searched, format=parsed.format, encoding=parsed.encoding,
        record_count=len(prepared), new_records=len(new), warnings=warnings,
    )
    result.import_id = import_id
    chunk = 10_000
    for start in range(0, len(new), chunk):
        batch = new[start:start + chunk]
        rows.add_records(conn, [
            rows.record_row(rec, rid, import_id, position=pos, source_key=key)
            for rid, pos, key, rec in batch
        ])
        progress(f"storing {Path(file).name}", start + len(batch), len(new))
    return result


def _remove_sqlite(path: Path | None) -> None:
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


# -- clusters as stored ---------------------------------------------------------------
def completeness(record: Record) -> int:
    """How many bibliographic fields of ``record`` are filled."""
    return sum(1 for name in COMPLETENESS_FIELDS if getattr(record, name) not in (None, "", []))


def primary_rank(record: Record, order: int) -> tuple[Any, ...]:
    """Sort key choosing a cluster's primary: most complete first, then the longest
    abstract, then the earliest imported (``order``), then the id (deterministic)."""
    return (-completeness(record), -len(record.abstract), order, record.record_id)


def merged_record(members: Sequence[Record]) -> Record:
    """The primary (``members[0]``) with each empty field filled from the others, in
    order. The stored records are never changed: this returns a copy."""
    merged = copy.deepcopy(members[0])
    for name in COMPLETENESS_FIELDS:
        if getattr(merged, name) in (None, "", []):
            for other in members[1:]:
                value = getattr(other, name)
                if value not in (None, "", []):
                    setattr(merged, name, copy.deepcopy(value))
                    break
    return merged


@dataclass
class Clustering:
    """Every record with its cluster, as the last de-duplication left them.

    Records imported after the last run are their own clusters (``unclustered``
    counts them). ``members[cluster_id]`` lists records primary first.
    """

    records: dict[str, Record]
    cluster_of: dict[str, str]
    members: dict[str, list[str]]
    unclustered: int
    deduplicated: bool

    def primary(self, cluster_id: str) -> Record:
        return self.records[self.members[cluster_id][0]]

    def is_primary(self, record_id: str) -> bool:
        return self.members[self.cluster_of[record_id]][0] == record_id

    def sources(self, cluster_id: str) -> list[str]:
        """The cluster's sources, each once, in the order of its records."""
        names = (self.records[r].provenance.source for r in self.members[cluster_id])
        return list(dict.fromkeys(n for n in names if n))

    def merged(self, cluster_id: str) -> Record:
        return merged_record([self.records[r] for r in self.members[cluster_id]])


def load_clustering(store: Store, *, with_raw: bool = False) -> Clustering:
    """Read records and the last run's clusters from the store."""
    from evidencekit.core.store import rows

    with store.read() as conn:
        records = rows.load_records(conn, with_raw=with_raw)
        stored = rows.cluster_map(conn)
        deduplicated = bool(rows.runs(conn, "dedupe"))
    return build_clustering(records, stored, deduplicated=deduplicated)


def build_clustering(
    records: Sequence[Record], stored: Mapping[str, Any], *, deduplicated: bool = True
) -> Clustering:
    """Group records by their stored cluster; unclustered records stand alone."""
    by_id = {r.record_id: r for r in records}
    order = {r.record_id: i for i, r in enumerate(records)}
    cluster_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    primaries: dict[str, str] = {}
    unclustered = 0
    for record in records:
        row = stored.get(record.record_id)
        if row is None:
            unclustered += 1
            cid = record.record_id
            primaries[cid] = record.record_id
        else:
            cid = row.cluster_id
            if row.is_primary:
                primaries[cid] = record.record_id
        cluster_of[record.record_id] = cid
        members[cid].append(record.record_id)
    for cid, ids in members.items():
        if len(ids) == 1:
            continue

        def rank(rid: str) -> tuple[Any, ...]:
            return primary_rank(by_id[rid], order[rid])

        first = primaries.get(cid) or min(ids, key=rank)
        rest = sorted((r for r in ids if r != first), key=rank)
        members[cid] = [first, *rest]
    return Clustering(by_id, cluster_of, dict(members), unclustered, deduplicated)


# -- list, show, counts -------------------------------------------------------------
def open_existing(review: Review) -> Store:
    """The review's store, which must exist (an import creates it)."""
    from evidencekit.core.store import open_store

    return open_store(review, create=False)


def _summary_row(record: Record, clustering: Clustering) -> dict[str, Any]:
    first = record.authors[0].family if record.authors else ""
    prov = record.provenance
    return {
        "record_id": record.record_id,
        "cluster_id": clustering.cluster_of[record.record_id],
        "is_primary": clustering.is_primary(record.record_id),
        "source": prov.source if prov else "",
        "source_key": record.source_key,
        "year": record.year,
        "first_author": first,
        "title": record.title,
        "doi": record.doi,
    }


def list_records(
    review: Review,
    *,
    source: str | None = None,
    primary_only: bool = False,
    limit: int | None = None,
) -> dict[str, Any]:
    """Summary rows of the stored records (optionally one source, or primaries only)."""
    with open_existing(review) as store:
        clustering = load_clustering(store)
    known = {r.provenance.source for r in clustering.records.values()}
    if source is not None and source not in known:
        raise PipelineError(
            f"no records from source {source!r}; sources: {', '.join(sorted(known)) or '(none)'}"
        )
    out = []
    for record in clustering.records.values():
        if source is not None and record.provenance.source != source:
            continue
        if primary_only and not clustering.is_primary(record.record_id):
            continue
        out.append(_summary_row(record, clustering))
    total = len(out)
    if limit is not None:
        out = out[:limit]
    return {"count": total, "shown": len(out), "unclustered": clustering.unclustered,
            "deduplicated": clustering.deduplicated, "records": out}


def show_record(review: Review, record_id: str) -> dict[str, Any]:
    """One record in full: fields, raw fields, provenance, its cluster and links."""
    from evidencekit.core.store import rows

    with open_existing(review) as store:
        with store.read() as conn:
            found = rows.load_records(conn, record_ids=[record_id])
            if not found:
                raise PipelineError(
                    f"no record {record_id!r} in the store; `evidencekit records list` shows "
                    "the ids"
                )
            stored = rows.cluster_map(conn)
            links = [
                link for link in rows.links(conn) if record_id in (link["a"], link["b"])
            ]
        record = found[0]
        row = stored.get(record_id)
        cluster_id = row.cluster_id if row else record_id
        member_ids = [r for r, c in stored.items() if c.cluster_id == cluster_id] or [record_id]
        with store.read() as conn:
            members = rows.load_records(conn, record_ids=sorted(member_ids), with_raw=False)
    data = record.to_dict()
    data["cluster"] = {
        "cluster_id": cluster_id,
        "is_primary": bool(row.is_primary) if row else True,
        "members": [
            {"record_id": m.record_id, "source": m.provenance.source, "title": m.title,
             "is_primary": bool(stored[m.record_id].is_primary) if m.record_id in stored
             else True}
            for m in members
        ],
        "links": [{k: link[k] for k in ("a", "b", "reason", "score", "method")}
                  for link in links],
    }
    return data


def counts_by_source(review: Review | None = None, *, clustering: Clustering | None = None
                     ) -> dict[str, Any]:
    """Records per source before and after de-duplication, and the overlaps.

    Per source: ``records`` imported, ``kept`` (records that are the primary of
    their cluster), ``duplicates_removed`` (= records - kept), ``distinct``
    (clusters with at least one record of the source: the studies it found) and
    ``only_here`` (clusters found in this source alone). Over all sources,
    ``duplicates_removed`` is what a PRISMA flow diagram reports.
    """
    if clustering is None:
        if review is None:
            raise ValueError("counts_by_source needs a review or a clustering")
        with open_existing(review) as store:
            clustering = load_clustering(store)
    per: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    files: dict[str, set[str]] = defaultdict(set)
    for rid, record in clustering.records.items():
        prov = record.provenance
        per[prov.source]["records"] += 1
        per[prov.source]["kept"] += clustering.is_primary(rid)
        kinds.setdefault(prov.source, prov.kind)
        files[prov.source].add(prov.file)
    overlaps: dict[str, Counter] = defaultdict(Counter)
    for cid in clustering.members:
        sources = clustering.sources(cid)
        for name in sources:
            per[name]["distinct"] += 1
            if len(sources) == 1:
                per[name]["only_here"] += 1
            for other in sources:
                if other != name:
                    overlaps[name][other] += 1
    table = [
        {
            "source": name, "kind": kinds[name], "files": len(files[name]),
            "records": c["records"], "kept": c["kept"],
            "duplicates_removed": c["records"] - c["kept"],
            "distinct": c["distinct"], "only_here": c["only_here"],
        }
        for name, c in per.items()
    ]
    total = len(clustering.records)
    unique = len(clustering.members)
    return {
        "sources": table,
        "totals": {
            "records": total, "unique": unique, "duplicates_removed": total - unique,
            "unclustered": clustering.unclustered, "deduplicated": clustering.deduplicated,
        },
        "overlaps": {name: dict(sorted(o.items())) for name, o in sorted(overlaps.items())},
    }


# -- export ----------------------------------------------------------------------------
def export_records(review: Review, format: str = "csv", *, all_records: bool = False,
                   state: dict[str, Any] | None = None,
                   require_deduped: bool = False) -> str:
    """The store's records as CSV, RIS or BibTeX text.

    By default one entry per de-duplicated record: the cluster's primary with
    its gaps filled from the other records (``merged_record``). With
    ``all_records`` every imported record, with its cluster. ``state``, when
    given, receives ``deduplicated`` (a dedupe ever ran) and ``unclustered``
    (records imported after the last one); ``require_deduped`` makes either an
    error instead of an export that mixes un-de-duplicated records in.
    """
    from evidencekit.core import export_records as ex

    if format not in ex.EXPORT_FORMATS:
        raise PipelineError(f"export format {format!r} is not one of: "
                            f"{', '.join(ex.EXPORT_FORMATS)}")
    with open_existing(review) as store:
        clustering = load_clustering(store)
    if state is not None:
        state.update(deduplicated=clustering.deduplicated, unclustered=clustering.unclustered)
    if require_deduped and not clustering.deduplicated:
        raise PipelineError("the records were never de-duplicated; run `evidencekit dedupe` "
                            "first (or export without --require-deduped)")
    if require_deduped and clustering.unclustered:
        raise PipelineError(f"{clustering.unclustered} records were imported after the last "
                            "de-duplication; run `evidencekit dedupe` again first (or export "
                            "without --require-deduped)")
    if all_records:
        entries = [
            (record, [record.provenance.source],
             f"evidencekit cluster {clustering.cluster_of[rid]} "
             f"({'primary' if clustering.is_primary(rid) else 'duplicate'})")
            for rid, record in clustering.records.items()
        ]
    else:
        entries = [
            (clustering.merged(cid), clustering.sources(cid), "")
            for cid in _cluster_order(clustering)
        ]  # same order as _cluster_order below
    if format == "ris":
        return ex.to_ris(entries)
    if format == "bibtex":
        return ex.to_bibtex(entries)
    if all_records:
        return ex.to_csv((_all_row(r, clustering) for r, _, _ in entries), ex.ALL_COLUMNS)
    order = _cluster_order(clustering)
    return ex.to_csv(
        (_merged_row(cid, record, clustering)
         for cid, (record, _, _) in zip(order, entries, strict=True)),
        ex.MERGED_COLUMNS,
    )


def _cluster_order(clustering: Clustering) -> list[str]:
    # Clusters in the order their primaries were imported.
    position = {rid: i for i, rid in enumerate(clustering.records)}
    return sorted(clustering.members, key=lambda c: position[clustering.members[c][0]])


def _fields(record: Record) -> dict[str, Any]:
    from evidencekit.core import export_records as ex

    names = ("title", "authors", "year", "doi", *ex.FIELD_COLUMNS)
    return {name: ex.field_text(record, name) for name in names}


def _all_row(record: Record, clustering: Clustering) -> dict[str, Any]:
    prov = record.provenance
    return {
        "record_id": record.record_id,
        "cluster_id": clustering.cluster_of[record.record_id],
        "is_primary": "true" if clustering.is_primary(record.record_id) else "false",
        "source": prov.source,
        "source_key": record.source_key,
        **_fields(record),
        "kind": prov.kind, "file": prov.file, "position": prov.position,
        "line": prov.line, "format": prov.format, "date_searched": prov.date_searched,
    }


def _merged_row(cluster_id: str, record: Record, clustering: Clustering) -> dict[str, Any]:
    members = clustering.members[cluster_id]
    return {
        "record_id": record.record_id,
        "cluster_id": cluster_id,
        "n_records": len(members),
        "sources": "; ".join(clustering.sources(cluster_id)),
        **_fields(record),
        "record_ids": "; ".join(members),
    }


def run_dedupe(*args: Any, **kwargs: Any) -> Any:
    """See :func:`evidencekit.core.deduplication.run_dedupe`."""
    from evidencekit.core.deduplication import run_dedupe as run

    return run(*args, **kwargs)


__all__ = [
    "Clustering", "FileImport", "ImportReport", "ImportSpec", "completeness",
    "counts_by_source", "export_records", "import_files", "import_many", "import_records",
    "list_records", "load_clustering", "make_record_id", "merged_record", "primary_rank",
    "run_dedupe", "show_record",
]

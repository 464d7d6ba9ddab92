"""The import commands' library functions: files (or records built in memory) into the
store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.ahead import Ahead
from evidencekit.core.errors import PipelineError, RecordFormatError
from evidencekit.core.model import Record
from evidencekit.core.records.common import ProgressFn, _no_progress, content_sha256, file_sha256
from evidencekit.core.records.specs import (
    ImportReport,
    ImportSpec,
    check_source,
    require_title_setting,
)
from evidencekit.core.records.storing import (
    _Batch,
    _Parsed,
    _read_file,
    _Ready,
    _store_batches,
    ready_rows,
    stored_whole,
)

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review


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
    time in each of two processes (every second file by a forked child, see
    ``core.ahead``) and their records inserted in bulk, in order, so memory holds about
    two files at once.
    """
    progress = progress or _no_progress
    if not specs:
        raise PipelineError("no files to import")
    for spec in specs:  # fail before reading anything
        check_source(spec.source, spec.kind, spec.date_searched)
        path = Path(spec.path)
        if path.is_dir():
            raise RecordFormatError(
                "this is a folder, not a file; name the export files inside it", file=str(spec.path)
            )
        if not path.is_file():
            raise RecordFormatError("no such file; check the path", file=str(spec.path))
    require_title = require_title_setting(review)
    registry = review.registry

    def ready(spec: ImportSpec) -> _Ready:
        return ready_rows(spec, _read_file(spec, registry, require_title), None)

    # The files are parsed ahead, every second one by a forked child (core.ahead), while
    # this process parses the others and stores each file's rows, in order. A file stored
    # whole already is not read again (unless replaced), so the child leaves it alone.
    hashes = [file_sha256(spec.path) for spec in specs]
    stored = stored_whole(review, set(hashes))
    here = [k for k, spec in enumerate(specs) if hashes[k] in stored and not spec.replace]
    with Ahead([lambda spec=spec: ready(spec) for spec in specs], here) as ahead:

        def batches() -> Iterable[_Batch]:
            for number, spec in enumerate(specs, 1):
                progress("reading files", number - 1, len(specs))
                yield _Batch(spec, hashes[number - 1], lambda k=number - 1: ahead.get(k))
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
    return _store_batches(
        review,
        [_Batch(spec, sha, lambda: parsed)],
        require_title_setting(review),
        command="import-records",
    )

"""Records in the store: import files, list, show, count by source, export.

The library functions the ``import`` and ``records`` commands call, and that
tests and benchmarks call directly. De-duplication lives in
:mod:`evidencekit.core.deduplication` (``run_dedupe`` is re-exported here).

Record ids are stable: ``r`` + the first 12 hex digits of the file's SHA-256 +
``-`` + the record's position in the file. Re-importing a file therefore finds
every record already present and adds nothing.

An ``import`` command is one transaction: if any file fails (a malformed
export, a refused record), nothing from any of its files is stored."""

from __future__ import annotations

from typing import Any

from evidencekit.core.records.clustering import (
    Clustering,
    build_clustering,
    completeness,
    load_clustering,
    merged_record,
    open_existing,
    primary_rank,
)
from evidencekit.core.records.common import (
    _DATE as _DATE,
)
from evidencekit.core.records.common import (
    COMPLETENESS_FIELDS,
    ProgressFn,
    bulk_work,
    content_sha256,
    file_sha256,
    make_record_id,
)
from evidencekit.core.records.common import (
    _no_progress as _no_progress,
)
from evidencekit.core.records.export import (
    _all_row as _all_row,
)
from evidencekit.core.records.export import (
    _cluster_order as _cluster_order,
)
from evidencekit.core.records.export import (
    _fields as _fields,
)
from evidencekit.core.records.export import (
    _merged_row as _merged_row,
)
from evidencekit.core.records.export import (
    export_pieces,
    export_records,
    write_export,
)
from evidencekit.core.records.imports import (
    import_files,
    import_many,
    import_records,
)
from evidencekit.core.records.listing import (
    _summary_row as _summary_row,
)
from evidencekit.core.records.listing import (
    counts_by_source,
    list_records,
    show_record,
)
from evidencekit.core.records.specs import (
    FileImport,
    ImportReport,
    ImportSpec,
    check_source,
    require_title_setting,
)
from evidencekit.core.records.storing import (
    _already_imported as _already_imported,
)
from evidencekit.core.records.storing import (
    _Batch as _Batch,
)
from evidencekit.core.records.storing import (
    _origin as _origin,
)
from evidencekit.core.records.storing import (
    _Parsed as _Parsed,
)
from evidencekit.core.records.storing import (
    _prepare as _prepare,
)
from evidencekit.core.records.storing import (
    _read_file as _read_file,
)
from evidencekit.core.records.storing import (
    _store_all as _store_all,
)
from evidencekit.core.records.storing import (
    _store_batches as _store_batches,
)
from evidencekit.core.records.storing import (
    _store_file as _store_file,
)

__all__ = [
    "COMPLETENESS_FIELDS",
    "Clustering",
    "FileImport",
    "ImportReport",
    "ImportSpec",
    "ProgressFn",
    "build_clustering",
    "bulk_work",
    "check_source",
    "completeness",
    "content_sha256",
    "counts_by_source",
    "export_pieces",
    "export_records",
    "file_sha256",
    "import_files",
    "import_many",
    "import_records",
    "list_records",
    "load_clustering",
    "make_record_id",
    "merged_record",
    "open_existing",
    "primary_rank",
    "require_title_setting",
    "show_record",
    "write_export",
]


def __getattr__(name: str) -> Any:
    """``run_dedupe`` lives in :mod:`evidencekit.core.deduplication`; it stays reachable
    here, resolved lazily, for callers that imported it from this package. Lazily, so
    that the record modules (which deduplication builds on) never import it back."""
    if name == "run_dedupe":
        from evidencekit.core.deduplication.run import run_dedupe

        return run_dedupe
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

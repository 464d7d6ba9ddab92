"""Reading database export files into records: the library behind ``evidencekit import``.

``read_records(path, registry, source_name=...)`` reads the bytes (un-gzipping ``.gz``
transparently, rendering ``.xlsx`` sheets as CSV text), detects the text encoding
(:mod:`evidencekit.core.encoding`), picks the importer by the file's *content* (each
importer's ``sniff`` score, never the file name), lets it yield records, and fills in the
provenance. Every problem with the file surfaces as a :class:`RecordFormatError` naming the
file and the line; nothing else escapes.

The core never imports an importer module: importers are found through the registry."""

from __future__ import annotations

from evidencekit.core.importing.detect import (
    MIN_SNIFF_SCORE,
    detect_format,
)
from evidencekit.core.importing.detect import (
    _first_line as _first_line,
)
from evidencekit.core.importing.read import (
    _DATE_SEARCHED as _DATE_SEARCHED,
)
from evidencekit.core.importing.read import (
    COMMON_OPTIONS,
    MAX_WARNINGS_PER_KIND,
    YEAR_MIN,
    ImportResult,
    max_plausible_year,
    read_records,
    records_from_source,
)
from evidencekit.core.importing.read import (
    _Noted as _Noted,
)
from evidencekit.core.importing.read import (
    _split_options as _split_options,
)
from evidencekit.core.importing.source import (
    _GZIP_MAGIC as _GZIP_MAGIC,
)
from evidencekit.core.importing.source import (
    _OLE2_MAGIC as _OLE2_MAGIC,
)
from evidencekit.core.importing.source import (
    _ZIP_MAGIC as _ZIP_MAGIC,
)
from evidencekit.core.importing.source import (
    HEAD_CHARS,
    MAX_INFLATED_BYTES,
    ImportSource,
    read_source,
    source_from_bytes,
)
from evidencekit.core.importing.source import (
    _gunzip as _gunzip,
)
from evidencekit.core.importing.xlsx import (
    _cell_text as _cell_text,
)
from evidencekit.core.importing.xlsx import (
    _rows_to_csv as _rows_to_csv,
)
from evidencekit.core.importing.xlsx import (
    xlsx_rows,
)

__all__ = [
    "COMMON_OPTIONS",
    "HEAD_CHARS",
    "ImportResult",
    "ImportSource",
    "MAX_INFLATED_BYTES",
    "MAX_WARNINGS_PER_KIND",
    "MIN_SNIFF_SCORE",
    "YEAR_MIN",
    "detect_format",
    "max_plausible_year",
    "read_records",
    "read_source",
    "records_from_source",
    "source_from_bytes",
    "xlsx_rows",
]

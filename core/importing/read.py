"""Records read from one export by its importer, with provenance filled in and the
importer's output checked (titles, years, identifiers)."""

from __future__ import annotations

import datetime as _dt
import gc
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.encoding import scrub_record
from evidencekit.core.errors import EvidencekitError, RecordFormatError
from evidencekit.core.importing.detect import detect_format
from evidencekit.core.importing.source import ImportSource, read_source
from evidencekit.core.model import SOURCE_KINDS, Provenance, Record

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.registry import Registry


#: Earliest publication year accepted as possible.
YEAR_MIN = 1000


#: Per kind of warning, how many are listed one by one before a summary line.
MAX_WARNINGS_PER_KIND = 20


_DATE_SEARCHED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


#: Options every import understands, handled here rather than by the importer.
COMMON_OPTIONS: dict[str, tuple[str, ...]] = {
    "missing_title": ("warn", "error"),
    "impossible_year": ("error", "warn"),
}


def max_plausible_year() -> int:
    """The latest year a record may carry: next year's issues appear in advance."""
    return _dt.date.today().year + 2


class ImportResult(list):
    """The records read from one file, in file order — a ``list`` of :class:`Record` —
    with what the import noticed: ``warnings`` (one line each, naming file and line),
    ``format`` (the importer's name), ``encoding`` (as detected, for people) and ``source``.
    """

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        warnings: list[str] | None = None,
        format: str = "",
        encoding: str = "",
        source: ImportSource | None = None,
    ):
        super().__init__(records)
        self.warnings: list[str] = list(warnings or [])
        self.format = format
        self.encoding = encoding
        self.source = source

    @property
    def records(self) -> list[Record]:
        """The records as a plain list."""
        return list(self)


def _split_options(
    options: Mapping[str, Any] | None,
) -> tuple[dict[str, str], dict[str, Any]]:
    common: dict[str, str] = {key: values[0] for key, values in COMMON_OPTIONS.items()}
    rest: dict[str, Any] = {}
    for key, value in (options or {}).items():
        if key in COMMON_OPTIONS:
            if value not in COMMON_OPTIONS[key]:
                allowed = " or ".join(repr(v) for v in COMMON_OPTIONS[key])
                raise EvidencekitError(f"import option {key!r} must be {allowed}, not {value!r}")
            common[key] = value
        else:
            rest[key] = value
    return common, rest


class _Noted:
    """Warnings of one kind: the first few one by one, then a count."""

    def __init__(self, source: ImportSource, summary: str):
        self.source = source
        self.summary = summary
        self.count = 0

    def add(self, message: str, line: int | None) -> None:
        self.count += 1
        if self.count <= MAX_WARNINGS_PER_KIND:
            self.source.warn(message, line)

    def close(self) -> None:
        if self.count > MAX_WARNINGS_PER_KIND:
            more = self.count - MAX_WARNINGS_PER_KIND
            self.source.warn(f"... and {more} more {self.summary} ({self.count} in all)")


def read_records(
    path: str | Path,
    registry: Registry,
    *,
    format: str | None = None,
    source_name: str,
    source_kind: str = "database",
    date_searched: str | None = None,
    options: Mapping[str, Any] | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read every record of one export file, in file order, with its provenance.

    ``format`` names the importer; by default it is detected from the content. ``options``
    go to the importer (checked against its ``options_schema``), except the two every
    import understands: ``missing_title`` (``"warn"``, the default: keep the record and
    name it in a warning; ``"error"``: refuse the file) and ``impossible_year``
    (``"error"``, the default, for a year outside 1000 to this year + 2; ``"warn"``:
    keep the record without a year). ``encoding`` forces a text encoding.

    Returns an :class:`ImportResult`: a list of :class:`Record` (provenance filled:
    source, kind, file, position from 1, line, format, date searched; ``source_key`` the
    record's own identifier in the file, else its position) with ``warnings``, ``format``
    and ``encoding`` attributes. Raises :class:`RecordFormatError` (file and line named)
    for anything wrong with the file; nothing is returned half-read.
    """
    return records_from_source(
        read_source(path, encoding=encoding),
        registry,
        format=format,
        source_name=source_name,
        source_kind=source_kind,
        date_searched=date_searched,
        options=options,
    )


def records_from_source(
    source: ImportSource,
    registry: Registry,
    *,
    format: str | None = None,
    source_name: str,
    source_kind: str = "database",
    date_searched: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> ImportResult:
    """:func:`read_records` for a file already read (e.g. by :func:`source_from_bytes`)."""
    if source_kind not in SOURCE_KINDS:
        raise EvidencekitError(
            f"unknown source kind {source_kind!r}; use one of: {', '.join(SOURCE_KINDS)}"
        )
    if not source_name or not source_name.strip():
        raise EvidencekitError("a source name is required, e.g. 'MEDLINE (Ovid)'")
    if date_searched is not None and not _DATE_SEARCHED.match(date_searched):
        raise EvidencekitError(
            f"date searched {date_searched!r} is not a date; write it as YYYY-MM-DD"
        )
    common, importer_options = _split_options(options)
    name = format or detect_format(source, registry)
    importer = registry.get("importer", name)
    importer_options = registry.validate_options("importer", name, importer_options)

    result = ImportResult(format=name, encoding=source.encoding, source=source)
    first_warning = len(source.warnings)  # the source may have been read before
    no_title = _Noted(source, "records without a title")
    bad_year = _Noted(source, "records with an impossible year")
    repeated = _Noted(source, "repeated record identifiers")
    controls = _Noted(source, "records with control characters removed")
    seen_keys: dict[str, int] = {}
    last_year = max_plausible_year()
    position = 0
    line: int | None = None
    # Why: an import allocates millions of small objects that all live on; the cyclic
    # garbage collector would rescan them again and again (imports of 100,000 records took
    # 1.5 times as long with it). Nothing here creates reference cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for record in importer.read(source, importer_options):
            if not isinstance(record, Record):  # the contract, checked where the core receives it
                from evidencekit.core.errors import PipelineError

                raise PipelineError(
                    f"importer {name!r} ({registry.info('importer', name).origin}) yielded "
                    f"{type(record).__name__}, not a Record; report this to the plugin's authors"
                )
            position += 1
            provenance = record.provenance or Provenance(source=source_name)
            line = provenance.line
            provenance.source = source_name
            provenance.kind = source_kind
            provenance.file = source.display
            provenance.position = position
            provenance.format = name
            provenance.date_searched = date_searched
            record.provenance = provenance
            if not record.source_key:
                record.source_key = str(position)
            scrubbed = scrub_record(record)
            if scrubbed:
                controls.add(
                    f"record {position} (id {record.source_key}): control characters "
                    f"removed from {', '.join(scrubbed)} (a damaged file?)",
                    line,
                )
            if record.year is not None and not YEAR_MIN <= record.year <= last_year:
                label = f"record {position} (id {record.source_key})"
                # EndNote writes "PY  - 0000" for "no year": a placeholder, not a mistake.
                if common["impossible_year"] == "error" and record.year != 0:
                    raise RecordFormatError(
                        f"{label}: the year {record.year} is impossible (expected "
                        f"{YEAR_MIN}-{last_year}). Correct it in the file, or import with the "
                        "option impossible_year: warn to keep the record without a year",
                        file=source.display,
                        line=line,
                    )
                what = (
                    "no year (written as 0000)"
                    if record.year == 0
                    else (f"impossible year {record.year}")
                )
                bad_year.add(f"{label}: {what}; stored without a year", line)
                record.year = None
            if not record.title.strip():
                label = f"record {position} (id {record.source_key})"
                if common["missing_title"] == "error":
                    raise RecordFormatError(
                        f"{label} has no title, and this review refuses records without one "
                        "(missing_title: error). Add the title in the file or remove the record",
                        file=source.display,
                        line=line,
                    )
                no_title.add(f"{label} has no title; imported anyway", line)
            first = seen_keys.setdefault(record.source_key, position)
            if first != position:
                label = f"record {position} (id {record.source_key})"
                repeated.add(
                    f"{label}: the identifier {record.source_key!r} was already used by "
                    f"record {first}",
                    line,
                )
            result.append(record)
    except EvidencekitError:
        raise
    except Exception as exc:  # why: the promise is one clear error type, never a traceback
        raise RecordFormatError(
            f"the {name} importer failed after record {position} "
            f"({exc.__class__.__name__}: {exc}). The file is malformed in a way the importer "
            "does not recognise; check the record after this line, or report the problem "
            "with the file attached",
            file=source.display,
            line=line,
        ) from exc
    finally:
        if collecting:
            gc.enable()
    for noted in (no_title, bad_year, repeated, controls):
        noted.close()
    if not result:
        source.warn("no records found in the file")
    result.warnings = source.warnings[first_warning:]
    return result

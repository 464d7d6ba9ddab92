"""Reading database export files into records: the library behind ``evidencekit import``.

``read_records(path, registry, source_name=...)`` reads the bytes (un-gzipping ``.gz``
transparently, rendering ``.xlsx`` sheets as CSV text), detects the text encoding
(:mod:`evidencekit.core.encoding`), picks the importer by the file's *content* (each
importer's ``sniff`` score, never the file name), lets it yield records, and fills in the
provenance. Every problem with the file surfaces as a :class:`RecordFormatError` naming the
file and the line; nothing else escapes.

The core never imports an importer module: importers are found through the registry.
"""

from __future__ import annotations

import datetime as _dt
import gc
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.encoding import decode_bytes, scrub_record
from evidencekit.core.errors import EvidencekitError, RecordFormatError
from evidencekit.core.model import SOURCE_KINDS, Provenance, Record

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.registry import Registry

__all__ = [
    "HEAD_CHARS",
    "ImportResult",
    "ImportSource",
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

#: How much decoded text ``sniff`` sees.
HEAD_CHARS = 32_768
#: Below this score no importer is trusted with a file.
MIN_SNIFF_SCORE = 0.3
#: Earliest publication year accepted as possible.
YEAR_MIN = 1000
#: Refuse to inflate a .gz export beyond this (a damaged or hostile file).
MAX_INFLATED_BYTES = 2 * 1024**3
#: Per kind of warning, how many are listed one by one before a summary line.
MAX_WARNINGS_PER_KIND = 20

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DATE_SEARCHED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: Options every import understands, handled here rather than by the importer.
COMMON_OPTIONS: dict[str, tuple[str, ...]] = {
    "missing_title": ("warn", "error"),
    "impossible_year": ("error", "warn"),
}


def max_plausible_year() -> int:
    """The latest year a record may carry: next year's issues appear in advance."""
    return _dt.date.today().year + 2


@dataclass
class ImportSource:
    """One export file, read and decoded, ready for an importer.

    ``text`` is the decoded content with the byte-order mark removed and every line ending
    turned into ``\\n`` (so line numbers match any editor). For an ``.xlsx`` file ``text``
    is its first non-empty sheet rendered as CSV and ``data`` the workbook's bytes; for a
    ``.gz`` file ``data`` is the inflated content. ``display`` is how messages name the file.
    Importers add warnings with :meth:`warn`.
    """

    path: Path
    data: bytes
    text: str
    encoding: str
    display: str
    warnings: list[str] = field(default_factory=list)
    container: str = ""  # "", "gzip" or "xlsx"

    def warn(self, message: str, line: int | None = None) -> None:
        """Record a warning about this file, naming the line where known."""
        where = f"{self.display}:{line}" if line is not None else self.display
        self.warnings.append(f"{where}: {message}")

    @property
    def head(self) -> str:
        """The start of the text, as ``sniff`` sees it."""
        return self.text[:HEAD_CHARS]


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


def _gunzip(data: bytes, display: str) -> bytes:
    from evidencekit.core.limits import input_too_large, max_input_bytes

    limit = min(max_input_bytes(), MAX_INFLATED_BYTES)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header
    out: list[bytes] = []
    size = 0
    pending = data
    try:
        while pending:
            # Inflate in slices no bigger than what is still allowed, so memory never
            # goes past the limit by more than one slice.
            chunk = inflater.decompress(pending, min(16 * 1024 * 1024, limit - size + 1))
            size += len(chunk)
            if size > limit:
                raise input_too_large("the .gz file inflates to", limit, display)
            out.append(chunk)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                # Why: a concatenated gzip (several members) continues after the first.
                rest = inflater.unused_data
                if rest.startswith(_GZIP_MAGIC):
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    pending = rest
                else:
                    pending = b""
        if not inflater.eof:
            raise RecordFormatError(
                "the gzip file ends before its end-of-stream marker: it is truncated "
                "(an interrupted download or copy). Download or compress it again",
                file=display,
            )
    except zlib.error as exc:
        raise RecordFormatError(
            f"the gzip file is damaged ({exc}); download or compress it again", file=display
        ) from None
    return b"".join(out)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def xlsx_rows(data: bytes, display: str, sheet: str | None = None) -> tuple[str, list[list[str]]]:
    """The rows of one worksheet of an .xlsx workbook as lists of cell texts.

    ``sheet`` names the worksheet; by default the first one that has any data. Trailing
    empty rows and columns are dropped. Raises RecordFormatError for a damaged workbook or
    an unknown sheet name (listing the sheets).
    """
    import openpyxl  # why here: heavy, and only XLSX files need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise RecordFormatError(
            f"the .xlsx workbook cannot be read ({exc.__class__.__name__}: {exc}); open it in "
            "a spreadsheet program and save it again as .xlsx or CSV",
            file=display,
        ) from None
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise RecordFormatError(
                f"the workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}",
                file=display,
            )
        for name in [sheet] if sheet is not None else names:
            rows: list[list[str]] = []
            for values in book[name].iter_rows(values_only=True):
                rows.append([_cell_text(v) for v in values])
            while rows and not any(cell.strip() for cell in rows[-1]):
                rows.pop()
            if rows or sheet is not None:
                width = max((i + 1 for row in rows for i, c in enumerate(row) if c.strip()),
                            default=0)
                return name, [row[:width] for row in rows]
        return names[0] if names else "", []
    finally:
        book.close()


def _rows_to_csv(rows: list[list[str]]) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def source_from_bytes(
    data: bytes, path: str | Path, *, encoding: str | None = None
) -> ImportSource:
    """Build an :class:`ImportSource` from bytes already read (tests, uploads, fuzzing).

    Un-gzips, recognises .xlsx, refuses other binary files and empty files, and decodes
    the text. Raises :class:`RecordFormatError` naming the file (and the line where known).
    """
    from evidencekit.core.limits import check_line_lengths, input_too_large, max_input_bytes

    path = Path(path)
    display = str(path)
    container = ""
    if len(data) > max_input_bytes():
        raise input_too_large(f"the file holds {len(data):,} bytes,", max_input_bytes(), display)
    if data.startswith(_GZIP_MAGIC):
        data = _gunzip(data, display)
        container = "gzip"
    if data.startswith(_ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        try:
            members = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise RecordFormatError(
                f"this zip/.xlsx file is damaged or truncated ({exc}); save or download it again",
                file=display,
            ) from None
        if "xl/workbook.xml" not in members:
            raise RecordFormatError(
                "this is a zip archive, not an export: unzip it and import the files inside "
                f"(it holds {len(members)} file(s), e.g. {', '.join(members[:3])})",
                file=display,
            )
        sheet, rows = xlsx_rows(data, display)
        text = _rows_to_csv(rows)
        if not text.strip():
            raise RecordFormatError(
                "the workbook is empty: none of its sheets has any data. Export the records "
                "again",
                file=display,
                line=1,
            )
        label = "xlsx" if container == "" else "xlsx (gzip)"
        return ImportSource(path, data, text, f"{label}, sheet {sheet!r}", display,
                            container="xlsx")
    if data.startswith(b"%PDF-"):
        raise RecordFormatError(
            "this is a PDF document, not an export; export the records from the database "
            "as RIS, MEDLINE, BibTeX, Web of Science, EndNote XML or CSV",
            file=display,
            line=1,
        )
    if data.startswith(_OLE2_MAGIC):
        raise RecordFormatError(
            "this is an old binary Office file (.xls/.doc); open it and save it as .xlsx "
            "or CSV (UTF-8), then import that",
            file=display,
            line=1,
        )
    if not data or data.isspace():  # why not strip(): it would copy a 200 MB file
        raise RecordFormatError(
            "the file is empty; export the records again (an empty search result needs no "
            "import)",
            file=display,
            line=1,
        )
    decoded = decode_bytes(data, file=display, encoding=encoding)
    text = decoded.text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:  # why: concatenated exports carry a BOM at each part's start
        text = text.replace("\ufeff", "")
    if not text or text.isspace():
        raise RecordFormatError(
            "the file holds only white space; export the records again",
            file=display,
            line=1,
        )
    check_line_lengths(text, display)  # one field is at least one line: bounded
    label = decoded.label if not container else f"{decoded.label} (gzip)"
    return ImportSource(path, data, text, label, display, container=container)


def read_source(path: str | Path, *, encoding: str | None = None) -> ImportSource:
    """Read a file and detect its encoding (see :func:`source_from_bytes`).

    ``encoding`` forces a codec (e.g. ``"cp1252"``) instead of detecting one.
    """
    from evidencekit.core.limits import input_too_large, max_input_bytes

    path = Path(path)
    try:
        if path.stat().st_size > max_input_bytes():  # refused before it is read
            raise input_too_large(f"the file holds {path.stat().st_size:,} bytes,",
                                  max_input_bytes(), str(path))
        data = path.read_bytes()
    except FileNotFoundError:
        raise RecordFormatError("no such file; check the path", file=str(path)) from None
    except IsADirectoryError:
        raise RecordFormatError(
            "this is a folder, not a file; name the export files inside it", file=str(path)
        ) from None
    except OSError as exc:
        raise RecordFormatError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    return source_from_bytes(data, path, encoding=encoding)


def _first_line(text: str) -> str:
    for line in text[:8192].split("\n", 20):
        if line.strip():
            line = line.strip()
            return line if len(line) <= 60 else line[:57] + "..."
    return ""


def detect_format(source: ImportSource, registry: Registry) -> str:
    """The name of the importer whose ``sniff`` scores the file's content highest.

    The file name plays no part (real exports often carry the wrong extension). Raises
    :class:`RecordFormatError` listing the known formats when no importer scores at least
    ``MIN_SNIFF_SCORE``, or when two tie for first place.
    """
    head = source.head
    scores: list[tuple[float, str]] = []
    for info in registry.providers("importer"):
        sniff = getattr(info.provider, "sniff", None)
        if sniff is None:
            continue
        try:
            score = float(sniff(head))
        except Exception:  # why: one faulty third-party sniffer must not stop detection
            score = 0.0
        scores.append((score, info.name))
    scores.sort(key=lambda item: (-item[0], item[1]))
    if not scores or scores[0][0] < MIN_SNIFF_SCORE:
        known = "; ".join(
            f"{info.name} ({info.description})" for info in registry.providers("importer")
        )
        raise RecordFormatError(
            f"cannot tell the export format from the content (it starts with "
            f"{_first_line(source.text)!r}). Known formats: {known or '(none)'}. "
            "Re-export the records in one of them, or name the format with --format",
            file=source.display,
            line=1,
        )
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        raise RecordFormatError(
            f"the content fits two formats equally well ({scores[0][1]} and {scores[1][1]}); "
            "name the one you mean with --format",
            file=source.display,
            line=1,
        )
    return scores[0][1]


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
                    f"{type(record).__name__}, not a Record; report this to the plugin's authors")
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
                controls.add(f"record {position} (id {record.source_key}): control characters "
                             f"removed from {', '.join(scrubbed)} (a damaged file?)", line)
            if record.year is not None and not YEAR_MIN <= record.year <= last_year:
                label = f"record {position} (id {record.source_key})"
                if common["impossible_year"] == "error":
                    raise RecordFormatError(
                        f"{label}: the year {record.year} is impossible (expected "
                        f"{YEAR_MIN}-{last_year}). Correct it in the file, or import with the "
                        "option impossible_year: warn to keep the record without a year",
                        file=source.display,
                        line=line,
                    )
                bad_year.add(f"{label}: impossible year {record.year} dropped", line)
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

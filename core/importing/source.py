"""An export file read into text: inflated (.gz, .zip), decoded, line ends normalised."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from evidencekit.core.encoding import decode_bytes
from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing.xlsx import _rows_to_csv, xlsx_rows

#: How much decoded text ``sniff`` sees.
HEAD_CHARS = 32_768


#: Refuse to inflate a .gz export beyond this (a damaged or hostile file).
MAX_INFLATED_BYTES = 2 * 1024**3


_GZIP_MAGIC = b"\x1f\x8b"


_ZIP_MAGIC = b"PK\x03\x04"


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
                "the workbook is empty: none of its sheets has any data. Export the records again",
                file=display,
                line=1,
            )
        label = "xlsx" if container == "" else "xlsx (gzip)"
        return ImportSource(
            path, data, text, f"{label}, sheet {sheet!r}", display, container="xlsx"
        )
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
            "the file is empty; export the records again (an empty search result needs no import)",
            file=display,
            line=1,
        )
    decoded = decode_bytes(data, file=display, encoding=encoding)
    text = decoded.text
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # why the test: a second replace copies the whole text again
            text = text.replace("\r", "\n")
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
            raise input_too_large(
                f"the file holds {path.stat().st_size:,} bytes,", max_input_bytes(), str(path)
            )
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

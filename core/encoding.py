"""Text encoding detection for imported export files.

Database exports arrive as UTF-8 with or without a byte-order mark, UTF-16 (Windows tools,
some EndNote and Excel exports) with or without a BOM, or a legacy 8-bit code page
(Windows-1252, Latin-1). :func:`decode_bytes` picks one from the bytes alone, says which,
and refuses binary data and files that mix encodings, naming the line and byte.

Why not chardet/charset-normalizer: the set of encodings real exports use is small, and
statistical guessing across dozens of code pages gives confident wrong answers on short
files; the rules below are exact for the encodings we accept and fast (one strict decode).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from evidencekit.core.errors import RecordFormatError

__all__ = ["DecodedText", "decode_bytes", "line_of_byte"]

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE with BOM"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE with BOM"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE with BOM"),
)

#: Control characters that never occur in a text export (everything below 0x20 except
#: tab, line feed, vertical tab, form feed and carriage return).
_CONTROL = frozenset(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D))

#: Bytes that were not UTF-8 (kept as lone surrogates by "surrogateescape"), and the
#: non-ASCII characters that were valid UTF-8.
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII_VALID = re.compile("[^\x00-\x7f\udc80-\udcff]")

#: How much of the start of a file the UTF-16/binary heuristics look at.
_PROBE = 4096


@dataclass(frozen=True)
class DecodedText:
    """A file's text and the encoding it was read with."""

    text: str  # BOM removed
    encoding: str  # Python codec name, e.g. "utf-8", "utf-16-le", "cp1252"
    label: str  # for people, e.g. "UTF-8 with BOM", "Windows-1252"
    bom: bool = False


def line_of_byte(data: bytes, offset: int, encoding: str = "utf-8") -> int:
    """1-based line number of byte ``offset`` in ``data`` (read as ``encoding``)."""
    if encoding.startswith(("utf-16", "utf-32")):
        prefix = data[:offset].decode(encoding, errors="replace")
        return prefix.count("\n") + 1
    return data.count(b"\n", 0, offset) + 1


def _column_of_byte(data: bytes, offset: int) -> int:
    """1-based character column of byte ``offset`` on its line (prefix read as UTF-8)."""
    start = data.rfind(b"\n", 0, offset) + 1
    return len(data[start:offset].decode("utf-8", errors="replace")) + 1


def _context(data: bytes, offset: int) -> str:
    """A short, printable excerpt around ``offset`` for error messages."""
    start = max(0, offset - 20)
    text = data[start : offset + 20].decode("utf-8", errors="replace")
    return " ".join(text.split())


def _guess_utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the NUL bytes fall on one side of each pair.

    Text exports are mostly ASCII; in UTF-16 every ASCII character has a NUL high byte,
    so NULs pile up on odd offsets (little-endian) or even offsets (big-endian).
    """
    probe = data[: _PROBE - (_PROBE % 2)]
    if len(probe) < 4:
        return None
    pairs = len(probe) // 2
    even_nul = probe[0::2].count(0)
    odd_nul = probe[1::2].count(0)
    if odd_nul > 0.4 * pairs and even_nul < 0.05 * pairs:
        return "utf-16-le"
    if even_nul > 0.4 * pairs and odd_nul < 0.05 * pairs:
        return "utf-16-be"
    return None


def _binary_error(data: bytes, offset: int, file: str, what: str) -> RecordFormatError:
    return RecordFormatError(
        f"this is not a text export: {what} at byte {offset}. Expected a text export "
        "(RIS, MEDLINE/.nbib, BibTeX, Web of Science, EndNote XML, CSV/TSV) or an .xlsx "
        "or .gz file; export the records again in one of those formats",
        file=file,
        line=line_of_byte(data, offset),
    )


def _check_controls(text: str, data: bytes, encoding: str, file: str) -> None:
    """Refuse text whose start is full of control characters: binary data read as text."""
    probe = text[:_PROBE]
    bad = [i for i, ch in enumerate(probe) if ch in _CONTROL]
    if len(bad) > max(2, len(probe) // 100):
        first = bad[0]
        line = probe.count("\n", 0, first) + 1
        raise RecordFormatError(
            f"this is not a text export: {len(bad)} control characters in the first "
            f"{len(probe)} characters (read as {encoding}). Expected a text export (RIS, "
            "MEDLINE, BibTeX, Web of Science, EndNote XML, CSV/TSV) or an .xlsx or .gz file",
            file=file,
            line=line,
        )


def _check_text(text: str, label: str, file: str) -> None:
    """Refuse decoded text holding a NUL character or full of control characters."""
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise RecordFormatError(
            f"this is not a text export: a NUL character at character {at} (read as {label}). "
            "Expected a text export (RIS, MEDLINE/.nbib, BibTeX, Web of Science, EndNote XML, "
            "CSV/TSV) or an .xlsx or .gz file; export the records again in one of those formats",
            file=file,
            line=line,
        )
    _check_controls(text, b"", label, file)


#: Control characters that never belong in a record's text (C0 but tab and line breaks,
#: DEL, C1). They come from damaged files; they are removed from records with a warning.
_SCRUB = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TEXT_FIELDS = (
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
    "source_key",
)


def scrub_record(record: Any) -> list[str]:
    """Remove control characters from a record's text fields; the names of those changed."""
    changed: list[str] = []
    search = _SCRUB.search
    # Why the one search first: nearly every record is clean, and one search over all its
    # text joined is several times faster than a search per field.
    texts = [getattr(record, name) or "" for name in _TEXT_FIELDS]
    texts += record.keywords
    texts += record.issn
    texts += record.isbn
    for author in record.authors:
        texts.append(author.family or "")
        texts.append(author.given or "")
    if search("".join(texts)) is None:
        return changed
    for name in _TEXT_FIELDS:
        value = getattr(record, name)
        if value and search(value):
            setattr(record, name, _SCRUB.sub("", value))
            changed.append(name)
    for name in ("keywords", "issn", "isbn"):
        values = getattr(record, name)
        if any(search(v) for v in values):
            setattr(record, name, [_SCRUB.sub("", v) for v in values])
            changed.append(name)
    for author in record.authors:
        for part in ("family", "given"):
            value = getattr(author, part, "")
            if value and search(value):
                setattr(author, part, _SCRUB.sub("", value))
                if "authors" not in changed:
                    changed.append("authors")
    return changed


def _strict(data: bytes, encoding: str, label: str, file: str, bom: bool) -> DecodedText:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start
        raise RecordFormatError(
            f"byte {offset} (0x{data[offset]:02X}, column {_column_of_byte(data, offset)}, "
            f"near '{_context(data, offset)}') is not valid {label}: the file is damaged or "
            "mixes encodings. Open it in a text editor, fix or re-type that character, save "
            "it as UTF-8 and import it again",
            file=file,
            line=line_of_byte(data, offset, encoding),
        ) from None
    return DecodedText(text, encoding, label, bom)


def decode_bytes(data: bytes, *, file: str, encoding: str | None = None) -> DecodedText:
    """Decode an export file's bytes, detecting the encoding when ``encoding`` is None.

    Rules, in order: a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32); NUL bytes
    on one side of each byte pair mean UTF-16 without BOM; other NUL bytes mean binary;
    valid UTF-8 is UTF-8; bytes that are not UTF-8 in a file that otherwise contains
    UTF-8 multi-byte characters mean a mis-encoded character (an error naming line and
    byte); otherwise the file is Windows-1252, or Latin-1 if it uses bytes Windows-1252
    leaves undefined. Raises :class:`RecordFormatError` naming ``file`` and the line.
    """
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise RecordFormatError(
                f"unknown text encoding {encoding!r}; use a name such as utf-8, utf-16, "
                "cp1252 or latin-1",
                file=file,
            ) from None
        bom = False
        if codec in ("utf-8", "utf-8-sig") and data.startswith(codecs.BOM_UTF8):
            data, codec, bom = data[len(codecs.BOM_UTF8) :], "utf-8", True
        decoded = _strict(data, codec, codec, file, bom)
        text = decoded.text.lstrip("\ufeff") if codec.startswith("utf") else decoded.text
        return DecodedText(text, codec, f"{codec} (as requested)", bom)

    for mark, codec, label in _BOMS:
        if data.startswith(mark):
            # A byte-order mark decides the encoding, but not that the file is text: NUL
            # and control characters are refused exactly as without one.
            decoded = _strict(data[len(mark) :], codec, label, file, True)
            _check_text(decoded.text, label, file)
            return decoded

    if b"\x00" in data[:_PROBE]:
        codec = _guess_utf16_without_bom(data)
        if codec is None:
            raise _binary_error(data, data.index(b"\x00"), file, "a NUL byte")
        label = "UTF-16 LE without BOM" if codec.endswith("le") else "UTF-16 BE without BOM"
        decoded = _strict(data, codec, label, file, False)
        _check_controls(decoded.text, data, label, file)
        return decoded

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        if "\x00" in text:
            raise _binary_error(data, data.index(b"\x00"), file, "a NUL byte")
        _check_controls(text, data, "UTF-8", file)
        return DecodedText(text, "utf-8", "UTF-8")

    # Not UTF-8. Count what is valid UTF-8 multi-byte text and what is not: a real
    # Windows-1252 file almost never contains valid UTF-8 sequences, so their presence
    # means one stray byte in a UTF-8 file (a mis-encoded character), not a legacy file.
    mixed = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED.findall(mixed))
    valid_multibyte = len(_NON_ASCII_VALID.findall(mixed))
    if valid_multibyte >= invalid:
        raise RecordFormatError(
            f"byte {first_bad} (0x{data[first_bad]:02X}, column "
            f"{_column_of_byte(data, first_bad)}, near '{_context(data, first_bad)}') is not "
            f"valid UTF-8, while the rest of the file is UTF-8 ({valid_multibyte} UTF-8 "
            f"characters, {invalid} invalid byte(s)): the file mixes encodings. Fix that "
            "character in a text editor and save the file as UTF-8, then import it again",
            file=file,
            line=line_of_byte(data, first_bad),
        )
    if b"\x00" in data:
        raise _binary_error(data, data.index(b"\x00"), file, "a NUL byte")
    try:
        text = data.decode("cp1252")
        label, codec = "Windows-1252", "cp1252"
    except UnicodeDecodeError:
        # Why: Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined; Latin-1 maps
        # every byte, so a file using them is read as Latin-1.
        text = data.decode("latin-1")
        label, codec = "Latin-1 (ISO-8859-1)", "latin-1"
    _check_controls(text, data, label, file)
    return DecodedText(text, codec, label)

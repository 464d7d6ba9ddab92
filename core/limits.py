"""Declared size limits for imports, so memory stays bounded on hostile or damaged files.

An import holds one file in memory (its bytes, its text and its records). Two limits
keep that bounded, each raised by an environment variable:

* ``EVIDENCEKIT_MAX_INPUT_MB`` (default 512): the bytes of one export file, and what a
  ``.gz`` file may inflate to (a 1 MB ``.gz`` used to inflate to 3 GB before anything
  looked at it);
* ``EVIDENCEKIT_MAX_FIELD_MB`` (default 16): one field, checked as the longest line of
  a file, one BibTeX entry and one table cell (a BibTeX field of 100 MB took over 2 GB).

Both are in mebibytes of text (characters for fields). The largest real exports seen
are far below them: 212 MB for 20,000 Scopus records with references, fields of a few
hundred KB (a Scopus "References" cell).
"""

from __future__ import annotations

import os

from evidencekit.core.errors import RecordFormatError

INPUT_ENV = "EVIDENCEKIT_MAX_INPUT_MB"
FIELD_ENV = "EVIDENCEKIT_MAX_FIELD_MB"
DEFAULT_INPUT_MB = 512
DEFAULT_FIELD_MB = 16
_MB = 1024 * 1024


def _megabytes(env: str, default: int) -> int:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default * _MB
    try:
        value = float(raw)
    except ValueError:
        raise RecordFormatError(f"{env}={raw!r} is not a number of megabytes") from None
    if value <= 0:
        raise RecordFormatError(f"{env}={raw!r} must be a positive number of megabytes")
    return int(value * _MB)


def max_input_bytes() -> int:
    """The most bytes one export file may hold, or a ``.gz`` file inflate to."""
    return _megabytes(INPUT_ENV, DEFAULT_INPUT_MB)


def max_field_chars() -> int:
    """The most characters one field (a line, a BibTeX entry, a table cell) may hold."""
    return _megabytes(FIELD_ENV, DEFAULT_FIELD_MB)


def _mb(size: int) -> str:
    return f"{size / _MB:g} MB"


def input_too_large(what: str, limit: int, file: str) -> RecordFormatError:
    """The error for a file (or its inflated content) above the input limit."""
    return RecordFormatError(
        f"{what} more than the import limit of {_mb(limit)}; this is not a plausible "
        f"export (or a damaged one). If it is genuine, raise the limit with the environment "
        f"variable {INPUT_ENV} (e.g. {INPUT_ENV}={max(2 * limit // _MB, 1)})",
        file=file,
    )


def field_too_large(what: str, limit: int, file: str, line: int | None) -> RecordFormatError:
    """The error for one field (a line, an entry, a cell) above the field limit."""
    return RecordFormatError(
        f"{what} is longer than the limit of {_mb(limit)} for one field; the file is "
        f"damaged or not an export. If it is genuine, raise the limit with the environment "
        f"variable {FIELD_ENV} (e.g. {FIELD_ENV}={max(2 * limit // _MB, 1)})",
        file=file,
        line=line,
    )


def check_line_lengths(text: str, file: str, limit: int | None = None) -> None:
    """Refuse a text with a line longer than the field limit.

    Linear and cheap: only windows of ``limit // 2`` characters holding no line break
    are looked at closely, and a text shorter than the limit is not scanned at all.
    """
    limit = max_field_chars() if limit is None else limit
    size = len(text)
    if size <= limit:
        return
    step = max(limit // 2, 1)
    find = text.find
    for start in range(0, size, step):
        if find("\n", start, start + step) >= 0:
            continue
        # A window without a line break: measure the line around it exactly.
        begin = text.rfind("\n", 0, start) + 1
        end = find("\n", start)
        end = size if end < 0 else end
        if end - begin > limit:
            line = text.count("\n", 0, begin) + 1
            raise field_too_large(f"line {line} ({end - begin:,} characters)", limit, file, line)


__all__ = [
    "DEFAULT_FIELD_MB",
    "DEFAULT_INPUT_MB",
    "FIELD_ENV",
    "INPUT_ENV",
    "check_line_lengths",
    "field_too_large",
    "input_too_large",
    "max_field_chars",
    "max_input_bytes",
]

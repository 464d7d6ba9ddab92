"""Spreadsheet-safe cells for every CSV (and XLSX) file evidencekit writes.

Record text comes from database exports anyone can author: a title such as
``=HYPERLINK("http://…"&A1,"Click for full text")`` becomes a live formula
when a CSV file is opened in Excel, LibreOffice or Google Sheets ("CSV
injection"). Following OWASP's advice, a cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written with a leading apostrophe
(``'``), which spreadsheets show as text and do not evaluate. A cell that is
a plain number (``-3``, ``+1.5``, ``-2e3``) is no formula and is left alone, so
negative scores stay numbers.

Scripts that need the exact text ask for it with ``raw=True`` (the commands'
``--raw`` flag). ``csv_text`` is the one writer the project's CSV outputs use.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

#: First characters a spreadsheet treats as the start of a formula or command (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(FORMULA_START)
#: What is put in front of a dangerous cell.
PREFIX = "'"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

#: Help text of the commands' ``--raw`` flag (one wording everywhere).
RAW_HELP = (
    "Write cells exactly as stored. By default a cell beginning with =, +, -, @, tab or "
    "carriage return gets a leading ' so that a spreadsheet shows it as text instead of "
    "running it as a formula (CSV injection); use --raw only for scripts."
)


def neutralise(value: Any) -> Any:
    """``value`` safe to show in a spreadsheet cell (non-text values unchanged)."""
    if not isinstance(value, str) or not value or value[0] not in FORMULA_START:
        return value
    if _NUMBER.fullmatch(value):
        return value
    return PREFIX + value


def safe_row(values: Iterable[Any], *, raw: bool = False) -> list[Any]:
    """One row of cells, neutralised unless ``raw``; None becomes an empty cell."""
    cells = ["" if v is None else v for v in values]
    if raw:
        return cells
    # neutralise() called only for text that starts like a formula (rare): 2 million
    # cells in an export of 100,000 records.
    return [neutralise(v) if isinstance(v, str) and v[:1] in _FORMULA_CHARS else v for v in cells]


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    raw: bool = False,
) -> str:
    """CSV text: the header, then each row (a sequence, or a mapping read by the header).

    Every cell is neutralised (:func:`neutralise`) unless ``raw`` is true.
    """
    return "".join(csv_pieces(header, rows, raw=raw))


def csv_pieces(
    header: Sequence[str],
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    raw: bool = False,
) -> Iterator[str]:
    """The text of :func:`csv_text` a line (a row) at a time, as the rows are read, so
    that a large export can be written without holding it whole."""
    lines: list[str] = []
    # csv.writer writes each row with one write() call: the row's text, line ending included.
    writer = csv.writer(_Appender(lines), lineterminator="\n")
    writer.writerow(safe_row(header, raw=raw))
    yield from lines
    for row in rows:
        lines.clear()
        values = [row.get(c) for c in header] if isinstance(row, Mapping) else row
        writer.writerow(safe_row(values, raw=raw))
        yield from lines


class _Appender:
    """A file-like ``write`` that appends to a list."""

    __slots__ = ("write",)

    def __init__(self, lines: list[str]) -> None:
        self.write = lines.append


# Characters that open code, emphasis, links or a new cell. Underscores are left alone:
# inside a word (psw_experience) GitHub-flavoured Markdown does not read them as emphasis.
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*[]|"})


def markdown_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: HTML escaped (no ``<script>`` reaches a
    renderer), Markdown punctuation backslash-escaped, line breaks made spaces."""
    import html

    text = "" if value is None else str(value)
    text = " ".join(text.replace("\r", "\n").split("\n"))
    return html.escape(text, quote=False).translate(_MARKDOWN_SPECIAL)


__all__ = [
    "FORMULA_START",
    "PREFIX",
    "RAW_HELP",
    "csv_pieces",
    "csv_text",
    "markdown_cell",
    "neutralise",
    "safe_row",
]

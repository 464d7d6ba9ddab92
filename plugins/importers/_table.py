"""The table engine behind the CSV/TSV/XLSX importers: rows of a text table or
workbook, the header found, and each row mapped to a record.

Column matching lives in ``_table_columns.py`` and cell parsing in ``_table_cells.py``;
their public names are re-exported here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Record
from evidencekit.plugins.importers._base import Cursor
from evidencekit.plugins.importers._table_cells import (
    abstract_from_inverted_index,
    doi_from_url,
    parse_authors_cell,
    row_to_record,
    split_glued_names,
)
from evidencekit.plugins.importers._table_columns import (
    FIELDS,
    KEYWORD_COLUMNS,
    SYNONYMS,
    Columns,
    header_fields,
    is_wos_tab_delimited,
    missing_title_error,
    normalise_header,
)
from evidencekit.plugins.importers._tagged import iter_lines_keepends

_DELIMITERS = (",", ";", "\t", "|")


def _set_field_size_limit() -> int:
    """Let the csv module read cells up to the declared field limit; returns the limit.

    Why: Scopus "References" cells exceed the csv module's default 128 KiB limit, and a
    cell must not grow without bound either (``EVIDENCEKIT_MAX_FIELD_MB``).
    """
    from evidencekit.core.limits import max_field_chars

    limit = max_field_chars()
    csv.field_size_limit(limit)
    return limit


def guess_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields (quotes respected)."""
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(cells) > best_count:
            best, best_count = delimiter, len(cells)
    return best


def iter_rows(
    source: Any, options: Mapping[str, Any], cursor: Cursor
) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for every non-empty row, the header first.

    Text files: ``line`` is the line where the row starts. XLSX: the sheet's row number.
    """
    sheet = options.get("sheet")
    if source.container == "xlsx":
        if sheet is not None:
            from evidencekit.core.importing import xlsx_rows

            _, rows = xlsx_rows(source.data, source.display, sheet)
            for number, row in enumerate(rows, 1):
                if "".join(row).strip():
                    cursor.line = number
                    yield number, row
            return
        text = source.text
        reader = csv.reader(iter_lines_keepends(text))
        for number, row in enumerate(reader, 1):
            if row and "".join(row).strip():
                cursor.line = number
                yield number, row
        return
    if sheet is not None:
        raise RecordFormatError(
            "the sheet option applies to .xlsx workbooks only; this file is text",
            file=source.display,
        )
    _set_field_size_limit()
    text = source.text
    lines = [line for line in text[:65536].split("\n", 50)[:50] if line.strip()]
    # The first line with a delimiter: a title line above the header has none.
    first_line = next(
        (line for line in lines if any(d in line for d in _DELIMITERS)), lines[0] if lines else ""
    )
    delimiter = options.get("delimiter") or guess_delimiter(first_line)
    consumed = [0]  # how far into the text the reader has read
    reader = csv.reader(_tracked_lines(text, consumed), delimiter=delimiter)
    start = 1
    last_start = 1
    offset = last_offset = 0
    try:
        for row in reader:
            end = reader.line_num
            if row and "".join(row).strip():
                cursor.line = last_start = start
                last_offset = offset
                yield start, row
            start = end + 1
            offset = consumed[0]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            from evidencekit.core.limits import field_too_large, max_field_chars

            raise field_too_large(
                "a cell of the row starting here", max_field_chars(), source.display, start
            ) from None
        raise RecordFormatError(
            f"the table cannot be read here ({exc}); check the quoting of this row",
            file=source.display,
            line=start,
        ) from None
    # Why: the csv module silently reads an unclosed quote to the end of the file; only
    # its strict mode notices, so the last row is read again strictly.
    tail = text[last_offset:]
    if '"' in tail:
        try:
            for _ in csv.reader(iter_lines_keepends(tail), delimiter=delimiter, strict=True):
                pass
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise RecordFormatError(
                    "a quote opened in the row starting here is never closed, so the rest of "
                    "the file would be one cell: the file is truncated or a quote is missing. "
                    "Export it again, or close the quote",
                    file=source.display,
                    line=last_start,
                ) from None


def _tracked_lines(text: str, consumed: list[int]) -> Iterator[str]:
    """Lines with their breaks, noting in ``consumed[0]`` the offset after each one."""
    find = text.find
    start = 0
    size = len(text)
    while start < size:
        end = find("\n", start)
        end = size if end < 0 else end + 1
        consumed[0] = end
        yield text[start:end]
        start = end


def _chain(
    first: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    yield from first
    yield from rest


def merge_extra_cells(row: list[str], width: int, at: int) -> list[str]:
    """Fold the surplus cells of an over-long row into column ``at`` (Scopus funding texts)."""
    extra = len(row) - width
    merged = "\n".join(cell for cell in row[at : at + extra + 1] if cell.strip())
    return [*row[:at], merged, *row[at + extra + 1 :]]


def read_table(
    source: Any,
    options: Mapping[str, Any],
    cursor: Cursor,
    fmt: str,
    preferred: Mapping[str, Sequence[str]] | None = None,
    required: Sequence[str] = (),
) -> Iterator[Record]:
    """Records from a CSV/TSV/XLSX table (the header row first)."""
    rows = iter_rows(source, options, cursor)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise RecordFormatError(
            "the table has no header row (the file holds only empty rows); export it again",
            file=source.display,
            line=1,
        ) from None
    header = [cell.strip().strip("\ufeff").strip() for cell in header]
    explicit = options.get("columns") or {}
    if "title" not in header_fields(header) and "title" not in explicit:
        # Some exports put a title line or a search summary above the header row.
        ahead: list[tuple[int, list[str]]] = []
        for found in rows:
            ahead.append(found)
            cells = [cell.strip().strip("\ufeff").strip() for cell in found[1]]
            if len([c for c in cells if c]) >= 2 and "title" in header_fields(cells):
                source.warn(
                    f"the header row is on line {found[0]}; the {len(ahead)} row(s) above "
                    "it were skipped",
                    found[0],
                )
                header_line, header = found[0], cells
                ahead = []
                break
            if len(ahead) >= 10:
                break
        if ahead:  # no header further down: read on from the first row as before
            rows = _chain(ahead, rows)
    present = {normalise_header(h) for h in header}
    missing = [name for name in required if normalise_header(name) not in present]
    if missing:
        raise RecordFormatError(
            f"this {fmt} file lacks the column(s) {', '.join(repr(m) for m in missing)}; "
            f"its columns are {', '.join(repr(h) for h in header[:30])}. Import it with "
            "--format csv instead, or export it again with all fields",
            file=source.display,
            line=header_line,
        )
    columns = Columns(header, explicit, source.display, preferred)
    if "title" not in columns.fields:
        raise missing_title_error(header, source.display, header_line)
    width = len(header)
    # Why: Scopus writes a second "Funding Text" cell for some rows without a header for it,
    # shifting every later cell (EID, language, type...) one column to the right.
    funding = next(
        (
            i
            for i in range(width - 1, -1, -1)
            if normalise_header(header[i]).startswith("funding text")
        ),
        None,
    )
    previous: tuple[int, list[str]] | None = None
    short_rows = 0
    for line, row in rows:
        if previous is not None:
            cursor.record += 1
            yield row_to_record(previous[1], columns, previous[0], fmt)
        if len(row) < width:
            short_rows += 1
        elif len(row) > width and funding is not None:
            row = merge_extra_cells(row, width, funding)
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            source.warn(
                f"this row has {len(row)} cells but the header has {width}; the extra cells "
                "are kept in the raw fields only",
                line,
            )
        previous = (line, row)
    if previous is not None:
        line, row = previous
        if (
            len(row) < width
            and not source.text.endswith("\n")
            and source.container != "xlsx"
            and short_rows == 1
        ):
            raise RecordFormatError(
                f"the last row has {len(row)} of the {width} cells and the file ends without "
                "a line break: the file looks truncated. Export it again",
                file=source.display,
                line=line,
            )
        cursor.record += 1
        yield row_to_record(row, columns, line, fmt)
    if short_rows > 1:
        source.warn(
            f"{short_rows} rows have fewer cells than the header; the missing cells "
            "were taken as empty"
        )


TABLE_OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "delimiter": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1,
            "description": "Cell delimiter of a text table; guessed from the header if absent.",
        },
        "sheet": {
            "type": "string",
            "description": "Worksheet of an .xlsx workbook; the first with data if absent.",
        },
        "columns": {
            "type": "object",
            "description": "Field name -> column name, overriding the synonyms.",
            "propertyNames": {"enum": [*FIELDS, "keywords"]},
            "additionalProperties": {"type": "string"},
        },
    },
}


def _header_cells(line: str) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=guess_delimiter(line)))
    except (csv.Error, StopIteration):
        return []
    return [cell.strip().strip("\ufeff") for cell in cells]


def sniff_table(head: str) -> tuple[float, list[str]]:
    """How table-like ``head`` is, and its header cells.

    Score 0.8 when the header has a recognised title column, 0.4 for another consistent
    table (so a table without a title column still reaches the importer, which names the
    columns it found in its error), 0 otherwise.
    """
    lines = [line for line in head.split("\n", 40)[:40] if line.strip()]
    if not lines:
        return 0.0, []
    start = lines[0].lstrip()
    if start.startswith(("<", "@", "{", "[")) or start[2:6] == "  - " or start[:5] == "PMID-":
        return 0.0, []
    delimiter = guess_delimiter(lines[0])
    try:
        header = next(csv.reader([lines[0]], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return 0.0, []
    header = [cell.strip().strip("\ufeff") for cell in header]
    if (
        len(header) >= 2
        and all(len(cell) <= 80 for cell in header)
        and "title" in header_fields(header)
    ):
        return 0.8, header
    for line in lines[1:10]:  # a title line or search summary above the header row
        later = _header_cells(line)
        if len(later) >= 2 and all(len(c) <= 80 for c in later) and "title" in header_fields(later):
            return 0.7, later
    if len(header) < 2 or any(len(cell) > 80 for cell in header):
        return 0.0, []
    if len(lines) >= 2 and all(line.count(delimiter) >= len(header) - 1 for line in lines[1:3]):
        return 0.4, header
    return 0.0, header


__all__ = [
    "FIELDS",
    "KEYWORD_COLUMNS",
    "SYNONYMS",
    "TABLE_OPTIONS_SCHEMA",
    "Columns",
    "abstract_from_inverted_index",
    "doi_from_url",
    "guess_delimiter",
    "header_fields",
    "is_wos_tab_delimited",
    "iter_rows",
    "merge_extra_cells",
    "missing_title_error",
    "normalise_header",
    "parse_authors_cell",
    "read_table",
    "row_to_record",
    "sniff_table",
    "split_glued_names",
]

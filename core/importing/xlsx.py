"""An .xlsx sheet rendered as CSV text, so the CSV importers read spreadsheets too."""

from __future__ import annotations

import datetime as _dt
import io
from typing import Any

from evidencekit.core.errors import RecordFormatError


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


def _check_inflated_size(data: bytes, display: str) -> None:
    """Refuse a workbook whose parts inflate past the import limit, before any is read.

    An .xlsx file is a zip archive: a small file can inflate to gigabytes (a zip bomb). The
    sizes its directory declares are checked; openpyxl's reads are then bounded by them
    (zipfile stops a member at its declared size)."""
    import zipfile

    from evidencekit.core.limits import input_too_large, max_input_bytes

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a readable zip: openpyxl's own error explains it below
    if inflated > max_input_bytes():
        raise input_too_large(
            f"the .xlsx workbook inflates to {inflated:,} bytes,", max_input_bytes(), display
        )


def xlsx_rows(data: bytes, display: str, sheet: str | None = None) -> tuple[str, list[list[str]]]:
    """The rows of one worksheet of an .xlsx workbook as lists of cell texts.

    ``sheet`` names the worksheet; by default the first one that has any data. Trailing
    empty rows and columns are dropped. Raises RecordFormatError for a damaged workbook or
    an unknown sheet name (listing the sheets).
    """
    import openpyxl  # why here: heavy, and only XLSX files need it

    _check_inflated_size(data, display)
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
                width = max(
                    (i + 1 for row in rows for i, c in enumerate(row) if c.strip()), default=0
                )
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

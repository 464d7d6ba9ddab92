"""Reading the small CSV files people edit by hand (answers, coded influences, studies).

Spreadsheets save CSV in many ways: UTF-8 with or without a byte-order mark,
UTF-16 (Excel's "Unicode text"), Windows-1252 (decoded by
:func:`evidencekit.core.encoding.decode_bytes`), commas or semicolons or tabs.
:func:`read_table` accepts all of these, keeps the line where each row starts
(for messages), and raises :class:`RecordFormatError` naming the file and line
for anything it cannot read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evidencekit.core.errors import RecordFormatError

MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Table:
    """Rows of a CSV file as dicts keyed by the (stripped) header names."""

    file: str
    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # line where each row starts
    encoding: str = "utf-8"
    header_line: int = 1

    def __iter__(self):
        return iter(zip(self.lines, self.rows, strict=True))

    def __len__(self) -> int:
        return len(self.rows)


def _sniff_delimiter(first_line: str) -> str:
    # The header decides: the candidate that splits it into the most columns.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class RawRows:
    """A CSV file's rows as cell lists, read lazily: ``for line, cells in raw.rows``.

    ``empty`` is true when the decoded text is blank. Rows whose cells are all blank are
    skipped; cells are not stripped. A CSV syntax error is raised, while iterating, as a
    RecordFormatError naming the line.
    """

    file: str
    encoding: str
    empty: bool
    rows: Iterator[tuple[int, list[str]]]


def read_rows(path: str | Path, *, name: str | None = None, what: str = "table") -> RawRows:
    """Open, size-check and decode a CSV file; its rows follow lazily with their lines.

    The project's one CSV reader: :func:`read_table` and the measure's ratings and
    units readers are built on it. The delimiter (comma, semicolon or tab) is the one
    that splits the first line into the most columns; the encoding is detected by
    :func:`evidencekit.core.encoding.decode_bytes`.
    """
    path = Path(path)
    display = name or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RecordFormatError(f"cannot read the {what}: {exc.strerror}", file=display) from None
    if path.is_dir():
        raise RecordFormatError(f"expected a CSV {what} file, found a folder", file=display)
    if size > MAX_BYTES:
        raise RecordFormatError(
            f"the file is {size:,} bytes, more than the {MAX_BYTES:,} allowed for a {what}",
            file=display,
        )
    from evidencekit.core.encoding import decode_bytes

    decoded = decode_bytes(path.read_bytes(), file=display)
    text = decoded.text
    if not text.strip():
        return RawRows(display, decoded.label, True, iter(()))
    first = text.lstrip("\r\n").splitlines()[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        # strict: an unclosed quote is an error, not a value that swallows every row below
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first), strict=True
        )
        previous = 0
        try:
            for record in reader:
                start = previous + 1
                previous = reader.line_num
                if any(cell.strip() for cell in record):
                    yield start, record
        except csv.Error as exc:
            raise RecordFormatError(
                _csv_error_text(str(exc)), file=display, line=previous + 1
            ) from None

    return RawRows(display, decoded.label, False, rows())


def read_table(
    path: str | Path,
    *,
    required: Sequence[str] = (),
    name: str | None = None,
    what: str = "table",
) -> Table:
    """Read a CSV file with a header row.

    ``required`` columns must be present (names compared after stripping and
    lower-casing); otherwise the error lists what is missing and what was found.
    Empty lines are skipped. Values are stripped of surrounding spaces.
    """
    raw = read_rows(path, name=name, what=what)
    display = raw.file
    if raw.empty:
        article = "an" if what[:1].lower() in "aeiou" else "a"
        raise RecordFormatError(
            f"the file is empty; expected {article} {what} with a header row", file=display, line=1
        )
    table = Table(file=display, header=[], encoding=raw.encoding)
    for start, record in raw.rows:
        if not table.header:
            table.header = [c.strip().lower() for c in record]
            table.header_line = start
            _check_header(table.header, required, display, start, what)
            continue
        overflow = record[len(table.header) :]
        if any(c.strip() for c in overflow):
            raise RecordFormatError(
                f"row has {len(record)} values but the header has {len(table.header)} "
                f"columns ({', '.join(table.header)}); quote values that contain the "
                "delimiter",
                file=display,
                line=start,
            )
        row = {
            col: (record[i].strip() if i < len(record) else "")
            for i, col in enumerate(table.header)
            if col
        }
        table.rows.append(row)
        table.lines.append(start)
    return table


def _csv_error_text(error: str) -> str:
    """The csv module's message in words a spreadsheet user can act on."""
    if "unexpected end of data" in error:
        return (
            "a quoted value that starts in this row is never closed; add the closing "
            'quote (") or remove the opening one'
        )
    if "expected after" in error:
        return (
            "text follows a closing quote in this row; quote the whole value and double "
            'any quote inside it ("say ""yes"" here")'
        )
    return f"CSV syntax error: {error}"


def _check_header(
    header: list[str], required: Sequence[str], name: str, line: int, what: str
) -> None:
    seen: set[str] = set()
    for col in header:
        if col and col in seen:
            raise RecordFormatError(
                f"column {col!r} appears twice in the header; keep one", file=name, line=line
            )
        seen.add(col)
    missing = [c for c in required if c not in seen]
    if missing:
        raise RecordFormatError(
            f"the {what} lacks column(s) {', '.join(missing)}; found: "
            f"{', '.join(c for c in header if c) or '(none)'}; required: {', '.join(required)}",
            file=name,
            line=line,
        )

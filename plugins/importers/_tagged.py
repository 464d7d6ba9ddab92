"""Helpers shared by the tagged formats (RIS, Web of Science, MEDLINE; EndNote XML uses
``first_value`` on its ``{path: [values]}`` records)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Record

#: Lines Ovid (and some other hosts) put between records: a record number ("1.", "12. ",
#: "<3>") before each, and "Link to the Ovid Full Text or citation: ..." after each.
RECORD_NUMBER = re.compile(r"^\s*(?:<\d+>|\d+\.?|Link to the (?:Ovid|External Link)\b.*)\s*$")


#: Characters of text split into lines at once by :func:`iter_line_blocks`.
LINE_BLOCK_CHARS = 1 << 20


def iter_line_blocks(text: str, size: int = LINE_BLOCK_CHARS) -> Iterator[list[str]]:
    """The lines of ``text`` without their line breaks, in lists of about ``size``
    characters' worth, in order (together, exactly ``text.split("\\n")``).

    Why blocks: ``text.split("\\n")`` of a whole 200 MB export holds every line in memory
    at once (about 300 MB more at the peak of a 100,000-record import), while finding and
    slicing one line at a time in Python costs a function resumption per line; a block
    is split by ``str.split`` at C speed and iterated with a plain ``for``.
    """
    start = 0
    end = len(text)
    while True:
        stop = text.find("\n", start + size) if start + size < end else -1
        if stop < 0:
            yield text[start:].split("\n")
            return
        yield text[start:stop].split("\n")
        start = stop + 1


def iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` without their line breaks, one at a time (read in blocks:
    :func:`iter_line_blocks`)."""
    for block in iter_line_blocks(text):
        yield from block


def iter_lines_keepends(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ``\\n``, one at a time (for ``csv.reader``, which
    needs the line breaks to keep them inside quoted cells)."""
    find = text.find
    start = 0
    size = len(text)
    while start < size:
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


class StrayLines:
    """Text outside any record: ignored, and reported once per file."""

    __slots__ = ("count", "first_line", "first_text")

    def __init__(self) -> None:
        self.count = 0
        self.first_line = 0
        self.first_text = ""

    def add(self, number: int, line: str) -> None:
        if RECORD_NUMBER.match(line):  # expected, not worth a warning
            return
        self.count += 1
        if self.count == 1:
            self.first_line = number
            text = line.strip()
            self.first_text = text if len(text) <= 50 else text[:47] + "..."

    def report(self, source: Any, what: str) -> None:
        if self.count:
            source.warn(
                f"{self.count} line(s) outside any {what} record were ignored (the first: "
                f"{self.first_text!r})",
                self.first_line,
            )


def unfinished_record(
    source: Any,
    start: int,
    end_tag: str,
    fmt: str,
    record_number: int,
    *,
    ended: bool = False,
) -> None:
    """The file ends inside a record that has no end tag.

    ``ended``: an earlier record of the file ended with the end tag. Then the last
    record's missing end tag means the file was cut off, even exactly at a line break
    (a half record must not be imported silently): an error naming the record. In a
    file whose records never end with the tag, and ending with a line break, the record
    is kept with a warning (an exporter that leaves the end tag off). Without a final
    line break the last line was probably cut mid-way: an error.
    """
    if ended and source.text.endswith("\n"):
        raise RecordFormatError(
            f"the last record (record {record_number}, from line {start}) has no "
            f"'{end_tag}' line, though the records before it end with one: the file was "
            f"probably cut off after this line, so the record is incomplete and nothing was "
            f"imported. Export the file again; if the record is complete, add a line "
            f"'{end_tag}' at the end of this {fmt} file",
            file=source.display,
            line=source.text.count("\n"),
        )
    if source.text.endswith("\n"):
        source.warn(
            f"the last record (record {record_number}, from this line) has no '{end_tag}' "
            "line; it was imported, but check that the file is complete",
            start,
        )
        return
    last_line = source.text.count("\n") + 1
    raise RecordFormatError(
        f"the file ends in the middle of record {record_number} (it starts on line {start}, "
        f"has no '{end_tag}' line, and the last line has no line break): the file looks "
        f"truncated. Export it again; if the record is complete, add a line '{end_tag}' "
        f"at the end of this {fmt} file",
        file=source.display,
        line=last_line,
    )


def first_value(fields: Mapping[str, list[str]], *keys: str) -> str:
    """The first non-blank value under the first of ``keys`` that has one, else ``""``.

    ``fields`` is a record as the lexers build it, ``{tag or path: [value, …]}``; the keys
    are tried in order of preference.
    """
    for key in keys:
        for value in fields.get(key, ()):
            if value.strip():
                return value
    return ""


def outside_record_error(
    source: Any, line: str, number: int, last_end: int, fmt: str, start_tag: str, hint: str = ""
) -> RecordFormatError:
    """The error for a tag line found outside any record (its start line is missing)."""
    where = (
        f"after the record that ended on line {last_end}" if last_end else "before the first record"
    )
    return RecordFormatError(
        f"the tag line {line.strip()[:40]!r} is outside any record ({where}); every "
        f"{fmt} record starts with a '{start_tag}' line. Its {start_tag.rstrip(' -')} line "
        "is probably missing: add it, or export the file again" + hint,
        file=source.display,
        line=number,
    )


def warn_missing_end(source: Any, start: int, number: int, end_tag: str, start_tag: str) -> None:
    """Warn that the record from line ``start`` ran into the next record's start line."""
    source.warn(
        f"the record starting on line {start} has no '{end_tag}' line before the next "
        f"'{start_tag}'; it was taken to end there",
        number,
    )


def records_or_error(
    lexed: Iterable[tuple[int, dict[str, list[str]]]],
    to_record: Callable[[dict[str, list[str]], int, str], Record],
    fmt: str,
    source: Any,
    none_found: str,
) -> Iterator[Record]:
    """Map each lexed ``(line, fields)`` with ``to_record``; ``none_found`` is the error
    (on line 1) when the file holds no record at all."""
    found = False
    for line, fields in lexed:
        found = True
        yield to_record(fields, line, fmt)
    if not found:
        raise RecordFormatError(none_found, file=source.display, line=1)

"""Helpers shared by the line-tagged formats (RIS, Web of Science, MEDLINE)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from evidencekit.core.errors import RecordFormatError

#: Lines Ovid (and some other hosts) put between records: a record number ("1.", "12. ",
#: "<3>") before each, and "Link to the Ovid Full Text or citation: ..." after each.
RECORD_NUMBER = re.compile(r"^\s*(?:<\d+>|\d+\.?|Link to the (?:Ovid|External Link)\b.*)\s*$")


def iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` without their line breaks, one at a time.

    Why not ``text.split("\\n")``: that holds every line of a 200 MB export in memory at
    once (about 300 MB more at the peak of a 100,000-record import), and ``io.StringIO``
    copies the text into a four-bytes-per-character buffer; the lines are only needed one
    by one.
    """
    find = text.find
    start = 0
    while True:
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


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
    source: Any, start: int, end_tag: str, fmt: str, record_number: int
) -> None:
    """The file ends inside a record that has no end tag.

    If the file ends with a line break the record is complete but for its end tag, which
    some exporters leave off: keep it, with a warning. Without a final line break the last
    line was probably cut off mid-way: the file is truncated, which is an error.
    """
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

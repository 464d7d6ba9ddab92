"""Web of Science tagged format (plain text ``.txt``, ``.ciw``, ISI ``.isi``).

``FN``/``VR`` header, records from ``PT`` to ``ER``, ``EF`` at the end; a tag is two
characters and a space, and continuation lines start with three spaces. For list fields
(``AU``, ``AF``, ``CR``, ``C1``…) each continuation line is one more value; for text fields
(``TI``, ``AB``, ``SO``…) it continues the text. rispy has a WoK parser, but it cannot name
lines either, and it does not tell list fields from wrapped text, so this module lexes the
file itself. Raw fields are kept as ``{tag: [line, …]}``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.model import Author, Record
from evidencekit.plugins.importers._base import BaseImporter, Cursor
from evidencekit.plugins.importers._normalise import (
    clean,
    find_doi,
    make_record,
    normalise_pages,
    parse_names,
    parse_year,
    split_identifiers,
    split_keywords,
)
from evidencekit.plugins.importers._tagged import (
    StrayLines,
    iter_lines,
    outside_record_error,
    records_or_error,
    unfinished_record,
    warn_missing_end,
)

_HEADER_TAGS = frozenset({"FN", "VR", "EF"})


def _is_tag(line: str) -> bool:
    if len(line) < 2 or (len(line) > 2 and line[2] != " "):
        return False
    first, second = line[0], line[1]
    return "A" <= first <= "Z" and ("A" <= second <= "Z" or "0" <= second <= "9")


def lex(source: Any, cursor: Cursor) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """Yield ``(first line, {tag: [lines]})`` per record, in file order."""
    record: dict[str, list[str]] | None = None
    last: list[str] | None = None
    start = last_end = 0
    stray = StrayLines()
    for number, line in enumerate(iter_lines(source.text), 1):
        if not line.strip():
            continue
        if line[0] in " \t" or not _is_tag(line):
            if record is not None and last is not None:
                last.append(line.strip())
            else:
                stray.add(number, line)
            continue
        tag = line[:2]
        value = line[3:].strip()
        if record is None:
            if tag == "PT":
                record = {"PT": [value]}
                last = record["PT"]
                start = cursor.line = number
                cursor.record += 1
            elif tag in _HEADER_TAGS or tag == "ER":
                last = None
            else:
                raise outside_record_error(source, line, number, last_end, "Web of Science", "PT")
            continue
        if tag == "ER" or tag == "EF":
            if tag == "EF":
                source.warn(f"the record starting on line {start} has no 'ER' line", number)
            last_end = number
            yield start, record
            record = None
            last = None
            continue
        if tag == "PT":
            warn_missing_end(source, start, number, "ER", "PT")
            yield start, record
            record = {"PT": [value]}
            last = record["PT"]
            start = cursor.line = number
            cursor.record += 1
            continue
        values = record.get(tag)
        if values is None:
            record[tag] = last = [value]
        else:
            values.append(value)
            last = values
    stray.report(source, "Web of Science")
    if record is not None:
        unfinished_record(source, start, "ER", "Web of Science", cursor.record, ended=last_end > 0)
        yield start, record


def _text(tags: Mapping[str, list[str]], *names: str) -> str:
    for name in names:
        lines = tags.get(name)
        if lines:
            text = " ".join(part for part in lines if part)
            if text.strip():
                return text
    return ""


def to_record(tags: dict[str, list[str]], line: int, fmt: str = "wos") -> Record:
    """Map one Web of Science record onto the normalised record (raw tags kept)."""
    authors = parse_names(tags.get("AF") or tags.get("AU") or [])
    authors.extend(Author(clean(group)) for group in tags.get("CA", ()) if clean(group))
    year = _text(tags, "PY")
    if not year:
        year_found = parse_year(_text(tags, "PD", "EA"))
        year = str(year_found) if year_found is not None else ""
    begin, end = _text(tags, "BP"), _text(tags, "EP")
    pages = normalise_pages(begin, end) if begin else clean(_text(tags, "AR"))
    issn, isbn = split_identifiers(tags.get("SN", []) + tags.get("EI", []) + tags.get("BN", []))
    keywords = split_keywords([_text(tags, "DE"), _text(tags, "ID")])
    return make_record(
        line=line,
        format=fmt,
        raw=tags,
        title=_text(tags, "TI"),
        abstract=_text(tags, "AB"),
        authors=authors,
        year=year,
        journal=_text(tags, "SO", "SE", "BS"),
        volume=_text(tags, "VL"),
        issue=_text(tags, "IS"),
        pages=pages,
        doi=find_doi([_text(tags, "DI"), _text(tags, "D2")]),
        pmid=_text(tags, "PM"),
        issn=issn,
        isbn=isbn,
        language=_text(tags, "LA"),
        keywords=keywords,
        publication_type=_text(tags, "DT", "PT"),
        url="",
        source_key=_text(tags, "UT"),
    )


class WosImporter(BaseImporter):
    """Web of Science / ISI plain-text tagged records (``PT`` … ``ER``)."""

    name = "wos"
    description = "Web of Science plain-text tagged export (FN/PT ... ER/EF; .txt, .ciw, .isi)"
    extensions = (".txt", ".ciw", ".isi")
    options_schema = None

    def sniff(self, head: str) -> float:
        lines = [line for line in head.split("\n", 300)[:300] if line.strip()]
        if not lines:
            return 0.0
        if lines[0].startswith("FN ") and any(line.startswith("PT ") for line in lines):
            return 0.98
        if any(line[2:6] == "  - " for line in lines[:50]):
            return 0.0  # RIS or MEDLINE
        starts = sum(1 for line in lines if line.startswith("PT "))
        fields = sum(1 for line in lines if line[:3] in ("AU ", "TI ", "SO ", "UT ", "PY "))
        ends = sum(1 for line in lines if line.rstrip() == "ER")
        if starts and fields >= 2 and (ends or len(lines) >= 20):
            return 0.85
        if lines[0].startswith("FN "):
            return 0.6
        return 0.0

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        return records_or_error(
            lex(source, cursor),
            to_record,
            self.name,
            source,
            "no Web of Science record found: no line starts with 'PT '. Export the records "
            "from Web of Science as 'Plain text file' (or 'Tab delimited' for CSV)",
        )


@hookimpl
def evidencekit_importers() -> list[BaseImporter]:
    return [WosImporter()]

"""MEDLINE / PubMed tagged format (``.nbib``, ``.txt``, ``.medline``).

Tags are up to four letters padded to four, then ``- `` (``PMID- 123``, ``TI  - …``,
``FAU - …``); continuation lines start with six spaces; a blank line ends a record. There
is no end tag, so a file cut at a record boundary cannot be told from a complete one; a
file that ends without a final line break gets a warning that its last record may be cut.
Raw fields are kept as ``{tag: [value, …]}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.model import Author, Record
from evidencekit.plugins.importers._base import BaseImporter, Cursor
from evidencekit.plugins.importers._normalise import (
    clean,
    clear_memos,
    find_doi,
    make_record,
    normalise_pages,
    parse_name,
    split_identifiers,
    unique,
)
from evidencekit.plugins.importers._tagged import (
    StrayLines,
    first_value,
    iter_line_blocks,
    records_or_error,
)

_DOI_ID = re.compile(r"\[doi\]", re.I)


def _tag_of(line: str) -> tuple[str, str] | None:
    if len(line) >= 5 and line[4] == "-" and "A" <= line[0] <= "Z":
        tag = line[:4].rstrip()
        if tag.isalnum() and tag.upper() == tag:
            return tag, line[6:].strip() if len(line) > 5 else ""
    return None


def _head_tag(head: str) -> str:
    """The tag of a line beginning with ``head`` (its first five characters), or ``""``
    when such a line is no tag line (as :func:`_tag_of` decides)."""
    tagged = _tag_of(head)
    return tagged[0] if tagged is not None else ""


def lex(source: Any, cursor: Cursor) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """Yield ``(first line, {tag: [values]})`` per record (blank-line separated).

    A line indented by six spaces or a tab continues the value before it, and so does a
    line that is neither a tag line nor blank (a wrapped line that lost its indentation);
    outside a record such lines are reported once. A line of white space only ends the
    record, whatever its indentation.
    """
    record: dict[str, list[str]] | None = None
    last: list[str] | None = None
    # Continuation lines of the current value, joined once when it ends (a string join
    # per line was quadratic in the length of a value).
    parts: list[str] | None = None
    start = 0
    number = 0
    stray = StrayLines()
    heads: dict[str, str] = {}  # a line's first five characters -> its tag, or ""
    for block in iter_line_blocks(source.text):
        # The hot loop (once per line): the tests are inlined, commonest lines first.
        for line in block:
            number += 1
            tag = heads.get(line[:5])
            if tag is None:
                tag = _head_tag(line[:5])
                if len(heads) < 4096:  # why the bound: wrapped lines have any beginning
                    heads[line[:5]] = tag
            if tag:  # a tag line: "PMID- 1", "TI  - ...", "FAU - ..."
                if parts is not None:
                    last[-1] = " ".join(parts)  # type: ignore[index]
                    parts = None
                value = line[6:].strip()
                if record is None:
                    record = {}
                    start = cursor.line = number
                    cursor.record += 1
                elif tag == "PMID" and "PMID" in record:
                    # Why: two records without the blank line between them.
                    source.warn(
                        f"a second PMID line in the record starting on line {start}; "
                        "taken as the start of a new record",
                        number,
                    )
                    yield start, record
                    record = {}
                    start = cursor.line = number
                    cursor.record += 1
                values = record.get(tag)
                if values is None:
                    record[tag] = last = [value]
                else:
                    values.append(value)
                    last = values
                continue
            elif line.startswith("      ") or line[:1] == "\t":
                text = line.strip()
                if text:  # a continuation line
                    if last is not None:
                        if parts is None:
                            parts = [last[-1]] if last[-1] else []
                        parts.append(text)
                    else:
                        stray.add(number, line)
                    continue
            elif line and not line.isspace():
                if last is not None:  # a wrapped line that lost its indentation
                    if parts is None:
                        parts = [last[-1]] if last[-1] else []
                    parts.append(line.strip())
                else:
                    stray.add(number, line)
                continue
            # A blank line (or white space only): the record ends.
            if parts is not None:
                last[-1] = " ".join(parts)  # type: ignore[index]
                parts = None
            if record is not None:
                yield start, record
                record = None
            last = None
    if parts is not None and last is not None:
        last[-1] = " ".join(parts)
    stray.report(source, "MEDLINE")
    if record is not None:
        if not source.text.endswith("\n"):
            source.warn(
                f"the file ends without a line break inside record {cursor.record} (from this "
                "line): its last field may be cut short; check that the file is complete",
                start,
            )
        yield start, record


def to_record(tags: dict[str, list[str]], line: int, fmt: str = "medline") -> Record:
    """Map one MEDLINE record onto the normalised record (raw tags kept)."""
    names = tags.get("FAU") or tags.get("AU") or []
    authors = [author for author in map(parse_name, names) if author is not None]
    authors.extend(Author(clean(group)) for group in tags.get("CN", ()) if clean(group))
    doi_ids = [
        value for value in tags.get("LID", []) + tags.get("AID", []) if _DOI_ID.search(value)
    ]
    issn, isbn = split_identifiers(tags.get("IS", []) + tags.get("ISBN", []))
    title = first_value(tags, "TI", "BTI", "TT")
    journal = first_value(tags, "JT", "JN", "TA")
    if not journal and first_value(tags, "TI"):
        journal = first_value(tags, "BTI", "CTI")  # a book chapter: the book is its source
    if not journal:
        journal = first_value(tags, "SO").split(". ", 1)[0]  # Ovid: "Journal. 12(3):45-67, 2019"
    # Ovid's MEDLINE exports carry the PMID as "UI" (unique identifier) or "PM".
    pmid = clean(first_value(tags, "PMID", "PM"))
    if not pmid and first_value(tags, "UI").strip().isdigit():
        pmid = clean(first_value(tags, "UI"))
    return make_record(
        line=line,
        format=fmt,
        raw=tags,
        title=title,
        abstract=first_value(tags, "AB"),
        authors=authors,
        year=first_value(tags, "DP", "YR", "DEP", "EDAT"),
        journal=journal,
        volume=first_value(tags, "VI"),
        issue=first_value(tags, "IP"),
        pages=normalise_pages(first_value(tags, "PG")),
        doi=find_doi(doi_ids),
        pmid=pmid,
        issn=issn,
        isbn=isbn,
        language=first_value(tags, "LA"),
        keywords=unique(tags.get("OT", []) + tags.get("MH", [])),
        publication_type="; ".join(unique(tags.get("PT", []))),
        url="",
        source_key=first_value(tags, "PMID", "UI", "AN"),
    )


class MedlineImporter(BaseImporter):
    """PubMed / MEDLINE tagged records (``PMID- ``…), as PubMed and Ovid write them."""

    name = "medline"
    description = "MEDLINE/PubMed tagged format (PMID- ...; .nbib, .txt, .medline)"
    extensions = (".nbib", ".txt", ".medline")
    options_schema = None

    def sniff(self, head: str) -> float:
        pmid = tagged = 0
        for line in head.split("\n", 300)[:300]:
            if line.startswith("PMID-"):
                pmid += 1
            if _tag_of(line) is not None:
                tagged += 1
            if line.startswith("TY  - "):
                return 0.0  # RIS
        if pmid and tagged >= 2:
            return 0.95
        four_letter = sum(
            1
            for line in head.split("\n", 300)[:300]
            if line[:5] in ("FAU -", "OWN -", "STAT-", "DCOM-", "JT  -", "PHST-")
        )
        if four_letter >= 2:
            return 0.7
        # Tagged records without TY lines, separated by blank lines: Ovid's MEDLINE
        # ("Medlars") export, whose records start with "<1>" and an "UI  - " line.
        return 0.6 if tagged >= 3 and ("\nUI  - " in head or "\n<1>" in head) else 0.0

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        clear_memos()
        return records_or_error(
            lex(source, cursor),
            to_record,
            self.name,
            source,
            "no MEDLINE record found: no tag lines like 'PMID- 12345678' or 'TI  - ...'. "
            "Export from PubMed with 'Save' and format 'PubMed', or choose another format",
        )


@hookimpl
def evidencekit_importers() -> list[BaseImporter]:
    return [MedlineImporter()]

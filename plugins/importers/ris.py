"""RIS importer: every flavour real databases write.

Ovid (a number line before each record, link lines after), Scopus, Web of Science RIS,
EBSCO, ProQuest, PsycINFO, Embase, PubMed and Zotero/EndNote/Mendeley exports; a last
record without ``ER``; repeated tags; continuation lines; CRLF and byte-order marks (the
latter two are handled when the file is read).

Why not rispy's parser: it cannot tell line numbers (errors must name the line), drops a
last record that lacks ``ER`` without a word, merges two records when an ``ER`` is missing
in the middle, and skips tag lines outside records silently. The line grammar is simple,
so this module lexes it itself; rispy's tag table is the reference for the field mapping
(see ``docs/importing.md``), and the tests check the two parsers agree on the shared files.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.model import Record
from evidencekit.plugins.importers._base import BaseImporter, Cursor
from evidencekit.plugins.importers._normalise import (
    clean,
    clear_memos,
    find_doi,
    make_record,
    normalise_doi,
    normalise_pages,
    parse_name,
    split_author_list,
    split_identifiers,
    split_keywords,
)
from evidencekit.plugins.importers._tagged import (
    StrayLines,
    first_value,
    iter_line_blocks,
    outside_record_error,
    records_or_error,
    unfinished_record,
    warn_missing_end,
)

#: A tag line that is not in the exact "XX  - value" form: one to three spaces before the
#: dash, or nothing after it ("ER  -").
_LOOSE_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,3}-(?: (.*)|\s*)$")
#: The standard form of a tag with an empty value: "ER  -", "AB  -".
_EMPTY_TAG = re.compile(r"([A-Z][A-Z0-9])  -()\s*$")
_STANDARD_TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ", re.M)
#: Every two-character RIS tag: a capital letter, then a capital letter or a digit.
_TAGS = frozenset(
    a + b for a in string.ascii_uppercase for b in string.ascii_uppercase + string.digits
)
_DOI_LINK = re.compile(r"doi\.org/|^\s*doi:?\s*10\.|^\s*10\.\d{3,9}/", re.I)
_PUBMED_DB = re.compile(r"pubmed|medline|\bnlm\b", re.I)
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_BOOK_TYPES = frozenset({"BOOK", "EBOOK", "EDBOOK", "WHOLE"})


def _tag_of(line: str, loose: bool = True) -> tuple[str, str] | None:
    """``(tag, value)`` when ``line`` is a RIS tag line, else None.

    ``loose`` also accepts one or three spaces before the dash. It is turned off (except
    for TY and ER) in a file whose tag lines have the standard two spaces, so that a
    continuation line such as "UK - based study" is not taken for a tag.
    """
    if line[2:6] == "  - ":
        tag = line[:2]
        if "A" <= tag[0] <= "Z" and ("A" <= tag[1] <= "Z" or "0" <= tag[1] <= "9"):
            return tag, line[6:].strip()
        return None
    if len(line) >= 4 and line[2] == " " and "A" <= line[0] <= "Z":
        # TY and ER delimit records: their loose forms are accepted in any file.
        strict = not loose and line[:2] not in ("TY", "ER")
        match = (_EMPTY_TAG if strict else _LOOSE_TAG).match(line)
        if match:
            return match.group(1), (match.group(2) or "").strip()
    return None


def _format_hint(source: Any) -> str:
    """A pointer to the right importer when a non-RIS file is read as RIS."""
    head = "\n" + source.head
    if "\nPMID-" in head:
        return " It looks like MEDLINE/PubMed format: use --format medline."
    if "\nPT " in head or "\nFN " in head:
        return " It looks like Web of Science tagged format: use --format wos."
    return ""


def _warn_after_end(source: Any, lines: list[tuple[int, str]]) -> None:
    """Warn about tag lines found between a record's ER and the next TY (Ovid's NL)."""
    for number, line in lines:
        text = line.strip()[:50]
        source.warn(f"the tag line {text!r} is outside any record; ignored", number)


def lex(source: Any, cursor: Cursor) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """Yield ``(first line, {tag: [values]})`` per record, in file order.

    A line without a tag inside a record continues the previous tag's value (joined by a
    line break). Raises RecordFormatError for a tag outside a record and for a file cut
    off inside its last record.
    """
    record: dict[str, list[str]] | None = None
    last: list[str] = []
    # Continuation lines of the current value, joined once when the value ends: joining
    # a string per line made a long value quadratic (8 MB of continuations took 224 s).
    parts: list[str] | None = None
    start = last_end = 0
    stray = StrayLines()
    after_end: list[tuple[int, str]] = []  # tag lines after an ER, before the next TY
    number = 0
    tags = _TAGS
    loose = _STANDARD_TAG_LINE.search(source.head) is None
    for block in iter_line_blocks(source.text):
        for line in block:
            number += 1
            # The common case first, with as little work as possible: this loop runs once per
            # line of the file. A tag line inside a record, neither TY nor ER.
            if line.startswith("  - ", 2) and (tag := line[:2]) in tags:
                if parts is not None:
                    last[-1] = "\n".join(parts)
                    parts = None
                if record is not None and tag != "ER" and tag != "TY":
                    values = record.get(tag)
                    if values is None:
                        record[tag] = last = [line[6:].strip()]
                    else:
                        values.append(line[6:].strip())
                        last = values
                    continue
                tagged: tuple[str, str] | None = (tag, line[6:].strip())
            elif len(line) >= 4 and line[2] == " ":
                tagged = _tag_of(line, loose)
            else:
                tagged = None
            if tagged is None and line[:2] == "ER" and not line[2:].strip(" -"):
                tagged = ("ER", "")  # "ER" alone on its line
            if record is None:
                if tagged is None:
                    if line.strip():
                        stray.add(number, line)
                    continue
                tag, value = tagged
                if tag == "TY":
                    _warn_after_end(source, after_end)
                    after_end = []
                    record = {"TY": [value]}
                    last = record["TY"]
                    start = cursor.line = number
                    cursor.record += 1
                    continue
                if tag == "ER" and not after_end:
                    stray.add(number, line)
                    continue
                if last_end and tag != "ER":
                    # A tag after a record's ER belongs to no record: Ovid PsycINFO writes
                    # "NL  - ..." there. A warning with its line once the next record starts;
                    # if an ER comes first, a record lost its TY line: an error (below).
                    after_end.append((number, line))
                    continue
                if after_end:
                    number, line = after_end[0]
                raise outside_record_error(
                    source, line, number, last_end, "RIS", "TY  - ", "." + _format_hint(source)
                )
            if tagged is None:
                text = line.strip()
                if text:
                    if parts is None:
                        parts = [last[-1]] if last[-1] else []
                    parts.append(text)
                continue
            if parts is not None:
                last[-1] = "\n".join(parts)
                parts = None
            tag, value = tagged
            if tag == "ER":
                last_end = number
                yield start, record
                record = None
                continue
            if tag == "TY":
                warn_missing_end(source, start, number, "ER", "TY")
                yield start, record
                record = {"TY": [value]}
                last = record["TY"]
                start = cursor.line = number
                cursor.record += 1
                continue
            values = record.get(tag)
            if values is None:
                record[tag] = last = [value]
            else:
                values.append(value)
                last = values
    if parts is not None:
        last[-1] = "\n".join(parts)
    _warn_after_end(source, after_end)
    stray.report(source, "RIS")
    if record is not None:
        unfinished_record(source, start, "ER  -", "RIS", cursor.record, ended=last_end > 0)
        yield start, record


def _all(tags: Mapping[str, list[str]], *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        out.extend(tags.get(name, ()))
    return out


def to_record(tags: dict[str, list[str]], line: int, fmt: str = "ris") -> Record:
    """Map one RIS record's tags onto the normalised record (raw tags kept)."""
    kind = clean(first_value(tags, "TY")).upper()
    title = first_value(tags, "TI", "T1", "CT")
    if not title and kind in _BOOK_TYPES:
        title = first_value(tags, "BT")
    if not title:
        title = first_value(tags, "ST")
    author_values = tags.get("AU") or tags.get("A1") or []
    authors = []
    for value in author_values:
        if ";" in value:
            authors.extend(split_author_list(value))
        else:
            author = parse_name(value)
            if author is not None:
                authors.append(author)
    doi = find_doi(_all(tags, "DO", "DI"))
    if not doi:
        for value in _all(tags, "L3", "M3", "UR", "L2", "L1", "N1"):
            if _DOI_LINK.search(value):
                doi = normalise_doi(value)
                if doi:
                    break
    pmid = ""
    accession = clean(first_value(tags, "AN"))
    if (
        accession.isdigit()
        and len(accession) <= 9
        and _PUBMED_DB.search(" ".join(_all(tags, "DB", "DP")))
    ):
        pmid = accession
    if not pmid:  # EBSCO (PsycINFO) notes "Accession Number: 2019-1-001. PMID: 31799775"
        for value in _all(tags, "AN", "N1"):
            match = _PMID_NOTE.search(value)
            if match:
                pmid = match.group(1)
                break
    issn, isbn = split_identifiers(_all(tags, "SN", "BN", "IB"))
    return make_record(
        line=line,
        format=fmt,
        raw=tags,
        title=title,
        abstract=first_value(tags, "AB", "N2"),
        authors=authors,
        year=first_value(tags, "PY", "Y1", "DA", "Y2"),
        journal=first_value(tags, "JF", "T2", "JO", "JA", "J2", "J1", "BT", "T3"),
        volume=first_value(tags, "VL"),
        issue=first_value(tags, "IS", "CP"),
        pages=normalise_pages(first_value(tags, "SP"), first_value(tags, "EP")),
        doi=doi,
        pmid=pmid,
        issn=issn,
        isbn=isbn,
        language=first_value(tags, "LA"),
        # EndNote writes all keywords under one KW tag, one per continuation line.
        keywords=split_keywords(tags.get("KW", ()), separators=";\n"),
        publication_type=kind,
        url=first_value(tags, "UR", "L2"),
        source_key=first_value(tags, "ID", "AN"),
    )


class RisImporter(BaseImporter):
    """RIS (``TY  - `` … ``ER  - ``) from any database or reference manager."""

    name = "ris"
    description = (
        "RIS tagged records (Ovid, Scopus, WoS, EBSCO, ProQuest, PsycINFO, Embase, "
        "PubMed, Zotero/EndNote/Mendeley)"
    )
    extensions = (".ris", ".txt", ".nbib")
    options_schema = None

    def sniff(self, head: str) -> float:
        tagged = starts = 0
        for line in head.split("\n", 400)[:400]:
            found = _tag_of(line) if len(line) >= 4 else None
            if found is not None:
                tagged += 1
                if found[0] == "TY":
                    starts += 1
            elif line.startswith("PMID- "):
                return 0.0  # MEDLINE shares the two-letter tag form but never has TY
        if starts and tagged >= 2:
            return 0.95
        return 0.4 if tagged >= 3 else 0.0

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        clear_memos()
        return records_or_error(
            lex(source, cursor),
            to_record,
            self.name,
            source,
            "no RIS record found: no line starts with 'TY  - '." + _format_hint(source),
        )


@hookimpl
def evidencekit_importers() -> list[BaseImporter]:
    return [RisImporter()]

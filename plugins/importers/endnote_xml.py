"""EndNote XML importer (``<xml><records><record>…``), as EndNote and Zotero write it.

Read with the standard library's expat parser, streamed, so each record knows its line
and a malformed or truncated file is reported at the line and column where the XML breaks.
Text inside ``<style>`` wrappers is taken as the text of the enclosing field. Document type
and entity declarations are refused: EndNote never writes them, and entity expansion is the
classic way to make an XML parser eat all memory. Raw fields are kept as
``{"titles/title": [...], "contributors/authors/author": [...], ...}`` (paths inside the
record; ``"ref-type@name"`` holds the reference type's name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from xml.parsers import expat

from evidencekit.core import hookimpl
from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Record
from evidencekit.plugins.importers._base import BaseImporter, Cursor
from evidencekit.plugins.importers._normalise import (
    clean,
    find_doi,
    make_record,
    normalise_doi,
    normalise_pages,
    parse_names,
    split_identifiers,
    unique,
)
from evidencekit.plugins.importers._tagged import first_value

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PUBMED = re.compile(r"pubmed|medline|\bnlm\b", re.I)
_CHUNK = 1 << 20
_TRANSPARENT = frozenset({"style"})
#: The deepest element nesting read. EndNote nests about 8 levels; a file nested far
#: deeper is damaged or hostile (100,000 levels took 43 s, each end tag joining its path).
MAX_DEPTH = 100


class _Refused(Exception):
    """A construct EndNote never writes and we will not expand."""


class _TooDeep(Exception):
    """Elements nested deeper than MAX_DEPTH."""


def to_record(fields: dict[str, list[str]], line: int, fmt: str = "endnote-xml") -> Record:
    """Map one EndNote XML record onto the normalised record (raw fields kept)."""
    doi = find_doi(fields.get("electronic-resource-num", ()))
    if not doi:
        for url in fields.get("urls/related-urls/url", []) + fields.get("urls/web-urls/url", []):
            if "doi.org/" in url.lower():
                doi = normalise_doi(url)
                if doi:
                    break
    accession = clean(first_value(fields, "accession-num"))
    database = " ".join(
        fields.get("remote-database-name", []) + fields.get("remote-database-provider", [])
    )
    pmid = accession if accession.isdigit() and _PUBMED.search(database) else ""
    issn, isbn = split_identifiers(fields.get("isbn", []) + fields.get("issn", []))
    return make_record(
        line=line,
        format=fmt,
        raw=fields,
        title=first_value(fields, "titles/title", "titles/short-title", "titles/translated-title"),
        abstract=first_value(fields, "abstract"),
        authors=parse_names(fields.get("contributors/authors/author", [])),
        year=first_value(fields, "dates/year", "dates/pub-dates/date"),
        journal=first_value(
            fields,
            "periodical/full-title",
            "titles/secondary-title",
            "periodical/abbr-1",
            "alt-periodical/full-title",
            "titles/alt-title",
        ),
        volume=first_value(fields, "volume"),
        issue=first_value(fields, "issue", "number"),
        pages=normalise_pages(first_value(fields, "pages")),
        doi=doi,
        pmid=pmid,
        issn=issn,
        isbn=isbn,
        language=first_value(fields, "language"),
        keywords=unique(fields.get("keywords/keyword", [])),
        publication_type=first_value(fields, "ref-type@name", "ref-type"),
        url=first_value(fields, "urls/related-urls/url", "urls/web-urls/url"),
        source_key=first_value(fields, "rec-number"),
    )


class EndnoteXmlImporter(BaseImporter):
    """EndNote XML (also Zotero's and Mendeley's "EndNote XML" exports)."""

    name = "endnote-xml"
    description = "EndNote XML (<xml><records><record>...; EndNote, Zotero, Mendeley)"
    extensions = (".xml",)
    options_schema = None

    def sniff(self, head: str) -> float:
        start = head.lstrip()[:4096]
        if not start.startswith("<"):
            return 0.0
        if "<records>" in start and "<record>" in start:
            return 0.97
        if "<records" in start or ("<xml>" in start and "<record" in head):
            return 0.6
        return 0.0

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        text = _DECLARATION.sub("", source.text, count=1)
        parser = expat.ParserCreate()
        done: list[tuple[int, dict[str, list[str]]]] = []
        state: dict[str, Any] = {"record": None, "line": 0, "depth": 0}
        stack: list[str] = []
        buffers: list[list[str]] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            state["depth"] += 1
            if state["depth"] > MAX_DEPTH:
                raise _TooDeep
            if name == "record":
                state["record"] = {}
                state["line"] = parser.CurrentLineNumber
                stack.clear()
                buffers.clear()
                return
            if state["record"] is None or name in _TRANSPARENT:
                return
            stack.append(name)
            buffers.append([])
            if name == "ref-type" and attrs.get("name"):
                state["record"].setdefault("ref-type@name", []).append(attrs["name"])

        def end(name: str) -> None:
            state["depth"] -= 1
            record = state["record"]
            if record is None or name in _TRANSPARENT:
                return
            if name == "record":
                done.append((state["line"], record))
                state["record"] = None
                return
            if not stack:
                return
            path = "/".join(stack)
            stack.pop()
            value = "".join(buffers.pop())
            if value.strip():
                record.setdefault(path, []).append(value)

        def characters(data: str) -> None:
            if buffers:
                buffers[-1].append(data)

        def refuse(*_args: Any) -> None:
            raise _Refused

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = characters
        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        parser.buffer_text = True

        found = False
        position = 0
        try:
            for offset in range(0, len(text), _CHUNK):
                parser.Parse(text[offset : offset + _CHUNK], False)
                for line, fields in done:
                    position += 1
                    found = True
                    cursor.line, cursor.record = line, position
                    yield to_record(fields, line, self.name)
                done.clear()
            parser.Parse("", True)
        except expat.ExpatError as exc:
            reason = expat.ErrorString(exc.code)
            hint = (
                "the file ends before the XML is closed: it is truncated; export it again"
                if "no element found" in reason or "unclosed token" in reason
                else "fix the XML there or export the file again"
            )
            raise RecordFormatError(
                f"the EndNote XML is malformed at column {exc.offset + 1} ({reason}); {hint}",
                file=source.display,
                line=exc.lineno,
            ) from None
        except _TooDeep:
            raise RecordFormatError(
                f"the XML nests elements more than {MAX_DEPTH} levels deep here (EndNote XML "
                "needs fewer than 10): the file is damaged or not an EndNote export; export "
                "it again",
                file=source.display,
                line=parser.CurrentLineNumber,
            ) from None
        except _Refused:
            raise RecordFormatError(
                "the XML declares a document type or entities, which EndNote XML never does "
                "(and which could expand without limit); remove the <!DOCTYPE ...> part or "
                "export the file again",
                file=source.display,
                line=parser.CurrentLineNumber,
            ) from None
        for line, fields in done:
            position += 1
            found = True
            cursor.line, cursor.record = line, position
            yield to_record(fields, line, self.name)
        if not found:
            raise RecordFormatError(
                "no <record> element found: this XML is not an EndNote XML export. In EndNote "
                "use File > Export with 'XML'; in Zotero export as 'EndNote XML'",
                file=source.display,
                line=1,
            )


@hookimpl
def evidencekit_importers() -> list[BaseImporter]:
    return [EndnoteXmlImporter()]

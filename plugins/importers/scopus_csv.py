"""Scopus CSV export: the generic table engine with Scopus's own column names first.

Scopus names its columns "Authors", "Author full names" (newer exports, with Scopus author
ids in brackets, which are dropped), "Title", "Year", "Source title", "Page start",
"Page end", "Art. No.", "DOI", "Link", "Abstract", "PubMed ID", "EID" (the record's id) and
"Source" (always "Scopus", never the journal). Older exports separate authors with commas
("Phillips J.C., Braun R."), newer ones with semicolons; both are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.model import Record
from evidencekit.plugins.importers._base import BaseImporter, Cursor
from evidencekit.plugins.importers._table import (
    TABLE_OPTIONS_SCHEMA,
    normalise_header,
    read_table,
    sniff_table,
)

#: Scopus column for each field, tried before the generic synonyms.
SCOPUS_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("Title",),
    "authors": ("Author full names", "Authors"),
    "year": ("Year",),
    "journal": ("Source title",),
    "volume": ("Volume",),
    "issue": ("Issue",),
    "page_start": ("Page start",),
    "page_end": ("Page end",),
    "article_number": ("Art. No.",),
    "doi": ("DOI",),
    "pmid": ("PubMed ID",),
    "issn": ("ISSN",),
    "isbn": ("ISBN",),
    "language": ("Language of Original Document",),
    "publication_type": ("Document Type",),
    "url": ("Link",),
    "source_key": ("EID",),
    "abstract": ("Abstract",),
}
_MARKERS = {
    normalise_header(name)
    for name in (
        "EID",
        "Source title",
        "Link",
        "Art. No.",
        "Author(s) ID",
        "Authors with affiliations",
    )
}


class ScopusCsvImporter(BaseImporter):
    """Scopus "CSV export" files."""

    name = "scopus-csv"
    description = "Scopus CSV export (Authors, Title, Year, Source title, ..., EID)"
    extensions = (".csv",)
    options_schema = TABLE_OPTIONS_SCHEMA

    def sniff(self, head: str) -> float:
        score, header = sniff_table(head)
        if score < 0.8:
            return 0.0
        names = {normalise_header(cell) for cell in header}
        hits = len(names & _MARKERS)
        if "eid" in names and hits >= 2:
            return 0.97
        if hits >= 3 or "scopus.com" in head[:20000].lower() and hits >= 2:
            return 0.9
        return 0.0

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        return read_table(
            source, options, cursor, self.name, preferred=SCOPUS_COLUMNS, required=("Title",)
        )


@hookimpl
def evidencekit_importers() -> list[BaseImporter]:
    return [ScopusCsvImporter()]

"""Generic table importer: CSV, TSV and XLSX with column-name synonyms.

Reads the exports of Embase, IEEE Xplore, SpringerLink, Lens.org, OpenAlex, Zotero, Web of
Science (tab-delimited), Scopus and the tables of screening tools (ASReview, Rayyan,
Covidence, bib-dedupe). Columns are matched to fields by the synonyms in ``_table.py``
(listed in ``docs/importing.md``); the ``columns`` option maps them by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.model import Record
from evidencekit.plugins.importers._base import BaseImporter, Cursor
from evidencekit.plugins.importers._table import TABLE_OPTIONS_SCHEMA, read_table, sniff_table


class CsvImporter(BaseImporter):
    """A table of records, one per row, with a header row naming the columns."""

    name = "csv"
    description = (
        "CSV/TSV/XLSX table with a header row (Embase, IEEE, Springer, Lens, "
        "OpenAlex, Zotero, WoS tab-delimited, screening tools)"
    )
    extensions = (".csv", ".tsv", ".tab", ".txt", ".xlsx")
    options_schema = TABLE_OPTIONS_SCHEMA

    def sniff(self, head: str) -> float:
        return sniff_table(head)[0]

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        return read_table(source, options, cursor, self.name)


@hookimpl
def evidencekit_importers() -> list[BaseImporter]:
    return [CsvImporter()]
